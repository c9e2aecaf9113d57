"""The model as code: the exported file, run without nnlab, predicts what nnlab predicts.

Tolerances: float64 networks agree to 1e-12; float32 ones to 1e-6 absolute on the softmax outputs (the
export computes in float32 like the engine, but sums in a different order — e.g. a convolution as one
tensordot instead of im2col — so the last bit or two of a float32 can differ).
"""
import ast
import subprocess
import sys

import numpy as np
import pytest

from nnlab.data.mnist import mnist_split
from nnlab.engine import LAYER_TYPES, Network, make_optimizer, mlp_spec, train
from nnlab.engine.layers import Layer
from nnlab.engine.zoo import mnist_attention_spec, mnist_cnn_spec
from nnlab.lab.export_code import CALLS, LITERAL_MAX_VALUES, network_to_python

FLOAT32_ATOL = 1e-6
FLOAT64_ATOL = 1e-12


@pytest.fixture(scope="module")
def mnist():
    return mnist_split(seed=0)


def trained(spec, mnist, n_train=600):
    """A network trained one short epoch, so its weights are no longer the initial ones."""
    x_train, y_train = mnist[0][:n_train], mnist[1][:n_train]
    net = Network(spec)
    list(train(net, x_train, y_train, epochs=1, batch_size=32, optimizer=make_optimizer("adam", lr=2e-3),
               hist_every=0))
    return net


def run_exported(source):
    """exec the source in a fresh namespace holding nothing but what the file defines itself."""
    namespace = {"__name__": "exported_model"}
    exec(compile(source, "exported_model.py", "exec"), namespace)
    return namespace


def imported_modules(source):
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module)
    return names


@pytest.mark.parametrize("name, spec", [
    ("MNIST MLP", mlp_spec([784, 128, 64, 10])),
    ("MNIST CNN", mnist_cnn_spec(seed=0)),
    ("MNIST patch attention", mnist_attention_spec(seed=0)),
])
def test_exported_file_predicts_the_test_set_like_the_engine(name, spec, mnist):
    net = trained(spec, mnist)
    x_test = mnist[2]
    source = network_to_python(net, title=name)
    assert imported_modules(source) == {"numpy"}
    exported = run_exported(source)
    expected = net.predict(x_test)
    got = exported["predict"](x_test)
    assert got.dtype == np.float32 and got.shape == expected.shape == (len(x_test), 10)
    np.testing.assert_allclose(got, expected, rtol=0, atol=FLOAT32_ATOL)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).mean() > 0.999
    # The weights were trained: an export of the untrained network would predict something else.
    assert np.abs(network_to_python_predict(Network(spec), x_test[:50]) - expected[:50]).max() > 1e-2


def network_to_python_predict(net, x):
    return run_exported(network_to_python(net))["predict"](x)


def every_layer_kind_specs():
    """float64 networks that between them use every layer type with non-default settings."""
    image = {"input_shape": [2, 9, 9], "loss": "softmax_ce", "dtype": "float64", "seed": 3, "layers": [
        {"type": "conv2d", "filters": 3, "kernel": 3, "stride": 2, "padding": "same", "activation": "tanh"},
        {"type": "avgpool2d", "size": 2, "stride": 1},
        {"type": "conv2d", "filters": 4, "kernel": 2, "activation": "leaky_relu"},
        {"type": "maxpool2d", "size": 2},
        {"type": "flatten"},
        {"type": "dropout", "rate": 0.3},
        {"type": "dense", "units": 5, "activation": "sigmoid"},
        {"type": "dense", "units": 3, "activation": "softmax"}]}
    tokens = {"input_shape": [1, 8, 8], "loss": "mse", "dtype": "float64", "seed": 4, "layers": [
        {"type": "patch_embed", "patch": 2, "dim": 6},
        {"type": "self_attention", "heads": 3, "residual": False, "activation": "tanh"},
        {"type": "layer_norm"},
        {"type": "self_attention", "heads": 2},
        {"type": "token_dense", "units": 4, "activation": "identity"},
        {"type": "token_mean_pool"},
        {"type": "dense", "units": 2, "activation": "identity"}]}
    return [image, tokens]


@pytest.mark.parametrize("spec", every_layer_kind_specs(), ids=["image", "tokens"])
def test_every_layer_kind_exports_exactly_in_float64(spec):
    net = Network(spec)
    rng = np.random.default_rng(0)
    for layer in net.layers:  # non-zero biases and norms, so that a dropped parameter shows
        for p in layer.params.values():
            p += rng.normal(0, 0.3, p.shape)
    x = rng.normal(size=(300, net.n_inputs))  # more than one chunk of the exported predict
    got = network_to_python_predict(net, x)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, net.predict(x), rtol=0, atol=FLOAT64_ATOL)


