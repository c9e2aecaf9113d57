"""Benchmark: how long a rerun of the Forward-pass and Backprop pages takes for a trained MNIST MLP.

Trains the default model (784-128-64-10 ReLU, softmax-CE, Adam 1e-3, batch 64, seed 0) once with the
engine, puts it into the AppTest session as the user's model, then times ``--rounds`` reruns of each
page (the whole script: app.py, the sidebar, the page) after one warm-up run, and reports the median.
The last line printed is one JSON object::

    {"forward_ms": …, "backprop_ms": …, "architecture_ms": …, "epochs": …, "test_accuracy": …}

Target: forward_ms and backprop_ms < 300 each.

Run: ``python bench/pages.py [--rounds 5] [--epochs 2]``
"""
import argparse
import json
import logging
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PAGES = {"forward": "app_pages/forward.py", "backprop": "app_pages/backprop.py",
         "architecture": "app_pages/architecture.py"}


def trained_session(epochs):
    """An AppTest whose session holds the default MNIST model, trained for ``epochs``."""
    from streamlit.testing.v1 import AppTest

    from nnlab.engine import evaluate, train
    from nnlab.ui.state import _cached_dataset

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page(PAGES["architecture"])
    at.run()  # a page that asks for the model builds it for this session
    cfg = at.session_state["config"]
    data = _cached_dataset(cfg.dataset, None, None)
    model = at.session_state["model"]  # the session's own object: training it trains the user's model
    history = at.session_state["history"]
    for record in train(model, data.x_train, data.y_train, epochs=epochs, batch_size=cfg.batch_size,
                        x_val=data.x_test, y_val=data.y_test, seed=cfg.seed):
        history.add(record)
    _, acc = evaluate(model, data.x_test, data.y_test)
    return at, acc


def time_page(at, path, rounds):
    at.switch_page(path)
    at.run()  # warm-up: first import of the page's modules, first chart schemas
    if at.exception:
        raise SystemExit(f"{path} raised: {at.exception[0].value}")
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - t0) * 1000)
        if at.exception:
            raise SystemExit(f"{path} raised: {at.exception[0].value}")
    return statistics.median(times), times


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=2)
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    at, acc = trained_session(a.epochs)
    print(f"trained {a.epochs} epochs in {time.perf_counter() - t0:.1f} s, test accuracy {acc:.4f}", file=sys.stderr)
    out = {}
    for name, path in PAGES.items():
        median, times = time_page(at, path, a.rounds)
        out[f"{name}_ms"] = round(median, 1)
        print(f"{name:12s} median {median:6.1f} ms  runs {', '.join(f'{t:.0f}' for t in times)}", file=sys.stderr)
    out.update(epochs=a.epochs, test_accuracy=round(acc, 4))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
