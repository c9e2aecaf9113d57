"""Real, short, seeded training runs of the shipped lessons' setups, for the lesson tests.

The presets are referenced by name in the lesson files and validated against a table passed in; the app passes
``nnlab.lab.presets.PRESETS``. These tests must not import the root ``nnlab/*.py`` modules (they are being moved
into ``nnlab.lab``), so ``PRESETS`` below is a copy of the settings in ``nnlab/presets.py`` over the defaults of
``LabConfig`` in ``nnlab/config.py`` (read there, copied here as plain dicts), and networks are built straight
from ``nnlab.engine`` the way ``config.build_spec`` and ``TrainingSession.run`` build and train them.
``test_lessons_load.test_the_copied_presets_match_the_app`` compares the copy with the real table once it exists.
"""
from dataclasses import replace
from functools import cache
from types import SimpleNamespace

import numpy as np

from nnlab.data.builtin import DATASETS, load_dataset
from nnlab.engine import (ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS, SCHEDULES, EpochRecord, ErrorRecord,
                          Network, StepRecord, make_optimizer, train)
from nnlab.engine.zoo import ATTENTION_TRAINING, CNN_TRAINING, mnist_attention_spec, mnist_cnn_spec
from nnlab.lab.lesson_run import Run
from nnlab.lab.lessons import load_lessons

DEFAULTS = dict(dataset="MNIST subset (10k digits)", n_samples=400, noise=0.15, hidden=(128, 64),
                activations=("relu", "relu"), loss="softmax_ce", output="softmax", init="he", sigma=0.01, seed=0,
                optimizer="adam", lr=1e-3, schedule="constant", batch_size=64, epochs=10, l2=0.0, dropout=0.0,
                spec=None, initial_params=None)


def _zoo(spec, training):
    fixed = {k: v for k, v in spec.items() if k != "seed"}
    return {**DEFAULTS, "spec": fixed, "hidden": (), "activations": (), "loss": spec["loss"], "output": "softmax",
            "init": spec["init"], **{k: training[k] for k in ("optimizer", "lr", "schedule", "epochs", "batch_size")}}


PRESETS = {
    "MNIST MLP 784-128-64-10": dict(DEFAULTS),
    "Seed example (2→1 sigmoid)": {**DEFAULTS, "dataset": "Two blobs", "hidden": (), "activations": (),
                                   "loss": "mse", "output": "sigmoid", "init": "xavier", "optimizer": "sgd",
                                   "lr": 0.5, "batch_size": 16, "epochs": 30,
                                   "initial_params": {0: {"W": [[0.3], [0.7]], "b": [-0.2]}}},
    "Vanishing gradients (8 sigmoid layers)": {**DEFAULTS, "dataset": "Digits 8×8", "hidden": (32,) * 8,
                                               "activations": ("sigmoid",) * 8, "init": "xavier",
                                               "optimizer": "sgd", "lr": 0.1, "batch_size": 32, "epochs": 5},
    "Dead ReLUs (lr too high)": {**DEFAULTS, "hidden": (128, 64), "activations": ("relu", "relu"),
                                 "optimizer": "sgd", "lr": 1.0, "epochs": 3},
    "Spirals 2-8-8-1 tanh": {**DEFAULTS, "dataset": "Spirals", "noise": 0.0, "hidden": (8, 8),
                             "activations": ("tanh", "tanh"), "loss": "bce", "output": "sigmoid", "init": "xavier",
                             "optimizer": "adam", "lr": 0.03, "batch_size": 16, "epochs": 300},
    "MNIST CNN": _zoo(mnist_cnn_spec(), CNN_TRAINING),
    "MNIST patch attention": _zoo(mnist_attention_spec(), ATTENTION_TRAINING),
}
ARTICLE_PRINTED = {"z": 0.35, "y": 0.59, "L": 0.0441, "delta": -0.1148}  # what the article prints (§4.1, §4.2)
TOYS = ("Moons", "Circles", "Blobs", "Two blobs", "Spirals", "XOR")


def check_setup(preset, changes):
    """What the app's config validation would reject, enough for the tests: unknown table names, bad sizes."""
    s = {**PRESETS[preset], **changes}
    if len(s["hidden"]) != len(s["activations"]):
        raise ValueError(f"hidden has {len(s['hidden'])} layers but activations has {len(s['activations'])}")
    for key, table in (("loss", LOSSES), ("output", ACTIVATIONS), ("init", INITIALIZERS),
                       ("optimizer", OPTIMIZERS), ("schedule", SCHEDULES)):
        if s[key] not in table:
            raise ValueError(f"{key}={s[key]!r} is unknown")
    for act in s["activations"]:
        if act not in ACTIVATIONS:
            raise ValueError(f"activation={act!r} is unknown")


def lessons():
    return {lesson.id: lesson for lesson in load_lessons(PRESETS, list(DATASETS), check_setup=check_setup)}


