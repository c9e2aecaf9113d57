"""Runs for TensorBoard: a training run's records as TensorBoard event files, zipped for a download.

Why: people who know TensorBoard want to look at an nnlab run there, next to their other runs. The input is
the trainer's own plain records (StepRecord, EpochRecord) and the per-epoch weight snapshots the app keeps,
so nothing is recomputed: every value in the files is one the app has shown.

Tags (TensorBoard groups charts by the part before the first "/"; spaces in layer names become "_"):
- per step (x = step): ``step/loss``, ``step/accuracy``, ``step/lr``, and per layer ``grad_norm/L1_dense``,
  ``weight_norm/…``, ``update_ratio/…``, ``act_mean/…``, ``act_std/…``, ``dead_frac/…``, ``saturated_frac/…``
  (whichever the records hold); histograms ``weights/…`` and ``gradients/…`` on the steps that took them.
- per epoch (x = epoch): ``epoch/train_loss``, ``epoch/train_acc``, ``epoch/val_loss``, ``epoch/val_acc``,
  ``epoch/seconds`` (since training began); histograms ``epoch_weights/…`` of each snapshot (epoch 0 = the
  initial weights).
Values the records leave out (accuracy of a regression, validation without a validation set) are not
written; nor are non-finite ones (an update ratio of all-zero weights is ∞), which TensorBoard cannot plot.
Wall times are those of writing the file: the records keep seconds per epoch, not per step.

Written with tensorboardX, the lighter of the two writers (it needs only NumPy and protobuf), imported when
an export is made so the app does not pay for it at start-up.
"""
import io
import math
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..engine import EpochRecord, StepRecord
from ..engine.trainer import histogram

STEP_SCALARS = {"loss": "step/loss", "accuracy": "step/accuracy", "lr": "step/lr"}
EPOCH_SCALARS = {"train_loss": "epoch/train_loss", "train_acc": "epoch/train_acc", "val_loss": "epoch/val_loss",
                 "val_acc": "epoch/val_acc", "seconds": "epoch/seconds"}
STEP_HISTOGRAMS = {"weights": "weights", "grads": "gradients"}


def tag(group, layer):
    """TensorBoard tag of a per-layer series, e.g. ("grad_norm", "L1 dense") -> "grad_norm/L1_dense"."""
    return f"{group}/{layer.replace(' ', '_')}"


def _check(records, kind, name):
    for i, record in enumerate(records):
        if not isinstance(record, kind):
            raise TypeError(f"{name}[{i}] is of type {type(record).__name__}; expected {kind.__name__}")


def _scalar(writer, name, value, step):
    if value is not None and math.isfinite(value):
        writer.add_scalar(name, float(value), global_step=step)


def _histogram(writer, name, counts, edges, step, total=None, total_squares=None):
    """One histogram from counts and edges (as ``np.histogram`` gives them). TensorBoard's format also
    wants Σv and Σv²; when only counts are known they are estimated from the bin centres."""
    counts, edges = np.asarray(counts), np.asarray(edges, dtype=np.float64)
    if total is None:
        centres = (edges[:-1] + edges[1:]) / 2
        total, total_squares = float(counts @ centres), float(counts @ centres ** 2)
    writer.add_histogram_raw(name, min=float(edges[0]), max=float(edges[-1]), num=int(counts.sum()), sum=total,
                             sum_squares=total_squares, bucket_limits=edges[1:].tolist(),
                             bucket_counts=counts.tolist(), global_step=step)


def write_run(writer, steps, epochs, snapshots=None):
    """Write the records through a tensorboardX ``SummaryWriter`` (or anything with its two methods)."""
    _check(steps, StepRecord, "steps")
    _check(epochs, EpochRecord, "epochs")
    for record in steps:
        for field, name in STEP_SCALARS.items():
            _scalar(writer, name, getattr(record, field), record.step)
        for layer, stats in record.layers.items():
            for stat, value in stats.items():
                _scalar(writer, tag(stat, layer), value, record.step)
        for layer, hists in (record.histograms or {}).items():
            for key, group in STEP_HISTOGRAMS.items():
                _histogram(writer, tag(group, layer), *hists[key], record.step)
    for record in epochs:
        for field, name in EPOCH_SCALARS.items():
            _scalar(writer, name, getattr(record, field), record.epoch)
    for epoch, layers in sorted((snapshots or {}).items()):
        for layer, weights in layers.items():
            flat = np.asarray(weights, dtype=np.float64).reshape(-1)
            _histogram(writer, tag("epoch_weights", layer), *histogram(flat), epoch, total=float(flat.sum()),
                       total_squares=float(flat @ flat))


def run_to_tensorboard_zip(steps, epochs, snapshots=None, run_name="nnlab-run"):
    """A zip (bytes) of one TensorBoard run folder, ``run_name/events.out.tfevents…``.

    Parameters
    ----------
    steps : list of StepRecord; epochs : list of EpochRecord (as the trainer yielded them)
    snapshots : optional dict epoch -> {layer name: weight array}, e.g. the initial and per-epoch weights
    run_name : the folder's name, which TensorBoard shows as the run's name

    Unzip it and run ``tensorboard --logdir .`` in the folder that holds ``run_name``.
    """
    from tensorboardX import SummaryWriter

    if not run_name or "/" in run_name or "\\" in run_name or run_name in (".", ".."):
        raise ValueError(f"run_name={run_name!r}: give a plain folder name such as 'nnlab-run'")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with SummaryWriter(logdir=str(root / run_name), flush_secs=3600) as writer:
            write_run(writer, steps, epochs, snapshots)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(root).as_posix())
    return buffer.getvalue()
