"""Each preset shows what its name promises, trained exactly as the Training page trains it."""
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.lab.config import build_network
from nnlab.lab.diagnosis import diagnose
from nnlab.lab.presets import PRESETS
from nnlab.lab.session import TrainingSession

TOYS = {"Spirals", "Two blobs", "Moons", "Circles", "Blobs", "XOR"}


def run(name):
    cfg = PRESETS[name]
    toy = cfg.dataset in TOYS
    data = load_dataset(cfg.dataset, n_samples=cfg.n_samples if toy else None, noise=cfg.noise if toy else None)
    session = TrainingSession.start(build_network(cfg, data))
    for _ in session.run(data, cfg):
        pass
    return session.net, session.history


def test_seed_example_starts_from_the_articles_weights_and_separates_two_blobs():
    net, history = run("Seed example (2→1 sigmoid)")
    assert net.layers[0].params["W"].shape == (2, 1)
    assert history.epochs[-1].val_acc >= 0.95


def test_spirals_learns_the_two_arms():
    _, history = run("Spirals 2-8-8-1 tanh")
    assert history.epochs[-1].val_acc >= 0.9


def test_vanishing_preset_is_diagnosed_as_vanishing():
    _, history = run("Vanishing gradients (8 sigmoid layers)")
    kinds = {f.kind for f in diagnose(history)}
    assert "vanishing" in kinds
    last = history.steps[-1].layers
    assert last["L1 dense"]["grad_norm"] < 1e-3 * last["L9 dense"]["grad_norm"]


def test_dead_relu_preset_kills_many_units():
    _, history = run("Dead ReLUs (lr too high)")
    dead = max(stats.get("dead_frac", 0) for stats in history.steps[-1].layers.values())
    assert dead >= 0.4
    assert any(f.kind == "dead" for f in diagnose(history))


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_builds_for_its_dataset(name):
    cfg = PRESETS[name]
    toy = cfg.dataset in TOYS
    data = load_dataset(cfg.dataset, n_samples=cfg.n_samples if toy else None, noise=cfg.noise if toy else None)
    net = build_network(cfg, data)
    assert net.n_inputs == data.n_features
    assert net.predict(data.x_test[:5]).shape[0] == 5
