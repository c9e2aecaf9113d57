"""The decision-boundary frame and chart, from a network's outputs on a grid."""
import numpy as np
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.lab.inspect import decision_grid
from nnlab.viz import boundary

X = np.array([[-1.0, -2.0], [1.0, 2.0], [0.0, 0.5], [0.5, -1.0]])


def sigmoid_of_x1():
    """One sigmoid unit with W = (1, 0), b = 0: P(class 1) = σ(x1), so the boundary is the line x1 = 0."""
    net = Network({"input_shape": [2], "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}],
                   "loss": "bce", "dtype": "float64"})
    net.set_params(0, W=[[1.0], [0.0]], b=[0.0])
    return net


def test_boundary_frame_two_classes_probability_and_prediction():
    cells = boundary.boundary_frame(*decision_grid(sigmoid_of_x1(), X, resolution=20), ("no", "yes"))
    assert len(cells) == 400
    centre_x1 = (cells["x1"] + cells["x1_end"]) / 2
    assert cells["p1"].to_numpy() == pytest.approx(1 / (1 + np.exp(-centre_x1.to_numpy())))
    assert ((cells["predicted"] == "yes") == (centre_x1 > 0)).all()
    assert cells["confidence"].to_numpy() == pytest.approx(np.maximum(cells["p1"], 1 - cells["p1"]))
    assert (cells["x1_end"] > cells["x1"]).all() and (cells["x2_end"] > cells["x2"]).all()


def test_boundary_frame_multiclass_uses_argmax():
    net = Network(mlp_spec([2, 5, 3], seed=0, dtype="float64"))
    cells = boundary.boundary_frame(*decision_grid(net, X, resolution=10), ("a", "b", "c"))
    centres = np.column_stack([(cells["x1"] + cells["x1_end"]) / 2, (cells["x2"] + cells["x2_end"]) / 2])
    out = net.predict(centres)
    assert cells["predicted"].tolist() == [("a", "b", "c")[i] for i in out.argmax(axis=1)]
    assert cells["confidence"].to_numpy() == pytest.approx(out.max(axis=1))
    assert cells["p1"].isna().all()


def test_points_frame_caps_points_with_a_seed():
    x = np.random.default_rng(0).normal(size=(3000, 2))
    y = np.arange(3000) % 2
    a = boundary.points_frame(x, y, ("0", "1"), max_points=1000)
    b = boundary.points_frame(x, y, ("0", "1"), max_points=1000)
    assert len(a) == 1000 and a.equals(b)
    assert set(a["class"]) == {"0", "1"}


def test_boundary_chart_layers_heatmap_under_points():
    cells = boundary.boundary_frame(*decision_grid(sigmoid_of_x1(), X, resolution=60), ("0", "1"))
    points = boundary.points_frame(X, np.array([0, 1, 1, 0]), ("0", "1"))
    chart = boundary.boundary_chart(cells, points, ("0", "1"), ("x1", "x2"))
    spec = chart.to_dict()
    heat, dots = spec["layer"]
    assert heat["mark"]["type"] == "rect" and dots["mark"]["type"] == "circle"
    assert heat["encoding"]["color"]["field"] == "p1"
    assert heat["encoding"]["color"]["scale"]["domain"] == [0, 0.5, 1]  # white at P = 0.5
    assert dots["encoding"]["color"]["field"] == "class"
    assert spec["resolve"]["scale"]["color"] == "independent"
    assert heat["encoding"]["x"]["title"] == "x1" and heat["encoding"]["y"]["title"] == "x2"
    assert len(chart.layer[0].data) == 3600 and any(t["field"] == "p1" for t in heat["encoding"]["tooltip"])
