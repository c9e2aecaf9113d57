"""The bounded step log of long runs, checked against the full list of steps: the bound, the even sample,
every stretch's extremes, the full tail, the exact mean losses; then the History around it (epochs all
kept, every parameter in snapshots bounded in bytes, the CSV) and the charts drawn from a thinned log."""
import gc
import io
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.engine.trainer import EpochRecord, StepRecord
from nnlab.lab.history import History
from nnlab.lab.step_log import StepLog
from nnlab.viz import curves, gradient_flow
from nnlab.viz.rows import MAX_ROWS

LAYERS = ("L1 dense", "L2 dense", "L3 dense")


def step(i, loss, epoch=1):
    stats = {name: {"grad_norm": 0.1 * k, "weight_norm": 1.0 + k, "update_ratio": 1e-3, "act_mean": 0.2,
                    "act_std": 0.5, "dead_frac": 0.0, "saturated_frac": 0.0} for k, name in enumerate(LAYERS)}
    return StepRecord(i, epoch, 0.01, float(loss), 0.5, stats)


def noisy_losses(n, seed=0):
    rng = np.random.default_rng(seed)
    losses = 2.0 * np.exp(-np.arange(n) / (n / 3)) + rng.uniform(0, 0.1, n)
    return losses


def filled(losses, **kw):
    log = StepLog(**kw)
    for i, loss in enumerate(losses, start=1):
        log.add(step(i, loss))
    return log


