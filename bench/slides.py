"""Benchmark: how long rendering a page's charts for slides (PNG + SVG, ``nnlab.viz.export``) takes.

The Training page is run through AppTest from a link, trained one epoch, and every chart it drew
(``page_charts()``) is rendered once, as the "Charts for slides" button does: Vega-Lite → SVG → PNG at
scale 2. Two links: a tiny Moons network (its decision boundary is a 60 × 60 grid) and the default MNIST
MLP 784-128-64-10 (weight tiles, confusion matrix, misclassified digits). The table shows each chart's
wall-clock and CPU seconds and the sizes of its files; on a busy machine the wall clock stretches.
The last line printed is one JSON object {"<link>_total_s": wall seconds, "<link>_total_cpu_s": CPU seconds of
the process (vl-convert's threads included), "<link>_max_s": …, "<link>_charts": n, "load_average_1min": …}.

Run: ``python bench/slides.py`` (from the repository root; ``PYTHONPATH=.`` if nnlab is not installed)
"""
import json
import os
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from nnlab.viz.export import chart_files

APP = str(Path(__file__).resolve().parents[1] / "app.py")
LINKS = {
    "moons": {"dataset": "Moons", "hidden": "8,8", "activations": "tanh,tanh", "epochs": "1", "page": "training"},
    "mnist": {"epochs": "1", "page": "training"},
}


def trained_page_charts(params):
    at = AppTest.from_file(APP, default_timeout=600)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.button(key="tr_train").click().run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return at.session_state["page_charts"]


def main():
    figures = {}
    for link, params in LINKS.items():
        charts = trained_page_charts(params)
        print(f"\n{link}: {len(charts)} charts on the Training page after 1 epoch")
        print(f"{'chart':<58} {'wall s':>7} {'cpu s':>7} {'PNG kB':>8} {'SVG kB':>8}")
        walls, cpus = [], []
        for name, chart in charts.items():
            wall, cpu = time.perf_counter(), time.process_time()
            png, svg = chart_files(chart)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            walls.append(wall)
            cpus.append(cpu)
            print(f"{name[:58]:<58} {wall:7.2f} {cpu:7.2f} {len(png) / 1e3:8.0f} {len(svg) / 1e3:8.0f}")
        print(f"{'all':<58} {sum(walls):7.2f} {sum(cpus):7.2f}")
        figures.update({f"{link}_total_s": round(sum(walls), 2), f"{link}_total_cpu_s": round(sum(cpus), 2),
                        f"{link}_max_s": round(max(walls), 2), f"{link}_charts": len(charts)})
    figures["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
