"""The lab's settings in one plain dataclass, and how they become a network spec and training options.

The sidebar edits a ``LabConfig``; every page reads the same one. Kept free of Streamlit so it can be
tested and reused by the compare page.
"""
from dataclasses import asdict, dataclass, field, replace

from .engine import ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS, SCHEDULES, make_optimizer
from .spec_text import spec_mismatch

MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 1024


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

    def model_key(self, dataset=None):
        """What identifies the model: a change here resets training (with a notice)."""
        return repr((self.data_key(), self.seed, self.hidden, self.activations, self.loss, self.output, self.init,
                     self.sigma, self.dropout, self.spec, self.initial_params is not None))

    def to_dict(self):
        return asdict(self)


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
        raise ValueError(f"hidden has {len(config.hidden)} layers but activations has {len(config.activations)}")
    if len(config.hidden) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"{len(config.hidden)} hidden layers: use at most {MAX_HIDDEN_LAYERS}")
    for i, (units, act) in enumerate(zip(config.hidden, config.activations), start=1):
        if not 1 <= units <= MAX_UNITS:
            raise ValueError(f"hidden layer {i} has {units} units; give between 1 and {MAX_UNITS}")
        if act not in ACTIVATIONS:
            raise ValueError(f"hidden layer {i}: activation={act!r} is unknown")
    for name, table, value in (("loss", LOSSES, config.loss), ("init", INITIALIZERS, config.init),
                               ("optimizer", OPTIMIZERS, config.optimizer), ("schedule", SCHEDULES, config.schedule),
                               ("output", ACTIVATIONS, config.output)):
        if value not in table:
            raise ValueError(f"{name}={value!r} is unknown; choose one of {sorted(table)}")
    if not config.lr > 0:
        raise ValueError(f"learning rate={config.lr!r}: must be positive")
    if config.batch_size < 1 or config.epochs < 1:
        raise ValueError(f"batch size={config.batch_size}, epochs={config.epochs}: both must be at least 1")
    if not 0 <= config.dropout < 1:
        raise ValueError(f"dropout={config.dropout!r}: must be in [0, 1)")


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


def with_changes(config, **changes):
    return replace(config, **changes)
