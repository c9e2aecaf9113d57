"""The CNN and attention presets: the zoo's architecture and training settings, values the sidebar can show,
and a clear message when the data does not fit."""
from dataclasses import replace

import numpy as np
import pytest

from nnlab.lab.config import build_spec
from nnlab.data.builtin import load_dataset
from nnlab.engine import Network
from nnlab.engine.zoo import ATTENTION_TRAINING, CNN_TRAINING, mnist_attention_spec, mnist_cnn_spec
from nnlab.lab.presets import PRESETS
from nnlab.lab.config import BATCH_CHOICES, LR_CHOICES

ZOO = {"MNIST CNN": (mnist_cnn_spec, CNN_TRAINING), "MNIST patch attention": (mnist_attention_spec, ATTENTION_TRAINING)}


@pytest.fixture(scope="module")
def mnist():
    return load_dataset("MNIST subset (10k digits)")


@pytest.mark.parametrize("name", list(ZOO))
def test_preset_is_the_zoo_architecture_with_its_training_settings(name, mnist):
    build, training = ZOO[name]
    cfg = PRESETS[name]
    for key in ("optimizer", "lr", "schedule", "epochs"):
        assert getattr(cfg, key) == training[key]
    assert cfg.batch_size == training["batch_size"]
    assert cfg.lr in LR_CHOICES and cfg.batch_size in BATCH_CHOICES  # the sidebar shows them unchanged
    spec = build_spec(cfg, mnist)
    assert spec["layers"] == build(seed=cfg.seed)["layers"]
    net = Network(spec)
    reference = Network(build(seed=cfg.seed))
    for mine, ref in zip(net.layers, reference.layers):
        for key, value in ref.params.items():
            np.testing.assert_array_equal(mine.params[key], value)


def test_sidebar_seed_and_initialiser_apply_to_a_fixed_spec(mnist):
    cfg = PRESETS["MNIST CNN"]
    spec = build_spec(replace(cfg, seed=5, init="xavier"), mnist)
    assert (spec["seed"], spec["init"]) == (5, "xavier")
    first_weights = Network(build_spec(cfg, mnist)).layers[0].params["W"]
    assert not np.array_equal(Network(spec).layers[0].params["W"], first_weights)


def test_a_fixed_spec_on_data_it_does_not_fit_says_why():
    iris = load_dataset("Iris")
    with pytest.raises(ValueError, match="1×28×28 inputs .* “Iris” has 4 features"):
        build_spec(PRESETS["MNIST patch attention"], iris)
