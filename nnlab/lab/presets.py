"""Named starting points for the sidebar: each one a LabConfig that shows one idea clearly."""
from dataclasses import replace

from .config import LabConfig
from ..engine.zoo import ATTENTION_TRAINING, CNN_TRAINING, mnist_attention_spec, mnist_cnn_spec

CUSTOM = "(custom)"  # the sidebar's "no preset"
SEED_WEIGHTS = {0: {"W": [[0.3], [0.7]], "b": [-0.2]}}  # the seed article's §4 neuron

PRESETS = {
    "MNIST MLP 784-128-64-10": LabConfig(),
    "Seed example (2→1 sigmoid)": LabConfig(
        dataset="Two blobs", hidden=(), activations=(), loss="mse", output="sigmoid", init="xavier",
        optimizer="sgd", lr=0.5, batch_size=16, epochs=30, initial_params=SEED_WEIGHTS),
    "Vanishing gradients (8 sigmoid layers)": LabConfig(
        dataset="Digits 8×8", hidden=(32,) * 8, activations=("sigmoid",) * 8, init="xavier",
        optimizer="sgd", lr=0.1, batch_size=32, epochs=5),
    "Dead ReLUs (lr too high)": LabConfig(
        hidden=(128, 64), activations=("relu", "relu"), optimizer="sgd", lr=1.0, epochs=3),
    "Spirals 2-8-8-1 tanh": LabConfig(
        # Noise-free arms: with noise 0.15 the arms overlap and 8-8 units reach only ~55 %.
        dataset="Spirals", noise=0.0, hidden=(8, 8), activations=("tanh", "tanh"), loss="bce", output="sigmoid",
        init="xavier", optimizer="adam", lr=0.03, batch_size=16, epochs=300),
}


def _zoo_preset(spec, training):
    """A LabConfig with a fixed zoo architecture and the training settings its learning test uses."""
    fixed = {k: v for k, v in spec.items() if k != "seed"}  # the sidebar's seed applies
    return LabConfig(spec=fixed, hidden=(), activations=(), loss=spec["loss"], output="softmax", init=spec["init"],
                     **{k: training[k] for k in ("optimizer", "lr", "schedule", "epochs", "batch_size")})


PRESETS["MNIST CNN"] = _zoo_preset(mnist_cnn_spec(), CNN_TRAINING)
PRESETS["MNIST patch attention"] = _zoo_preset(mnist_attention_spec(), ATTENTION_TRAINING)



def preset_of(config):
    """The name of the preset ``config`` is, else CUSTOM: the sidebar's Preset box names what is loaded.

    Every setting counts except the number of epochs (how long the next click trains, which people change
    all the time); a preset's own initial weights count as "given or not" (the weights are not compared).
    """
    for name, preset in PRESETS.items():
        same_start = (config.initial_params is None) == (preset.initial_params is None)
        if same_start and replace(config, epochs=preset.epochs) == preset:
            return name
    return CUSTOM
