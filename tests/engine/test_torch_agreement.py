"""The new layers against PyTorch (CPU, float64) with the same weights: outputs and every gradient to 1e-6.

PyTorch is a test-only reference; without it these tests are skipped."""
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests; pip install torch (CPU)")
F = torch.nn.functional

from nnlab.engine import Network  # noqa: E402
from nnlab.engine.attention import PatchEmbed, SelfAttention  # noqa: E402
from nnlab.engine.conv import AvgPool2D, Conv2D, MaxPool2D  # noqa: E402
from nnlab.engine.layernorm import LayerNorm  # noqa: E402
from tests.engine.layer_checks import built, small_cnn_spec  # noqa: E402

TOL = {"rtol": 1e-6, "atol": 1e-9}


def tensor(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


def close(ours, theirs):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), **TOL)


def torch_backward(out, g):
    """Backpropagate Σ out·g, so the incoming gradient is g, as in the layer's backward(g)."""
    (out * tensor(g)).sum().backward()


@pytest.mark.parametrize("shape, filters, kernel, stride, padding", [
    ((3, 9, 8), 4, 3, 1, "valid"),
    ((3, 9, 8), 4, 3, 1, "same"),
    ((3, 9, 8), 4, 3, 2, "valid"),
    ((3, 9, 8), 4, 3, 2, "same"),
    ((2, 7, 7), 5, 2, 1, "same"),
    ((2, 10, 6), 3, 5, 3, "same"),
    ((1, 6, 6), 2, 1, 1, "valid"),
])
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
def test_conv2d(shape, filters, kernel, stride, padding):
    layer = built(Conv2D(filters, kernel, stride, padding, activation="identity"), shape)
    layer.params["b"][...] = np.random.default_rng(1).normal(size=filters)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3,) + shape)
    out = layer.forward(x)
    g = rng.normal(size=out.shape)
    dx = layer.backward(g)

    xt, wt, bt = tensor(x, True), tensor(layer.params["W"], True), tensor(layer.params["b"], True)
    top, bottom, left, right = layer.pads
    ref = F.conv2d(F.pad(xt, (left, right, top, bottom)), wt, bt, stride=stride)
    torch_backward(ref, g)
    close(out, ref)
    close(dx, xt.grad)
    close(layer.grad["W"], wt.grad)
    close(layer.grad["b"], bt.grad)
    if stride == 1:  # PyTorch's own 'same' (stride 1 only) pads the same way
        close(out, F.conv2d(xt, wt, bt, padding=padding))


@pytest.mark.parametrize("size, stride", [(2, None), (3, 2), (2, 1), (3, None), (3, 1), (2, 3)])
def test_max_pool_with_ties(size, stride):
    # small integers make many ties: the gradient must go where PyTorch sends it (the first maximum)
    x = np.random.default_rng(0).integers(0, 3, size=(2, 3, 8, 7)).astype(float)
    layer = built(MaxPool2D(size, stride), (3, 8, 7))
    out = layer.forward(x)
    g = np.random.default_rng(1).normal(size=out.shape)
    dx = layer.backward(g)
    xt = tensor(x, True)
    ref = F.max_pool2d(xt, size, stride)
    torch_backward(ref, g)
    close(out, ref)
    close(dx, xt.grad)


@pytest.mark.parametrize("size, stride", [(2, None), (3, 2), (2, 1), (3, None), (2, 3)])
def test_avg_pool(size, stride):
    x = np.random.default_rng(0).normal(size=(2, 3, 8, 7))
    layer = built(AvgPool2D(size, stride), (3, 8, 7))
    out = layer.forward(x)
    g = np.random.default_rng(1).normal(size=out.shape)
    dx = layer.backward(g)
    xt = tensor(x, True)
    ref = F.avg_pool2d(xt, size, stride)
    torch_backward(ref, g)
    close(out, ref)
    close(dx, xt.grad)


