"""Benchmark: what each hostile upload of issue 14 costs the server to read or refuse.

Each case runs in a fresh Python process: the file is generated (``tests/hostile.py``), then the reader
(``read_table``, ``load_model`` or ``prepare_digit``) is timed. Memory is the process's peak RSS during
the call above its RSS before it (Linux ``/proc/self/clear_refs`` resets the peak), and "kept" is what
stays allocated (traced, in a second run) while the result or the refusal is held, as a page holds it in
the session. A case still
running after ``--timeout`` seconds is stopped and reported as such, with its peak so far.

The ``ok_`` cases are legitimate files that must be read (in seconds), not refused.

Run: ``python bench/hostile_files.py [--timeout 120] [--cases csv_one_line_256k ...] [--code DIR] [--no-cell-cap]``
(``--code`` measures another checkout's ``nnlab``, e.g. ``git archive main | tar -x -C /tmp/before``;
``--no-cell-cap`` lifts the CSV value cap, to time an older reader on files it would refuse).
Prints a table and, last, one JSON object: case -> {"seconds", "peak_mb", "kept_mb", "outcome", "message_chars"}.
"""
import argparse
import gc
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# case -> (reader, generator name in tests/hostile.py, its arguments)
CASES = {
    "csv_one_line_256k": ("csv", "csv_one_line", (131_072,)),
    "csv_one_line_1mb": ("csv", "csv_one_line", (524_288,)),
    "csv_5000x1000": ("csv", "csv_wide", (5_000, 1_000)),
    "csv_40mb_line": ("csv", "csv_long_line", (41_943_040,)),
    "csv_1001x25000": ("csv", "csv_wide", (1_001, 25_000)),
    "csv_2x12m": ("csv", "csv_wide", (2, 12_000_000)),
    # legitimate files that must be read, fast: at the column cap, MNIST's test set, at the value cap
    "ok_csv_1001x10": ("csv", "csv_wide", (1_001, 10)),
    "ok_csv_mnist_10000x785": ("csv", "csv_mnist_like", (10_000,)),
    "ok_csv_1000x10000": ("csv", "csv_wide", (1_000, 10_000)),
    "ok_csv_2x5m": ("csv", "csv_wide", (2, 5_000_000)),
    "model_200k_units": ("model", "model_asking_for", (200_000,)),
    "model_1e8_units": ("model", "model_asking_for", (10**8,)),
    "model_zip_bomb_2gib": ("model", "model_zip_bomb", (1,)),
    "model_3_zip_bombs": ("model", "model_zip_bomb", (3,)),
    "png_16000000x1": ("image", "png_bytes", (16_000_000, 1)),
    "png_4096x4096": ("image", "png_bytes", (4096, 4096)),
    "png_4096x4096_rgba": ("image", "png_bytes", (4096, 4096, "RGBA")),
    "jpeg_4000x3000": ("image", "png_bytes", (4000, 3000, "RGB", "JPEG")),
}


def _reader(kind):
    if kind == "csv":
        from nnlab.data.csv_reader import read_table
        return lambda data: read_table(data, "hostile.csv")
    if kind == "model":
        from nnlab.engine import load_model
        return load_model
    from nnlab.data.image_upload import prepare_digit
    return lambda data: prepare_digit(data, max_bytes=50 * 2**20)


def run_case(name, timeout, no_cell_cap=False):
    """In the child process: generate, time, measure; print one JSON line."""
    spec = importlib.util.spec_from_file_location("hostile", ROOT / "tests" / "hostile.py")  # this checkout's
    hostile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hostile)

    if no_cell_cap:
        from nnlab.data import table_limits
        table_limits.MAX_CELLS = 10**12
    kind, generator, args = CASES[name]
    read = _reader(kind)
    data = _generate(hostile, generator, args)
    n_bytes = len(data)
    base = hostile.reset_peak()
    start = time.perf_counter()

    def report(outcome, message="", seconds=None, peak=None, kept=None):
        seconds = round(time.perf_counter() - start, 2) if seconds is None else seconds
        peak = round(hostile.status_mb("VmHWM") - base, 1) if peak is None else peak
        print(json.dumps({"case": name, "bytes": n_bytes, "seconds": seconds, "peak_mb": peak, "kept_mb": kept,
                          "outcome": outcome, "message_chars": len(message), "message": message[:300]}), flush=True)

    timer = threading.Timer(timeout, lambda: (report("still running"), os._exit(0)))
    timer.daemon = True
    timer.start()
    try:
        result, outcome, message = read(data), "read", ""
    except Exception as exc:  # noqa: BLE001 -- a benchmark reports whatever comes out
        result, outcome, message = exc, type(exc).__name__, str(exc)
    timer.cancel()
    seconds, peak = round(time.perf_counter() - start, 2), round(hostile.status_mb("VmHWM") - base, 1)
    del data, result
    kept = _kept_mb(read, _generate(hostile, generator, args)) if seconds < timeout / 2 else None
    if kept is not None and kept > peak + 1:
        kept = None  # traced but never resident: NumPy traces a huge allocation that then fails
    report(outcome, message, seconds, peak, kept)


def _generate(hostile, generator, args):
    data = getattr(hostile, generator)(*args)
    return data[0] if isinstance(data, tuple) else data  # (bytes, values) generators


def _kept_mb(read, data):
    """MB still allocated while the result (or the refusal) of reading ``data`` is held, as a session
    holds it; traced (RSS would count memory freed but not returned to the system)."""
    tracemalloc.start()
    try:
        held = read(data)
    except Exception as exc:  # noqa: BLE001
        held = exc
    del data
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    del held
    return round(kept, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--code", default=str(ROOT), help="checkout whose nnlab is measured")
    parser.add_argument("--no-cell-cap", action="store_true", help="lift the CSV value cap (time old readers)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_case(args.child, args.timeout, args.no_cell_cap)
        return
    results = {}
    print(f"{'case':22} {'outcome':18} {'seconds':>8} {'peak MB':>8} {'kept MB':>8}  message")
    for name in args.cases:
        # the child imports nnlab from --code, and tests/hostile.py from this checkout
        env = {**os.environ, "PYTHONPATH": args.code}
        command = [sys.executable, __file__, "--child", name, "--timeout", str(args.timeout), "--code", args.code]
        proc = subprocess.run(command + ["--no-cell-cap"] * args.no_cell_cap, capture_output=True, text=True,
                              timeout=args.timeout + 120, env=env)
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        row = json.loads(lines[-1]) if lines else {"outcome": f"crashed (exit {proc.returncode})", "seconds": None,
                                                   "peak_mb": None, "kept_mb": None, "message": proc.stderr[-200:]}
        results[name] = {k: row.get(k) for k in ("seconds", "peak_mb", "kept_mb", "outcome", "message_chars")}
        print(f"{name:22} {row['outcome'][:18]:18} {row['seconds']!s:>8} {row['peak_mb']!s:>8} {row['kept_mb']!s:>8}  "
              f"{row['message'][:90]}", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
