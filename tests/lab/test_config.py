"""nnlab.lab.config: validating a LabConfig by name, building its network, parsing hidden layers, and whether a
network or a configuration fits a dataset (the loss follows the task)."""
from dataclasses import replace

import numpy as np
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.data.dataset import Dataset
from nnlab.engine import Network, mlp_spec
from nnlab.lab.config import (LabConfig, build_network, check_fits, config_for_dataset, config_for_network, fit_task,
                              loss_for_task, output_units, parse_hidden, validate)
from nnlab.lab.presets import PRESETS

IRIS = LabConfig(dataset="Iris", hidden=(8,), activations=("relu",), epochs=1)


@pytest.fixture(scope="module")
def iris():
    return load_dataset("Iris")


@pytest.fixture(scope="module")
def diabetes():
    """A regression dataset (one float target) of Iris's size: 4 features."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(24, 4)).astype(np.float32), rng.normal(size=(24, 1)).astype(np.float32)
    return Dataset("Diabetes-like", "", x[:16], y[:16], x[16:20], y[16:20], x[20:], y[20:])


@pytest.mark.parametrize("changes, pattern", [
    ({"hidden": (4, 0), "activations": ("relu", "relu")}, "hidden layer 2 has 0 units"),
    ({"hidden": (4,), "activations": ("relu", "relu")}, "hidden has 1 layers but activations has 2"),
    ({"activations": ("relu", "swish")}, "hidden layer 2: activation='swish'"),
    ({"loss": "hinge"}, "loss='hinge' is unknown"),
    ({"lr": 0.0}, "learning rate=0.0"),
    ({"batch_size": 0}, "batch size=0"),
    ({"dropout": 1.0}, "dropout=1.0"),
])
def test_validate_names_the_setting(changes, pattern):
    with pytest.raises(ValueError, match=pattern):
        validate(replace(LabConfig(), **changes))


def test_build_network_follows_the_data_and_sets_a_presets_weights():
    blobs = load_dataset("Two blobs")
    net = build_network(PRESETS["Seed example (2→1 sigmoid)"], blobs)
    assert (net.n_inputs, net.n_outputs) == (2, 1)  # two classes with a sigmoid: one output unit
    np.testing.assert_array_equal(net.get_params(0)["W"], np.float32([[0.3], [0.7]]))
    np.testing.assert_array_equal(net.get_params(0)["b"], np.float32([-0.2]))
    mnist_cnn = PRESETS["MNIST CNN"]
    with pytest.raises(ValueError, match="takes 1×28×28 inputs"):
        build_network(mnist_cnn, blobs)


def test_parse_hidden():
    assert parse_hidden("64, 32") == (64, 32) and parse_hidden(" 8; 4 ") == (8, 4) and parse_hidden("") == ()
    with pytest.raises(ValueError, match="hidden layer 2: 'x' is not a number"):
        parse_hidden("4, x")
    with pytest.raises(ValueError, match="11 hidden layers"):
        parse_hidden(",".join(["2"] * 11))


def test_the_loss_follows_the_task(iris, diabetes):
    assert (loss_for_task(IRIS, diabetes).loss, loss_for_task(IRIS, diabetes).output) == ("mse", "identity")
    regression = replace(IRIS, loss="mse", output="identity")
    assert (loss_for_task(regression, iris).loss, loss_for_task(regression, iris).output) == ("softmax_ce", "softmax")
    tanh_out = replace(IRIS, loss="mse", output="tanh")
    # switching data resets the pair; fitting a chosen config keeps a deliberate unbounded-output choice
    assert loss_for_task(tanh_out, diabetes).output == "identity"
    assert fit_task(tanh_out, diabetes) is tanh_out
    assert fit_task(IRIS, diabetes).loss == "mse" and fit_task(regression, iris) is regression


def test_config_for_dataset_drops_a_fixed_spec_that_cannot_take_the_data(iris):
    cnn = PRESETS["MNIST CNN"]
    cfg = config_for_dataset(cnn, "Iris", iris)
    assert cfg.spec is None and cfg.hidden == LabConfig().hidden and cfg.dataset == "Iris"
    mnist = load_dataset("MNIST subset (10k digits)")
    assert config_for_dataset(cnn, "MNIST subset (10k digits)", mnist).spec == cnn.spec
    assert output_units(replace(IRIS, output="sigmoid"), load_dataset("Moons")) == 1


def test_check_fits_outputs_and_task():
    iris = load_dataset("Iris")
    assert check_fits(Network(mlp_spec([4, 3, 3])), iris) is None
    assert "3 classes" in check_fits(Network(mlp_spec([4, 3, 2])), iris)
    moons = load_dataset("Moons")
    one_sigmoid = Network(mlp_spec([2, 4, 1], output="sigmoid", loss="bce"))
    assert check_fits(one_sigmoid, moons) is None


def test_non_mlp_or_float64_models_become_a_fixed_spec():
    iris = load_dataset("Iris")
    net = Network(mlp_spec([4, 6, 3], dtype="float64", seed=3))
    cfg = config_for_network(IRIS, net, iris)
    assert cfg.hidden == () and cfg.spec["dtype"] == "float64" and cfg.seed == 3
    assert "seed" not in cfg.spec


@pytest.mark.parametrize("rate", [0.0, 0.25])
def test_mlp_with_dropout_maps_to_the_builder(rate):
    iris = load_dataset("Iris")
    layers = [{"type": "dense", "units": 6, "activation": "relu"}]
    if rate:
        layers.append({"type": "dropout", "rate": rate})
    layers.append({"type": "dense", "units": 3, "activation": "softmax"})
    net = Network({"input_shape": [4], "layers": layers, "loss": "softmax_ce", "seed": 1})
    cfg = config_for_network(IRIS, net, iris)
    assert (cfg.hidden, cfg.dropout, cfg.spec) == ((6,), rate, None)
