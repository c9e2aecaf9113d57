"""Data-page charts: the numbers they carry are the data's, and every chart has titles and tooltips."""
import numpy as np
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.i18n import using_language
from nnlab.viz import data_views as dv


def _values(chart):
    spec = chart.to_dict()
    return spec, list(spec["datasets"].values())


def test_class_balance_counts_and_shares():
    y = np.array([0, 2, 2, 1, 2, 0])
    frame = dv.class_balance_frame(y, ("a", "b", "c", "d"))
    assert frame["count"].tolist() == [2, 1, 3, 0]
    assert frame["share"].tolist() == pytest.approx([2 / 6, 1 / 6, 3 / 6, 0])
    spec, data = _values(dv.class_balance_chart(y, ("a", "b", "c", "d")))
    assert [row["count"] for row in data[0]] == [2, 1, 3, 0]
    assert spec["encoding"]["x"]["title"] == "samples" and spec["encoding"]["tooltip"]  # horizontal bars


def test_histogram_frame_ignores_non_finite_and_counts_all():
    v = np.array([0.0, 1.0, 1.0, 2.0, np.nan, np.inf])
    frame = dv.histogram_frame(v, bins=2)
    assert frame["count"].tolist() == [1, 3]
    assert frame["bin_start"].tolist() == [0.0, 1.0] and frame["bin_end"].tolist() == [1.0, 2.0]
    assert dv.histogram_frame([np.nan]).empty


def test_before_after_histograms_show_each_scale():
    before = np.array([10.0, 20.0, 30.0, 40.0])
    after = (before - before.mean()) / before.std()
    spec = dv.before_after_chart(before, after, "height", "z-score").to_dict()
    left, right = spec["hconcat"]
    assert "as in the file" in left["title"] and "after z-score" in right["title"]
    datasets = spec["datasets"]
    starts = [min(r["bin_start"] for r in datasets[c["data"]["name"]]) for c in (left, right)]
    assert starts == pytest.approx([10.0, after.min()])
    assert spec["resolve"]["scale"]["x"] == "independent"


def test_scatter_classes_and_regression():
    ds = load_dataset("Moons", n_samples=100, noise=0.1)
    spec, data = _values(dv.scatter_chart(ds.x_train, ds.y_train, ds.class_names, ds.feature_names))
    rows = data[0]
    assert len(rows) == len(ds.x_train)
    assert rows[0]["x1"] == pytest.approx(float(ds.x_train[0, 0]))
    assert rows[0]["class"] == ds.class_names[ds.y_train[0]]
    x = np.arange(10, dtype=float).reshape(5, 2)
    spec, data = _values(dv.scatter_chart(x, np.arange(5.0).reshape(5, 1), None, ("a", "b")))
    assert [r["target"] for r in data[0]] == [0, 1, 2, 3, 4] and spec["encoding"]["color"]["type"] == "quantitative"


def test_scatter_samples_at_most_max_points_and_needs_two_features():
    x = np.random.default_rng(0).normal(size=(5000, 2))
    _, data = _values(dv.scatter_chart(x, np.zeros(5000, dtype=int), ("0",), max_points=300))
    assert len(data[0]) == 300
    with pytest.raises(ValueError, match="at least 2 features"):
        dv.scatter_chart(np.zeros((3, 1)), np.zeros(3, dtype=int), ("0",))


def test_summary_frame():
    ds = load_dataset("Iris")
    frame = dv.summary_frame(ds).set_index("what")["value"]
    assert frame["features (network inputs)"] == "4" and frame["network outputs"] == "3"
    assert int(frame["training samples"]) + int(frame["validation samples"]) + int(frame["test samples"]) == 150
    assert frame["classes"] == "setosa, versicolor, virginica"
    assert frame["task"] == "classification"


def test_summary_frame_in_chinese():
    with using_language("zh"):
        frame = dv.summary_frame(load_dataset("Iris")).set_index("项目")["值"]
    assert frame["任务"] == "分类" and frame["特征（网络输入）"] == "4" and frame["网络输出数"] == "3"
    assert int(frame["训练样本"]) + int(frame["验证样本"]) + int(frame["测试样本"]) == 150
