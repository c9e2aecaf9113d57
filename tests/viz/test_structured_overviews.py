"""The forward and backward layer overviews for convolution and attention layers: shapes, and the norm of
all of a layer's parameter gradients when it has more than W and b."""
import numpy as np
import pytest

from nnlab.engine import Network, encode_targets
from nnlab.engine.zoo import mnist_attention_spec, mnist_cnn_spec
from nnlab.viz.backprop import gradient_overview
from nnlab.viz.forward import layer_overview

X = np.random.default_rng(0).random((1, 784)).astype(np.float32)


def test_forward_overview_gives_each_layers_output_shape():
    frame = layer_overview(Network(mnist_cnn_spec()).forward_trace(X))
    assert frame["output shape"].tolist() == ["16×26×26", "16×13×13", "32×11×11", "32×5×5", "800", "64", "10"]
    assert frame["units"].tolist()[:2] == [16 * 26 * 26, 16 * 13 * 13]


def test_backward_overview_of_attention_sums_every_parameter_gradient():
    net = Network(mnist_attention_spec(dtype="float64"))
    bt = net.backward_trace(X, encode_targets(net, np.array([3])))
    frame = gradient_overview(bt).set_index("layer")
    attention = bt.layers[2]
    expected = np.sqrt(sum(np.sum(g ** 2) for g in attention.grads.values()))
    assert frame.loc["L3 self_attention", "‖∂L/∂θ‖ all parameters"] == pytest.approx(expected)
    assert frame.loc["L1 patch_embed", "‖∂L/∂W‖"] == pytest.approx(np.linalg.norm(bt.layers[0].grads["W"]))
    assert frame.loc["L3 self_attention", "δ shape"] == "49×64"
    assert np.isnan(frame.loc["L7 dense", "‖∂L/∂θ‖ all parameters"])  # W and b only: their own columns
    assert "‖∂L/∂Wq‖" not in frame.columns
