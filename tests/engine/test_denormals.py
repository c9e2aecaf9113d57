"""Subnormals are zero while the trainer steps, on its thread only, and the weights it trains do not change."""
import contextlib
import platform
import sys
import threading

import numpy as np
import pytest

from nnlab.engine import StepRecord, make_optimizer, mlp_spec, Network, train
from nnlab.engine import trainer
from nnlab.engine.denormals import SUPPORTED, Flushed

SUBNORMAL = np.array([1e-39], dtype=np.float32)  # below float32's smallest normal, 1.18e-38
needs_flush = pytest.mark.skipif(not SUPPORTED, reason="flushing is x86-64 Linux only")


def kept():
    """Whether this thread's arithmetic keeps a subnormal (IEEE) rather than reading it as 0."""
    return bool((SUBNORMAL * np.float32(1.0))[0] != 0)


def subnormals(a):
    return int(np.count_nonzero((a != 0) & (np.abs(a) < np.finfo(a.dtype).tiny)))


def test_supported_where_ci_runs():
    assert SUPPORTED == (sys.platform == "linux" and platform.machine() == "x86_64")


@needs_flush
def test_inside_subnormals_are_zero_and_leaving_restores_ieee():
    flushed = Flushed()
    assert kept()
    with flushed:
        assert not kept()
        assert (np.float32(1e-30) * np.array([1e-10], dtype=np.float32))[0] == 0  # a result flushed too
        assert (np.float32(1e-30) * np.array([1e-7], dtype=np.float32))[0] > 0  # a normal one is not
    assert kept()
    with flushed:  # one instance serves a whole run, step after step
        assert not kept()
    assert kept()


@needs_flush
def test_another_thread_keeps_ieee_arithmetic_meanwhile():
    inside, checked, seen = threading.Event(), threading.Event(), []

    def other():
        inside.wait(5)
        seen.append(kept())
        checked.set()

    thread = threading.Thread(target=other)
    thread.start()
    with Flushed():
        inside.set()
        checked.wait(5)
        seen.append(kept())
    thread.join()
    assert seen == [True, False]


def rare_inputs_run(monkeypatch, flush):
    """A run in which Adam's first moments go subnormal: 10 of 20 inputs are non-zero in one sample each, so
    their weights' moments decay by β₁ a step for hundreds of steps. Returns the optimiser, the weights, and
    whether the code reading the records kept IEEE arithmetic at every 500th step."""
    if not flush:
        monkeypatch.setattr(trainer, "Flushed", contextlib.nullcontext)
    rng = np.random.default_rng(0)
    x = np.zeros((4000, 20), dtype=np.float32)
    x[:, :10] = rng.normal(size=(4000, 10))
    x[rng.choice(4000, 10, replace=False), np.arange(10, 20)] = 1.0
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    net = Network(mlp_spec([20, 8, 2], seed=0))
    optimizer = make_optimizer("adam", lr=1e-3)
    states = []
    for record in train(net, x, y, epochs=2, batch_size=4, optimizer=optimizer, hist_every=0):
        if isinstance(record, StepRecord) and record.step % 500 == 0:
            states.append(kept())  # the consumer, between two steps
    monkeypatch.undo()
    return optimizer, [p.copy() for layer in net.param_layers() for p in layer.params.values()], states


@needs_flush
def test_the_trainer_flushes_its_steps_and_trains_the_same_weights(monkeypatch):
    plain, plain_weights, _ = rare_inputs_run(monkeypatch, flush=False)
    flushed, flushed_weights, between = rare_inputs_run(monkeypatch, flush=True)
    assert subnormals(plain.m) > 0  # the run makes subnormals when nothing flushes them ...
    assert subnormals(flushed.m) == 0  # ... and the trainer's steps flush every one
    for a, b in zip(plain_weights, flushed_weights, strict=True):
        np.testing.assert_array_equal(a, b)  # bit for bit
    assert between == [True] * 4  # the code reading the records keeps IEEE arithmetic
    assert kept()
