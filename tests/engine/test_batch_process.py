"""The augmenting worker process: the numbers of a plain loop, and nothing left behind however a run ends."""
import multiprocessing
import os

import numpy as np
import pytest

import nnlab.engine.trainer as trainer
from nnlab.data.augment import AugmentConfig, make_augmenter
from nnlab.engine import Network, batch_process, make_optimizer, mlp_spec, train


class PureNoise:
    """A pure augmenter (a function of its batch and rng alone) that draws from the trainer's rng."""
    pure = True

    def __init__(self, scale=0.1, fail_at_call=None):
        self.scale, self.fail_at_call, self.calls = scale, fail_at_call, 0

    def __call__(self, xb, rng):
        self.calls += 1
        if self.calls == self.fail_at_call:
            raise ValueError("augment failed on purpose")
        return xb + rng.normal(scale=self.scale, size=xb.shape)


def brighter(xb, rng):
    """Picklable, but it does not say it is pure."""
    return xb + 0.1


def _images(n=37, side=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, side * side), dtype=np.float32), rng.integers(0, 3, n)


def _run(augment, epochs=3, batch_size=8):
    """Records (without timings) and final weights of a small run; 37 samples: a short last batch each epoch."""
    x, y = _images()
    net = Network(mlp_spec([36, 5, 3], seed=1))
    records = list(train(net, x, y, epochs=epochs, batch_size=batch_size, augment=augment, seed=7,
                         optimizer=make_optimizer("adam", lr=0.01), x_val=x[:9], y_val=y[:9]))
    return [vars(r) | {"seconds": None} for r in records], net.flat.values.copy()


def _plain_loop(monkeypatch):
    """Make the trainer augment in its own loop, in this thread: the reference."""
    monkeypatch.setattr(batch_process, "usable", lambda augment: False)
    monkeypatch.setattr(trainer, "_ahead", lambda items, pool: items)


def _workers():
    return [p for p in multiprocessing.active_children() if p.name == "nnlab-batches"]


def _blocks():
    return set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()


@pytest.mark.parametrize("augment", [PureNoise(), make_augmenter(AugmentConfig(rotation_degrees=20, shift_pixels=1,
                                                                               noise_sigma=0.1), (6, 6))],
                         ids=["noise", "nnlab augmenter"])
def test_a_worker_process_gives_the_numbers_of_a_plain_loop(augment, monkeypatch):
    """Every loss, statistic, histogram and weight, over three epochs with a short last batch each."""
    assert batch_process.usable(augment)
    made = []
    real = batch_process.batches

    def spying(*args):
        manager = real(*args)
        made.append(manager)
        return manager
    monkeypatch.setattr(batch_process, "batches", spying)
    records, weights = _run(augment)
    assert made  # the process path ran (no silent fall-back to the thread)
    monkeypatch.undo()
    _plain_loop(monkeypatch)
    plain_records, plain_weights = _run(augment)
    np.testing.assert_equal(records, plain_records)
    np.testing.assert_array_equal(weights, plain_weights)
    other, _ = _run(PureNoise(scale=0.11))
    with pytest.raises(AssertionError):  # the comparison can tell runs apart
        np.testing.assert_equal(other, plain_records)


def test_the_worker_ends_with_the_run_and_leaves_no_shared_memory():
    before = _blocks()
    x, y = _images(n=200)
    run = train(Network(mlp_spec([36, 5, 3], seed=1)), x, y, epochs=20, batch_size=4, augment=PureNoise())
    next(run), next(run)
    assert len(_workers()) == 1
    assert len(_blocks() - before) == 1
    run.close()  # a page that stops iterating early
    assert _workers() == [] and _blocks() == before


def test_an_error_in_the_worker_is_raised_in_the_run():
    before = _blocks()
    x, y = _images()
    with pytest.raises(ValueError, match="on purpose"):
        list(train(Network(mlp_spec([36, 5, 3], seed=1)), x, y, epochs=2, batch_size=8,
                   augment=PureNoise(fail_at_call=6)))
    assert _workers() == [] and _blocks() == before


def test_a_worker_that_dies_stops_the_run_with_words_not_a_hang():
    x, y = _images(n=400)
    run = train(Network(mlp_spec([36, 5, 3], seed=1)), x, y, epochs=50, batch_size=4, augment=PureNoise())
    next(run)
    (worker,) = _workers()
    worker.kill()
    with pytest.raises(batch_process.WorkerDied, match="ended unexpectedly .exit code -9."):
        list(run)
    assert _workers() == []


def test_callables_that_do_not_say_they_are_pure_stay_in_this_process():
    """A user's callable may keep state (as this test's lists do): it must see every batch itself."""
    seen = []

    def counting(xb, rng):
        seen.append(len(xb))
        return xb
    assert not batch_process.usable(counting)
    assert not batch_process.usable(brighter)
    list(train(Network(mlp_spec([36, 5, 3], seed=1)), *_images(), epochs=1, batch_size=8, augment=counting))
    assert seen == [8, 8, 8, 8, 5]

    class Unpicklable(PureNoise):
        def __reduce__(self):
            raise TypeError("no")
    assert not batch_process.usable(Unpicklable())


def test_without_room_in_shared_memory_the_thread_does_it(monkeypatch):
    monkeypatch.setattr(batch_process.processes, "room_for", lambda nbytes: False)
    records, weights = _run(PureNoise())
    assert _workers() == []
    monkeypatch.undo()
    _plain_loop(monkeypatch)
    plain_records, plain_weights = _run(PureNoise())
    np.testing.assert_equal(records, plain_records)
    np.testing.assert_array_equal(weights, plain_weights)
