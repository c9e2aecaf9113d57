"""Benchmark: the Compare page's training — each architecture alone, then all of them side by side.

Four architectures on the bundled MNIST split for ``--epochs`` (default 1), as the Compare page trains them
(``lab.compare.run_comparison`` with the page's shared data, epochs and seed): the sidebar's MLP
784-128-64-10, a wider tanh MLP, the MNIST CNN preset and the MNIST patch-attention preset.

- single: each architecture alone, in this process with one BLAS thread, as the Training page trains it
  (the seconds of its last epoch record; the wall time beside it).
- parallel: all four in one ``run_comparison`` with ``--workers`` processes (default: the server's training
  slots, ``NNLAB_TRAINING_SLOTS`` or the number of cores), click to last result, start-up included; twice. The
  fork server is started first, as the Compare page starts it when it is drawn (``processes.warm_up``), so
  the first run (``parallel_first_s``) is a user's first click; ``parallel_s`` is the next one.
  ``side_by_side_slowdown``: each architecture's training time there over its time alone.
Goal: parallel total ≤ 0.6 × the sum of the single wall times. The machine is shared: compare figures
of one run; nothing is asserted.

The last line printed is one JSON object::

    {"single_s": {label: …}, "single_train_s": {label: …}, "single_sum_s": …, "parallel_first_s": …, "parallel_s": …,
     "parallel_train_s": {label: …}, "side_by_side_slowdown": {label: …}, "ratio": …, "first_ratio": …,
     "workers": …, "cores": …, "fork_server_start_s": …, "load_start": …, "load_end": …}

Run from the repository root: ``PYTHONPATH=. python -m bench.compare [--epochs 1] [--workers 2]``
"""
import argparse
import json
import os
import time
from dataclasses import replace

from threadpoolctl import threadpool_limits

from nnlab.data.builtin import load_dataset
from nnlab.engine import processes
from nnlab.lab import compare
from nnlab.lab.config import LabConfig, fit_task
from nnlab.lab.presets import PRESETS
from nnlab.lab.run_queue import slots_from_env


def configs(epochs, data):
    base = LabConfig(epochs=epochs)
    chosen = [("MLP 128-64", base), ("MLP 256-128 tanh", replace(base, hidden=(256, 128), activations=("tanh",) * 2)),
              ("CNN", PRESETS["MNIST CNN"]), ("attention", PRESETS["MNIST patch attention"])]
    return [(label, compare.shared_config(fit_task(cfg, data), base, epochs, base.seed)) for label, cfg in chosen]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: the training slots)")
    a = ap.parse_args()
    workers = a.workers or slots_from_env()
    out = {"load_start": os.getloadavg()[0], "workers": workers, "cores": os.cpu_count()}
    threadpool_limits(limits=1, user_api="blas")  # as the server (nnlab/ui/threads.py)
    t0 = time.perf_counter()
    processes.warm_up().join()  # as the page does when drawn; waited for, so that it does not slow the singles
    out["fork_server_start_s"] = time.perf_counter() - t0
    data = load_dataset(LabConfig().dataset, seed=0)
    chosen = configs(a.epochs, data)
    out["single_s"], out["single_train_s"] = {}, {}
    for label, cfg in chosen:
        t0 = time.perf_counter()
        result = compare.train_one(label, cfg, data)
        out["single_s"][label] = time.perf_counter() - t0
        out["single_train_s"][label] = result.seconds
        print(f"single {label:20s} {out['single_s'][label]:6.2f} s (training {result.seconds:.2f} s)", flush=True)
    out["single_sum_s"] = sum(out["single_s"].values())
    for key in ("parallel_first_s", "parallel_s"):
        t0 = time.perf_counter()
        results = compare.run_comparison(chosen, data, {}, workers=workers)
        out[key] = time.perf_counter() - t0
    out["parallel_train_s"] = {r.label: r.seconds for r in results}
    # How much slower each trains beside another than alone: two processes share more than two cores' arithmetic.
    out["side_by_side_slowdown"] = {r.label: r.seconds / out["single_train_s"][r.label] for r in results}
    for r in results:
        if r.error:
            print("error:", r.error)
    out["ratio"] = out["parallel_s"] / out["single_sum_s"]
    out["first_ratio"] = out["parallel_first_s"] / out["single_sum_s"]
    out["load_end"] = os.getloadavg()[0]
    print(f"parallel ({workers} workers) {out['parallel_s']:.2f} s (first {out['parallel_first_s']:.2f} s); sum of "
          f"singles {out['single_sum_s']:.2f} s; ratio {out['ratio']:.2f} (first {out['first_ratio']:.2f}); fork "
          f"server started in {out['fork_server_start_s']:.2f} s before", flush=True)
    print(json.dumps(out, default=lambda v: round(v, 3)))


if __name__ == "__main__":
    main()
