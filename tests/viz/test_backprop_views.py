"""Backprop views: per-layer gradient sizes, the finite-difference table, the SGD-step table."""
import numpy as np
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.viz.backprop import gradient_check_frame, gradient_overview, sgd_frame
from nnlab.lab.inspect import SGDStep


def test_gradient_overview_norms_match_the_trace():
    net = Network(mlp_spec([4, 5, 3], dtype="float64", seed=2))
    x = np.random.default_rng(0).normal(size=(1, 4))
    bt = net.backward_trace(x, np.eye(3)[[1]])
    frame = gradient_overview(bt).set_index("layer")
    assert frame.loc["L2 dense", "‖δ‖"] == pytest.approx(np.linalg.norm(bt.layers[1].delta))
    assert frame.loc["L1 dense", "‖∂L/∂W‖"] == pytest.approx(np.linalg.norm(bt.layers[0].grads["W"]))
    assert frame.loc["L1 dense", "max |∂L/∂b|"] == pytest.approx(np.abs(bt.layers[0].grads["b"]).max())


def test_gradient_check_frame_gives_a_verdict():
    rows = [{"layer": "L1 dense", "param": "W", "index": (2, 3), "analytic": 0.5, "numeric": 0.5000001,
             "rel_error": 2e-7},
            {"layer": "L1 dense", "param": "b", "index": (1,), "analytic": 0.5, "numeric": 0.4, "rel_error": 0.2}]
    rows.append({"layer": "L1 dense", "param": "W", "index": (0, 0), "analytic": 3e-9, "numeric": 3.2e-9,
                 "rel_error": 0.0625})  # vanishing: relative error big, but below float64 FD precision
    frame = gradient_check_frame(rows)
    assert list(frame["index"]) == ["2,3", "1", "0,0"] and list(frame["agree"]) == ["✓", "✗", "✓"]
    assert frame["|difference|"].tolist() == pytest.approx([1e-7, 0.1, 2e-10])
    assert list(frame["finite difference"]) == [0.5000001, 0.4, 3.2e-9]


def test_sgd_frame_change_is_after_minus_before():
    step = SGDStep(0.1, 1.0, 0.5, np.zeros(1), np.zeros(1),
                   [{"layer": "L1 dense", "param": "W", "index": (0, 1), "before": 0.3, "gradient": 2.0,
                     "after": 0.1}])
    frame = sgd_frame(step)
    assert frame.loc[0, "change"] == pytest.approx(-0.2) and frame.loc[0, "index"] == "0,1"
