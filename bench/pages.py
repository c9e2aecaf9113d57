"""Benchmark: how long a rerun of the Forward-pass and Backprop pages takes for a trained MNIST MLP.

Trains the default model (784-128-64-10 ReLU, softmax-CE, Adam 1e-3, batch 64, seed 0) once with the
engine, puts it into the AppTest session as the user's model, then times ``--rounds`` reruns of each
page (the whole script: app.py, the sidebar, the page) after one warm-up run, and reports the median.
The last line printed is one JSON object::

    {"forward_ms": …, "backprop_ms": …, "architecture_ms": …, "epochs": …, "test_accuracy": …}

``--all`` times every page of the app the same way (its name + ``_ms`` in the JSON, plus ``slowest``):
each page with the trained MLP, then Feature maps and the other model pages with the MNIST CNN preset
and Attention with the patch-attention preset (those two untrained: what a rerun costs does not depend
on the weights). Target: every page < 300 ms.

Run: ``python bench/pages.py [--rounds 5] [--epochs 2] [--all]``
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
ALL_PAGES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py") if p.stem != "__init__")
PRESET_PAGES = {"MNIST CNN": ("feature_maps", "forward", "backprop", "architecture", "interventions", "attributions"),
                "MNIST patch attention": ("attention", "forward", "backprop", "interventions")}


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
    ap.add_argument("--all", action="store_true", help="every page, and the CNN and attention pages with their presets")
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    at, acc = trained_session(a.epochs)
    print(f"trained {a.epochs} epochs in {time.perf_counter() - t0:.1f} s, test accuracy {acc:.4f}", file=sys.stderr)
    out = {}
    runs = [(name, f"app_pages/{name}.py") for name in ALL_PAGES] if a.all else list(PAGES.items())
    for name, path in runs:
        _report(out, name, *time_page(at, path, a.rounds))
    if a.all:
        for preset, names in PRESET_PAGES.items():
            at.switch_page("app_pages/home.py")
            at.run()
            at.selectbox(key="sb_preset").select(preset).run()
            for name in names:
                _report(out, f"{name} ({preset})", *time_page(at, f"app_pages/{name}.py", a.rounds))
        out["slowest"] = max((k for k in out), key=out.get)
    out.update(epochs=a.epochs, test_accuracy=round(acc, 4))
    print(json.dumps(out))


def _report(out, name, median, times):
    out[f"{name}_ms"] = round(median, 1)
    print(f"{name:36s} median {median:6.1f} ms  runs {', '.join(f'{t:.0f}' for t in times)}", file=sys.stderr)


if __name__ == "__main__":
    main()
