"""Benchmark: what long training runs cost a session — the History's memory and a plain Training rerun.

1. Memory: the "Spirals 2-8-8-1 tanh" preset (batch 16, 320 training points, 20 steps an epoch) trained
   headless through ``TrainingSession`` for ``--steps`` steps and for twice as many, with ``tracemalloc``
   counting what stays allocated afterwards (history, snapshots, optimiser). Bounded history: the two
   figures are about equal; unbounded: the second is about twice the first.
2. Rerun: the same preset on the Training page (AppTest, the whole app script), the median of
   ``--rounds`` plain reruns with an empty history, then after ``--runs`` runs of 200 epochs each
   (issue 14: five such runs took a rerun from 1.7 s to 3.0 s).

The last line printed is one JSON object::

    {"steps": …, "history_mb": …, "history_mb_2x": …, "bytes_per_step": …, "rerun_s_empty": …,
     "rerun_s_after": …, "rerun_ratio": …, "steps_after_runs": …, "kept_step_records": …, "load_avg": …}

Run: ``python bench/long_runs.py [--steps 20000] [--runs 5] [--rounds 5]``
"""
import argparse
import gc
import json
import logging
import os
import statistics
import sys
import time
import tracemalloc
import warnings
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRESET = "Spirals 2-8-8-1 tanh"


def history_bytes(steps):
    """Bytes still allocated after training the preset headless for ``steps`` steps (rounded up to epochs)."""
    from nnlab.data.builtin import load_dataset
    from nnlab.lab.config import build_network
    from nnlab.lab.presets import PRESETS
    from nnlab.lab.session import TrainingSession

    cfg = PRESETS[PRESET]
    data = load_dataset(cfg.dataset, seed=0, n_samples=cfg.n_samples, noise=cfg.noise)
    per_epoch = -(-len(data.x_train) // cfg.batch_size)
    cfg = replace(cfg, epochs=-(-steps // per_epoch))
    net = build_network(cfg, data)
    gc.collect()
    tracemalloc.start()
    session = TrainingSession.start(net)
    for _record in session.run(data, cfg):
        pass
    gc.collect()
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current, session.history.n_steps, len(session.history.steps)


def rerun_seconds(runs, rounds):
    """Median plain-rerun time of the Training page, empty and after ``runs`` runs of 200 epochs."""
    from streamlit.testing.v1 import AppTest

    from nnlab.lab.session import TrainingSession
    from nnlab.ui.state import _cached_dataset

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    at.switch_page("app_pages/training.py")
    at.run()
    at.selectbox(key="sb_preset").select(PRESET).run()

    def median_rerun():
        at.run()  # warm-up
        times = []
        for _round in range(rounds):
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
            if at.exception:
                raise SystemExit(f"the Training page raised: {at.exception[0].value}")
        return statistics.median(times)

    empty = median_rerun()
    cfg = replace(at.session_state["config"], epochs=200)
    data = _cached_dataset(cfg.dataset, cfg.n_samples, cfg.noise)
    session = TrainingSession(at.session_state["model"], at.session_state["history"])
    for _run in range(runs):
        for _record in session.run(data, cfg):
            pass
    return empty, median_rerun(), session.history


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    one, steps, _kept = history_bytes(a.steps)
    two, steps2, _kept2 = history_bytes(2 * a.steps)
    print(f"after {steps:,} steps {one / 2**20:.1f} MB, after {steps2:,} steps {two / 2**20:.1f} MB", file=sys.stderr)
    empty, after, hist = rerun_seconds(a.runs, a.rounds)
    print(f"Training rerun {empty:.2f} s empty, {after:.2f} s after {a.runs} × 200 epochs", file=sys.stderr)
    print(json.dumps({"steps": steps, "history_mb": round(one / 2**20, 2), "history_mb_2x": round(two / 2**20, 2),
                      "bytes_per_step": round(two / steps2), "rerun_s_empty": round(empty, 2),
                      "rerun_s_after": round(after, 2), "rerun_ratio": round(after / empty, 2),
                      "steps_after_runs": hist.n_steps, "kept_step_records": len(hist.steps),
                      "load_avg": round(os.getloadavg()[0], 1)}))


if __name__ == "__main__":
    main()
