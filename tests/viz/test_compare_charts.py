"""Compare-page charts: one colour per architecture across charts, boundaries with the data points."""
import pytest

from nnlab.lab import compare
from nnlab.lab.config import LabConfig
from nnlab.data.builtin import load_dataset
from nnlab.viz import compare as vc
from nnlab.lab.inspect import RESOLUTION
from nnlab.viz.boundary import boundary_frame

from . import rendered

BASE = LabConfig(dataset="Blobs", n_samples=150, noise=0.1)


@pytest.fixture(scope="module")
def results():
    ds = load_dataset("Blobs", n_samples=150, noise=0.1)
    cfgs = [("one", LabConfig(hidden=(4,), activations=("tanh",), lr=0.03)),
            ("two", LabConfig(hidden=(8, 8), activations=("relu", "relu"), lr=0.03))]
    cfgs = [(label, compare.shared_config(c, BASE, 2, 0)) for label, c in cfgs]
    return ds, compare.run_comparison(cfgs, ds, {})


def test_curves_have_one_colour_per_architecture_and_dashes_per_split(results):
    _, res = results
    chart = vc.curves_chart(compare.epoch_frame(res), "loss")
    lines, points = chart.to_dict()["layer"]
    assert lines["encoding"]["color"]["field"] == "architecture"
    assert lines["encoding"]["color"]["scale"]["domain"] == ["one", "two"]
    assert lines["encoding"]["strokeDash"]["field"] == "split" and lines["encoding"]["tooltip"]
    rows = list(chart.to_dict()["datasets"].values())[0]
    assert {r["metric"] for r in rows} == {"loss"} and len(rows) == 2 * 2 * 2
    # As drawn: each legend names its series, and the dash samples are visible strokes of two different dashes
    colour, dash = rendered.legends(chart, width=500)
    assert (colour["title"], colour["labels"]) == ("architecture", ["one", "two"])
    assert len({s["stroke"] for s in colour["symbols"]}) == 2
    assert (dash["title"], dash["labels"]) == ("data", ["train", "validation"])
    assert all(s["strokeWidth"] >= 1 and s["stroke"] for s in dash["symbols"])
    assert dash["symbols"][0]["strokeDash"] != dash["symbols"][1]["strokeDash"]
    assert rendered.axis_labels(chart, "epoch", width=500) == ["1", "2"]


def test_twenty_architectures_get_twenty_colours():
    spec = vc._arch_colour([f"a{i}" for i in range(20)]).to_dict()
    assert len(set(spec["scale"]["range"])) == 20


def test_boundaries_side_by_side_with_the_same_points(results):
    ds, res = results
    frames = {r.label: boundary_frame(*r.boundary, ds.class_names) for r in res}
    chart = vc.boundaries_row(list(frames.items()), ds.x_train, ds.y_train, ds.class_names)
    spec = chart.to_dict()
    assert [panel["title"] for panel in spec["hconcat"]] == ["one", "two"]
    four = vc.boundaries_row([(str(i), frames["one"]) for i in range(3)], ds.x_train, ds.y_train,
                             ds.class_names).to_dict()
    assert [[p["title"] for p in row["hconcat"]] for row in four["vconcat"]] == [["0", "1"], ["2"]]
    for panel, r in zip(spec["hconcat"], res):
        heat, dots = panel["layer"]
        cells = spec["datasets"][heat["data"]["name"]]
        pts = spec["datasets"][dots["data"]["name"]]
        assert len(cells) == RESOLUTION ** 2 and len(pts) == len(ds.x_train)
        assert [c["predicted"] for c in cells[:50]] == frames[r.label]["predicted"].tolist()[:50]
        assert {p["class"] for p in pts} == set(ds.class_names)


def test_grad_norm_chart_is_faceted_by_architecture_on_a_log_scale(results):
    _, res = results
    spec = vc.grad_norm_chart(compare.grad_norm_frame(res)).to_dict()
    assert spec["facet"]["column"]["field"] == "architecture"
    assert spec["spec"]["encoding"]["y"]["scale"]["type"] == "log"
    rows = list(spec["datasets"].values())[0]
    assert {r["architecture"] for r in rows} == {"one", "two"}
    assert all(r["grad_norm"] > 0 for r in rows)
    # Layers by depth (one short legend for all architectures); the log axis is labelled in powers of ten
    chart = vc.grad_norm_chart(compare.grad_norm_frame(res))
    (legend,) = rendered.legends(chart)
    assert legend["title"] == "layer (1 = first)" and legend["labels"] == ["1", "2", "3"]
    labels = rendered.axis_labels(chart, "mean ‖∂L/∂W‖ per step (log)")
    assert labels and all(float(text.replace(",", "")) in {10.0 ** k for k in range(-3, 4)} for text in labels)
