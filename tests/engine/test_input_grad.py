"""forward_to / backward_from / input_gradient against the network's own traces and central differences."""
import numpy as np
import pytest

from nnlab.engine import Network
from nnlab.engine.input_grad import backward_from, forward_to, input_gradient
from tests.lab.tiny_nets import CNN, MLP, SPECS, numeric_gradient


@pytest.mark.parametrize("name", SPECS)
def test_forward_to_matches_the_networks_own_trace(name):
    net = Network(SPECS[name])
    x = np.random.default_rng(0).normal(size=(3, net.n_inputs))
    trace = net.forward_trace(x)
    for i, layer_trace in enumerate(trace):
        np.testing.assert_allclose(forward_to(net, x, i), layer_trace.a, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(forward_to(net, x, i, pre_activation=True), layer_trace.z, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", SPECS)
def test_forward_to_can_start_in_the_middle(name):
    net = Network(SPECS[name])
    x = np.random.default_rng(1).normal(size=(2, net.n_inputs))
    top = len(net.layers) - 1
    middle = forward_to(net, x, 0)
    np.testing.assert_allclose(forward_to(net, middle, top, start=1), net.forward(x), rtol=1e-12)


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("pre_activation", [False, True])
def test_input_gradient_against_central_differences(name, pre_activation):
    net = Network(SPECS[name])
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, net.n_inputs))
    index = len(net.layers) - 2  # a hidden layer's output, not only the last one
    seed = rng.normal(size=(2,) + net.layers[index].output_shape)
    value, grad = input_gradient(net, x, index, lambda v: seed, pre_activation)
    assert value.shape == seed.shape and grad.shape == x.shape
    numeric = numeric_gradient(lambda xx: float(np.sum(forward_to(net, xx, index, pre_activation) * seed)), x.copy())
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_backward_from_stops_at_a_layer_output():
    """∂S/∂(conv maps) with S a function of the logits: central differences on the maps themselves."""
    net = Network(CNN)
    x = np.random.default_rng(3).normal(size=(1, net.n_inputs))
    top = len(net.layers) - 1
    w = np.array([0.5, -1.0, 2.0, 0.3])
    maps = forward_to(net, x, 0)
    forward_to(net, maps, top, pre_activation=True, start=1)
    analytic = backward_from(net, top, w[None], to=0, pre_activation=True)
    numeric = numeric_gradient(lambda m: float((forward_to(net, m, top, True, start=1) @ w)[0]), maps.copy())
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_bad_layer_indices_are_refused_by_name():
    net = Network(MLP)
    with pytest.raises(ValueError, match="layers 0…1"):
        forward_to(net, np.zeros((1, 6)), 2)
    with pytest.raises(ValueError, match="below 1"):
        backward_from(net, 1, np.zeros((1, 3)), to=1)
    with pytest.raises(ValueError, match="expects 6"):
        forward_to(net, np.zeros((1, 5)), 0)
