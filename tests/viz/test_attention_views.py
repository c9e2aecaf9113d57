"""Attention views: the matrices, the overlay, the per-head averages carry the engine's numbers; the
averages give the known values for uniform and for self-only attention."""
import numpy as np
import pytest

from nnlab.engine import Network
from nnlab.engine.zoo import mnist_attention_spec
from nnlab.viz.attention import (attention_frame, attention_heatmap, attention_layer_indices, distance_frame,
                                 mean_distance, mean_distance_chart, overlay_frame, overlays, patch_distances,
                                 patch_grid, patch_label, query_overlay, received, received_chart, row_entropy)

GRID = (7, 7, 4)
T = 49


def datasets(chart):
    return list(chart.to_dict()["datasets"].values())


def uniform(n=2, heads=3):
    return np.full((n, heads, T, T), 1.0 / T)


def self_only(n=2, heads=3):
    return np.broadcast_to(np.eye(T), (n, heads, T, T)).copy()


def test_layers_and_grid_of_the_attention_preset():
    net = Network(mnist_attention_spec())
    assert attention_layer_indices(net) == [2]
    assert patch_grid(net, 2) == GRID
    assert patch_grid(net, 0) is None
    assert patch_label(17, GRID) == "patch 17 (row 2, col 3)"


def test_heatmap_data_is_the_matrix_row_by_row():
    A = np.random.default_rng(0).dirichlet(np.ones(T), size=T)
    frame = attention_frame(A)
    assert len(frame) == T * T
    row = frame[frame["query"] == 10].sort_values("key")["weight"].to_numpy()
    np.testing.assert_allclose(row, A[10])
    chart = attention_heatmap(A, GRID, "head 0", query=10)
    cells, outline = datasets(chart)
    assert len(cells) == T * T and cells[T * 10 + 3]["weight"] == pytest.approx(A[10, 3])
    assert (cells[T * 10 + 3]["query at"], cells[T * 10 + 3]["key at"]) == ("row 1, col 3", "row 0, col 3")
    assert outline == [{"query": 10, "first": 0, "last": T - 1}]
    spec = chart.to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, pytest.approx(A.max())]
    diff = attention_heatmap(A - A.T, GRID, "change", diverging=True).to_dict()
    vmax = np.abs(A - A.T).max()
    assert diff["layer"][0]["encoding"]["color"]["scale"]["domain"] == [pytest.approx(-vmax), pytest.approx(vmax)]
    with pytest.raises(ValueError, match="tokens, tokens"):
        attention_frame(np.ones((3, 4)))


def test_overlay_places_each_patch_and_outlines_the_query():
    w = np.zeros(T)
    w[[0, 9, 48]] = [0.5, 0.25, 0.25]
    frame = overlay_frame(w, GRID)
    assert frame.loc[9, ["row", "col", "row2", "col2"]].tolist() == [1, 2, 2, 3]
    assert frame["share"].tolist()[:1] == [1.0] and frame.loc[48, "share"] == 0.5
    image = np.random.default_rng(1).random((28, 28))
    pic, tint, box = datasets(query_overlay(image, w, GRID, 9, "head 0"))
    assert pic[0]["url"].startswith("data:image/png;base64,") and (pic[0]["x2"], pic[0]["y2"]) == (7, 7)
    assert sum(r["weight"] for r in tint) == pytest.approx(1.0)
    assert [r["patch"] for r in box] == [9]
    with pytest.raises(ValueError, match="7×7 patch grid needs 49"):
        overlay_frame(np.ones(48), GRID)


def test_overlays_one_view_per_head_with_a_click_selection():
    rows = np.random.default_rng(2).dirichlet(np.ones(T), size=4)
    spec = overlays(np.zeros((28, 28)), rows, GRID, 5).to_dict()
    assert len(spec["hconcat"]) == 4
    params = spec["params"]  # Altair lifts the selections to the top level, one per view
    assert [p["name"] for p in params] == [f"patch_head{h}" for h in range(4)]
    assert all(p["select"] == {"type": "point", "fields": ["patch"], "on": "click"} for p in params)
    assert len({p["views"][0] for p in params}) == 4
    assert spec["hconcat"][2]["title"]["subtitle"] == f"most: patch {rows[2].argmax()} ({rows[2].max():.2f})"


def test_mean_distance_is_zero_for_self_attention_and_the_pair_mean_for_uniform():
    d = patch_distances(GRID)
    assert d[0, 8] == pytest.approx(4 * np.sqrt(2)) and d[0, 6] == 24
    np.testing.assert_allclose(mean_distance(self_only(), GRID), 0.0)
    np.testing.assert_allclose(mean_distance(uniform(), GRID), d.mean())
    with pytest.raises(ValueError, match="samples, heads, tokens, tokens"):
        mean_distance(np.ones((3, T, T)), GRID)


def test_received_and_entropy_for_uniform_and_self_attention():
    np.testing.assert_allclose(received(uniform()), 1.0 / T)
    np.testing.assert_allclose(row_entropy(uniform()), np.log(T))
    np.testing.assert_allclose(row_entropy(self_only()), 0.0, atol=1e-12)
    A = uniform(n=1, heads=2)
    A[0, 1] = np.eye(T)
    np.testing.assert_allclose(row_entropy(A), [np.log(T), 0.0], atol=1e-12)


def test_the_distance_chart_carries_the_values():
    frame = distance_frame({"initial weights": [10.0, 12.0], "now": [5.0, 14.0]})
    assert frame.to_dict("records")[2] == {"head": "head 0", "model": "now", "distance": 5.0}
    bars, rule = datasets(mean_distance_chart(frame, 14.4))
    assert len(bars) == 4 and rule[0]["uniform"] == 14.4


def _bar_colours(chart):
    return chart.to_dict()["layer"][0]["encoding"]["color"]["scale"]["range"]


def test_the_initial_weights_are_grey_and_the_model_now_purple_also_when_shown_alone():
    both = distance_frame({"initial weights": [10.0, 12.0], "now": [5.0, 14.0]})
    assert _bar_colours(mean_distance_chart(both, 14.4)) == ["#bbbbbb", "#6a51a3"]
    alone = distance_frame({"now": [5.0, 14.0]})  # untrained, or an uploaded model
    assert _bar_colours(mean_distance_chart(alone, 14.4)) == ["#6a51a3"]


def test_the_received_chart_carries_the_values():
    maps = np.random.default_rng(3).dirichlet(np.ones(T), size=3)
    (cells,) = datasets(received_chart(maps, GRID))
    assert len(cells) == 3 * T
    cell = next(c for c in cells if c["head"] == "head 2" and c["patch"] == 30)
    assert (cell["row"], cell["col"]) == (4, 2) and cell["received"] == pytest.approx(maps[2, 30])
    assert cell["vs uniform"] == pytest.approx(maps[2, 30] * T)