@pytest.mark.parametrize("n", [1, 37, 40, 41, 1000, 12_345])
def test_bound_even_sample_extremes_tail_and_means(n):
    losses = noisy_losses(n)
    losses[n // 2] = 50.0  # a spike in the middle
    log = filled(losses, max_buckets=40, tail=10)
    kept = [r.step for r in log.records()]
    assert kept == sorted(set(kept)) and len(kept) <= 3 * 40 + 10
    s = log.stride
    assert s == 1 if n <= 40 else 20 <= -(-n // s) <= 40  # between half and all of max_buckets stretches
    every = range(1, n + 1)
    assert set(range(1, n + 1, s)) <= set(kept)  # the even sample: steps 1, 1 + s, 1 + 2s …
    assert set(every[-10:]) <= set(kept)  # the tail in full
    for b in range(0, n, s):  # each stretch's lowest and highest loss (ties: the first)
        part = losses[b:b + s]
        assert {b + 1 + int(np.argmin(part)), b + 1 + int(np.argmax(part))} <= set(kept)
    assert n // 2 + 1 in kept
    means = log.loss_means()
    expected = [(min(b + s, n), float(np.mean(losses[b:b + s])), len(losses[b:b + s])) for b in range(0, n, s)]
    assert [(m[0], m[3]) for m in means] == [(e[0], e[2]) for e in expected]
    assert [m[2] for m in means] == pytest.approx([e[1] for e in expected], rel=1e-12)
    assert log.thinned == (len(kept) < n) and log.last.step == n


def test_nothing_is_thinned_while_the_run_is_short():
    short = filled(noisy_losses(800))  # the defaults: 800 stretches, tail 200
    assert [r.step for r in short.records()] == list(range(1, 801)) and not short.thinned
    pairs = filled(noisy_losses(1600))  # stride 2: a stretch's first, lowest and highest are both its steps
    assert pairs.stride == 2 and not pairs.thinned
    assert filled(noisy_losses(1601)).stride == 4


def test_non_finite_losses_are_kept_out_of_means_and_extremes():
    losses = np.array([1.0, np.nan, 3.0, np.inf, 2.0, 0.5])
    log = filled(losses, max_buckets=2, tail=1)  # stride 4 after 6 steps: stretches 1-4 and 5-6
    assert log.stride == 4
    assert log.loss_means() == [(4, 1, 2.0, 2), (6, 1, 1.25, 2)]
    bucket = log.buckets[0]
    assert (bucket.low.step, bucket.high.step) == (1, 3)


def test_steps_must_come_in_order():
    log = filled([1.0, 2.0])
    with pytest.raises(ValueError, match="in order"):
        log.add(step(2, 1.0))


def _memory(n_steps):
    gc.collect()
    tracemalloc.start()
    h = History()
    for i, loss in enumerate(noisy_losses(n_steps), start=1):
        h.add(step(i, loss, epoch=1 + i // 1000))
        if i % 1000 == 0:
            h.add(EpochRecord(i // 1000, i, loss, 0.5, loss, 0.5, float(i)))
    gc.collect()
    used = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return used, h


def test_memory_of_a_long_history_stays_bounded():
    one, h1 = _memory(30_000)
    two, h2 = _memory(60_000)
    assert len(h2.epochs) == 60 and [e.epoch for e in h2.epochs] == list(range(1, 61))  # every epoch kept
    assert len(h2.steps) <= 3 * 800 + 200
    # Unbounded, 60,000 records of 3 layers took about 110 MB; bounded, the two runs cost about the same.
    assert two < 1.15 * one and two < 12 * 2**20


def test_history_snapshots_keep_every_parameter_and_stay_in_their_byte_budget():
    net = Network(mlp_spec([4, 8, 3], seed=0))
    h = History()
    for epoch in range(30):
        net.layers[0].params["b"][...] = epoch  # biases move too, and are kept
        h.snapshot(epoch, net)
        h.thin_snapshots()
    assert sorted(h.snapshots)[0] == 0 and sorted(h.snapshots)[-1] == 29 and 15 <= len(h.snapshots) <= 21
    assert h.snapshots_taken == 30
    assert set(h.snapshots[29]["L1 dense"]) == {"W", "b"} and (h.snapshots[29]["L1 dense"]["b"] == 29).all()
    assert h.weight_snapshots()[29]["L1 dense"] is h.snapshots[29]["L1 dense"]["W"]
    size = sum(a.nbytes for layer in h.snapshots[0].values() for a in layer.values())
    h.thin_snapshots(max_bytes=5 * size)
    assert 3 <= len(h.snapshots) <= 5 and {0, 29} <= set(h.snapshots)
    h.thin_snapshots(max_bytes=size)  # never fewer than initialisation and the latest
    assert sorted(h.snapshots) == [0, 29]


def test_history_csv_neutralises_formulas_and_keeps_every_epoch_row():
    h = History()
    losses = noisy_losses(5000)
    for i, loss in enumerate(losses, start=1):
        h.add(step(i, loss, epoch=1 + (i - 1) // 500))
        if i % 500 == 0:
            h.add(EpochRecord(i // 500, i, float(loss), 0.5, float(loss), 0.5, float(i)))
    h.step_log.tail.clear()  # as if the tail had moved on: epoch ends are then not kept as steps
    h.step_log._records = None
    name = '=HYPERLINK("http://evil.example","click")'
    table = pd.read_csv(io.StringIO(h.to_csv({"dataset": name, "network": "4 → 3 softmax"})))
    assert list(table.columns[:4]) == ["dataset", "network", "step", "epoch"]
    assert (table["dataset"] == "'" + name).all() and (table["network"] == "4 → 3 softmax").all()
    ends = table.dropna(subset=["train_loss"])
    assert ends["step"].tolist() == [500 * k for k in range(1, 11)] and ends["epoch"].tolist() == list(range(1, 11))
    assert table["step"].is_monotonic_increasing and table["epoch"].dtype == np.int64


def test_charts_from_a_thinned_history_show_the_spike_and_smooth_every_batch():
    n = 60_000
    losses = noisy_losses(n, seed=3)
    losses[41_234] = 40.0
    h = History()
    for i, loss in enumerate(losses, start=1):
        h.add(step(i, loss))
    stride = h.step_log.stride
    frame = curves.batch_loss_frame(h)
    assert len(frame) <= MAX_ROWS
    raw = frame[frame.series == curves.RAW]
    assert 40.0 in raw["loss"].tolist() and raw["step"].iloc[-1] == n
    smooth = frame[frame.series == curves.SMOOTH]
    means = [float(np.mean(losses[b:b + stride])) for b in range(0, n, stride)]
    assert smooth["loss"].to_numpy() == pytest.approx(curves.ema(means, curves.auto_beta(n, stride)))
    stats = gradient_flow.layer_stats_frame(h)
    assert len(stats) <= MAX_ROWS and stats["step"].max() == n


def test_the_smoothing_span_of_a_lightly_thinned_history_counts_every_batch():
    """Just past the step log's bucket limit the means cover 2 batches each: the EMA's span is counted in batches
    (n // 50, here 20 batches = 10 means), not in means, which would halve it."""
    n = 1_000
    losses = noisy_losses(n, seed=5)
    h = History()
    for i, loss in enumerate(losses, start=1):
        h.add(step(i, loss))
    stride = h.step_log.stride
    assert stride == 2
    smooth = curves.batch_loss_frame(h)
    smooth = smooth[smooth.series == curves.SMOOTH]
    means = [float(np.mean(losses[b:b + stride])) for b in range(0, n, stride)]
    assert smooth["loss"].to_numpy() == pytest.approx(curves.ema(means, 1 - 2 / (20 / stride + 1)))
    assert smooth["step"].tolist() == list(range(stride, n + 1, stride))


def test_the_diagnosis_of_a_thinned_run_names_the_batches_its_means_cover():
    from nnlab.i18n.numbers import sig
    from nnlab.lab.diagnosis import diagnose
    n = 30_001  # the last stretch is partial, so the two ends cover different numbers of batches
    losses = np.linspace(0.5, 2.0, n)
    h = History()
    for i, loss in enumerate(losses, start=1):
        h.add(step(i, loss))
    stride = h.step_log.stride
    assert stride > 1
    (f,) = [f for f in diagnose(h) if f.kind == "loss_rising"]
    k = -(-(n // 10) // stride) * stride  # whole stretches from the start covering n // 10 batches
    k_end = (n - (n // stride) * stride) + (-(-(n // 10 - n % stride) // stride)) * stride
    start, end = losses[:k].mean(), losses[-k_end:].mean()
    assert f.message.startswith(f"The loss went up, from {sig(start)} (mean of the first {k:,} batches) to "
                                f"{sig(end)} (mean of the last {k_end:,})")
