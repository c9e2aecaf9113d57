"""Forward-pass views: softmax in three steps, the probability bars, the layer overview, unit bars."""
import numpy as np
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.viz.forward import layer_overview, probability_chart, softmax_latex, softmax_steps, unit_values_chart


def test_softmax_steps_match_the_engine_and_survive_large_logits():
    z = np.array([1000.0, 1001.0, 998.0])  # exp(1000) overflows without the max shift
    frame, total = softmax_steps(z, ["a", "b", "c"])
    np.testing.assert_allclose(frame["z − max"], [-1.0, 0.0, -3.0])
    np.testing.assert_allclose(frame["exp(z − max)"], np.exp([-1.0, 0.0, -3.0]))
    assert total == pytest.approx(np.exp([-1.0, 0.0, -3.0]).sum())
    net = Network(mlp_spec([3, 3], dtype="float64"))
    net.set_params(0, W=np.eye(3), b=np.zeros(3))
    np.testing.assert_allclose(frame["p = exp ÷ sum"], net.predict(z[None, :])[0], rtol=1e-12)
    tex = softmax_latex(frame, total, 1)
    assert r"p_{b}" in tex and f"{frame['p = exp ÷ sum'][1]:.4f}" in tex


def test_softmax_steps_refuse_bad_input():
    with pytest.raises(ValueError, match="at least 2"):
        softmax_steps([1.0])
    with pytest.raises(ValueError, match="class_names has 2"):
        softmax_steps([1.0, 2.0, 3.0], ["a", "b"])


def test_probability_chart_marks_prediction_and_truth():
    spec = probability_chart([0.1, 0.7, 0.2], ["x", "y", "z"], true_class=2).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [r["role"] for r in rows] == ["other", "predicted", "true"]
    rows = next(iter(probability_chart([0.1, 0.9], true_class=1).to_dict()["datasets"].values()))
    assert rows[1]["role"] == "predicted & true"


def test_layer_overview_counts_switched_off_units():
    net = Network(mlp_spec([2, 3, 2], dtype="float64"))
    net.set_params(0, W=[[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]], b=[0.0, 0.0, -5.0])
    frame = layer_overview(net.forward_trace(np.array([[1.0, 1.0]])))
    assert frame.loc[0, "units with a = 0"] == 2  # z = (1, −1, −4): two ReLUs off
    assert frame.loc[0, "z min"] == -4.0 and frame.loc[0, "a max"] == 1.0
    assert list(frame["units"]) == [3, 2]


def test_unit_values_chart_rows_share_units():
    n = 25
    spec = unit_values_chart({"b": np.zeros(n), "z": np.arange(n) - 5.0, "a": np.arange(n)},
                             sequential=("a",)).to_dict()
    assert len(spec["vconcat"]) == 3
    assert spec["vconcat"][2]["encoding"]["color"] == {"value": "#31a354"}
    small = unit_values_chart({"b": [0, 1], "z": [-1, 2], "a": [0, 2]}).to_dict()  # few units: the numbers
    rows = next(iter(small["datasets"].values()))
    assert [(r["row"], r["col"], r["value"]) for r in rows[:2]] == [("b", "0", 0), ("b", "1", 1)]
    assert small["layer"][1]["mark"]["type"] == "text"
    with pytest.raises(ValueError, match="different lengths"):
        unit_values_chart({"b": [0, 1], "z": [1]})
