"""The worked examples' tables and charts carry the lab's numbers; the click selections name the cell."""
import numpy as np
import pytest

from nnlab.engine import Network
from nnlab.lab.terms import term_sum
from nnlab.lab.worked_attention import attention_row
from nnlab.viz.forward import unit_values_chart
from nnlab.viz.matrices import heatmap, vector_bars
from nnlab.viz.worked import (attention_row_frame, batch_chart, batch_frame, outputs_chart, position_map, terms_frame,
                              vectors_frame, window_charts)
from tests.lab.tiny_nets import ATTENTION


def test_terms_frame_lists_the_largest_then_the_rest_then_the_total():
    a, b = np.arange(1.0, 11.0), np.linspace(-1, 1, 10)
    ts = term_sum(a, b, top=3)
    frame = terms_frame(ts, ["x", "W"], "k")
    assert list(frame["k"][:3]) == ["9", "8", "7"]  # 10·1, 9·7/9, 8·5/9: by |product|, largest first
    np.testing.assert_allclose(frame["product"][:3], [10.0, 7.0, 40 / 9], rtol=1e-12)
    assert frame["k"].iloc[3] == "… 7 more" and frame["product"].iloc[3] == pytest.approx(ts.rest)
    assert frame["k"].iloc[-1] == "total (all 10 terms)" and frame["product"].iloc[-1] == pytest.approx((a * b).sum())
    assert frame["product"].iloc[:-1].sum() == pytest.approx(frame["product"].iloc[-1])


def test_attention_row_frame_sums_to_one_and_lists_the_top_keys():
    net = Network(ATTENTION)
    trace = net.forward_trace(np.random.default_rng(0).random((1, 64)))
    row = attention_row(net, trace, 2, 0, 1)
    frame = attention_row_frame(row, top=2)
    weights = frame["weight A"].to_numpy()
    assert weights[-1] == pytest.approx(1.0) and weights[:-1].sum() == pytest.approx(1.0)
    assert list(frame["key patch"][:2]) == [str(j) for j in row.order[:2]]
    np.testing.assert_allclose(weights[:2], np.sort(row.weights)[::-1][:2])


def test_batch_chart_bars_are_the_per_sample_gradients_and_the_rule_their_mean():
    g = np.array([0.5, -0.25, 0.0, 1.0])
    frame = batch_frame(g, labels=["a", "b", "c", "d"])
    assert list(frame["pull"]) == ["lowers it", "raises it", "leaves it", "lowers it"]
    spec = batch_chart(g, g.mean(), ["a", "b", "c", "d"], "title").to_dict()
    data = [v for v in spec["datasets"].values()]
    bars = next(d for d in data if len(d) == 4)
    assert [row["gradient"] for row in sorted(bars, key=lambda r: r["sample"])] == list(g)
    assert next(d for d in data if len(d) == 1)[0]["mean"] == pytest.approx(0.3125)


def test_clickable_charts_carry_selections_whose_fields_name_the_cell():
    spec = heatmap(np.arange(6.0).reshape(2, 3), "t", select="pick", picked=(1, 2), row_labels=["p", "q"]).to_dict()
    (param,) = spec["params"]
    assert param["name"] == "pick" and param["select"]["fields"] == ["r", "c"]
    cells = next(d for d in spec["datasets"].values() if len(d) == 6)
    assert {(c["row"], c["r"]) for c in cells} == {("p", 0), ("q", 1)}  # labels shown, positions kept
    assert [(c["r"], c["c"]) for c in cells if c["outline"] == "black"] == [(1, 2)]  # the picked cell, outlined
    assert vector_bars(np.ones(30), "v", select="pick").to_dict()["params"][0]["select"]["fields"] == ["index"]
    bars = unit_values_chart({"z": np.ones(30), "a": np.ones(30)}, select="pick").to_dict()
    assert [p["name"] for p in bars["params"]] == ["pick_0", "pick_1"]
    assert all(p["select"]["fields"] == ["vector", "index"] for p in bars["params"])
    assert "params" not in heatmap(np.ones((2, 2)), "t").to_dict()


def test_window_charts_and_position_map_show_the_numbers():
    window, kernel = np.arange(9.0).reshape(3, 3), np.eye(3)
    spec = window_charts(window, kernel, window * kernel).to_dict()
    assert len(spec["hconcat"]) == 3
    values = [sorted(r["value"] for r in d) for d in spec["datasets"].values() if len(d) == 9 and "value" in d[0]]
    assert sorted(map(tuple, values)) == sorted({tuple(sorted(window.ravel())), tuple(sorted(kernel.ravel())),
                                                 tuple(sorted((window * kernel).ravel()))})
    spec = position_map(np.zeros((26, 26)), "m", picked=(3, 4), select="pick").to_dict()
    assert spec["params"][0]["name"] == "pick"


def test_outputs_chart_puts_before_and_after_side_by_side():
    spec = outputs_chart([0.1, 0.9], [0.6, 0.4], ["cat", "dog"], "o").to_dict()
    (rows,) = [d for d in spec["datasets"].values()]
    assert [(r["output"], r["when"], r["value"]) for r in rows] == [
        ("cat", "before", 0.1), ("dog", "before", 0.9), ("cat", "after", 0.6), ("dog", "after", 0.4)]


def test_vectors_frame_shows_the_first_features_and_says_how_many_more():
    a, b = np.arange(12.0), -np.arange(12.0)
    frame = vectors_frame({"a": a, "b": b}, shown=8)
    assert frame["feature"].tolist() == [str(i) for i in range(8)] + ["… 4 more"]
    np.testing.assert_array_equal(frame["a"][:8], a[:8])
    assert frame.iloc[-1][["a", "b"]].isna().all()
    short = vectors_frame({"q": [0.5, -1.0]})
    assert short["feature"].tolist() == ["0", "1"] and short["q"].tolist() == [0.5, -1.0]
