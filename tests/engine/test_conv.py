"""Convolution, pooling and flatten: gradient checks in float64, known values, shapes, traces,
validation, save/load, and the training-mode scratch buffers."""
import numpy as np
import pytest

from nnlab.engine import (ErrorRecord, Network, StepRecord, load_model, make_optimizer,
                          model_to_bytes, train)
from nnlab.engine.conv import AvgPool2D, Conv2D, MaxPool2D, conv_padding, is_batch_last
from nnlab.engine.layers import Flatten
from tests.engine import layer_checks as checks
from tests.engine.layer_checks import assert_input_gradient, assert_param_gradients, built, small_cnn_spec

HEAD = [{"type": "flatten"}, {"type": "dense", "units": 3, "activation": "softmax"}]


def float64_net(layers, input_shape, seed=1):
    return checks.float64_net(layers, HEAD, input_shape, seed)


CONV_CASES = [  # (input shape, filters, kernel, stride, padding)
    ((2, 6, 7), 3, 3, 1, "valid"),
    ((2, 6, 7), 3, 3, 1, "same"),
    ((2, 7, 6), 2, 3, 2, "same"),
    ((3, 6, 6), 2, 2, 2, "valid"),
    ((1, 5, 5), 2, 2, 1, "same"),  # even kernel: the odd padding pixel goes after
    ((2, 8, 7), 2, 3, 3, "valid"),
    ((2, 4, 5), 3, 1, 1, "valid"),
]


@pytest.mark.parametrize("shape, filters, kernel, stride, padding", CONV_CASES)
def test_conv_gradients(shape, filters, kernel, stride, padding):
    conv = {"type": "conv2d", "filters": filters, "kernel": kernel, "stride": stride, "padding": padding,
            "activation": "tanh"}
    # A second conv after the first checks the first one's input gradient through its parameters.
    second = {"type": "conv2d", "filters": 2, "kernel": 2, "activation": "tanh"}
    assert_param_gradients(float64_net([conv, second], shape))


@pytest.mark.parametrize("shape, filters, kernel, stride, padding", CONV_CASES)
def test_conv_input_gradient(shape, filters, kernel, stride, padding):
    layer = built(Conv2D(filters, kernel, stride, padding, activation="tanh"), shape)
    x = np.random.default_rng(3).normal(size=(2,) + shape)
    assert_input_gradient(layer, x)


POOL_CASES = [(2, None), (3, 2), (2, 1), (3, None), (2, 3)]