@pytest.mark.parametrize("residual", [True, False])
def test_multi_head_attention(residual):
    n, t, d, heads = 3, 7, 16, 4
    layer = built(SelfAttention(heads=heads, residual=residual), (t, d))
    rng = np.random.default_rng(3)
    for name in ("bq", "bk", "bv", "bo"):
        layer.params[name][...] = rng.normal(size=d)
    x = rng.normal(size=(n, t, d))
    out = layer.forward(x)
    attention = layer.trace_extras()["attention"]
    g = rng.normal(size=out.shape)
    dx = layer.backward(g)

    xt = tensor(x, True)
    p = {k: tensor(v, True) for k, v in layer.params.items()}

    def split(m):  # (n, T, D) -> (n, heads, T, D/heads)
        return m.reshape(n, t, heads, d // heads).transpose(1, 2)

    q, k, v = (split(xt @ p["W" + s] + p["b" + s]) for s in "qkv")
    mixed = F.scaled_dot_product_attention(q, k, v)
    ref = mixed.transpose(1, 2).reshape(n, t, d) @ p["Wo"] + p["bo"] + (xt if residual else 0)
    torch_backward(ref, g)
    close(out, ref)
    close(attention, torch.softmax(q @ k.transpose(-1, -2) / np.sqrt(d // heads), dim=-1))
    close(dx, xt.grad)
    for name, value in layer.grad.items():
        close(value, p[name].grad)


def test_layer_norm():
    layer = built(LayerNorm(), (5, 6))
    rng = np.random.default_rng(4)
    layer.params["gamma"][...] = rng.normal(size=6)
    layer.params["beta"][...] = rng.normal(size=6)
    x = rng.normal(2.0, 3.0, size=(3, 5, 6))
    out = layer.forward(x)
    g = rng.normal(size=out.shape)
    dx = layer.backward(g)
    xt, gt, bt = tensor(x, True), tensor(layer.params["gamma"], True), tensor(layer.params["beta"], True)
    ref = F.layer_norm(xt, (6,), gt, bt, eps=LayerNorm.EPS)
    torch_backward(ref, g)
    close(out, ref)
    close(dx, xt.grad)
    close(layer.grad["gamma"], gt.grad)
    close(layer.grad["beta"], bt.grad)


def test_patch_embed_is_a_strided_convolution():
    layer = built(PatchEmbed(patch=4, dim=5), (2, 8, 12))
    rng = np.random.default_rng(5)
    layer.params["b"][...] = rng.normal(size=5)
    x = rng.normal(size=(3, 2, 8, 12))
    out = layer.forward(x)
    g = rng.normal(size=out.shape)
    dx = layer.backward(g)
    xt = tensor(x, True)
    # W (C·p·p, D) holds each output's kernel, flattened channel-major: as a conv weight (D, C, p, p).
    wt = tensor(layer.params["W"].T.reshape(5, 2, 4, 4), True)
    bt, pt = tensor(layer.params["b"], True), tensor(layer.params["pos"], True)
    ref = F.conv2d(xt, wt, bt, stride=4).flatten(2).transpose(1, 2) + pt
    torch_backward(ref, g)
    close(out, ref)
    close(dx, xt.grad)
    close(layer.grad["W"], wt.grad.reshape(5, -1).T)
    close(layer.grad["b"], bt.grad)
    close(layer.grad["pos"], pt.grad)


def test_whole_small_cnn_loss_and_gradients():
    net = Network(small_cnn_spec(seed=3, dtype="float64"))
    rng = np.random.default_rng(6)
    x = rng.random((5, 784))
    labels = np.array([3, 1, 4, 1, 5])
    out = net.forward(x)
    net.backward(out, np.eye(10)[labels])

    conv1, conv2, dense = (tensor(v, True) for v in (net.layers[0].params["W"], net.layers[2].params["W"],
                                                     net.layers[5].params["W"]))
    b1, b2, b3 = (tensor(net.layers[i].params["b"], True) for i in (0, 2, 5))
    h = F.max_pool2d(F.relu(F.conv2d(tensor(x).reshape(5, 1, 28, 28), conv1, b1)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, conv2, b2)), 2)
    logits = h.flatten(1) @ dense + b3
    loss = F.cross_entropy(logits, torch.tensor(labels))
    loss.backward()
    assert net.loss_value(out, np.eye(10)[labels]) == pytest.approx(loss.item(), rel=1e-9)
    close(out, torch.softmax(logits, dim=1))
    for ours, theirs in ((net.layers[0].grad["W"], conv1), (net.layers[0].grad["b"], b1),
                         (net.layers[2].grad["W"], conv2), (net.layers[2].grad["b"], b2),
                         (net.layers[5].grad["W"], dense), (net.layers[5].grad["b"], b3)):
        close(ours, theirs.grad)
