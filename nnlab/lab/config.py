"""The lab's settings in one plain dataclass, how they become a network and training options, and
whether a network or a configuration fits a dataset.

The sidebar edits a ``LabConfig``; every page reads the same one, and the Compare page builds its
architectures from it. Kept free of Streamlit so it can be tested on its own.
"""
from dataclasses import dataclass, field, replace

import numpy as np

from ..engine import ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS, SCHEDULES, Network, make_optimizer
from ..engine.shapes import shape_text
from ..i18n import N_, _

MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 1024
# The sidebar's choices and limits: its widgets use them, and a link carrying its settings (lab.link) is
# checked against them.
LR_CHOICES = (1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 5e-3, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0)
BATCH_CHOICES = (1, 8, 16, 32, 64, 128, 256)
INT_RANGES = {"n_samples": (50, 5000), "seed": (0, 2**31 - 1), "epochs": (1, 1000)}
FLOAT_RANGES = {"noise": (0.0, 1.0), "sigma": (1e-4, 10.0), "l2": (0.0, 1.0), "dropout": (0.0, 0.9)}
NEW_LAYER = (16, "relu")  # units and activation of a hidden layer the sidebar adds
# Settings of a loaded model that go into the sidebar's range-limited widgets (see ``outside_sidebar``).
RANGED_SETTINGS = {"seed": N_("seed"), "sigma": N_("σ of normal init"), "dropout": N_("dropout")}


@dataclass(frozen=True)
class LabConfig:
    dataset: str = "MNIST subset (10k digits)"
    n_samples: int = 400  # 2-D toys only
    noise: float = 0.15  # 2-D toys only
    hidden: tuple = (128, 64)  # units per hidden layer
    activations: tuple = ("relu", "relu")  # one per hidden layer
    loss: str = "softmax_ce"
    output: str = "softmax"  # output activation; follows the loss for cross-entropies
    init: str = "he"
    sigma: float = 0.01  # std of the "normal" initialiser
    seed: int = 0
    optimizer: str = "adam"
    lr: float = 1e-3
    schedule: str = "constant"
    batch_size: int = 64
    epochs: int = 10
    l2: float = 0.0
    dropout: float = 0.0
    spec: dict | None = None  # a full network spec (CNN / attention presets) instead of hidden/activations
    initial_params: dict | None = field(default=None, compare=False)  # {layer index: {"W": ..., "b": ...}}

    def data_key(self):
        """What identifies the data: changing any of it means new data and a new model. The seed is not
        part of it: splits are fixed (seed 0) so that changing the model's seed compares like with like."""
        return (self.dataset, self.n_samples, self.noise)

    def model_key(self):
        """What identifies the model: a change here resets training (with a notice)."""
        return repr((self.data_key(), self.seed, self.hidden, self.activations, self.loss, self.output, self.init,
                     self.sigma, self.dropout, self.spec, self.initial_params is not None))


def output_units(config, dataset):
    """Binary classification with a sigmoid output (bce, or mse as in the seed) needs one unit."""
    if dataset.task == "classification" and config.output == "sigmoid" and len(dataset.class_names) == 2:
        return 1
    return dataset.n_outputs


def loss_for_task(config, dataset):
    """The loss follows the task: MSE with an identity output for regression; softmax cross-entropy again
    when a classification set replaces a regression one (the MSE/identity pair)."""
    if dataset.task == "regression":
        return replace(config, loss="mse", output="identity")
    if config.loss == "mse" and config.output == "identity":
        return replace(config, loss="softmax_ce", output="softmax")
    return config


def validate(config):
    """Raise ValueError naming the setting for anything the engine would reject later, less clearly."""
    if len(config.hidden) != len(config.activations):
        raise ValueError(_("hidden has {n} layers but activations has {k}", n=len(config.hidden),
                           k=len(config.activations)))
    if len(config.hidden) > MAX_HIDDEN_LAYERS:
        raise ValueError(_("{n} hidden layers: use at most {most}", n=len(config.hidden), most=MAX_HIDDEN_LAYERS))
    for i, (units, act) in enumerate(zip(config.hidden, config.activations), start=1):
        if not 1 <= units <= MAX_UNITS:
            raise ValueError(_("hidden layer {i} has {units} units; give between 1 and {most}", i=i, units=units,
                               most=MAX_UNITS))
        if act not in ACTIVATIONS:
            raise ValueError(_("hidden layer {i}: activation={name!r} is unknown", i=i, name=act))
    for name, table, value in (("loss", LOSSES, config.loss), ("init", INITIALIZERS, config.init),
                               ("optimizer", OPTIMIZERS, config.optimizer), ("schedule", SCHEDULES, config.schedule),
                               ("output", ACTIVATIONS, config.output)):
        if value not in table:
            raise ValueError(_("{setting}={value!r} is unknown; choose one of {choices}", setting=name, value=value,
                               choices=sorted(table)))
    if not config.lr > 0:
        raise ValueError(_("learning rate={value!r}: must be positive", value=config.lr))
    if config.batch_size < 1 or config.epochs < 1:
        raise ValueError(_("batch size={batch}, epochs={epochs}: both must be at least 1", batch=config.batch_size,
                           epochs=config.epochs))
    if not 0 <= config.dropout < 1:
        raise ValueError(_("dropout={value!r}: must be in [0, 1)", value=config.dropout))


