"""The Explain charts carry the numbers they are given: the Riemann sum's trapezoids add up to its running total,
the landscape's cells tile the grid, the overlay is opaque where the map is highest, the range test marks its
suggestion and divergence, and the hidden-space points carry their samples' pictures."""
import base64
import io

import numpy as np
import pytest
from PIL import Image

from nnlab.viz import attributions as va
from nnlab.viz import feature_vis as vf
from nnlab.viz import hidden_space as vh
from nnlab.viz import landscape as vl
from nnlab.viz import lr_finder as vr
from . import rendered


def frames(chart):
    """name -> rows of every dataset in the chart's spec."""
    return {name: rows for name, rows in chart.to_dict()["datasets"].items()}


def dataset_with(chart, column):
    return next(rows for rows in frames(chart).values() if rows and column in rows[0])


def decode(uri):
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def test_riemann_trapezoids_add_up_to_the_running_total():
    alphas = np.linspace(0, 1, 9)
    slope = np.cos(3 * alphas) + 2
    bars = dataset_with(va.riemann_chart(alphas, slope), "area")
    areas = np.array([r["area"] for r in bars])
    running = np.concatenate([[0], np.cumsum((slope[1:] + slope[:-1]) / 2 * np.diff(alphas))])
    assert areas.sum() == pytest.approx(running[-1])
    assert areas.sum() == pytest.approx((np.sin(3) / 3 + 2), rel=5e-3)  # the integral itself, to a trapezoid's error
    total = dataset_with(va.running_total_chart(alphas, 5 + running, running), "series")
    gained = [r["value"] for r in total if r["series"].startswith("score gained")]
    assert gained == pytest.approx(running.tolist())  # the score relative to the baseline's


def test_convergence_keeps_exact_zeros_on_the_log_axis():
    rows = dataset_with(va.convergence_chart([4, 2, 1], [0.0, -1e-3, 2e-2]), "error")
    assert [r["error"] for r in rows] == [0.0, 1e-3, 2e-2] and rows[0]["shown"] == 1e-16


def test_overlay_is_opaque_orange_where_the_map_peaks_and_grey_where_it_is_zero():
    image = np.zeros((4, 4))
    image[0, 0] = 1.0
    heat = np.zeros((4, 4))
    heat[3, 3] = 2.0
    rgb = decode(va.overlay_uri(image, heat, scale=1))
    assert rgb[0, 0].tolist() == [255, 255, 255] and rgb[1, 1].tolist() == [0, 0, 0]
    expected = np.round(0.25 * 0 + 0.75 * va.HEAT).astype(int)
    assert rgb[3, 3].tolist() == expected.tolist()


def test_check_frame_names_each_checked_input():
    table = va.check_frame([5, 0], [1.0, 2.0], [1.0, 2.1], [0.0, 0.05], [False, True], va.pixel_names((2, 3)))
    assert table["input"].tolist() == ["row 1, col 2", "row 0, col 0"] and table["at a kink"].tolist() == ["no", "yes"]


def test_landscape_cells_tile_the_grid_and_the_path_is_in_order():
    alphas, betas = np.linspace(-1, 1, 3), np.linspace(-2, 2, 3)
    losses = np.arange(9.0).reshape(3, 3) + 1
    cells = vl.surface_frame(alphas, betas, losses)
    assert (cells["a2"] - cells["a"]).tolist() == [1.0] * 9 and (cells["b2"] - cells["b"]).tolist() == [2.0] * 9
    row = cells[(cells["alpha"] == 1.0) & (cells["beta"] == -2.0)]
    assert row["loss"].item() == losses[0, 2]  # losses[i, j] is at (alphas[j], betas[i])
    path = vl.path_frame([[0.5, 0.5], [0.0, 0.0]], [0, 3], [2.0, 1.0])
    spec = vl.surface_chart(cells, path, "t", ("a", "b")).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["type"] == "log"  # every loss positive
    assert path["epoch"].tolist() == [0, 3] and path["order"].tolist() == [0, 1]


def test_range_test_marks_the_suggestion_and_the_divergence_and_thins_long_runs():
    lrs = np.logspace(-5, 1, 3000)
    losses = np.linspace(2, 1, 3000)
    chart = vr.range_test_chart(lrs, losses, np.arange(5, 2995), np.linspace(2, 1, 2990), 1e-2, 3.0)
    marks = dataset_with(chart, "what")
    assert {(r["what"], r["lr"]) for r in marks} == {("suggested", 1e-2), ("diverged", 3.0)}
    curves = dataset_with(chart, "series")
    assert len(curves) <= 5000
    assert chart.to_dict()["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0.0, 3.0]  # 1.5 × the start


def test_ascent_chart_has_both_curves_and_the_best_test_sample():
    chart = vf.ascent_chart([0.1, 0.5, 0.9], [0.1, 0.5, 0.9], best_test=0.7)
    assert [r["value"] for r in dataset_with(chart, "what")] == [0.7]
    assert len(dataset_with(chart, "series")) == 6
    assert chart.to_dict()["layer"][2]["encoding"]["text"]["field"] == "what"  # the rule is labelled


def test_projection_points_carry_class_and_the_samples_picture():
    uris = ["data:image/png;base64,A", "data:image/png;base64,B", "data:image/png;base64,C"]
    frame = vh.projection_frame([[0, 1], [2, 3]], [2, 0], np.array([1, 0]), ("zero", "one"), uris)
    assert frame["class"].tolist() == ["one", "zero"] and frame["image"].tolist() == [uris[2], uris[0]]
    tips = vh.projection_chart(frame, "t", ("x", "y")).to_dict()["encoding"]["tooltip"]
    assert {"field": "image", "type": "nominal"} in tips  # untitled: Vega's tooltip shows it as a picture
    regression = vh.projection_frame([[0, 1]], [0], np.array([[2.5]]))
    assert regression["target"].tolist() == [2.5]


def test_the_hidden_space_legend_lists_the_classes_in_the_datasets_order():
    names = ("setosa", "versicolor", "virginica")
    frame = vh.projection_frame(np.arange(8.0).reshape(4, 2), np.arange(4), labels=np.array([2, 0, 2, 1]),
                                class_names=names)
    (legend,) = rendered.legends(vh.projection_chart(frame, "L2", ("a", "b")))
    assert legend["labels"] == list(names)  # not by length (setosa, virginica, versicolor) nor by appearance
