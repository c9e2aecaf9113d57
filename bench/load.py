"""Benchmark: a class on one server process — how much one idle user's page work slows while the others train,
with and without the training-run queue (``nnlab.lab.run_queue``).

Simulated sessions, not browsers: Streamlit runs each session's script in a thread of one process, so each
session here is a thread of this process. For each N in ``--sessions``, N − 1 sessions press Train at the same
moment (the "Moons 2-8-8-1" kind of model, ``--epochs`` epochs each, headless ``TrainingSession``) and one idle
session repeats a page's work (copy the model, a forward and a backward trace of 64 samples, the decision grid)
until every run has finished. Twice: every run at once ("unlimited"), then through a ``RunQueue`` of
``--slots`` slots ("queued"). The figures: the idle session's p50/p95 seconds per page, the runs' mean wall
time from the click to the end (waiting included), all the runs' total, and peak RSS; then the same-run
ratio queued / unlimited of the idle p95. Browser-level latency adds Streamlit's own rerun and rendering on
top of this (``bench/pages.py``); the ratio is what the queue changes. The idle session here works without a
pause (a real user clicks now and then), so with the queue it takes a fair share of the interpreter and the
runs' wall time grows by that share; without the queue it is starved instead.

Measured (2 shared cores, load average about 15, ``--epochs 10 --slots 2``): idle p95 0.25 / 0.31 / 0.51 s
unlimited vs 0.13 / 0.13 / 0.11 s queued for 10 / 20 / 30 sessions (ratios 0.54, 0.41, 0.22); every run
finished; peak RSS 192-199 MB for the whole process.

The last line printed is one JSON object::

    {"slots": …, "epochs": …, "runs": [{"sessions": N, "mode": …, "all_finished": …, "idle_p50_s": …,
     "idle_p95_s": …, "run_mean_s": …, "wall_s": …, "peak_rss_mb": …}, …], "p95_ratio": {N: queued/unlimited}}

Run: ``python bench/load.py [--sessions 10 20 30] [--slots 2] [--epochs 20]``

``--browsers N [N …]`` measures real browser sessions instead (``bench/load_browsers.py``: N Playwright
contexts in one Chromium, N − 1 train, one switches pages; its own server, or ``--url`` with the replicas'
``--ports``); its last line is one JSON object ``{"browser_runs": [{"browsers": N, "all_finished": …,
"idle_p50_s": …, "idle_p95_s": …, "peak_rss_mb": …, "mb_per_session": …, …}, …]}``.
Run from the repository root: ``PYTHONPATH=. python bench/load.py --browsers 10 [--url http://127.0.0.1:8080
--ports 8501 8502] [--epochs 20]``. With ``--protocol-trainers`` the N − 1 training sessions are browserless
clients of Streamlit's websocket protocol (``bench/load_protocol.py``), the idle one stays in Chromium: the
server's work is the same, and no renderer takes the bench machine's cores (README, "Several processes").
"""
import argparse
import json
import resource
import statistics
import threading
import time
from contextlib import nullcontext

import numpy as np

from nnlab.data.builtin import load_dataset
from nnlab.engine.copying import copy_network
from nnlab.lab.config import LabConfig, build_network
from nnlab.lab.inspect import decision_grid
from nnlab.lab.run_queue import RunQueue
from nnlab.lab.session import TrainingSession

CONFIG = LabConfig(dataset="Moons", n_samples=400, noise=0.2, hidden=(8, 8), activations=("tanh", "tanh"),
                   lr=0.05, batch_size=16, seed=0)


def page_work(net, data):
    """What an idle user's page switch computes (Forward/Backprop pages on a small model), without Streamlit."""
    copy = copy_network(net)
    x, y = data.x_train[:64], np.eye(data.n_outputs)[data.y_train[:64]]
    copy.forward_trace(x)
    copy.backward_trace(x, y)
    decision_grid(copy, data.x_train)


