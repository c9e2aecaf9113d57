"""Training several architectures on one split: results, caching by config, tables and the CSV."""
import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.engine import train
from nnlab.engine.outputs import predict_classes
from nnlab.lab import compare
from nnlab.lab.config import LabConfig, build_network, build_optimizer
from nnlab.lab.inspect import RESOLUTION, decision_grid

BASE = LabConfig(dataset="Moons", n_samples=200, noise=0.1)


@pytest.fixture(scope="module")
def moons():
    return load_dataset("Moons", n_samples=200, noise=0.1)


def _configs(epochs=4):
    a = LabConfig(hidden=(8,), activations=("tanh",), lr=0.03, batch_size=32)
    b = LabConfig(hidden=(16, 16), activations=("relu", "relu"), lr=0.03, batch_size=32)
    return [("A", compare.shared_config(a, BASE, epochs, 1)), ("B", compare.shared_config(b, BASE, epochs, 1))]


def test_shared_config_takes_data_epochs_and_seed_from_base():
    cfg = compare.shared_config(LabConfig(hidden=(3,), activations=("relu",)), BASE, 7, 42)
    assert (cfg.dataset, cfg.n_samples, cfg.noise, cfg.epochs, cfg.seed, cfg.hidden) == ("Moons", 200, 0.1, 7, 42, (3,))


def test_results_have_history_params_metrics_and_boundary(moons):
    cache, seen = {}, []
    results = compare.run_comparison(_configs(), moons, cache, progress=lambda f, t: seen.append(f))
    a, b = results
    assert [r.label for r in results] == ["A", "B"]
    assert a.n_params == 2 * 8 + 8 + 8 * 2 + 2 and b.n_params == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2
    assert [e.epoch for e in a.history.epochs] == [1, 2, 3, 4]
    assert a.final["val_acc"] == a.history.epochs[-1].val_acc
    assert a.final["train_loss"] < a.history.epochs[0].train_loss  # it learned something
    centres, step, outputs = a.boundary
    assert centres.shape == (RESOLUTION ** 2, 2) and outputs.shape == (RESOLUTION ** 2, 2) and step.shape == (2,)
    labels, confidence = predict_classes(outputs)
    assert set(labels) == {0, 1} and ((confidence >= 0.5) & (confidence <= 1)).all()
    assert seen[-1] == 1.0 and len(cache) == 2


def test_same_split_and_seed_give_identical_results(moons):
    r1 = compare.run_comparison(_configs(), moons, {})
    r2 = compare.run_comparison(_configs(), moons, {})
    assert r1[0].final == r2[0].final and r1[1].final == r2[1].final


def test_changing_one_config_retrains_only_that_one(moons, monkeypatch):
    cache = {}
    compare.run_comparison(_configs(), moons, cache)
    trained = []
    real = compare.train_one
    monkeypatch.setattr(compare, "train_one", lambda label, *a, **k: trained.append(label) or real(label, *a, **k))
    configs = _configs()
    configs[1] = ("B", replace(configs[1][1], lr=0.01))
    results = compare.run_comparison(configs, moons, cache)
    assert trained == ["B"]
    assert len(cache) == 3 and results[1].description.endswith("adam lr 0.01, batch 32")
    compare.run_comparison(configs, moons, cache)
    assert trained == ["B"]  # nothing new


def test_renamed_slot_reuses_the_result_with_its_new_label(moons):
    cache = {}
    compare.run_comparison(_configs(), moons, cache)
    (la, a), (lb, b) = _configs()
    results = compare.run_comparison([("small", a), ("big", b)], moons, cache)
    assert [r.label for r in results] == ["small", "big"] and len(cache) == 2


def test_argument_checks(moons):
    configs = _configs()
    with pytest.raises(ValueError, match="between 2 and 4"):
        compare.run_comparison(configs[:1], moons, {})
    with pytest.raises(ValueError, match="repeat"):
        compare.run_comparison([("A", configs[0][1]), ("A", configs[1][1])], moons, {})


def test_a_config_that_does_not_fit_gives_an_error_result(moons):
    cnn = LabConfig(spec={"input_shape": [1, 28, 28], "layers": [{"type": "flatten"},
                                                                  {"type": "dense", "units": 2,
                                                                   "activation": "softmax"}],
                          "loss": "softmax_ce"}, hidden=(), activations=())
    configs = _configs()[:1] + [("CNN", compare.shared_config(cnn, BASE, 2, 1))]
    results = compare.run_comparison(configs, moons, {})
    assert results[0].error is None
    assert results[1].error.startswith("cannot build CNN") and results[1].n_params == 0
    table = compare.metrics_table(results)
    assert table.loc[1, "problem"].startswith("cannot build CNN")


