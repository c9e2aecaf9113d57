"""Short, seeded training runs of every preset, trained as the Training page trains them (a TrainingSession),
shared by the tests that read them: each runs once per test process.

Short means fewer epochs or a slice of the training part where the preset's own run would cost minutes; the
runs keep what the preset is about (the dead-ReLU preset's learning rate kills units within a few dozen steps,
the vanishing one's 8 sigmoid layers starve the first layer at once).
"""
from dataclasses import replace
from functools import cache

from nnlab.data.builtin import load_dataset
from nnlab.lab.config import build_network
from nnlab.lab.presets import PRESETS
from nnlab.lab.session import TrainingSession

TOYS = {"Spirals", "Two blobs", "Moons", "Circles", "Blobs", "XOR"}
# preset -> (epochs, training samples); None keeps the preset's own
SHORT = {
    "MNIST MLP 784-128-64-10": (2, 2000),
    "Seed example (2→1 sigmoid)": (None, None),
    "Vanishing gradients (8 sigmoid layers)": (1, None),
    "Dead ReLUs (lr too high)": (1, 2000),
    "Spirals 2-8-8-1 tanh": (None, None),
    "MNIST CNN": (1, 1500),
    "MNIST patch attention": (1, 1500),
}


def preset_data(name, train_samples=None):
    cfg = PRESETS[name]
    toy = cfg.dataset in TOYS
    data = load_dataset(cfg.dataset, n_samples=cfg.n_samples if toy else None, noise=cfg.noise if toy else None)
    if train_samples is not None:
        data = replace(data, x_train=data.x_train[:train_samples], y_train=data.y_train[:train_samples])
    return data


@cache
def short_run(name):
    """(config, dataset, session) after the preset's short run (see SHORT)."""
    epochs, samples = SHORT[name]
    cfg = PRESETS[name] if epochs is None else replace(PRESETS[name], epochs=epochs)
    data = preset_data(name, samples)
    session = TrainingSession.start(build_network(cfg, data))
    for _record in session.run(data, cfg):
        pass
    return cfg, data, session
