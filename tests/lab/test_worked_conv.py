"""The worked convolution and pooling examples against np.correlate, explicit loops and the engine's traces."""
import numpy as np
import pytest

from nnlab.engine import Network
from nnlab.lab.worked_backprop import sample_trace
from nnlab.lab.worked_conv import conv_delta, conv_kernel_gradient, conv_position
from nnlab.lab.worked_pool import pool_gradient, pool_window


def _net(conv, pool=None, channels=1, size=7, seed=2):
    layers = [{"type": "conv2d", **conv}] + ([pool] if pool else []) + [
        {"type": "flatten"}, {"type": "dense", "units": 3, "activation": "softmax"}]
    return Network({"input_shape": [channels, size, size], "dtype": "float64", "seed": seed, "layers": layers})


def _x(net, seed=0):
    return np.random.default_rng(seed).normal(size=(1, net.n_inputs))


def _explicit_conv(x, W, b, f, row, col, stride, top, left):
    """z[f, row, col] by a loop over channels and kernel offsets, reading 0 outside the image."""
    total = float(b[f])
    c_in, h, w = x.shape
    k = W.shape[-1]
    for c in range(c_in):
        for u in range(k):
            for v in range(k):
                y, xx = stride * row + u - top, stride * col + v - left
                if 0 <= y < h and 0 <= xx < w:
                    total += W[f, c, u, v] * x[c, y, xx]
    return total


def test_one_channel_valid_conv_matches_np_correlate():
    net = _net({"filters": 2, "kernel": 3, "activation": "tanh"})
    x = _x(net)
    trace = net.forward_trace(x)
    image, W, b = x.reshape(7, 7), net.layers[0].params["W"], net.layers[0].params["b"]
    for f in range(2):
        # 2-D cross-correlation as a sum over kernel rows of 1-D np.correlate along the image rows
        expected = np.array([[sum(np.correlate(image[r + u], W[f, 0, u], "valid")[c] for u in range(3))
                              for c in range(5)] for r in range(5)]) + b[f]
        for row in range(5):
            for col in range(5):
                pos = conv_position(net, trace, 0, f, row, col)
                assert pos.reproduced_z == pytest.approx(expected[row, col], rel=1e-12)
                assert pos.z == pytest.approx(expected[row, col], rel=1e-12)
                assert pos.a == pytest.approx(np.tanh(expected[row, col]), rel=1e-12)
                assert not pos.padding.any()
    pos = conv_position(net, trace, 0, 1, 2, 3)
    np.testing.assert_allclose(pos.window[0], image[2:5, 3:6])
    np.testing.assert_allclose(pos.products, pos.window * W[1])
    assert pos.terms.n_terms == 9 and pos.terms.n_more == 0  # one channel of 3×3: every product listed


def test_same_padding_stride_two_matches_an_explicit_loop():
    net = _net({"filters": 3, "kernel": 3, "stride": 2, "padding": "same"}, channels=2)
    x = _x(net, seed=1)
    trace = net.forward_trace(x)
    image = x.reshape(2, 7, 7)
    W, b = net.layers[0].params["W"], net.layers[0].params["b"]
    assert trace[0].z.shape == (1, 3, 4, 4)
    for f in range(3):
        for row in range(4):
            for col in range(4):
                pos = conv_position(net, trace, 0, f, row, col)
                expected = _explicit_conv(image, W, b, f, row, col, 2, 1, 1)
                assert pos.reproduced_z == pytest.approx(expected, rel=1e-12, abs=1e-12)
                assert pos.z == pytest.approx(expected, rel=1e-12, abs=1e-12)
                np.testing.assert_allclose(pos.channel_sums.sum() + pos.bias, expected, rtol=1e-12, atol=1e-12)
    corner = conv_position(net, trace, 0, 0, 0, 0)
    assert (corner.top, corner.left) == (-1, -1)
    assert corner.padding[0].all() and corner.padding[:, 0].all() and not corner.padding[1:, 1:].any()
    assert (corner.window[:, corner.padding] == 0).all()


def _loop_kernel_gradient(x, delta, f, c, u, v, stride, top, left):
    total = 0.0
    for row in range(delta.shape[1]):
        for col in range(delta.shape[2]):
            y, xx = stride * row + u - top, stride * col + v - left
            if 0 <= y < x.shape[1] and 0 <= xx < x.shape[2]:
                total += delta[f, row, col] * x[c, y, xx]
    return total


@pytest.mark.parametrize("conv,top", [({"filters": 2, "kernel": 3}, 0),
                                      ({"filters": 2, "kernel": 3, "stride": 2, "padding": "same"}, 1)])
