"""layer_probe: what one layer computed for many samples agrees with the engine's own forward trace."""
import numpy as np
import pytest

from nnlab.engine import Network
from nnlab.engine.zoo import mnist_attention_spec, mnist_cnn_spec
from nnlab.layer_probe import (attention_weights, channel_stats, layer_output, top_k, weights_fingerprint,
                               with_params)
from nnlab.walkthrough import clone


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).random((7, 784)).astype(np.float32)


@pytest.fixture(scope="module")
def cnn():
    return Network(mnist_cnn_spec(seed=3))


def test_layer_output_and_channel_stats_match_the_trace(cnn, x):
    trace = clone(cnn).forward_trace(x)
    out = layer_output(clone(cnn), x, 2, chunk=3)  # chunks of 3, 3, 1 samples
    np.testing.assert_allclose(out, trace[2].a, rtol=1e-4, atol=1e-6)  # float32: chunking changes BLAS order
    means, maxes = channel_stats(clone(cnn), x, 1, chunk=4)
    a = trace[1].a.reshape(7, 16, -1).astype(np.float64)
    assert means.shape == maxes.shape == (7, 16)
    np.testing.assert_allclose(means, a.mean(axis=-1), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(maxes, a.max(axis=-1), rtol=1e-4, atol=1e-6)


def test_channel_stats_needs_an_image_layer(cnn, x):
    with pytest.raises(ValueError, match="not channels of images"):
        channel_stats(clone(cnn), x, 5)
    with pytest.raises(ValueError, match="layer index=9"):
        layer_output(clone(cnn), x, 9)


def test_attention_weights_match_the_trace_and_rows_sum_to_one(x):
    net = Network(mnist_attention_spec(seed=1))
    A = attention_weights(clone(net), x, 2, chunk=5)
    assert A.shape == (7, 4, 49, 49)
    np.testing.assert_allclose(A, clone(net).forward_trace(x)[2].extras["attention"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(A.sum(axis=-1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="not self_attention"):
        attention_weights(net, x, 1)


def test_fingerprint_follows_the_weights_not_the_object(cnn):
    copy = clone(cnn)
    assert weights_fingerprint(copy) == weights_fingerprint(cnn)
    W = copy.get_params(0)["W"]
    W[0, 0, 0, 0] += 1e-3
    copy.set_params(0, W=W)
    assert weights_fingerprint(copy) != weights_fingerprint(cnn)
    assert weights_fingerprint(Network(mnist_cnn_spec(seed=4))) != weights_fingerprint(cnn)


def test_with_params_replaces_only_the_given_layers(cnn):
    start = {0: {"W": np.zeros((16, 1, 3, 3))}}
    copy = with_params(cnn, start)
    assert not copy.layers[0].params["W"].any()
    np.testing.assert_array_equal(copy.layers[2].params["W"], cnn.layers[2].params["W"])
    assert cnn.layers[0].params["W"].any()  # the original is untouched


def test_top_k_is_largest_first_with_ties_to_the_lower_index():
    assert top_k(np.array([0.5, 2.0, 2.0, -1.0, 3.0]), 3).tolist() == [4, 1, 2]
    assert top_k(np.array([1.0, 2.0]), 5).tolist() == [1, 0]
