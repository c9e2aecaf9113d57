"""copy_network: the same function as the original, sharing no array with it."""
import numpy as np

from nnlab.engine import Network
from nnlab.engine.copying import copy_network

SPEC = {"input_shape": [5], "seed": 3, "layers": [
    {"type": "dense", "units": 4, "activation": "tanh"}, {"type": "dropout", "rate": 0.5},
    {"type": "dense", "units": 2, "activation": "softmax"}]}


def test_copy_computes_the_same_and_is_independent():
    net = Network(SPEC)
    net.layers[0].params["W"] += 0.5  # weights that differ from a fresh build of the spec
    x = np.random.default_rng(0).normal(size=(6, 5))
    copy = copy_network(net)
    np.testing.assert_array_equal(copy.predict(x), net.predict(x))
    np.testing.assert_array_equal(copy.forward(x, training=True), net.forward(x, training=True))  # same masks
    copy.layers[0].params["W"][0, 0] += 1.0
    assert copy.layers[0].params["W"][0, 0] != net.layers[0].params["W"][0, 0]


def test_copy_in_float64():
    net = Network(SPEC)
    copy = copy_network(net, "float64")
    assert copy.dtype == np.float64 and net.dtype == np.float32
    np.testing.assert_allclose(copy.layers[2].params["W"], net.layers[2].params["W"])
