"""Architectures trained side by side in worker processes: the same numbers as training them here, errors as
results named after their architecture, nothing left running however the parent's loop ends."""
import multiprocessing
import os
import signal
import subprocess
import types
import sys
from dataclasses import fields
from multiprocessing import shared_memory
from pathlib import Path

import numpy as np
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.engine import processes
from nnlab.i18n import using_language
from nnlab.lab import compare
from nnlab.lab import compare_pool
from nnlab.lab.compare_pool import attach, share_arrays, start_order, train_side_by_side
from nnlab.lab.config import LabConfig

BASE = LabConfig(dataset="Moons", n_samples=200, noise=0.1)


@pytest.fixture(scope="module")
def moons():
    return load_dataset("Moons", n_samples=200, noise=0.1)


def _configs(epochs=3):
    shapes = [((8,), ("tanh",)), ((16, 16), ("relu", "relu")), ((4,), ("sigmoid",))]
    return [(label, compare.shared_config(LabConfig(hidden=h, activations=a, lr=0.03, batch_size=32), BASE, epochs,
                                          1)) for label, (h, a) in zip("ABC", shapes)]


def _workers_alive():
    return [p for p in multiprocessing.active_children() if p.name.startswith("nnlab-compare-")]


def test_side_by_side_gives_the_numbers_of_training_here(moons):
    configs = _configs()
    seen = []
    results, failed = train_side_by_side(configs, moons, 2, progress=seen.append)
    assert failed == set() and not _workers_alive()
    for (label, cfg), r in zip(configs, results):
        here = compare.train_one(label, cfg, moons)
        assert (r.label, r.key, r.description, r.error) == (label, here.key, here.description, None)
        assert [(e.epoch, e.train_loss, e.val_loss, e.val_acc) for e in r.history.epochs] == \
               [(e.epoch, e.train_loss, e.val_loss, e.val_acc) for e in here.history.epochs]
        assert [s.loss for s in r.history.steps] == [s.loss for s in here.history.steps]
        assert r.n_params == here.n_params and r.final == here.final
        # the grid's one big product: this process may use more BLAS threads than a worker (its one), so the
        # last bits of a sum may differ; the training steps above are small enough to be identical
        assert r.boundary[2] == pytest.approx(here.boundary[2], rel=1e-5, abs=1e-7)
    assert seen and all(set(s) <= {0, 1, 2} for s in seen)
    assert max(seen[-1].values(), default=0) <= 3 * 5  # steps of one config: 3 epochs × ceil(140 / 32)


def test_run_comparison_with_workers_caches_what_it_trained(moons):
    cache = {}
    results = compare.run_comparison(_configs(), moons, cache, workers=2)
    assert len(cache) == 3 and [r.label for r in results] == ["A", "B", "C"]
    again = compare.run_comparison(_configs(), moons, cache, workers=2)
    assert [r.history for r in again] == [r.history for r in results]  # from the cache, not retrained


def test_a_worker_that_raises_becomes_a_message_in_the_sessions_language(moons):
    label, cfg = _configs()[0]
    broken = [(label, cfg), ("Bad", compare.replace(cfg, batch_size="32"))]
    with using_language("zh"):
        results, failed = train_side_by_side(broken, moons, 2)
    assert failed == {1} and results[0].error is None
    # in the parent's language, though the worker's own thread never chose one
    assert results[1].error.startswith("Bad：训练因错误而停止：TypeError: ")


def test_a_worker_that_dies_is_named_and_not_cached(moons):
    killed = []

    def kill_first(_steps):
        for proc in _workers_alive():
            if not killed and proc.name == "nnlab-compare-0":
                os.kill(proc.pid, signal.SIGKILL)
                killed.append(proc.pid)

    configs = _configs(epochs=200)[:2]
    cache = {}
    results = compare.run_comparison(configs, moons, cache, progress=lambda f, t: kill_first(None), workers=2)
    assert killed
    assert results[0].error == "A: its training process stopped unexpectedly (exit code -9)."
    assert results[1].error is None and list(cache) == [compare.result_key(configs[1][1], moons)]


