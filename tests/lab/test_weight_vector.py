"""The flat weight vector θ: order, round trips, snapshots, and ∇L against gradient_check."""
import numpy as np
import pytest

from nnlab.engine import Network, encode_targets, gradient_check
from nnlab.lab.weight_vector import get_vector, loss_and_gradient, param_names, set_vector, snapshot_vector
from tests.lab.tiny_nets import CNN, MLP


def test_vector_order_is_layers_then_their_parameters():
    net = Network(MLP)
    theta = get_vector(net)
    assert theta.shape == (net.n_params,) and theta.dtype == np.float64
    expected = np.concatenate([net.layers[0].params["W"].ravel(), net.layers[0].params["b"].ravel(),
                               net.layers[1].params["W"].ravel(), net.layers[1].params["b"].ravel()])
    np.testing.assert_array_equal(theta, expected)
    assert param_names(net) == [(0, "W"), (0, "b"), (1, "W"), (1, "b")]


def test_set_vector_changes_the_forward_pass_like_set_params():
    net, ref = Network(CNN), Network(CNN)
    rng = np.random.default_rng(0)
    theta = rng.normal(size=net.n_params)
    set_vector(net, theta)
    start = 0
    for i, layer in enumerate(ref.layers):
        arrays = {}
        for name, p in layer.params.items():
            arrays[name] = theta[start:start + p.size].reshape(p.shape)
            start += p.size
        if arrays:
            ref.set_params(i, **arrays)
    x = rng.normal(size=(2, 64))
    np.testing.assert_array_equal(net.forward(x), ref.forward(x))
    np.testing.assert_array_equal(get_vector(net), theta)
    with pytest.raises(ValueError, match=f"{net.n_params} parameters"):
        set_vector(net, theta[:-1])


def test_snapshot_of_weights_only_keeps_current_biases_and_says_so():
    net = Network(MLP)
    w0 = np.full((6, 7), 0.5)
    theta, missing = snapshot_vector(net, {"L1 dense": w0})
    assert missing == ["L1 dense b", "L2 dense W", "L2 dense b"]
    np.testing.assert_array_equal(theta[:42], w0.ravel())
    np.testing.assert_array_equal(theta[42:], get_vector(net)[42:])
    full = {layer.name: {k: v + 1 for k, v in layer.params.items()} for layer in net.param_layers()}
    theta, missing = snapshot_vector(net, full)
    assert missing == []
    np.testing.assert_allclose(theta, get_vector(net) + 1)


def test_bad_snapshots_are_refused_by_name():
    net = Network(MLP)
    with pytest.raises(ValueError, match="does not have"):
        snapshot_vector(net, {"L9 dense": np.zeros((6, 7))})
    with pytest.raises(ValueError, match=r"L1 dense W has shape \(2, 2\)"):
        snapshot_vector(net, {"L1 dense": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="no parameter 'gamma'"):
        snapshot_vector(net, {"L1 dense": {"gamma": np.zeros(7)}})


def test_loss_gradient_vector_against_central_differences():
    net = Network(CNN)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(4, 64)), rng.integers(0, 4, 4)
    target = encode_targets(net, y)
    loss, grad = loss_and_gradient(net, x, target)
    assert loss == pytest.approx(net.loss_value(net.forward(x), target))
    rows = gradient_check(net, x, target, eps=1e-6)  # every entry, in θ's order
    np.testing.assert_allclose(grad, [r["numeric"] for r in rows], rtol=1e-5, atol=1e-9)