def settings_of(lesson):
    """The full settings of a lesson's one-click setup: the preset with the lesson's changes."""
    return {**PRESETS[lesson.setup.preset], **lesson.setup.settings}


@cache
def dataset(name, n_samples, noise):
    return load_dataset(name, 0, *((n_samples, noise) if name in TOYS else (None, None)))


def data_of(s):
    return dataset(s["dataset"], s["n_samples"], s["noise"])


def build(s):
    """The network of settings ``s``, as ``config.build_spec`` builds it (output size follows the data)."""
    data = data_of(s)
    if s["spec"] is not None:
        spec = {**s["spec"], "seed": s["seed"], "init": s["init"], "sigma": s["sigma"]}
    else:
        n_out = 1 if s["output"] == "sigmoid" and len(data.class_names) == 2 else data.n_outputs
        layers = [{"type": "dense", "units": u, "activation": a} for u, a in zip(s["hidden"], s["activations"])]
        layers.append({"type": "dense", "units": n_out, "activation": s["output"]})
        spec = {"input_shape": [data.n_features], "layers": layers, "loss": s["loss"], "init": s["init"],
                "sigma": s["sigma"], "seed": s["seed"], "dtype": "float32"}
    net = Network(spec)
    for index, arrays in (s["initial_params"] or {}).items():
        net.set_params(index, **{k: np.asarray(v) for k, v in arrays.items()})
    return net


class Session:
    """One model trained press by press like ``TrainingSession.run``: records numbered on, seed per press."""

    def __init__(self, s):
        self.settings, self.net = dict(s), build(s)
        self.steps, self.epochs, self.errors = [], [], []

    def press(self, **changes):
        """Train ``settings["epochs"]`` more epochs (after applying ``changes``); stop after an ErrorRecord."""
        s = self.settings = {**self.settings, **changes}
        data = data_of(s)
        x_val, y_val, _ = data.held_out()
        step0 = self.steps[-1].step if self.steps else 0
        epoch0 = self.steps[-1].epoch if self.steps else 0
        last_epoch = self.epochs[-1].epoch if self.epochs else 0
        optimizer = make_optimizer(s["optimizer"], lr=s["lr"], weight_decay=s["l2"])
        for record in train(self.net, data.x_train, data.y_train, epochs=s["epochs"], batch_size=s["batch_size"],
                            optimizer=optimizer, schedule=s["schedule"], x_val=x_val, y_val=y_val,
                            seed=s["seed"] + last_epoch):
            kept = replace(record, step=record.step + step0, epoch=record.epoch + epoch0)
            {StepRecord: self.steps, EpochRecord: self.epochs, ErrorRecord: self.errors}[type(record)].append(kept)
            if isinstance(record, ErrorRecord):
                break
        return self

    def run(self, **parts):
        return Run(config=dict(self.settings), steps=tuple(self.steps), epochs=tuple(self.epochs),
                   errors=tuple(self.errors), net=self.net, inputs=data_of(self.settings).x_train, **parts)


@cache
def trained(lesson_id):
    """A Session of the lesson's setup after one press of Train (cached: each run is made once per test process;
    the tests only read it)."""
    return Session(settings_of(lessons()[lesson_id])).press()


@cache
def exploding_session():
    """The exploding-gradients task done for real: one epoch at 0.1, then 0.3, 1.0, 3.0 until it diverges."""
    session = Session(settings_of(lessons()["exploding_gradients"])).press()
    for lr in (0.3, 1.0, 3.0):
        session.press(lr=lr)
        if session.errors:
            break
    return session


def neuron(x=(0.5, 0.1), w=(0.3, 0.7), b=-0.2, target=0.8, activation="sigmoid"):
    """The seed neuron computed by the engine, with the attributes of ``NeuronResult`` the lessons read."""
    net = Network({"input_shape": [len(w)], "loss": "mse", "init": "zeros", "dtype": "float64",
                   "layers": [{"type": "dense", "units": 1, "activation": activation}]})
    net.set_params(0, W=np.reshape(w, (-1, 1)), b=[b])
    trace = net.backward_trace(np.asarray([x], dtype=np.float64), np.array([[target]]))
    fwd, grads = trace.forward[0], trace.layers[0]
    z, y = float(fwd.z[0, 0]), float(fwd.a[0, 0])
    products = np.asarray(x) * np.asarray(w)
    return SimpleNamespace(
        x=tuple(x), w=tuple(w), b=b, activation=activation, target=target, weighted_sum=float(products.sum()), z=z,
        y=y, dLdy=y - target, dfdz=float(ACTIVATIONS[activation].df(fwd.z, fwd.a)[0, 0]), loss=float(trace.loss),
        delta=float(grads.delta[0, 0]), dW=tuple(float(v) for v in grads.grads["W"][:, 0]),
        db=float(grads.grads["b"][0]),
        is_article_example=(tuple(x), tuple(w), b, target, activation) == ((0.5, 0.1), (0.3, 0.7), -0.2, 0.8,
                                                                           "sigmoid"))