def build_spec(config, dataset):
    """The engine spec for this config on this dataset: input and output sizes follow the data."""
    validate(config)
    if config.spec is not None:
        # A fixed architecture (CNN / attention preset, loaded model): the sidebar's seed and initialiser apply.
        problem = spec_mismatch(config.spec, dataset)
        if problem:
            raise ValueError(problem)
        return {**config.spec, "seed": config.seed, "init": config.init, "sigma": config.sigma}
    layers = []
    for units, act in zip(config.hidden, config.activations):
        layers.append({"type": "dense", "units": int(units), "activation": act})
        if config.dropout > 0:
            layers.append({"type": "dropout", "rate": config.dropout})
    layers.append({"type": "dense", "units": output_units(config, dataset), "activation": config.output})
    return {"input_shape": [dataset.n_features], "layers": layers, "loss": config.loss, "init": config.init,
            "sigma": config.sigma, "seed": config.seed, "dtype": "float32"}


def build_optimizer(config):
    return make_optimizer(config.optimizer, lr=config.lr, weight_decay=config.l2)


def build_network(config, dataset):
    """The config's network for this data, with any preset's initial weights (ValueError if they do not fit)."""
    net = Network(build_spec(config, dataset))
    if net.n_inputs != dataset.n_features:
        raise ValueError(_("the network takes {n} inputs but “{name}” has {k} features; pick an architecture made "
                           "for this data", n=net.n_inputs, name=dataset.name, k=dataset.n_features))
    for index, params in (config.initial_params or {}).items():
        net.set_params(int(index), **{k: np.asarray(v) for k, v in params.items()})
    return net


