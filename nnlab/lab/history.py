"""A training run's history: the trainer's records kept in order, and tidy tables drawn from them.

Plain Python and pandas (no Streamlit), so pages keep one History per user in ``st.session_state``
and the compare page keeps one per architecture (each inside a ``session.TrainingSession``).
"""
import numpy as np
import pandas as pd

from ..data.spreadsheet import safe_for_spreadsheet
from ..engine.trainer import EpochRecord, ErrorRecord, StepRecord
from .step_log import StepLog

MAX_SNAPSHOTS = 21  # weight copies kept per run at most (see History.thin_snapshots) …
MAX_SNAPSHOT_BYTES = 16 * 2**20  # … and at most this many bytes of them, but always initialisation and the latest


class History:
    """Every epoch and error record of a model's training, a bounded set of its step records
    (``step_log.StepLog``: all of a short run, an even sample with the extremes of a long one) and weight
    snapshots (every parameter) at initialisation and after epochs (thinned)."""

    def __init__(self):
        self.epochs = []
        self.errors = []
        self.snapshots = {}  # epoch (0 = initialisation) -> {layer name: {parameter name: copy}}
        self.snapshots_taken = 0  # snapshots ever taken (some may have been thinned away)
        self.step_log = StepLog()

    def add(self, record):
        if isinstance(record, StepRecord):
            self.step_log.add(record)
        elif isinstance(record, EpochRecord):
            self.epochs.append(record)
        elif isinstance(record, ErrorRecord):
            self.errors.append(record)
        else:
            raise TypeError(f"not a training record: {type(record).__name__}")

    @property
    def steps(self):
        """The kept StepRecords in order of step (every one of a short run; see ``step_log``)."""
        return self.step_log.records()

    def loss_means(self):
        """[(step, epoch, mean loss, steps)]: the mean finite loss of each stretch of ``step_log.stride`` steps,
        at its last step (each step's own loss while nothing is thinned)."""
        return self.step_log.loss_means()

    def snapshot(self, epoch, net):
        """Keep a copy of every parameter, to show how they moved since initialisation."""
        self.snapshots[epoch] = {layer.name: {k: v.copy() for k, v in layer.params.items()}
                                 for layer in net.param_layers()}
        self.snapshots_taken += 1

    def weight_snapshots(self):
        """{epoch: {layer name: its weights}}: each layer's first parameter (W, a kernel …) of each snapshot."""
        return {e: {name: next(iter(params.values())) for name, params in layers.items()}
                for e, layers in self.snapshots.items()}

    def thin_snapshots(self, max_keep=MAX_SNAPSHOTS, max_bytes=MAX_SNAPSHOT_BYTES):
        """Keep at most ``max_keep`` snapshots and ``max_bytes`` of them (initialisation, the latest, and
        epochs evenly spread in between), so a 1,000-epoch run of a big model does not hold 1,000 copies."""
        if max_keep < 2:
            raise ValueError(f"max_keep={max_keep!r}: keep at least 2 snapshots (first and latest)")
        epochs = sorted(self.snapshots)
        size = max(sum(a.nbytes for params in self.snapshots[epochs[-1]].values() for a in params.values()), 1) \
            if epochs else 1
        max_keep = max(2, min(max_keep, max_bytes // size))
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
        last = self.step_log.last
        return last.step if last else 0

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

    def to_csv(self, about=None):
        """The history as one CSV table: a row per kept step (every step of a short run, see ``step_log``),
        the epoch's columns on each epoch's last step (a row of its own if that step was thinned away).

        about : {column: text} put first in every row, so the file says what it is (the dataset, the
            network). Text that a spreadsheet would run as a formula is neutralised
            (``data.spreadsheet``): a dataset named ``=HYPERLINK(…)`` goes out as plain text.
        """
        epochs = self.epoch_frame().rename(columns={"epoch": "epoch_of_record"})
        merged = self.step_frame().merge(epochs, on="step", how="outer").sort_values("step", kind="stable")
        merged["epoch"] = merged["epoch"].fillna(merged.pop("epoch_of_record")).astype("int64")
        for i, (column, text) in enumerate((about or {}).items()):
            merged.insert(i, column, text)
        return safe_for_spreadsheet(merged).to_csv(index=False)


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