def test_kernel_gradient_is_the_sum_over_positions(conv, top):
    net = _net(conv, channels=2)
    x = _x(net, seed=3)
    trace = sample_trace(net, x, np.eye(3)[1])
    image, delta = x.reshape(2, 7, 7), trace.layers[0].delta[0]
    stride = conv.get("stride", 1)
    for index in [(0, 0, 0, 0), (1, 1, 2, 1), (1, 0, 1, 2)]:
        g = conv_kernel_gradient(net, trace, 0, index)
        expected = _loop_kernel_gradient(image, delta, *index, stride, top, top)
        assert g.terms.total == pytest.approx(expected, rel=1e-12, abs=1e-14)
        assert g.grad == pytest.approx(expected, rel=1e-12, abs=1e-14)
        assert g.terms.n_terms == delta[0].size


def test_conv_delta_and_its_share_of_the_kernel_gradient():
    net = _net({"filters": 2, "kernel": 3}, pool={"type": "maxpool2d", "size": 2})
    x = _x(net, seed=4)
    trace = sample_trace(net, x, np.eye(3)[2])
    total = np.zeros((1, 3, 3))
    for row in range(5):
        for col in range(5):
            d = conv_delta(net, trace, 0, 1, row, col)
            z = trace.forward[0].z[0, 1, row, col]
            assert d.fprime == float(z > 0)
            assert d.reproduced == pytest.approx(d.delta) and d.delta == trace.layers[0].delta[0, 1, row, col]
            total += d.kernel_share
    np.testing.assert_allclose(total, trace.layers[0].grads["W"][1], rtol=1e-12, atol=1e-14)


def _pool_net(kind, size=2, stride=None, seed=5):
    pool = {"type": kind, "size": size, **({"stride": stride} if stride else {})}
    return Network({"input_shape": [2, 6, 6], "dtype": "float64", "seed": seed, "layers": [
        pool, {"type": "flatten"}, {"type": "dense", "units": 3, "activation": "softmax"}]})


def test_max_pool_window_and_ties():
    net = _pool_net("maxpool2d")
    image = np.random.default_rng(0).normal(size=(2, 6, 6))
    image[1, 2:4, 2:4] = 0.0  # a window of ties: the first cell wins, as in the engine
    trace = net.forward_trace(image.reshape(1, -1))
    win = pool_window(net, trace, 0, 0, 1, 2)
    window = image[0, 2:4, 4:6]
    assert win.reproduced == win.value == window.max()
    assert window[win.winner] == window.max()
    assert pool_window(net, trace, 0, 1, 1, 1).winner == (0, 0)


@pytest.mark.parametrize("kind", ["maxpool2d", "avgpool2d"])
def test_pool_gradient_goes_where_the_engine_sends_it(kind):
    net = _pool_net(kind)
    x = np.random.default_rng(1).normal(size=(1, 72))
    trace = sample_trace(net, x, np.eye(3)[0])
    for c, row, col in [(0, 0, 0), (1, 2, 1), (0, 1, 2)]:
        g = pool_gradient(net, trace, 0, c, row, col)
        window = x.reshape(2, 6, 6)[c, 2 * row:2 * row + 2, 2 * col:2 * col + 2]
        if kind == "maxpool2d":
            expected = np.where(window == window.max(), g.grad_out, 0.0)
        else:
            expected = np.full((2, 2), g.grad_out / 4)
        np.testing.assert_allclose(g.share, expected)
        np.testing.assert_allclose(g.engine_window, expected)
        assert not g.overlapping
    win = pool_window(net, net.forward_trace(x), 0, 1, 0, 2)
    window = x.reshape(2, 6, 6)[1, 0:2, 4:6]
    assert win.reproduced == pytest.approx(window.max() if kind == "maxpool2d" else window.mean())
    assert win.value == pytest.approx(win.reproduced)


def test_overlapping_windows_add_their_shares():
    net = _pool_net("maxpool2d", size=2, stride=1)
    x = np.random.default_rng(2).normal(size=(1, 72))
    trace = sample_trace(net, x, np.eye(3)[1])
    image, grad_out = x.reshape(2, 6, 6), trace.layers[0].delta[0]
    expected = np.zeros_like(image)  # by a loop: each output sends its gradient to its window's max
    for c in range(2):
        for row in range(5):
            for col in range(5):
                window = image[c, row:row + 2, col:col + 2]
                u, v = np.unravel_index(np.argmax(window), (2, 2))
                expected[c, row + u, col + v] += grad_out[c, row, col]
    np.testing.assert_allclose(trace.layers[0].grad_input[0], expected)
    g = pool_gradient(net, trace, 0, 1, 3, 2)
    assert g.overlapping
    np.testing.assert_allclose(g.engine_window, expected[1, 3:5, 2:4])
    assert g.share.sum() == pytest.approx(grad_out[1, 3, 2])


def test_positions_outside_the_map_are_refused():
    net = _net({"filters": 2, "kernel": 3})
    trace = net.forward_trace(_x(net))
    with pytest.raises(ValueError, match=r"shape \(2, 5, 5\)"):
        conv_position(net, trace, 0, 0, 5, 0)
    with pytest.raises(ValueError, match="not a conv2d layer"):
        conv_position(net, trace, 1, 0, 0, 0)
    with pytest.raises(ValueError, match="not a pooling layer"):
        pool_window(net, trace, 0, 0, 0, 0)