def test_metrics_table_best_epoch_is_the_lowest_validation_loss(moons):
    results = compare.run_comparison(_configs(epochs=6), moons, {})
    table = compare.metrics_table(results)
    for r, (_, row) in zip(results, table.iterrows()):
        val = [e.val_loss for e in r.history.epochs]
        assert row["best epoch"] == int(np.argmin(val)) + 1
        assert row["best val loss"] == pytest.approx(min(val))
        assert row["final val loss"] == pytest.approx(val[-1])
        assert row["best train accuracy"] == pytest.approx(max(e.train_acc for e in r.history.epochs))
        assert row["parameters"] == r.n_params and row["epochs"] == 6


def test_frames_and_csv(moons):
    results = compare.run_comparison(_configs(epochs=3), moons, {})
    ep = compare.epoch_frame(results)
    assert len(ep) == 2 * 3 * 4  # architectures × epochs × (train, val) × (loss, accuracy)
    row = ep[(ep.architecture == "B") & (ep.epoch == 2) & (ep.split == "validation") & (ep.metric == "loss")]
    assert row["value"].item() == pytest.approx(results[1].history.epochs[1].val_loss)
    g = compare.grad_norm_frame(results)
    assert set(g["layer"]) == {"L1 dense", "L2 dense", "L3 dense"} and (g["grad_norm"] > 0).all()
    steps = results[0].history.layer_frame()
    want = steps[(steps.epoch == 1) & (steps.layer == "L1 dense")]["grad_norm"].mean()
    got = g[(g.architecture == "A") & (g.epoch == 1) & (g.layer == "L1 dense")]["grad_norm"].item()
    assert got == pytest.approx(want)
    csv = pd.read_csv(io.StringIO(compare.comparison_csv(results)))
    assert len(csv) == 6 and set(csv["architecture"]) == {"A", "B"}
    assert csv.loc[csv.architecture == "A", "val_loss"].tolist() == pytest.approx(
        [e.val_loss for e in results[0].history.epochs])
    # A user's architecture name that a spreadsheet would run as a formula goes out as plain text.
    named = [replace(results[0], label='=HYPERLINK("http://x.example","A")'), replace(results[1], label="-B")]
    csv = pd.read_csv(io.StringIO(compare.comparison_csv(named)))
    assert set(csv["architecture"]) == {"'=HYPERLINK(\"http://x.example\",\"A\")", "'-B"}
    assert csv["val_loss"].tolist() == pytest.approx([e.val_loss for r in results for e in r.history.epochs])


def test_boundary_is_the_trained_networks_prediction(moons):
    label, cfg = _configs(epochs=3)[0]
    result = compare.train_one(label, cfg, moons)
    net = build_network(cfg, moons)  # same seed, same data, same order: the same trained weights
    x_val, y_val, _ = moons.held_out()
    for _ in train(net, moons.x_train, moons.y_train, epochs=cfg.epochs, batch_size=cfg.batch_size,
                   optimizer=build_optimizer(cfg), x_val=x_val, y_val=y_val, seed=cfg.seed, hist_every=0):
        pass
    for got, want in zip(result.boundary, decision_grid(net, moons.x_train)):
        np.testing.assert_array_equal(got, want)
    untrained = decision_grid(build_network(cfg, moons), moons.x_train)[2]
    assert not np.allclose(result.boundary[2], untrained)
    assert result.final["train_acc"] > 0.75


def test_no_boundary_for_more_than_two_features():
    iris = load_dataset("Iris")
    base = LabConfig(dataset="Iris")
    cfg = compare.shared_config(LabConfig(hidden=(4,), activations=("relu",)), base, 1, 0)
    result = compare.train_one("A", cfg, iris)
    assert result.boundary is None and result.n_params == 4 * 4 + 4 + 4 * 3 + 3


def test_key_depends_on_training_settings_and_data(moons):
    cfg = _configs()[0][1]
    other = load_dataset("Moons", n_samples=200, noise=0.2)
    k = compare.result_key(cfg, moons)
    assert k == compare.result_key(cfg, moons)
    assert k != compare.result_key(replace(cfg, batch_size=8), moons)
    assert k != compare.result_key(replace(cfg, epochs=5), moons)
    assert k != compare.result_key(cfg, other)


def test_an_already_trained_session_becomes_a_result_like_a_trained_config(moons):
    """A run trained elsewhere (a Replay branch) shows on the Compare page as if Compare had trained it."""
    from nnlab.lab.session import TrainingSession

    label, cfg = _configs(epochs=3)[0]
    trained = compare.train_one(label, cfg, moons)
    session = TrainingSession(build_network(cfg, moons), snapshots=False)
    for _ in session.run(moons, cfg, hist_every=0):
        pass
    result = compare.session_result("branch", session, moons, "from epoch 1")
    assert (result.label, result.description, result.error) == ("branch", "from epoch 1", None)
    assert result.history is session.history and result.n_params == trained.n_params
    assert result.final == pytest.approx(trained.final)
    for got, want in zip(result.boundary, trained.boundary):
        np.testing.assert_array_equal(got, want)
    assert result.key != compare.session_result("branch", TrainingSession(build_network(cfg, moons)), moons, "").key
    table = compare.metrics_table([trained, result])
    assert table["final val loss"].tolist() == pytest.approx([trained.final["val_loss"]] * 2)
