"""Each preset shows what its name promises, trained as the Training page trains it (``preset_runs``)."""
import pytest

from nnlab.lab.config import build_network
from nnlab.lab.presets import PRESETS

from .preset_runs import preset_data, short_run


def run(name):
    """The preset's own run (``preset_runs.SHORT`` keeps these two whole)."""
    _, _, session = short_run(name)
    return session.net, session.history


def test_seed_example_starts_from_the_articles_weights_and_separates_two_blobs():
    net, history = run("Seed example (2→1 sigmoid)")
    assert net.layers[0].params["W"].shape == (2, 1)
    assert history.epochs[-1].val_acc >= 0.95


def test_spirals_learns_the_two_arms():
    _, history = run("Spirals 2-8-8-1 tanh")
    assert history.epochs[-1].val_acc >= 0.9


def test_vanishing_preset_starves_the_first_layer():
    _, _, session = short_run("Vanishing gradients (8 sigmoid layers)")
    last = session.history.steps[-1].layers
    assert last["L1 dense"]["grad_norm"] < 1e-3 * last["L9 dense"]["grad_norm"]


def test_dead_relu_preset_kills_many_units():
    """Its learning rate of 1 kills most units of the first layer within one epoch of 2,000 digits (the
    diagnosis of every preset is ``test_diagnosis_presets``)."""
    _, _, session = short_run("Dead ReLUs (lr too high)")
    dead = max(stats.get("dead_frac", 0) for stats in session.history.steps[-1].layers.values())
    assert dead >= 0.4


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_builds_for_its_dataset(name):
    data = preset_data(name)
    net = build_network(PRESETS[name], data)
    assert net.n_inputs == data.n_features
    assert net.predict(data.x_test[:5]).shape[0] == 5
