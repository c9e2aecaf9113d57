"""Axes as drawn (Vega's layout under Streamlit's axis theme, via tests/viz/rendered.py): what a person reads."""
import altair as alt
import numpy as np
import pandas as pd

from nnlab.viz import axes
from nnlab.viz.data_views import class_balance_chart
from nnlab.viz.images import column_px, image_grid

from . import rendered

FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def _line(frame, y_axis, scale=None, x="x"):
    return alt.Chart(frame).mark_line().encode(x=alt.X(f"{x}:Q", title="x"),
                                               y=alt.Y("y:Q", title="y", axis=y_axis, scale=scale or alt.Scale()))


def test_power_labels_are_one_style_per_axis():
    assert axes.power_labels([-2, -1, 0, 1]) == ["0.01", "0.1", "1", "10"]
    assert axes.power_labels([-5, -4, 0]) == ["10⁻⁵", "10⁻⁴", "10⁰"]


def test_log_axis_ticks_are_powers_of_ten_drawn_as_such():
    frame = pd.DataFrame({"x": np.arange(50), "y": np.geomspace(3e-6, 40, 50)})
    chart = _line(frame, axes.log_axis(frame["y"]), alt.Scale(type="log"))
    labels = rendered.axis_labels(chart, "y", width=400)
    # every label a power of ten in one style, evenly spaced (Vega hides every 2nd when they crowd)
    powers = ["10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²"]
    assert labels in (powers, powers[::2])
    wide = axes.log_axis(np.geomspace(1e-12, 1e4, 20)).to_dict()
    assert wide["values"] == [10.0 ** k for k in range(-12, 5, 3)]  # 17 decades: every 3rd power
    assert axes.log_axis([0, np.nan, -1]).to_dict() == {}  # nothing positive: Vega's own axis


def test_percent_axis_never_repeats_a_label():
    frame = pd.DataFrame({"x": np.arange(20), "y": np.linspace(0.09, 0.11, 20)})
    labels = rendered.axis_labels(_line(frame, axes.percent_axis(), alt.Scale(zero=False)), "y", width=300)
    assert len(labels) >= 3 and len(set(labels)) == len(labels) and all(t.endswith("%") for t in labels)
    plain = rendered.axis_labels(_line(frame, alt.Axis(format=".0%"), alt.Scale(zero=False)), "y", width=300)
    assert len(set(plain)) < len(plain)  # the fault this axis removes


def test_epoch_axis_is_whole_epochs():
    one = pd.DataFrame({"x": [1, 1], "y": [0.5, 0.6]})
    assert rendered.axis_labels(alt.Chart(one).mark_point().encode(
        x=alt.X("x:Q", title="epoch", axis=axes.epoch_axis(one["x"])), y="y:Q"), "epoch", width=300) == ["1"]
    assert axes.epoch_axis(range(1, 6)).to_dict()["values"] == [1, 2, 3, 4, 5]
    assert axes.epoch_axis(range(1, 101)).to_dict()["values"] == list(range(10, 101, 10))
    assert "values" not in axes.epoch_axis([]).to_dict()  # no epochs yet (an empty chart): Vega's own ticks


def test_whole_number_labels_come_from_label_expr_not_format_d():
    """Streamlit's Vega in Chromium drew "1, 3" for ticks 1, 2, 3 with format "d" (vl-convert draws all three, so
    this checks the spec): the labels are formatted in labelExpr."""
    for axis in (axes.epoch_axis([1, 2, 3]), axes.epoch_axis(range(1, 101)), axes.count_axis(3)):
        spec = axis.to_dict()
        assert "format" not in spec and spec["labelExpr"] == "format(datum.value, ',d')"
    three = pd.DataFrame({"x": [1, 2, 3], "y": [0.5, 0.6, 0.4]})
    assert rendered.axis_labels(alt.Chart(three).mark_line().encode(
        x=alt.X("x:Q", title="epoch", axis=axes.epoch_axis(three["x"])), y="y:Q"), "epoch",
        width=150) == ["1", "2", "3"]
    big = pd.DataFrame({"x": [1000, 3000], "y": [0.5, 0.6]})
    assert rendered.axis_labels(alt.Chart(big).mark_line().encode(
        x=alt.X("x:Q", title="step", axis=axes.epoch_axis([1000, 2000, 3000])), y="y:Q"), "step",
        width=300) == ["1,000", "2,000", "3,000"]


def test_count_axis_has_no_half_samples():
    assert axes.count_axis(3).to_dict()["values"] == [0, 1, 2, 3]
    assert "values" not in axes.count_axis(500).to_dict()


def test_every_fashion_class_name_shows_on_the_class_balance_chart():
    y = np.repeat(np.arange(10), [3, 5, 2, 7, 1, 4, 6, 2, 3, 8])
    chart = class_balance_chart(y, FASHION)
    assert rendered.axis_labels(chart, "class", width=400) == FASHION
    assert rendered.axis_labels(chart, "samples", width=400) == [str(k) for k in range(9)]


def test_category_axis_tilts_only_names_that_do_not_fit():
    assert axes.category_axis(list("0123456789"), 36).to_dict()["labelAngle"] == 0
    assert axes.category_axis(FASHION, 36).to_dict()["labelAngle"] == -45
    assert axes.category_axis(FASHION, 10).to_dict()["labelAngle"] == -90


def test_image_grid_columns_fit_their_captions():
    assert column_px(["7", "3"], 56) == 64
    assert column_px(["Ankle boot"], 56) == 73 and column_px(["x" * 100], 56) == 160
    images = np.zeros((2, 4))
    chart = image_grid(images, (2, 2), captions=["Ankle boot", "Bag"], ncols=2, size=20)
    assert chart.to_dict()["width"] == {"step": column_px(["Ankle boot"], 20)}


def test_nice_ticks_are_round_and_inside_the_range():
    assert axes.nice_ticks(-0.9, 45.9) == [0, 10, 20, 30, 40]
    assert axes.nice_ticks(0.013, 0.061) == [0.02, 0.03, 0.04, 0.05, 0.06]
    assert axes.nice_ticks(980.0, 1020.0) == [980, 990, 1000, 1010, 1020]
    assert axes.nice_ticks(3.0, 3.0) == [3.0]
