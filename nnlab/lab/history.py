"""A training run's history: the trainer's records kept in order, and tidy tables drawn from them.

Plain Python and pandas (no Streamlit), so pages keep one History per user in ``st.session_state``
and the compare page keeps one per architecture (each inside a ``session.TrainingSession``).
"""
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..engine.trainer import EpochRecord, ErrorRecord, StepRecord

MAX_SNAPSHOTS = 21  # weight copies kept per run (see History.thin_snapshots)


@dataclass
class History:
    steps: list = field(default_factory=list)
    epochs: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    snapshots: dict = field(default_factory=dict)  # epoch (0 = initialisation) -> {layer name: weights copy}

    def add(self, record):
        if isinstance(record, StepRecord):
            self.steps.append(record)
        elif isinstance(record, EpochRecord):
            self.epochs.append(record)
        elif isinstance(record, ErrorRecord):
            self.errors.append(record)
        else:
            raise TypeError(f"not a training record: {type(record).__name__}")

    def snapshot(self, epoch, net):
        """Keep a copy of each parameter layer's weights, to show how they moved since initialisation."""
        self.snapshots[epoch] = {layer.name: next(iter(layer.params.values())).copy() for layer in net.param_layers()}

    def thin_snapshots(self, max_keep=MAX_SNAPSHOTS):
        """Keep at most ``max_keep`` snapshots (initialisation, the latest, and epochs evenly spread in
        between), so a 1,000-epoch run does not hold 1,000 copies of its weights."""
        if max_keep < 2:
            raise ValueError(f"max_keep={max_keep!r}: keep at least 2 snapshots (first and latest)")
        epochs = sorted(self.snapshots)
        if len(epochs) <= max_keep:
            return
        targets = np.linspace(epochs[0], epochs[-1], max_keep)
        keep = {min(epochs, key=lambda e: (abs(e - t), e)) for t in targets} | {epochs[0], epochs[-1]}
        for e in epochs:
            if e not in keep:
                del self.snapshots[e]

    @property
    def last_epoch(self):
        return self.epochs[-1].epoch if self.epochs else 0

    @property
    def n_steps(self):
        return self.steps[-1].step if self.steps else 0

    def __len__(self):
        return len(self.steps)

    def step_frame(self):
        """One row per step: step, epoch, lr, loss, accuracy."""
        return pd.DataFrame([{"step": r.step, "epoch": r.epoch, "lr": r.lr, "loss": r.loss, "accuracy": r.accuracy}
                             for r in self.steps], columns=["step", "epoch", "lr", "loss", "accuracy"])

    def epoch_frame(self):
        """One row per epoch: train/val loss and accuracy, seconds since the run began."""
        cols = ["epoch", "step", "train_loss", "train_acc", "val_loss", "val_acc", "seconds"]
        return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in self.epochs], columns=cols)

    def layer_frame(self):
        """Long format, one row per (step, layer): grad_norm, weight_norm, update_ratio, activation stats."""
        rows = [{"step": r.step, "epoch": r.epoch, "layer": name, **stats}
                for r in self.steps for name, stats in r.layers.items()]
        return pd.DataFrame(rows)

    def to_csv(self):
        """Per-step and per-epoch history as one CSV (epoch columns filled on each epoch's last step)."""
        steps = self.step_frame()
        epochs = self.epoch_frame().drop(columns=["epoch"])
        merged = steps.merge(epochs, on="step", how="left") if len(steps) else steps
        return merged.to_csv(index=False)


def epoch_long_frame(epochs, held_out="validation"):
    """Long frame (epoch, split, metric, value) of EpochRecords, ``split`` in {"train", held_out} and
    ``metric`` in {"loss", "accuracy"}; missing or non-finite values (no held-out set, regression
    accuracy) are left out. The learning curves of the Training and Compare pages both draw it."""
    rows = []
    for r in epochs:
        for split, loss, acc in (("train", r.train_loss, r.train_acc), (held_out, r.val_loss, r.val_acc)):
            for metric, value in (("loss", loss), ("accuracy", acc)):
                if value is not None and np.isfinite(value):
                    rows.append({"epoch": r.epoch, "split": split, "metric": metric, "value": float(value)})
    return pd.DataFrame(rows, columns=["epoch", "split", "metric", "value"])
