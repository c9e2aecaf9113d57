"""A link rebuilds the same network: sidebar state -> query string -> sidebar state gives the same config,
the same preset, the same initial weights and the same first training step; a preset's parts travel only
while the state still holds them, and a tampered link gets them only where the sidebar would keep them."""
from dataclasses import replace
from urllib.parse import parse_qsl

import numpy as np
import pytest

from nnlab.data.builtin import DATASETS, load_dataset
from nnlab.engine import StepRecord
from nnlab.lab.config import LabConfig, build_network
from nnlab.lab.link import decode, to_query_string
from nnlab.lab.link_config import config_from_link, link_settings
from nnlab.lab.presets import CUSTOM, PRESETS, SEED_WEIGHTS
from nnlab.lab.session import TrainingSession

SIDEBAR_PRESETS = (CUSTOM, *PRESETS)


def data_for(cfg):
    if DATASETS[cfg.dataset].kind == "2d":
        return load_dataset(cfg.dataset, seed=0, n_samples=cfg.n_samples, noise=cfg.noise)
    return load_dataset(cfg.dataset, seed=0)


def through_a_link(cfg, preset, page="forward"):
    """The state a second browser builds from the address bar of the first (a real query string)."""
    params = dict(parse_qsl(to_query_string(link_settings(cfg, preset, page)), keep_blank_values=True,
                            strict_parsing=True))
    decoded = decode(params, datasets=tuple(DATASETS), presets=SIDEBAR_PRESETS)
    assert decoded.notices == []
    assert decoded.config["page"] == page
    return config_from_link(decoded.config, data_for(cfg))


def first_step(cfg, data):
    """The network as built, then the first training step's record and the weights after it."""
    net = build_network(cfg, data)
    built = [p.copy() for layer in net.layers for p in layer.params.values()]
    record = next(r for r in TrainingSession.start(net).run(data, cfg) if isinstance(r, StepRecord))
    return built, record, [p.copy() for layer in net.layers for p in layer.params.values()]


def assert_same_arrays(left, right):
    assert len(left) == len(right) > 0
    for a, b in zip(left, right):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


EDITED = replace(LabConfig(), dataset="Moons", hidden=(5, 3), activations=("tanh", "sigmoid"), seed=12345,
                 init="normal", sigma=0.3, optimizer="sgd", lr=0.3, schedule="cosine", batch_size=16, epochs=2,
                 l2=0.001, dropout=0.25, noise=0.3, n_samples=300)
CASES = {name: (name, cfg) for name, cfg in PRESETS.items()} | {"edited by hand": (CUSTOM, EDITED)}


@pytest.mark.parametrize("case", list(CASES))
def test_a_link_rebuilds_the_same_network_and_the_same_first_step(case):
    preset, cfg = CASES[case]
    cfg = replace(cfg, seed=cfg.seed + 7)  # a seed of the user's own
    again, preset_again, notices = through_a_link(cfg, preset)
    assert notices == [] and preset_again == preset
    assert again == cfg and again.initial_params == cfg.initial_params  # (initial_params is not compared by ==)
    data = data_for(cfg)
    built, step, after = first_step(cfg, data)
    built_again, step_again, after_again = first_step(again, data)
    assert_same_arrays(built, built_again)
    assert step.loss == step_again.loss and np.isfinite(step.loss)
    assert_same_arrays(after, after_again)
    assert any(not np.array_equal(a, b) for a, b in zip(built, after))  # the step did move the weights


def test_a_preset_travels_only_while_the_state_holds_its_parts():
    seed = PRESETS["Seed example (2→1 sigmoid)"]
    assert link_settings(seed, "Seed example (2→1 sigmoid)", "home")["preset"] == "Seed example (2→1 sigmoid)"
    dropped = replace(seed, dataset="Moons", initial_params=None)  # the sidebar drops them with a new dataset
    assert link_settings(dropped, "Seed example (2→1 sigmoid)", "home")["preset"] == CUSTOM
    loaded_cnn = replace(PRESETS["MNIST CNN"], seed=3)  # e.g. a saved CNN preset model, loaded again
    assert link_settings(loaded_cnn, CUSTOM, "home")["preset"] == "MNIST CNN"
    foreign = replace(loaded_cnn, spec={**loaded_cnn.spec, "layers": loaded_cnn.spec["layers"][1:]})
    settings = link_settings(foreign, CUSTOM, "home")
    assert settings["preset"] == CUSTOM and settings["hidden"] == LabConfig().hidden  # the sidebar's fallback


def test_a_presets_weights_come_only_with_its_own_data_and_layers():
    settings = {**link_settings(PRESETS["Seed example (2→1 sigmoid)"], "Seed example (2→1 sigmoid)", "home"),
                "dataset": "Moons"}
    cfg, preset, notices = config_from_link(settings, load_dataset("Moons", seed=0, n_samples=400, noise=0.15))
    assert cfg.initial_params is None and preset == CUSTOM and cfg.dataset == "Moons"
    assert notices == ["The preset “Seed example (2→1 sigmoid)” starts from weights made for its own dataset and "
                       "layers, and the link changes them, so the network starts from random weights (seed 0)."]
    same, _preset, none = config_from_link({**settings, "dataset": "Two blobs"}, data_for(PRESETS[
        "Seed example (2→1 sigmoid)"]))
    assert none == [] and same.initial_params == SEED_WEIGHTS


def test_a_fixed_architecture_that_does_not_fit_the_links_data_gives_way():
    settings = {**link_settings(PRESETS["MNIST CNN"], "MNIST CNN", "home"), "dataset": "Iris"}
    iris = load_dataset("Iris", seed=0)
    cfg, preset, notices = config_from_link(settings, iris)
    assert preset == CUSTOM and cfg.spec is None and cfg.hidden == LabConfig().hidden
    assert len(notices) == 1 and notices[0].startswith("This architecture takes 1×28×28 inputs (784 values) but “Iris”")
    assert notices[0].endswith("The link's preset “MNIST CNN” was not used; the layers are the editable hidden "
                               "layers 128, 64.")
    assert build_network(cfg, iris).n_inputs == 4  # and it builds
