"""Runs for TensorBoard: a training run's records as TensorBoard event files, zipped for a download.

Why: people who know TensorBoard want to look at an nnlab run there, next to their other runs. The input is
the trainer's own plain records (StepRecord, EpochRecord) and the per-epoch weight snapshots the app keeps,
so the network is not run again: scalars and step histograms are the records' own numbers.

Tags (TensorBoard groups charts by the part before the first "/"; spaces in layer names become "_"):
- per step (x = step): ``step/loss``, ``step/accuracy``, ``step/lr``, and per layer ``grad_norm/L1_dense``,
  ``weight_norm/…``, ``update_ratio/…``, ``act_mean/…``, ``act_std/…``, ``dead_frac/…``, ``saturated_frac/…``
  (whichever the records hold); histograms ``weights/…`` and ``gradients/…`` on the steps that took them.
- per epoch (x = epoch): ``epoch/train_loss``, ``epoch/train_acc``, ``epoch/val_loss``, ``epoch/val_acc``,
  ``epoch/seconds`` (since training began); histograms ``epoch_weights/…`` of each snapshot (epoch 0 = the
  initial weights).
Values the records leave out (accuracy of a regression, validation without a validation set) are not
written; nor are non-finite ones (an update ratio of all-zero weights is ∞), which TensorBoard cannot plot.
Wall times are those of writing the file: the records keep seconds per epoch, not per step. TensorBoard's
histogram format also carries Σv and Σv²: exact for the snapshots, estimated from the bin centres for the
step histograms (the records keep counts, not values); TensorBoard draws only the counts.

Written with tensorboardX's FileWriter, the lighter of the two writers (it needs only NumPy and protobuf),
imported when an export is made so the app does not pay for it at start-up (tensorboardX imports PyTorch
when it is installed: seconds on the first export).
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


def _finite(pairs):
    return [(name, float(value)) for name, value in pairs if value is not None and math.isfinite(value)]


def _histogram(counts, edges, total=None, total_squares=None):
    """(counts, edges, Σv, Σv²) of one histogram. TensorBoard's format wants the sums too; when only the
    counts are known (the records keep no values) they are estimated from the bin centres."""
    counts, edges = np.asarray(counts), np.asarray(edges, dtype=np.float64)
    if total is None:
        centres = (edges[:-1] + edges[1:]) / 2
        total, total_squares = float(counts @ centres), float(counts @ centres ** 2)
    return counts, edges, total, total_squares


def summaries(steps, epochs, snapshots=None):
    """What the run's files hold, as (x, scalars [(tag, value)], histograms [(tag, (counts, edges, Σv, Σv²))])
    per step, then per epoch, then per snapshot: one TensorBoard event each."""
    _check(steps, StepRecord, "steps")
    _check(epochs, EpochRecord, "epochs")
    for record in steps:
        scalars = [(name, getattr(record, field)) for field, name in STEP_SCALARS.items()]
        scalars += [(tag(stat, layer), value) for layer, stats in record.layers.items()
                    for stat, value in stats.items()]
        hists = [(tag(group, layer), _histogram(*h[key])) for layer, h in (record.histograms or {}).items()
                 for key, group in STEP_HISTOGRAMS.items()]
        yield record.step, _finite(scalars), hists
    for record in epochs:
        yield record.epoch, _finite((name, getattr(record, field)) for field, name in EPOCH_SCALARS.items()), []
    for epoch, layers in sorted((snapshots or {}).items()):
        hists = []
        for layer, weights in layers.items():
            flat = np.asarray(weights, dtype=np.float64).reshape(-1)
            hists.append((tag("epoch_weights", layer), _histogram(*histogram(flat), float(flat.sum()),
                                                                 float(flat @ flat))))
        yield epoch, [], hists


def run_to_tensorboard_zip(steps, epochs, snapshots=None, run_name="nnlab-run"):
    """A zip (bytes) of one TensorBoard run folder, ``run_name/events.out.tfevents…``.

    Parameters
    ----------
    steps : list of StepRecord; epochs : list of EpochRecord (as the trainer yielded them)
    snapshots : optional dict epoch -> {layer name: weight array}, e.g. the initial and per-epoch weights
    run_name : the folder's name, which TensorBoard shows as the run's name

    Unzip it and run ``tensorboard --logdir .`` in the folder that holds ``run_name``.
    """
    from tensorboardX import FileWriter
    from tensorboardX.proto.summary_pb2 import HistogramProto, Summary

    if not run_name or "/" in run_name or "\\" in run_name or run_name in (".", ".."):
        raise ValueError(f"run_name={run_name!r}: give a plain folder name such as 'nnlab-run'")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        writer = FileWriter(str(root / run_name), flush_secs=3600)
        for x, scalars, hists in summaries(steps, epochs, snapshots):
            # One event per step with all its values: an event per value costs ~25 times as much.
            values = [Summary.Value(tag=name, simple_value=value) for name, value in scalars]
            values += [Summary.Value(tag=name, histo=HistogramProto(
                min=edges[0], max=edges[-1], num=int(counts.sum()), sum=total, sum_squares=squares,
                bucket_limit=edges[1:].tolist(), bucket=counts.tolist()))
                for name, (counts, edges, total, squares) in hists]
            if values:
                writer.add_summary(Summary(value=values), global_step=x)
        writer.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(root).as_posix())
    return buffer.getvalue()
