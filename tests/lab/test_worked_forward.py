"""Each layer kind's formula, and one unit of every layer worked out, against independent computations."""
import numpy as np
import pytest

from nnlab.engine import LAYER_TYPES, Network, mlp_spec
from nnlab.engine.zoo import mnist_attention_spec, mnist_cnn_spec
from nnlab.lab.worked_forward import LAYER_FORMULAS, layer_formula, worked_unit

PRESETS = {"mlp": mlp_spec([784, 32, 10]), "cnn": mnist_cnn_spec(), "attention": mnist_attention_spec(dim=16)}


def _float64(spec, dtype="float64"):
    return Network({**spec, "dtype": dtype, "seed": 1})


def test_every_layer_type_has_its_own_formula():
    assert set(LAYER_FORMULAS) == set(LAYER_TYPES)
    formulas = [formula for formula, _ in LAYER_FORMULAS.values()]
    assert len(set(formulas)) == len(formulas)
    assert r"\max" in LAYER_FORMULAS["maxpool2d"][0] and "W_{f,c,u,v}" in LAYER_FORMULAS["conv2d"][0]


def test_layer_formula_names_the_activation_and_the_residual():
    net = _float64(PRESETS["attention"])
    assert layer_formula(net, 4).activation_formula == r"f(z)=\max(0,z)"
    assert layer_formula(net, 0).activation is None
    assert "+ x," in layer_formula(net, 2).formula
    spec = mnist_attention_spec(dim=16)
    spec["layers"][2]["residual"] = False
    assert "+ x," not in layer_formula(_float64(spec), 2).formula


@pytest.mark.parametrize("dtype,rel", [("float64", 1e-10), ("float32", 1e-4)])
@pytest.mark.parametrize("name", list(PRESETS))
def test_a_unit_of_every_layer_reproduces_the_trace(name, dtype, rel):
    net = _float64(PRESETS[name], dtype)
    x = np.random.default_rng(0).random((1, 784))
    trace = net.forward_trace(x)
    for layer, tr in enumerate(trace):
        for unit in [tuple(s // 2 for s in tr.a.shape[1:]), tuple(s - 1 for s in tr.a.shape[1:])]:
            worked = worked_unit(net, trace, layer, unit)
            assert worked.value == tr.a[(0, *unit)]
            target = worked.z if worked.z is not None else worked.value
            assert worked.reproduced == pytest.approx(target, rel=rel, abs=rel * 1e-2), (tr.kind, unit)
            assert worked.lines and worked.formula == LAYER_FORMULAS[tr.kind][0]


def test_dense_unit_against_a_hand_sum():
    net = _float64(PRESETS["mlp"])
    x = np.random.default_rng(1).random(784)
    worked = worked_unit(net, net.forward_trace(x), 0, 7)
    W, b = net.layers[0].params["W"], net.layers[0].params["b"]
    assert worked.reproduced == pytest.approx(sum(x[k] * W[k, 7] for k in range(784)) + b[7], rel=1e-12)
    assert worked.terms.n_terms == 784 and worked.terms.n_more == 784 - len(worked.terms.terms)


def test_layer_norm_patch_embed_flatten_and_mean_pool_by_hand():
    net = _float64(PRESETS["attention"])
    x = np.random.default_rng(2).random(784)
    trace = net.forward_trace(x)
    image = x.reshape(28, 28)
    # patch 9 of a 7×7 grid of 4×4 patches: grid row 1, column 2
    p = net.layers[0].params
    patch = image[4:8, 8:12].ravel()
    assert worked_unit(net, trace, 0, (9, 3)).reproduced == pytest.approx(
        patch @ p["W"][:, 3] + p["b"][3] + p["pos"][9, 3], rel=1e-12)
    tokens = trace[0].a[0]
    row = tokens[9]
    gamma, beta = net.layers[1].params["gamma"], net.layers[1].params["beta"]
    expected = gamma[3] * (row[3] - row.mean()) / np.sqrt(row.var() + 1e-5) + beta[3]
    assert worked_unit(net, trace, 1, (9, 3)).reproduced == pytest.approx(expected, rel=1e-10)
    pooled = worked_unit(net, trace, 5, (4,))
    assert pooled.reproduced == pytest.approx(trace[4].a[0, :, 4].mean(), rel=1e-12)
    assert pooled.terms.n_terms == 49

    cnn = _float64(PRESETS["cnn"])
    ctrace = cnn.forward_trace(x)
    flat = worked_unit(cnn, ctrace, 4, 5 * 25 + 2 * 5 + 3)  # channel 5, row 2, column 3 of (32, 5, 5)
    assert flat.reproduced == ctrace[3].a[0, 5, 2, 3]
    assert "x_{5,2,3}" in flat.lines[0]


def test_units_outside_the_output_are_refused():
    net = _float64(PRESETS["mlp"])
    trace = net.forward_trace(np.zeros(784))
    with pytest.raises(ValueError, match=r"shape \(32,\)"):
        worked_unit(net, trace, 0, 32)
    with pytest.raises(ValueError, match="layers 0…1"):
        worked_unit(net, trace, 2, 0)