@pytest.mark.parametrize("pool", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("size, stride", POOL_CASES)
def test_pool_gradients(pool, size, stride):
    layers = [{"type": "conv2d", "filters": 2, "kernel": 2, "activation": "tanh"},
              {"type": pool.kind, "size": size, "stride": stride}]
    assert_param_gradients(float64_net(layers, (2, 7, 8)))
    layer = built(pool(size, stride), (2, 7, 8))
    assert_input_gradient(layer, np.random.default_rng(4).normal(size=(2, 2, 7, 8)))


def test_flatten_gradient_and_order():
    layer = built(Flatten(), (2, 3, 4))
    x = np.random.default_rng(0).normal(size=(2, 2, 3, 4))
    assert_input_gradient(layer, x)
    np.testing.assert_array_equal(layer.forward(x)[1], x[1].ravel())  # C order: channel, row, column


def test_conv_known_values_valid():
    layer = built(Conv2D(1, kernel=2, activation="identity"), (1, 4, 4))
    layer.params["W"][...] = 1.0
    layer.params["b"][...] = 0.5
    out = layer.forward(np.arange(16.0).reshape(1, 1, 4, 4))
    # each output is the sum of a 2×2 block of 0..15 laid out row by row, plus the bias
    np.testing.assert_array_equal(out[0, 0], [[10.5, 14.5, 18.5], [26.5, 30.5, 34.5], [42.5, 46.5, 50.5]])


def test_conv_known_values_same_stride_2():
    layer = built(Conv2D(1, kernel=3, stride=2, padding="same", activation="identity"), (1, 4, 4))
    layer.params["W"][...] = 1.0
    out = layer.forward(np.arange(16.0).reshape(1, 1, 4, 4))
    # out = ⌈4/2⌉ = 2; one padding row/column, added after (bottom/right), as TensorFlow does
    np.testing.assert_array_equal(out[0, 0], [[45, 39], [66, 50]])


def test_conv_filters_see_every_channel():
    layer = built(Conv2D(2, kernel=1, activation="identity"), (3, 2, 2))
    layer.params["W"][...] = np.array([[1.0, 10.0, 100.0], [0.0, 0.0, -1.0]]).reshape(2, 3, 1, 1)
    x = np.stack([np.full((2, 2), 1.0), np.full((2, 2), 2.0), np.full((2, 2), 3.0)])[None]
    out = layer.forward(x)
    np.testing.assert_array_equal(out[0, 0], np.full((2, 2), 321.0))
    np.testing.assert_array_equal(out[0, 1], np.full((2, 2), -3.0))


@pytest.mark.parametrize("size, kernel, stride, padding, expected", [
    (28, 3, 1, "valid", (0, 0, 26)), (28, 3, 1, "same", (1, 1, 28)), (28, 3, 2, "same", (0, 1, 14)),
    (7, 2, 1, "same", (0, 1, 7)), (5, 5, 1, "same", (2, 2, 5)), (9, 3, 2, "valid", (0, 0, 4)),
])
def test_conv_padding(size, kernel, stride, padding, expected):
    assert conv_padding(size, kernel, stride, padding) == expected


def test_maxpool_known_values_and_first_max_rule():
    layer = built(MaxPool2D(2), (1, 4, 5))  # the 5th column is dropped, as in PyTorch
    x = np.array([[1, 3, 2, 0, 9],
                  [4, 2, 0, 5, 9],
                  [0, 5, 7, 7, 9],
                  [5, 0, 7, 7, 9]], dtype=float)[None, None]
    out = layer.forward(x)
    np.testing.assert_array_equal(out[0, 0], [[4, 5], [5, 7]])
    dx = layer.backward(np.array([[10.0, 20.0], [30.0, 40.0]])[None, None])
    expected = np.zeros((4, 5))
    expected[1, 0], expected[1, 3] = 10, 20
    expected[2, 1] = 30  # tie 5 at (2,1) and (3,0): the first in row-major order wins
    expected[2, 2] = 40  # four-way tie of 7s: the top-left one wins
    np.testing.assert_array_equal(dx[0, 0], expected)


def test_avgpool_known_values():
    layer = built(AvgPool2D(2), (1, 2, 4))
    out = layer.forward(np.array([[1.0, 3, 2, 2], [5, 7, 0, 4]])[None, None])
    np.testing.assert_array_equal(out[0, 0], [[4.0, 2.0]])
    dx = layer.backward(np.array([[4.0, 8.0]])[None, None])
    np.testing.assert_array_equal(dx[0, 0], [[1, 1, 2, 2], [1, 1, 2, 2]])


def _batch_last(x):
    return np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)


@pytest.mark.parametrize("layer", [Conv2D(3, 3, padding="same"), Conv2D(2, 3, stride=2), MaxPool2D(2),
                                   MaxPool2D(3, 2), AvgPool2D(2), AvgPool2D(2, 1)], ids=repr)
def test_layout_changes_no_number(layer):
    """Convolutions store their outputs batch last, (C, H, W, n), and pools keep their input's layout
    (what makes both fast); every output and gradient is the same bit for bit whichever layout the input
    and the incoming gradient have. Small integers give the max pools ties to break."""
    built(layer, (2, 7, 6))
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, (5, 2, 7, 6)).astype(float)
    g = rng.integers(-2, 3, (5,) + layer.output_shape).astype(float)
    runs = []
    for xi, gi in ((x, g), (_batch_last(x), _batch_last(g)), (_batch_last(x), g)):
        out = layer.forward(xi, training=True).copy(order="K")
        dx = layer.backward(gi)
        runs.append((out, dx, {k: v.copy() for k, v in layer.grad.items()}))
        if is_batch_last(xi) or layer.kind == "conv2d":
            assert is_batch_last(out) and is_batch_last(dx)
    for out, dx, grads in runs[1:]:
        np.testing.assert_array_equal(out, runs[0][0])
        np.testing.assert_array_equal(dx, runs[0][1])
        for name in grads:
            np.testing.assert_array_equal(grads[name], runs[0][2][name])


