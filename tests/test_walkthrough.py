"""nnlab.walkthrough: copies of the user's model, one sample and its target, gradient checks, one SGD step."""
import numpy as np
import pytest

from nnlab.data.dataset import Dataset
from nnlab.engine import Network, mlp_spec
from nnlab.walkthrough import check_gradients, clone, sample, sgd_step


@pytest.fixture
def net():
    return Network(mlp_spec([4, 6, 3], activation="tanh", seed=3))


def _dataset(n_test=5):
    rng = np.random.default_rng(0)
    return Dataset("toy", "", rng.normal(size=(10, 4)).astype(np.float32), rng.integers(0, 3, 10),
                   rng.normal(size=(n_test, 4)).astype(np.float32), np.arange(n_test) % 3,
                   np.zeros((2, 4), np.float32), np.array([0, 1]), class_names=("a", "b", "c"))


def test_clone_is_independent_and_can_change_dtype(net):
    copy = clone(net, "float64")
    assert copy.dtype == np.float64 and net.dtype == np.float32
    np.testing.assert_allclose(copy.get_params(0)["W"], net.get_params(0)["W"])
    copy.layers[0].params["W"][...] = 0
    assert np.any(net.get_params(0)["W"] != 0)


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
    grads = clone(net, "float64").backward_trace(x, t).layers[0].grads["W"]
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


def test_training_status_in_words():
    from nnlab.engine import train
    from nnlab.history import History
    from nnlab.walkthrough import training_status

    net = Network(mlp_spec([4, 3], seed=0))
    data = _dataset()
    hist = History()
    assert training_status(hist) == "untrained: fresh initial weights"
    records = list(train(net, data.x_train, data.y_train, epochs=2, batch_size=4, seed=0))
    for r in records[:2]:  # two steps, no finished epoch
        hist.add(r)
    assert training_status(hist) == "trained for 2 steps (less than one epoch)"
    for r in records[2:]:
        hist.add(r)
    assert training_status(hist) == f"trained for 2 epochs ({hist.n_steps} steps)"


def test_largest_returns_the_top_indices_in_order():
    from nnlab.walkthrough import largest
    v = np.array([0.1, 5.0, 3.0, 5.5, 0.0])
    assert largest(v, 3).tolist() == [3, 1, 2]
    assert largest(v, 10).tolist() == [3, 1, 2, 0, 4]
    assert largest(v, 0).tolist() == []
