"""Heatmaps (annotated when small, windowed when big), histograms + summaries, bars, weight tiles."""
import base64
import io

import numpy as np
import pytest
from PIL import Image

from nnlab.viz.matrices import (ANNOTATE_MAX, MAX_CELLS, default_window, heatmap, heatmap_frame, histogram,
                                summary_frame, vector_bars, weight_tiles)


def _data(spec):
    """The rows of a chart's (single) dataset, whichever way Altair stored them."""
    datasets = spec.get("datasets", {})
    return next(iter(datasets.values())) if datasets else spec["data"]["values"]


def test_small_matrix_is_annotated_with_its_numbers():
    m = np.array([[0.3, -0.7], [1.25, 0.0]])
    spec = heatmap(m, "W").to_dict()
    # the cells, then the numbers: black on light cells, white on dark ones (one layer per ink)
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rect", "text", "text"]
    assert [layer["mark"].get("color") for layer in spec["layer"][1:]] == ["black", "white"]
    white = spec["datasets"][spec["layer"][2]["data"]["name"]]
    assert [r["label"] for r in white] == ["1.2"]  # only |1.25| > 0.6 · max|value|
    rows = _data(spec)
    assert [(r["row"], r["col"], r["value"]) for r in rows] == [(0, 0, 0.3), (0, 1, -0.7), (1, 0, 1.25), (1, 1, 0.0)]
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == [-1.25, 1.25] and scale["scheme"] == "redblue" and scale["reverse"] is True


def test_vector_becomes_one_row():
    frame = heatmap_frame(np.arange(5.0))
    assert frame["row"].unique().tolist() == [0] and frame["col"].tolist() == [0, 1, 2, 3, 4]


def test_big_matrix_is_windowed_and_says_so():
    W = np.arange(784 * 128, dtype=float).reshape(784, 128)
    (r0, r1), (c0, c1) = default_window(W.shape)
    assert (r1 - r0) * (c1 - c0) <= MAX_CELLS and r0 == c0 == 0
    spec = heatmap(W, "W").to_dict()
    rows = _data(spec)
    assert len(rows) == (r1 - r0) * (c1 - c0) and len(spec["layer"]) == 1  # no numbers on 2,500 cells
    assert "of 784×128" in spec["title"]
    frame = heatmap_frame(W, rows=(100, 110), cols=(120, 128))
    assert frame["row"].min() == 100 and frame["col"].max() == 127
    np.testing.assert_array_equal(frame["value"], W[100:110, 120:128].ravel())


def test_windows_are_validated():
    W = np.zeros((10, 10))
    with pytest.raises(ValueError, match=r"rows=\(5, 20\)"):
        heatmap_frame(W, rows=(5, 20))
    with pytest.raises(ValueError, match="cells"):
        heatmap_frame(np.zeros((100, 100)), rows=(0, 100), cols=(0, 100), max_cells=2500)
    with pytest.raises(ValueError, match="shape"):
        heatmap(np.zeros((0,)), "empty")


def test_annotation_switches_off_for_many_cells_or_wide_rows():
    assert len(heatmap(np.ones((ANNOTATE_MAX + 1, 1)), "tall").to_dict()["layer"]) == 1
    assert len(heatmap(np.ones(21), "wide").to_dict()["layer"]) == 1
    assert len(heatmap(np.ones(10), "short").to_dict()["layer"]) == 3


def test_row_and_column_labels():
    rows = _data(heatmap(np.eye(3), "δ", col_labels=["cat", "dog", "eel"]).to_dict())
    assert [r["col"] for r in rows[:3]] == ["cat", "dog", "eel"]


def test_histogram_counts_every_entry_in_few_rows():
    a = np.random.default_rng(0).normal(size=(784, 128))
    spec = histogram(a, "∂L/∂W", bins=30).to_dict()
    rows = _data(spec)
    assert len(rows) == 30 and sum(r["count"] for r in rows) == a.size
    assert rows[0]["start"] == pytest.approx(a.min()) and rows[-1]["end"] == pytest.approx(a.max())
    const = _data(histogram(np.zeros(7), "zeros", bins=5).to_dict())
    assert sum(r["count"] for r in const) == 7