def test_small_cnn_shapes_and_parameter_count():
    net = Network(small_cnn_spec())
    shapes = [row["output shape"] for row in net.summary()]
    assert shapes == [(8, 26, 26), (8, 13, 13), (16, 11, 11), (16, 5, 5), (400,), (10,)]
    assert net.n_params == (8 * 9 + 8) + (16 * 8 * 9 + 16) + (400 * 10 + 10)
    assert net.layers[0].params["W"].shape == (8, 1, 3, 3)
    assert net.layers[0].params["W"].dtype == np.float32


def test_traces_carry_feature_maps():
    net = Network(small_cnn_spec())
    x = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    fwd = net.forward_trace(x)
    assert fwd[0].input.shape == (5, 1, 28, 28)
    assert fwd[0].z.shape == fwd[0].a.shape == (5, 8, 26, 26)
    assert fwd[0].activation == "relu"
    np.testing.assert_array_equal(fwd[0].a, np.maximum(fwd[0].z, 0))
    assert fwd[1].a.shape == (5, 8, 13, 13)
    assert fwd[2].a.shape == (5, 16, 11, 11)
    assert fwd[3].a.shape == (5, 16, 5, 5)
    assert fwd[4].a.shape == (5, 400)
    np.testing.assert_array_equal(fwd[4].a, fwd[3].a.reshape(5, -1))
    back = net.backward_trace(x, np.eye(10)[np.arange(5)])
    conv1, pool1 = back.layers[0], back.layers[1]
    assert conv1.delta.shape == (5, 8, 26, 26)
    assert conv1.grads["W"].shape == (8, 1, 3, 3) and conv1.grads["b"].shape == (8,)
    assert conv1.grad_input.shape == (5, 1, 28, 28)
    assert pool1.grad_input.shape == (5, 8, 26, 26)
    # δ of the first conv is ∂L/∂a (the pool's input gradient) times relu'(z)
    np.testing.assert_allclose(conv1.delta, pool1.grad_input * (fwd[0].z > 0))


def test_training_mode_matches_inference_and_keeps_no_aliases():
    """Training reuses scratch buffers; outputs and gradients must not depend on it or share it."""
    spec = {**small_cnn_spec(), "layers": [
        {"type": "conv2d", "filters": 3, "kernel": 3, "padding": "same", "activation": "relu"},
        {"type": "maxpool2d", "size": 2},
        {"type": "conv2d", "filters": 4, "kernel": 3, "stride": 2, "activation": "tanh"},
        {"type": "avgpool2d", "size": 2}] + HEAD}
    net, fresh = Network(spec), Network(spec)
    rng = np.random.default_rng(0)
    xa, xb = rng.random((4, 784), dtype=np.float32), rng.random((4, 784), dtype=np.float32)
    ta, tb = np.eye(3, dtype=np.float32)[[0, 1, 2, 0]], np.eye(3, dtype=np.float32)[[2, 2, 1, 0]]
    out_a = net.forward(xa, training=True)
    kept = out_a.copy()
    net.backward(out_a, ta)
    out_b = net.forward(xb, training=True)
    np.testing.assert_array_equal(out_a, kept)  # the earlier output was not overwritten
    grad_x = net.backward(out_b, tb)
    ref_out = fresh.forward(xb)
    ref_grad = fresh.backward(ref_out, tb)
    np.testing.assert_allclose(out_b, ref_out, rtol=1e-6)
    np.testing.assert_allclose(grad_x, ref_grad, rtol=1e-5, atol=1e-7)
    for layer, ref in zip(net.param_layers(), fresh.param_layers()):
        for name in layer.grad:
            np.testing.assert_allclose(layer.grad[name], ref.grad[name], rtol=1e-5, atol=1e-7)
            assert layer.grad[name].dtype == np.float32


def test_trainer_records_conv_statistics():
    net = Network(small_cnn_spec())
    rng = np.random.default_rng(0)
    x, y = rng.random((128, 784), dtype=np.float32), rng.integers(0, 10, 128)
    records = list(train(net, x, y, epochs=1, batch_size=64, optimizer=make_optimizer("sgd", lr=0.1),
                         hist_every=1))
    assert not any(isinstance(r, ErrorRecord) for r in records)
    step = next(r for r in records if isinstance(r, StepRecord))
    conv = step.layers["L1 conv2d"]
    assert conv["grad_norm"] > 0 and conv["weight_norm"] > 0 and 0 < conv["update_ratio"] < 1
    assert set(step.histograms) == {"L1 conv2d", "L3 conv2d", "L6 dense"}


