"""nnlab.lab.inspect: copies of the user's model, one sample and its target, gradient checks, one SGD step,
the decision grid, and what one layer computed over many samples."""
import numpy as np
import pytest

from nnlab.data.dataset import Dataset
from nnlab.engine import Network, mlp_spec
from nnlab.engine.copying import copy_network
from nnlab.engine.zoo import mnist_attention_spec, mnist_cnn_spec
from nnlab.lab.inspect import (attention_weights, channel_stats, check_gradients, decision_grid, layer_output,
                               sample, sgd_step, top_k, weights_fingerprint, with_params)


@pytest.fixture
def net():
    return Network(mlp_spec([4, 6, 3], activation="tanh", seed=3))


def _dataset(n_test=5):
    rng = np.random.default_rng(0)
    return Dataset("toy", "", rng.normal(size=(10, 4)).astype(np.float32), rng.integers(0, 3, 10),
                   rng.normal(size=(n_test, 4)).astype(np.float32), np.arange(n_test) % 3,
                   np.zeros((2, 4), np.float32), np.array([0, 1]), class_names=("a", "b", "c"))


def test_sample_gives_one_hot_targets_from_the_test_split(net):
    data = _dataset()
    x, t, y = sample(data, net, 4)
    np.testing.assert_array_equal(x, data.x_test[4:5])
    np.testing.assert_array_equal(t, [[0, 1, 0]])
    assert y.tolist() == [1]
    with pytest.raises(ValueError, match="index=5"):
        sample(data, net, 5)
    x, _, _ = sample(_dataset(n_test=0), net, 9)  # no test split: falls back to train
    np.testing.assert_array_equal(x, _dataset().x_train[9:10])


def test_check_gradients_agree_and_pick_the_largest(net):
    x, t, _ = sample(_dataset(), net, 0)
    rows = check_gradients(net, x, t, max_per_param=2)
    assert len(rows) == 4 * 2  # W and b of two layers, 2 entries each, W1 has 24 > 2 entries
    assert max(r["rel_error"] for r in rows) < 1e-6
    grads = copy_network(net, "float64").backward_trace(x, t).layers[0].grads["W"]
    picked = {r["index"] for r in rows if r["layer"] == "L1 dense" and r["param"] == "W"}
    top = {tuple(int(v) for v in np.unravel_index(j, grads.shape)) for j in np.argsort(-np.abs(grads).ravel())[:2]}
    assert picked == top
    assert net.dtype == np.float32  # the user's model is untouched


def test_sgd_step_lowers_the_loss_on_a_copy(net):
    x, t, _ = sample(_dataset(), net, 1)
    before = net.get_params(0)["W"].copy()
    step = sgd_step(net, x, t, lr=0.1, top=2)
    assert step.loss_after < step.loss_before
    np.testing.assert_array_equal(net.get_params(0)["W"], before)
    row = step.changes[0]
    assert row["after"] == pytest.approx(row["before"] - 0.1 * row["gradient"])
    assert len(step.changes) == 4 * 2
    with pytest.raises(ValueError, match="learning rate"):
        sgd_step(net, x, t, lr=0.0)


def test_decision_grid_covers_the_data_with_a_margin_and_holds_the_outputs(net):
    X = np.array([[-1.0, -2.0], [1.0, 2.0], [0.0, 0.5], [0.5, -1.0]])
    two_d = Network(mlp_spec([2, 3, 2], seed=0))
    centres, step, out = decision_grid(two_d, X, resolution=60)
    assert centres.shape == (3600, 2)
    lo, hi = X.min(axis=0) - 0.1 * np.ptp(X, axis=0), X.max(axis=0) + 0.1 * np.ptp(X, axis=0)
    assert step == pytest.approx((hi - lo) / 60)
    assert centres.min(axis=0) == pytest.approx(lo + step / 2) and centres.max(axis=0) == pytest.approx(hi - step / 2)
    np.testing.assert_allclose(out, two_d.predict(centres.astype(np.float32)), rtol=1e-6)
    with pytest.raises(ValueError, match="2-D inputs"):
        decision_grid(net, np.zeros((4, 3)))


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).random((7, 784)).astype(np.float32)


@pytest.fixture(scope="module")
def cnn():
    return Network(mnist_cnn_spec(seed=3))


def test_layer_output_and_channel_stats_match_the_trace(cnn, x):
    trace = copy_network(cnn).forward_trace(x)
    out = layer_output(copy_network(cnn), x, 2, chunk=3)  # chunks of 3, 3, 1 samples
    np.testing.assert_allclose(out, trace[2].a, rtol=1e-4, atol=1e-6)  # float32: chunking changes BLAS order
    means, maxes = channel_stats(copy_network(cnn), x, 1, chunk=4)
    a = trace[1].a.reshape(7, 16, -1).astype(np.float64)
    assert means.shape == maxes.shape == (7, 16)
    np.testing.assert_allclose(means, a.mean(axis=-1), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(maxes, a.max(axis=-1), rtol=1e-4, atol=1e-6)


def test_channel_stats_needs_an_image_layer(cnn, x):
    with pytest.raises(ValueError, match="not channels of images"):
        channel_stats(copy_network(cnn), x, 5)
    with pytest.raises(ValueError, match="layer index=9"):
        layer_output(copy_network(cnn), x, 9)


def test_attention_weights_match_the_trace_and_rows_sum_to_one(x):
    net = Network(mnist_attention_spec(seed=1))
    A = attention_weights(copy_network(net), x, 2, chunk=5)
    assert A.shape == (7, 4, 49, 49)
    np.testing.assert_allclose(A, copy_network(net).forward_trace(x)[2].extras["attention"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(A.sum(axis=-1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="not self_attention"):
        attention_weights(net, x, 1)


def test_fingerprint_follows_the_weights_not_the_object(cnn):
    copy = copy_network(cnn)
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
    v = np.array([0.1, 5.0, 3.0, 5.5, 0.0])
    assert top_k(v, 10).tolist() == [3, 1, 2, 0, 4]
    assert top_k(v, 0).tolist() == []
