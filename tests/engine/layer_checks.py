"""Shared float64 gradient checks and a small CNN for the layer tests."""
import numpy as np

from nnlab.engine import Network, gradient_check


def small_cnn_spec(seed=0, dtype="float32"):
    """conv 3×3 (1→8) + ReLU + max-pool 2 → conv 3×3 (8→16) + ReLU + max-pool 2 → dense 400→10 (softmax),
    on 28×28 images: every conv-layer path of a real model, small enough for quick tests."""
    return {"input_shape": [1, 28, 28], "loss": "softmax_ce", "init": "he", "seed": seed, "dtype": dtype,
            "layers": [{"type": "conv2d", "filters": 8, "kernel": 3, "activation": "relu"},
                       {"type": "maxpool2d", "size": 2},
                       {"type": "conv2d", "filters": 16, "kernel": 3, "activation": "relu"},
                       {"type": "maxpool2d", "size": 2},
                       {"type": "flatten"},
                       {"type": "dense", "units": 10, "activation": "softmax"}]}


def float64_net(layers, head, input_shape, seed=1):
    """``layers`` followed by a small classification ``head``, in float64 for finite differences."""
    return Network({"input_shape": list(input_shape), "layers": layers + head, "dtype": "float64",
                    "seed": seed})


def assert_param_gradients(net, n=3, seed=0):
    """Every parameter entry of every layer: backprop against central differences, rel. error < 1e-6."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, net.n_inputs))
    t = np.eye(net.n_outputs)[rng.integers(0, net.n_outputs, n)]
    rows = gradient_check(net, x, t, eps=1e-5)
    assert {r["layer"] for r in rows} == {layer.name for layer in net.param_layers()}
    for r in rows:
        if max(abs(r["analytic"]), abs(r["numeric"])) < 1e-8:  # an exact zero: compare absolutely
            assert abs(r["analytic"] - r["numeric"]) < 1e-10, r
        else:
            assert r["rel_error"] < 1e-6, r
    return rows


def built(layer, input_shape, seed=0):
    layer.build(input_shape, np.random.default_rng(seed), np.dtype("float64"), "he", 0.01)
    return layer


def assert_input_gradient(layer, x, seed=0, eps=1e-5):
    """∂(Σ out·g)/∂x from backward against central differences on every input entry."""
    g = np.random.default_rng(seed).normal(size=(x.shape[0],) + layer.output_shape)
    layer.forward(x)
    analytic = layer.backward(g)
    assert analytic.shape == x.shape
    numeric = np.zeros_like(x)
    flat, out = x.reshape(-1), numeric.reshape(-1)
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + eps
        plus = np.sum(layer.forward(x) * g)
        flat[j] = old - eps
        minus = np.sum(layer.forward(x) * g)
        flat[j] = old
        out[j] = (plus - minus) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-10)
