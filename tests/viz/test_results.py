import numpy as np
import pytest

from tests.viz import rendered
from nnlab.viz import results


def test_confusion_frame_counts_and_shares():
    y_true = np.array([0, 0, 0, 1, 1, 2])
    y_pred = np.array([0, 1, 0, 1, 1, 0])
    frame = results.confusion_frame(y_true, y_pred, ("a", "b", "c"))
    assert len(frame) == 9 and frame["count"].sum() == 6
    cell = frame.set_index(["true", "predicted"])
    assert cell.loc[("a", "a"), "count"] == 2 and cell.loc[("a", "b"), "count"] == 1
    assert cell.loc[("a", "a"), "share"] == pytest.approx(2 / 3) and cell.loc[("c", "a"), "share"] == 1.0
    assert cell.loc[("b", "b"), "correct"] and not cell.loc[("a", "b"), "correct"]
    with pytest.raises(ValueError, match="one label per sample"):
        results.confusion_frame(y_true, y_pred[:3], ("a", "b", "c"))


def test_confusion_chart_writes_counts_in_cells():
    frame = results.confusion_frame(np.array([0, 1, 1]), np.array([0, 1, 0]), ("0", "1"))
    spec = results.confusion_chart(frame).to_dict()
    rect, text = spec["layer"]
    assert rect["mark"]["type"] == "rect" and text["encoding"]["text"]["field"] == "count"
    assert rect["encoding"]["x"]["title"] == "predicted class" and rect["encoding"]["y"]["title"] == "true class"
    assert rect["encoding"]["color"]["scale"]["domain"] == [0, 1]
    assert "Confusion matrix" in str(spec["title"])
    # white counts on dark cells, as literal colours on their own scale (merged with the cells' scale, the
    # chart would not render)
    assert text["encoding"]["color"] == {"field": "ink", "type": "nominal", "scale": None}
    assert spec["resolve"]["scale"]["color"] == "independent"
    ink = dict(zip(zip(frame["true"], frame["predicted"]), results.confusion_chart(frame).data["ink"]))
    assert ink[("0", "0")] == ink[("1", "1")] == "white" and ink[("0", "1")] == "#333"  # shares 1, 0.5 and 0


def test_per_class_frame():
    frame = results.per_class_frame(np.array([0, 0, 1, 1, 1]), np.array([0, 1, 1, 1, 0]), ("x", "y", "z"))
    assert frame["samples"].tolist() == [2, 3, 0] and frame["correct"].tolist() == [1, 2, 0]
    assert frame["accuracy"].iloc[:2].tolist() == pytest.approx([0.5, 2 / 3]) and np.isnan(frame["accuracy"].iloc[2])
    spec = results.per_class_chart(frame).to_dict()
    assert spec["encoding"]["x"]["axis"]["format"] == "~%"


def test_misclassified_grid_most_confident_first():
    x = np.arange(5 * 4, dtype=np.float32).reshape(5, 4)
    y_true = np.array([0, 1, 1, 0, 1])
    y_pred = np.array([0, 0, 1, 1, 0])
    conf = np.array([0.9, 0.6, 0.8, 0.95, 0.7])
    chart, n_wrong = results.misclassified_grid(x, y_true, y_pred, conf, (2, 2), ("cat", "dog"))
    assert n_wrong == 3
    data = chart.data
    assert data["test sample"].tolist() == [3, 4, 1]  # confidence 0.95, 0.7, 0.6
    assert data["caption"].tolist() == ["cat → dog", "dog → cat", "dog → cat"]
    assert data["confidence"].tolist() == ["95.0%", "70.0%", "60.0%"]
    none, zero = results.misclassified_grid(x, y_true, y_true, conf, (2, 2), ("cat", "dog"))
    assert none is None and zero == 0


def test_regression_frame_and_chart():
    y = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    p = y + np.array([[0.5, -1.0]])
    frame = results.regression_frame(y, p, ("a", "b"))
    assert frame["target"].tolist() == ["a", "b"] * 3
    assert frame["error"].tolist() == pytest.approx([0.5, -1.0] * 3)
    big = results.regression_frame(np.arange(9000.0), np.arange(9000.0), max_points=5000)
    assert len(big) == 5000 and (big["true"] == big["predicted"]).all()
    spec = results.regression_chart(frame).to_dict()
    diagonal, points = spec["layer"]
    assert diagonal["mark"]["type"] == "line" and points["encoding"]["x"]["title"] == "true value (each target's units)"
    assert points["encoding"]["y"]["title"] == "predicted value (each target's units)"
    one = results.regression_chart(results.regression_frame(y[:, 0], p[:, 0], ("price",))).to_dict()
    assert one["layer"][1]["encoding"]["x"]["title"] == "true price"  # one target: the axes name its column
    assert one["layer"][1]["encoding"]["y"]["title"] == "predicted price"
    with pytest.raises(ValueError, match="shape"):
        results.regression_frame(y, p[:2])


def test_regression_chart_has_equal_axes_the_line_y_equals_x_and_a_legend_naming_both():
    y = np.array([0.0, 10.0, 20.0, 30.0])
    chart = results.regression_chart(results.regression_frame(y, [5.0, 12.0, 18.0, 45.0]))
    spec = chart.to_dict()
    diagonal, points = spec["layer"]
    x_scale, y_scale = points["encoding"]["x"]["scale"], points["encoding"]["y"]["scale"]
    assert x_scale == y_scale and x_scale["domain"][0] < 0 and x_scale["domain"][1] > 45  # both span every value
    assert spec["width"] == spec["height"]
    line = diagonal["data"]["values"] if "values" in diagonal["data"] else spec["datasets"][diagonal["data"]["name"]]
    assert [(r["true"], r["predicted"]) for r in line] == [(d, d) for d in x_scale["domain"]]  # y = x, corner to corner
    (legend,) = rendered.legends(chart)
    assert legend["labels"] == ["test samples", "perfect prediction (y = x)"]
    axes = dict(rendered.axes(chart))
    assert axes["true target"] == axes["predicted target"]  # the same ticks
    two = results.regression_chart(results.regression_frame(np.c_[y, y], np.c_[y, y], ("height", "weight")))
    assert rendered.legends(two)[0]["labels"] == ["test samples: height", "test samples: weight",
                                                  "perfect prediction (y = x)"]