def test_conv_activation_statistics_equal_a_hand_count():
    """The statistics of a convolution's activations (stored batch last) count per unit = (channel, row,
    column) over the batch, as for a dense layer; checked against a count on a C-order float64 copy."""
    net = Network({**small_cnn_spec(), "dtype": "float64"})
    rng = np.random.default_rng(0)
    x, y = rng.random((16, 784)), rng.integers(0, 10, 16)
    conv = net.layers[0]
    conv.params["b"][:2] = -50.0  # two of the eight channels never fire: at least a quarter of the units dead
    W, b = conv.params["W"].copy(), conv.params["b"].copy()
    rec = next(train(net, x, y, epochs=1, batch_size=16, optimizer=make_optimizer("sgd", lr=1e-3)))
    img = x.reshape(16, 28, 28)
    windows = np.lib.stride_tricks.sliding_window_view(img, (3, 3), axis=(1, 2))  # (16, 26, 26, 3, 3)
    a = np.maximum(np.einsum("nhwij,fij->nfhw", windows, W[:, 0]) + b[:, None, None], 0).reshape(16, -1)
    stats = rec.layers["L1 conv2d"]
    assert stats["dead_frac"] == np.mean(np.all(a <= 0, axis=0)) and stats["dead_frac"] >= 0.25
    assert stats["act_mean"] == pytest.approx(a.mean(), rel=1e-12)
    assert stats["act_std"] == pytest.approx(a.std(), rel=1e-9)


def test_save_load_round_trip():
    spec = {**small_cnn_spec(seed=3), "layers": [
        {"type": "conv2d", "filters": 2, "kernel": 3, "stride": 2, "padding": "same", "activation": "tanh",
         "init": "xavier"},
        {"type": "avgpool2d", "size": 3, "stride": 2},
        {"type": "maxpool2d", "size": 2, "stride": 1}] + HEAD}
    net = Network(spec)
    back = load_model(model_to_bytes(net))
    assert back.spec["layers"] == net.spec["layers"]
    assert back.spec["layers"][0] == {"type": "conv2d", "filters": 2, "kernel": 3, "stride": 2,
                                      "padding": "same", "activation": "tanh", "init": "xavier"}
    x = np.random.default_rng(1).random((3, 784), dtype=np.float32)
    np.testing.assert_array_equal(back.predict(x), net.predict(x))


@pytest.mark.parametrize("layers, input_shape, message", [
    ([{"type": "conv2d", "filters": 2, "padding": "full"}], [1, 8, 8], "padding='full'"),
    ([{"type": "conv2d", "filters": 0}], [1, 8, 8], "filters=0"),
    ([{"type": "conv2d", "filters": 2, "stride": 1.5}], [1, 8, 8], "stride=1.5"),
    ([{"type": "conv2d", "filters": 2, "kernel": 5}], [1, 3, 3], "kernel=5"),
    ([{"type": "conv2d", "filters": 2}], [784], "input_shape"),
    ([{"type": "maxpool2d", "size": 4}], [1, 3, 3], "size=4"),
    ([{"type": "avgpool2d", "size": 0}], [1, 3, 3], "size=0"),
])
def test_bad_settings_are_named(layers, input_shape, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        Network({"input_shape": input_shape, "layers": layers + HEAD})


def test_dense_after_conv_asks_for_flatten():
    with pytest.raises(ValueError, match="flatten"):
        Network({"input_shape": [1, 8, 8], "layers": [{"type": "conv2d", "filters": 2},
                                                      {"type": "dense", "units": 3, "activation": "softmax"}]})


def test_big_inference_batches_go_in_chunks(monkeypatch):
    import nnlab.engine.conv as conv

    net = Network({**small_cnn_spec(), "dtype": "float64"})
    x = np.random.default_rng(0).random((7, 784))
    whole = net.predict(x)
    t = np.eye(10)[np.arange(7)]
    net.backward(net.forward(x), t)
    whole_grads = {name: g.copy() for name, g in net.layers[0].grad.items()}  # backward writes in place
    monkeypatch.setattr(conv, "INFERENCE_COLS_BYTES", 1)  # one sample per chunk
    np.testing.assert_allclose(net.predict(x), whole, rtol=1e-12)
    net.backward(net.forward(x), t)  # cols rebuilt for backward
    for name in ("W", "b"):
        np.testing.assert_allclose(net.layers[0].grad[name], whole_grads[name], rtol=1e-12)