def test_a_stopped_page_leaves_no_worker_training(moons):
    class Stop(Exception):
        pass

    def stop(_steps):
        if _workers_alive():
            raise Stop

    with pytest.raises(Stop):
        train_side_by_side(_configs(epochs=500), moons, 2, progress=stop)
    assert not _workers_alive()


def test_workers_are_at_least_one(moons):
    with pytest.raises(ValueError, match="at least 1 worker"):
        train_side_by_side(_configs(), moons, 0)


def test_workers_never_run_the_parents_main_script(moons, monkeypatch, tmp_path):
    """In a Streamlit server ``__main__`` is the page script (under AppTest, a deleted temporary file): a worker
    that ran it again would fail or draw a page. Here the parent's main file raises if run."""
    import sys
    import types
    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('the page script ran in a worker')\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    results, failed = train_side_by_side(_configs(epochs=1)[:2], moons, 2, progress=lambda _step: None)
    assert failed == set() and [r.error for r in results] == [None, None]


def test_the_costliest_architecture_starts_first_and_results_keep_the_users_order(moons):
    configs = _configs()  # A 2-8-2, B 2-16-16-2, C 2-4-2: B costs most, C least
    assert start_order(configs, moons) == [1, 0, 2]
    results, _failed = train_side_by_side(configs, moons, 1)
    assert [r.label for r in results] == ["A", "B", "C"]


def test_warm_up_starts_the_fork_server_with_the_engine_loaded():
    """In a fresh interpreter (this one's server may be running already): no fork server before, one after,
    preloading this module; a second warm-up keeps it."""
    script = """
from multiprocessing import forkserver
from nnlab.engine import processes
from nnlab.lab import compare_pool
server = forkserver._forkserver
assert server._forkserver_pid is None
processes.warm_up().join(60)
pid = server._forkserver_pid
assert pid is not None and server._preload_modules == ["nnlab.engine.processes", "nnlab.lab.compare_pool"], (
    server._preload_modules)
processes.warm_up().join(60)
assert server._forkserver_pid == pid
print("warm", pid)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("warm ")


def test_shared_arrays_rebuild_the_same_dataset_read_only(moons):
    block, shared = share_arrays(moons)
    try:
        again = attach(shared)
        for f in fields(moons):
            ours, theirs = getattr(moons, f.name), getattr(again, f.name)
            if isinstance(ours, np.ndarray):
                assert theirs.dtype == ours.dtype and not theirs.flags.writeable
                np.testing.assert_array_equal(theirs, ours)
            else:
                assert theirs == ours
        assert set(shared["arrays"]) == {"x_train", "y_train", "x_val", "y_val", "x_test", "y_test"}
    finally:
        block.close()
        block.unlink()


def test_a_comparison_leaves_no_shared_memory_behind(moons, monkeypatch):
    names = []

    def recording(dataset):
        block, shared = share_arrays(dataset)
        names.append(block.name)
        return block, shared
    monkeypatch.setattr(compare_pool, "share_arrays", recording)
    results, failed = train_side_by_side(_configs(epochs=1), moons, 2)
    assert failed == set() and len(names) == 1
    with pytest.raises(FileNotFoundError):
        shared_memory.SharedMemory(name=names[0])


def test_without_room_in_shared_memory_the_arrays_travel_pickled(moons, monkeypatch):
    """A full /dev/shm (64 MB in a default Docker container) would kill the server with SIGBUS on writing:
    with too little room no block is made, and the comparison trains as well."""
    monkeypatch.setattr(processes.os, "statvfs", lambda path: types.SimpleNamespace(f_bavail=1, f_frsize=4096))
    assert processes.room_for(2048) and not processes.room_for(2049)  # room for twice the block
    block, shared = share_arrays(moons)
    assert block is None and "block" not in shared
    np.testing.assert_array_equal(attach(shared).x_train, moons.x_train)
    results, failed = train_side_by_side(_configs(epochs=1), moons, 2)
    assert failed == set() and all(r.error is None for r in results)
    here = compare.train_one(*_configs(epochs=1)[0], moons)
    assert [s.loss for s in results[0].history.steps] == [s.loss for s in here.history.steps]
