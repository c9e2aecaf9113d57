"""Layers, initialisers and the network container: shapes, caches, values by hand."""
import numpy as np
import pytest

from nnlab.engine import INITIALIZERS, LAYER_TYPES, Network, mlp_spec
from nnlab.engine.initializers import initialize
from nnlab.engine.layer_types import layer_from_config
from nnlab.engine.layers import Dense, Dropout


def built(layer, n_in, dtype=np.float64, init="xavier", seed=0):
    layer.build((n_in,), np.random.default_rng(seed), np.dtype(dtype), init, 0.01)
    return layer


def test_dense_forward_and_backward_by_hand():
    layer = built(Dense(2, "sigmoid"), 3)
    assert layer.params["W"].shape == (3, 2) and layer.params["b"].shape == (2,)
    W = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
    b = np.array([0.05, -0.05])
    layer.params["W"][...], layer.params["b"][...] = W, b
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])
    a = layer.forward(x)
    z = x @ W + b
    np.testing.assert_allclose(layer.z, z, rtol=1e-15)
    np.testing.assert_allclose(a, 1 / (1 + np.exp(-z)), rtol=1e-15)
    g = np.array([[1.0, -1.0], [0.5, 2.0]])
    grad_x = layer.backward(g)
    delta = g * a * (1 - a)
    np.testing.assert_allclose(layer.delta, delta, rtol=1e-14)
    np.testing.assert_allclose(layer.grad["W"], x.T @ delta, rtol=1e-14)
    np.testing.assert_allclose(layer.grad["b"], delta.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(grad_x, delta @ W.T, rtol=1e-14)
    assert layer.backward(g, need_input_grad=False) is None
    assert layer.n_params == 8


def test_dense_keeps_dtype_and_config_round_trips():
    layer = built(Dense(4, "tanh", init="he"), 5, dtype=np.float32)
    assert layer.params["W"].dtype == np.float32 and layer.params["b"].dtype == np.float32
    assert layer.forward(np.ones((2, 5), dtype=np.float32)).dtype == np.float32
    cfg = layer.config()
    assert cfg == {"type": "dense", "units": 4, "activation": "tanh", "init": "he"}
    assert layer_from_config(cfg).config() == cfg


def test_dropout_inverted_scaling_and_backward():
    layer = built(Dropout(0.25), 1000, seed=3)
    x = np.ones((50, 1000))
    assert layer.forward(x, training=False) is x  # inference: untouched
    out = layer.forward(x, training=True)
    kept = out != 0
    assert abs(kept.mean() - 0.75) < 0.01
    np.testing.assert_allclose(out[kept], 1 / 0.75)  # survivors scaled so the expectation stays 1
    assert abs(out.mean() - 1.0) < 0.02
    g = np.arange(50_000, dtype=float).reshape(50, 1000)
    np.testing.assert_array_equal(layer.backward(g), g * out)  # same mask on the way back
    assert layer.config() == {"type": "dropout", "rate": 0.25} and layer.n_params == 0
    zero = built(Dropout(0.0), 4)
    np.testing.assert_array_equal(zero.forward(x[:, :4], training=True), x[:, :4])  # rate 0: nothing dropped


def test_dropout_masks_differ_between_steps_but_not_between_seeded_networks():
    def net():
        return Network({"input_shape": [20], "layers": [{"type": "dropout", "rate": 0.5},
                                                        {"type": "dense", "units": 3, "activation": "softmax"}],
                        "seed": 7, "dtype": "float64"})
    a, b = net(), net()
    x = np.ones((4, 20))
    first = a.forward(x, training=True)
    np.testing.assert_array_equal(first, b.forward(x, training=True))
    assert not np.array_equal(first, a.forward(x, training=True))


def test_initializers_are_seeded_and_scaled():
    assert set(INITIALIZERS) == {"zeros", "normal", "xavier", "he"}
    shape, fan_in, fan_out = (400, 300), 400, 300
    draws = {name: initialize(name, shape, fan_in, fan_out, np.random.default_rng(0), sigma=0.05)
             for name in INITIALIZERS}
    assert not draws["zeros"].any()
    assert draws["normal"].std() == pytest.approx(0.05, rel=0.02)
    limit = np.sqrt(6 / (fan_in + fan_out))
    assert np.abs(draws["xavier"]).max() <= limit and np.abs(draws["xavier"]).max() > 0.99 * limit
    assert draws["xavier"].std() == pytest.approx(limit / np.sqrt(3), rel=0.02)
    assert draws["he"].std() == pytest.approx(np.sqrt(2 / fan_in), rel=0.02)
    again = initialize("he", shape, fan_in, fan_out, np.random.default_rng(0))
    np.testing.assert_array_equal(again, draws["he"])
    assert all(d.dtype == np.float32 for d in draws.values())
    with pytest.raises(ValueError, match="init='glorot'"):
        initialize("glorot", shape, fan_in, fan_out, np.random.default_rng(0))


def test_layer_registry_and_unknown_types():
    assert LAYER_TYPES["dense"] is Dense and LAYER_TYPES["dropout"] is Dropout
    with pytest.raises(ValueError, match="type='lstm'"):
        layer_from_config({"type": "lstm", "units": 3})
    with pytest.raises(ValueError, match="bad settings"):
        layer_from_config({"type": "dense", "units": 3, "colour": "red"})


def test_network_counts_summary_and_names():
    net = Network(mlp_spec([784, 128, 64, 10], seed=0))
    assert net.n_params == 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10 == 109_386
    assert net.n_inputs == 784 and net.n_outputs == 10
    assert [layer.name for layer in net.layers] == ["L1 dense", "L2 dense", "L3 dense"]
    rows = net.summary()
    assert [r["parameters"] for r in rows] == [100_480, 8_256, 650]
    assert [r["activation"] for r in rows] == ["relu", "relu", "softmax"]
    assert rows[0]["output shape"] == (128,)
    assert net.param_layers() == net.layers


def test_get_and_set_params_are_copies_and_checked():
    net = Network(mlp_spec([3, 4, 2], seed=0))
    got = net.get_params(0)
    got["W"][...] = 99
    assert not (net.layers[0].params["W"] == 99).any()
    net.set_params(0, b=[1, 2, 3, 4])
    np.testing.assert_array_equal(net.layers[0].params["b"], [1, 2, 3, 4])
    assert net.layers[0].params["b"].dtype == np.float32
    with pytest.raises(ValueError, match=r"\(3,\) given, \(4,\) expected"):
        net.set_params(0, b=[1, 2, 3])
    with pytest.raises(ValueError, match="no parameter 'gamma'"):
        net.set_params(0, gamma=[1])


def test_forward_trace_chains_layers_and_copies():
    spec = mlp_spec([3, 4, 2], activation="tanh", seed=0, dtype="float64")
    spec["layers"].insert(1, {"type": "dropout", "rate": 0.5})
    net = Network(spec)
    x = np.random.default_rng(0).normal(size=(5, 3))
    traces = net.forward_trace(x)
    assert [t.kind for t in traces] == ["dense", "dropout", "dense"]
    assert [t.index for t in traces] == [0, 1, 2]
    np.testing.assert_array_equal(traces[0].input, x)
    np.testing.assert_array_equal(traces[1].input, traces[0].a)
    np.testing.assert_array_equal(traces[1].a, traces[0].a)  # dropout is the identity at inference
    assert traces[1].activation is None and traces[1].params == {}
    np.testing.assert_array_equal(traces[2].input, traces[1].a)
    np.testing.assert_array_equal(traces[-1].a, net.predict(x))
    W = net.layers[0].params["W"]
    np.testing.assert_allclose(traces[0].z, x @ W + net.layers[0].params["b"], rtol=1e-15)
    traces[0].params["W"][...] = 0  # copies: changing a trace never changes the network
    assert W.any()
    np.testing.assert_allclose(traces[2].a.sum(axis=1), 1.0)


def test_backward_trace_covers_every_layer():
    spec = mlp_spec([3, 4, 2], activation="relu", seed=0, dtype="float64")
    spec["layers"].insert(1, {"type": "dropout", "rate": 0.5})
    net = Network(spec)
    rng = np.random.default_rng(1)
    x, t = rng.normal(size=(5, 3)), np.eye(2)[[0, 1, 1, 0, 1]]
    bt = net.backward_trace(x, t)
    assert [g.index for g in bt.layers] == [0, 1, 2]
    p = net.predict(x)
    assert bt.loss == pytest.approx(-np.sum(t * np.log(p)) / 5, rel=1e-12)
    np.testing.assert_allclose(bt.layers[2].delta, (p - t) / 5, rtol=1e-12)  # softmax-CE fused δ
    assert bt.layers[1].grads == {}
    np.testing.assert_array_equal(bt.layers[1].delta, bt.layers[2].grad_input)
    np.testing.assert_array_equal(bt.layers[0].delta,
                                  bt.layers[1].grad_input * (bt.forward[0].z > 0))
    assert bt.layers[0].grad_input.shape == x.shape


def test_predict_in_chunks_equals_one_forward():
    net = Network(mlp_spec([6, 8, 3], seed=0, dtype="float64"))
    x = np.random.default_rng(0).normal(size=(5000, 6))
    np.testing.assert_allclose(net.predict(x), net.forward(x), rtol=1e-14)
    assert net.predict(x[0]).shape == (1, 3)  # a single sample, given flat