def test_the_specs_above_cover_every_registered_layer_type():
    used = {layer["type"] for spec in every_layer_kind_specs() for layer in spec["layers"]}
    assert used == set(LAYER_TYPES) == set(CALLS)


def test_exported_file_runs_in_a_python_without_nnlab(tmp_path):
    net = Network(mlp_spec([3, 4, 2], activation="tanh", dtype="float64", seed=5))
    x = np.random.default_rng(1).normal(size=(7, 3))
    (tmp_path / "model.py").write_text(network_to_python(net), encoding="utf-8")
    np.save(tmp_path / "x.npy", x)
    script = ("import sys; sys.modules['nnlab'] = None; import numpy as np, importlib.util as u; "
              "spec = u.spec_from_file_location('model', 'model.py'); model = u.module_from_spec(spec); "
              "spec.loader.exec_module(model); np.save('y.npy', model.predict(np.load('x.npy')))")
    # -I: isolated mode, so neither PYTHONPATH nor the current checkout can provide nnlab, and a None entry
    # in sys.modules makes any `import nnlab` fail even where nnlab is pip-installed (CI's editable install).
    done = subprocess.run([sys.executable, "-I", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), net.predict(x), rtol=0, atol=FLOAT64_ATOL)


def test_small_arrays_are_literal_numbers_and_large_ones_exact_bytes():
    net = Network(mlp_spec([2, 3, 40], output="softmax", dtype="float32", seed=2))
    net.set_params(0, b=[0.1, -2.5, 1e-30])
    source = network_to_python(net)
    assert "L1_b = np.array([0.1, -2.5, 1e-30], dtype=DTYPE)" in source
    assert net.layers[1].params["W"].size > LITERAL_MAX_VALUES
    assert "L2_W = weights(" in source
    exported = run_exported(source)
    for i, layer in enumerate(net.layers, start=1):
        for name, value in layer.params.items():
            np.testing.assert_array_equal(exported[f"L{i}_{name}"], value)  # bit for bit
            assert exported[f"L{i}_{name}"].dtype == np.float32


def test_the_file_reads_as_the_network_with_formulas():
    net = Network(mnist_cnn_spec(seed=0))
    source = network_to_python(net, title="My CNN")
    assert source.startswith('"""My CNN — a neural network exported from nnlab')
    forward = source[source.index("def forward(x):"):source.index("def predict(x):")]
    assert forward.splitlines()[1:8] == [
        "    x = relu(conv2d(x, L1_W, L1_b, stride=1, pads=(0, 0, 0, 0)))  # L1 conv2d -> (16, 26, 26)",
        "    x = maxpool2d(x, size=2, stride=2)  # L2 maxpool2d -> (16, 13, 13)",
        "    x = relu(conv2d(x, L3_W, L3_b, stride=1, pads=(0, 0, 0, 0)))  # L3 conv2d -> (32, 11, 11)",
        "    x = maxpool2d(x, size=2, stride=2)  # L4 maxpool2d -> (32, 5, 5)",
        "    x = flatten(x)  # L5 flatten -> (800,)",
        "    x = relu(dense(x, L6_W, L6_b))  # L6 dense -> (64,)",
        "    x = softmax(dense(x, L7_W, L7_b))  # L7 dense -> (10,)",
    ]
    assert "    # z = x·W + b" in source and "total 56,714 parameters" in source
    # Only the functions this network uses are written out.
    assert "def conv2d(" in source and "def self_attention(" not in source and "def sigmoid(" not in source


def test_a_title_cannot_break_out_of_the_docstring():
    net = Network(mlp_spec([2, 2], output="softmax", seed=0))
    source = network_to_python(net, title='Mine"""\nimport os\\')
    assert source.startswith('"""Mine\'\'\' import os/ — a neural network')
    assert imported_modules(source) == {"numpy"}
    run_exported(source)


def test_a_layer_type_the_export_cannot_write_is_named(monkeypatch):
    class Mystery(Layer):
        kind = "mystery"

    monkeypatch.setitem(LAYER_TYPES, "mystery", Mystery)
    net = Network({"input_shape": [4], "loss": "mse", "layers": [
        {"type": "dense", "units": 3, "activation": "relu"}, {"type": "mystery"}]})
    with pytest.raises(ValueError, match=r"layer 'L2 mystery' has type 'mystery', which the code export "
                                         r"cannot write; it writes dense, token_dense"):
        network_to_python(net)