def one_round(n_sessions, queue, data, config):
    """N − 1 training sessions and one idle one; returns the round's figures."""
    start = threading.Barrier(n_sessions)
    finished, run_seconds = [], []
    lock = threading.Lock()

    def train():
        session = TrainingSession.start(build_network(config, data))
        start.wait()
        t0 = time.perf_counter()
        with queue.slot() if queue else nullcontext():
            for _record in session.run(data, config):
                pass
        with lock:
            run_seconds.append(time.perf_counter() - t0)
            finished.append(session.history.last_epoch == config.epochs)

    idle_net = build_network(config, data)
    page_work(idle_net, data)  # warm, and any error before a thread waits at the barrier
    threads = [threading.Thread(target=train, daemon=True) for _i in range(n_sessions - 1)]
    for t in threads:
        t.start()
    start.wait()
    t_start, pages = time.perf_counter(), []
    while any(t.is_alive() for t in threads):
        t0 = time.perf_counter()
        page_work(idle_net, data)
        pages.append(time.perf_counter() - t0)
    for t in threads:
        t.join()
    pages.sort()
    return {"sessions": n_sessions, "mode": "queued" if queue else "unlimited",
            "all_finished": len(finished) == n_sessions - 1 and all(finished),
            "idle_pages": len(pages), "idle_p50_s": round(statistics.median(pages), 4),
            "idle_p95_s": round(pages[min(len(pages) - 1, int(0.95 * len(pages)))], 4),
            "run_mean_s": round(statistics.mean(run_seconds), 3), "wall_s": round(time.perf_counter() - t_start, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 20, 30])
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--browsers", type=int, nargs="+", help="real Chromium sessions instead of threads")
    parser.add_argument("--url", help="with --browsers: a running nnlab (else the bench starts its own server)")
    parser.add_argument("--trainers-draw-nothing", action="store_true",
                        help="with --browsers: the training browsers load no chart library (see load_browsers)")
    parser.add_argument("--protocol-trainers", action="store_true",
                        help="with --browsers: the training sessions speak the websocket protocol without a browser "
                             "(bench/load_protocol.py); the idle session stays in Chromium")
    parser.add_argument("--ports", type=int, nargs="*", default=[], help="with --url: the server processes' ports")
    args = parser.parse_args()
    if args.browsers:
        browsers(args, parser)
        return
    if min(args.sessions) < 2:
        parser.error("--sessions: give at least 2 (one idle session and one that trains)")
    config = LabConfig(**{**CONFIG.__dict__, "epochs": args.epochs})
    data = load_dataset(config.dataset, seed=0, n_samples=config.n_samples, noise=config.noise)
    rows = []
    print(f"{'sessions':>8} {'mode':>9} {'idle p50 s':>10} {'idle p95 s':>10} {'run mean s':>10} {'wall s':>7} "
          f"{'RSS MB':>7} finished")
    for n in args.sessions:
        for queue in (None, RunQueue(args.slots, poll_s=0.05)):
            row = one_round(n, queue, data, config)
            rows.append(row)
            print(f"{n:>8} {row['mode']:>9} {row['idle_p50_s']:>10} {row['idle_p95_s']:>10} {row['run_mean_s']:>10} "
                  f"{row['wall_s']:>7} {row['peak_rss_mb']:>7} {row['all_finished']}")
    ratio = {str(n): round(q["idle_p95_s"] / u["idle_p95_s"], 3)
             for n, u, q in zip(args.sessions, rows[::2], rows[1::2])}
    print("idle p95, queued / unlimited (same run):", ratio)
    print(json.dumps({"slots": args.slots, "epochs": args.epochs, "runs": rows, "p95_ratio": ratio}))


def browsers(args, parser):
    from bench import load_browsers

    if args.epochs < 2:
        parser.error("--browsers: give --epochs 2 or more (the training sessions wait for “Trained N epochs”)")
    if min(args.browsers) < 2:
        parser.error("--browsers: give at least 2 (one idle session and one that trains)")
    rows = []
    for n in args.browsers:
        row = load_browsers.run(n, args.epochs, url=args.url, ports=args.ports, draw=not args.trainers_draw_nothing,
                                 protocol=args.protocol_trainers)
        rows.append(row)
        print(row)
    print(json.dumps({"browser_runs": rows}))


if __name__ == "__main__":
    main()