def test_summary_frame_values():
    a = np.array([[0.0, 3.0], [-4.0, 0.0]])
    row = summary_frame(a, "g").iloc[0]
    assert row["entries"] == 4 and row["mean"] == pytest.approx(-0.25) and row["min"] == -4 and row["max"] == 3
    assert row["‖·‖₂"] == pytest.approx(5.0) and row["share = 0"] == 0.5


def test_vector_bars_colour_by_sign_and_mark_one():
    spec = vector_bars([0.5, -1.0, 0.0], "z", highlight=1).to_dict()
    rows = _data(spec)
    assert [r["sign"] for r in rows] == ["positive or 0", "negative", "positive or 0"]
    assert [r["marked"] for r in rows] == [False, True, False]
    with pytest.raises(ValueError, match="5001 entries"):
        vector_bars(np.zeros(5001), "too many")


def test_weight_tiles_show_columns_of_W_as_images():
    W = np.random.default_rng(0).normal(size=(64, 20))
    spec = weight_tiles(W, (8, 8), units=[3, 4, 5]).to_dict()
    rows = _data(spec)
    assert [r["caption"] for r in rows] == ["unit 3", "unit 4", "unit 5"]
    assert all(r["url"].startswith("data:image/png;base64,") for r in rows)
    assert float(rows[0]["‖w‖"]) == pytest.approx(np.linalg.norm(W[:, 3]), rel=1e-3)
    with pytest.raises(ValueError, match="h·w"):
        weight_tiles(W, (7, 7))
    with pytest.raises(ValueError, match="units"):
        weight_tiles(W, (8, 8), units=[25])
    with pytest.raises(ValueError, match="8×8"):
        weight_tiles(np.zeros((10, 3)), (8, 8))


def test_weight_tiles_of_the_change_since_initialisation_share_one_scale():
    rng = np.random.default_rng(0)
    W, W0 = rng.normal(size=(64, 40)), rng.normal(size=(64, 40))
    chart = weight_tiles(W, (8, 8), units=range(32), reference=W0, title="change")
    data = chart.data
    assert len(data) == 32 and data["caption"].tolist()[:2] == ["unit 0", "unit 1"]
    assert data["max |w|"].to_numpy() == pytest.approx(np.abs(W - W0).max(axis=0)[:32], rel=1e-3)
    # One colour scale for all tiles: only the tile holding the largest |change| of all reaches full colour.
    full = [(178, 24, 43), (33, 102, 172)]  # full red, full blue
    change = np.abs(W - W0)[:, :32]
    top = int(change.max(axis=0).argmax())
    for j in (top, int(change.max(axis=0).argmin())):
        png = Image.open(io.BytesIO(base64.b64decode(data["url"][j].split(",", 1)[1]))).convert("RGB")
        pixels = {tuple(p) for p in np.asarray(png).reshape(-1, 3)}
        assert bool(pixels & set(full)) == (j == top)


def test_cell_labels_are_short_enough_to_fit():
    from nnlab.viz.matrices import short_number
    assert [short_number(v) for v in (1.82e-5, -0.00062, 0.5, 123456.0, 0.0)] == \
        ["1.8e−5", "−0.00062", "0.5", "1.2e+5", "0"]
    rows = _data(heatmap(np.array([[2.99e-8, -0.56]]), "δ").to_dict())
    assert [r["label"] for r in rows] == ["3e−8", "−0.56"]
    assert [r["dark"] for r in rows] == [False, True]


def test_unannotated_cells_fit_a_screen():
    spec = heatmap(np.ones((64, 10)), "∂L/∂W").to_dict()
    assert spec["width"] == {"step": 40} and spec["height"] == {"step": 7}