def parse_hidden(text):
    """'64, 32' -> (64, 32); '' -> () (no hidden layer). ValueError naming the bad part otherwise."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    units = []
    for i, part in enumerate(parts, start=1):
        if not part.isdigit() or not 1 <= int(part) <= MAX_UNITS:
            raise ValueError(_("hidden layer {i}: {part!r} is not a number of units between 1 and {most}; write "
                               "sizes like 64, 32", i=i, part=part, most=MAX_UNITS))
        units.append(int(part))
    if len(units) > MAX_HIDDEN_LAYERS:
        raise ValueError(_("{n} hidden layers: use at most {most}", n=len(units), most=MAX_HIDDEN_LAYERS))
    return tuple(units)


# ---- does it fit the data? --------------------------------------------------------------------------------

def spec_mismatch(spec, dataset):
    """Why a fixed spec cannot take this dataset (a sentence), or None if it fits.

    The input must have as many values as the dataset has features; a classifier's last dense layer
    needs one unit per class.
    """
    n_in = int(np.prod(spec["input_shape"]))
    shape = shape_text(spec["input_shape"])
    if n_in != dataset.n_features:
        if n_in == 784:
            return _("This architecture takes {shape} inputs ({n} values) but “{name}” has {k} features per sample; "
                     "choose a dataset of {n} features (28×28 images, such as the MNIST subset).", shape=shape,
                     n=n_in, name=dataset.name, k=dataset.n_features)
        return _("This architecture takes {shape} inputs ({n} values) but “{name}” has {k} features per sample; "
                 "choose a dataset of {n} features.", shape=shape, n=n_in, name=dataset.name, k=dataset.n_features)
    last = spec["layers"][-1]
    if "units" in last and last["units"] != dataset.n_outputs:
        return _("This architecture ends in {n} outputs but “{name}” has {k}; it needs a dataset with {n} classes.",
                 n=last["units"], name=dataset.name, k=dataset.n_outputs)
    return None


def fit_task(config, dataset):
    """A chosen configuration made trainable on this data: regression needs MSE and an unbounded output,
    anything else is left as configured (unlike ``loss_for_task``, which resets the pair on a switch of
    dataset, this keeps a deliberate choice such as MSE with a tanh output)."""
    if dataset.task == "regression" and (config.loss != "mse" or config.output in ("softmax", "sigmoid")):
        return replace(config, loss="mse", output="identity")
    return config


def config_for_dataset(config, name, dataset):
    """``config`` switched to ``dataset`` (called ``name``): the loss follows the task (``loss_for_task``),
    and a fixed architecture (a CNN preset) that cannot take this data gives way to the default MLP."""
    cfg = replace(config, dataset=name, initial_params=None)
    if cfg.spec is not None and spec_mismatch(cfg.spec, dataset):
        default = LabConfig()
        cfg = replace(cfg, spec=None, hidden=default.hidden, activations=default.activations)
    return loss_for_task(cfg, dataset)


def check_fits(net, dataset):
    """None if ``net`` can run on ``dataset``; else a message saying what differs and what to do."""
    if net.n_inputs != dataset.n_features:
        return _("The model expects {n} inputs, but the current dataset “{name}” has {k} features. Choose a dataset "
                 "with {n} features in the sidebar or on the Data page, then upload the model again.",
                 n=net.n_inputs, name=dataset.name, k=dataset.n_features)
    loss = net.spec["loss"]
    if dataset.task == "regression":
        if loss != "mse":
            return _("The model was trained for classification (loss {code}), but “{name}” is a regression dataset. "
                     "Choose a classification dataset, then upload the model again.", code=loss, name=dataset.name)
        if net.n_outputs != dataset.n_outputs:
            return _("The model has {n} outputs, but “{name}” has {k} target column(s). Choose a matching dataset, "
                     "then upload the model again.", n=net.n_outputs, name=dataset.name, k=dataset.n_outputs)
        return None
    n_classes = len(dataset.class_names)
    allowed = {n_classes} | ({1} if n_classes == 2 else set())
    if net.n_outputs not in allowed:
        return _("The model has {n} outputs, but “{name}” has {k} classes. Choose a dataset with {n} classes, then "
                 "upload the model again.", n=net.n_outputs, name=dataset.name, k=n_classes)
    return None


def _mlp_layout(spec):
    """(hidden, activations, dropout) if ``spec`` is exactly what the sidebar builds, else None."""
    layers = spec["layers"]
    dense = [layer for layer in layers if layer["type"] == "dense"]
    rates = {layer.get("rate") for layer in layers if layer["type"] == "dropout"}
    if spec.get("dtype") != "float32" or not dense or len(rates) > 1 or len(dense) - 1 > MAX_HIDDEN_LAYERS:
        return None
    rate = rates.pop() if rates else 0.0
    expected = []
    for layer in dense[:-1]:
        expected.append({"type": "dense", "units": layer["units"], "activation": layer["activation"]})
        if rate:
            expected.append({"type": "dropout", "rate": rate})
    expected.append({"type": "dense", "units": dense[-1]["units"], "activation": dense[-1]["activation"]})
    if expected != layers or any(layer["units"] > MAX_UNITS for layer in dense[:-1]):
        return None
    return tuple(d["units"] for d in dense[:-1]), tuple(d["activation"] for d in dense[:-1]), float(rate)


def config_for_network(config, net, dataset):
    """The LabConfig (on the current data) whose model is ``net``: the sidebar's layer builder for a
    plain MLP, a fixed spec for anything else (convolutions, attention, float64)."""
    spec = net.spec
    common = dict(loss=spec["loss"], output=spec["layers"][-1].get("activation", "identity"), init=spec["init"],
                  sigma=float(spec["sigma"]), seed=int(spec["seed"]), initial_params=None)
    layout = _mlp_layout(spec)
    if layout is not None:
        hidden, acts, rate = layout
        cfg = replace(config, hidden=hidden, activations=acts, dropout=rate, spec=None, **common)
        if output_units(cfg, dataset) == net.n_outputs:
            return cfg
    fixed = {k: v for k, v in spec.items() if k != "seed"}
    return replace(config, hidden=(), activations=(), spec=fixed, **common)



def outside_sidebar(config):
    """A sentence naming the first setting of ``config`` outside the sidebar's range, or None.

    The sidebar's widgets hold only values in their range: Streamlit puts a value outside it back to the
    widget's minimum on the next rerun, the config then differs and the model is rebuilt from scratch. So a
    loaded model whose seed, σ or dropout the sidebar cannot show must be refused, never quietly replaced.
    Dropout is the sidebar's only for its editable layers (a fixed architecture keeps its own).
    """
    for key, label in RANGED_SETTINGS.items():
        if key == "dropout" and config.spec is not None:
            continue
        low, high = INT_RANGES[key] if key in INT_RANGES else FLOAT_RANGES[key]
        value = getattr(config, key)
        if not low <= value <= high:
            text = (lambda v: f"{v:,}") if key == "seed" else (lambda v: f"{v:g}")
            return _("The model's {setting} is {value}, outside the sidebar's range of {low} to {high}: the sidebar "
                     "could not keep it, and the next rerun would build a different model.", setting=_(label),
                     value=text(value), low=text(low), high=text(high))
    return None
