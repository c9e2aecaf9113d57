import numpy as np
import pytest

from nnlab.engine.trainer import StepRecord
from nnlab.lab.history import History
from nnlab.viz import gradient_flow as gf


def make_history(n_steps, grads=(1e-5, 1e-2, 1.0)):
    h = History()
    for i in range(1, n_steps + 1):
        layers = {}
        for j, g in enumerate(grads, start=1):
            stats = {"grad_norm": g * i, "weight_norm": 2.0, "update_ratio": 1e-3 * j, "act_mean": 0.1 * j,
                     "act_std": 0.5}
            if j == 1:
                stats["dead_frac"] = 0.25
            layers[f"L{j} dense"] = stats
        h.add(StepRecord(i, 1, 0.1, 1.0, None, layers))
    return h


def test_layer_stats_frame_one_row_per_step_and_layer():
    frame = gf.layer_stats_frame(make_history(4))
    assert len(frame) == 12
    assert list(dict.fromkeys(frame["layer"])) == ["L1 dense", "L2 dense", "L3 dense"]
    row = frame[(frame.step == 3) & (frame.layer == "L2 dense")].iloc[0]
    assert row.grad_norm == pytest.approx(3e-2) and row.update_ratio == pytest.approx(2e-3)
    assert row.act_mean == pytest.approx(0.2)
    assert np.isnan(row.dead_frac) and np.isnan(row.saturated_frac)  # no ReLU statistics on this layer
    assert frame[frame.layer == "L1 dense"]["dead_frac"].tolist() == [0.25] * 4


def test_layer_stats_frame_thins_to_max_rows_keeping_the_last_step():
    frame = gf.layer_stats_frame(make_history(3000), max_rows=5000)
    assert len(frame) <= 5000
    assert frame["step"].max() == 3000 and frame["step"].min() == 1
    assert gf.layer_stats_frame(History()).empty


def test_grad_norm_chart_is_log_scaled_and_skips_zero_norms():
    h = make_history(3)
    h.steps[1].layers["L1 dense"]["grad_norm"] = 0.0  # a dead layer: nothing to draw on a log scale
    chart = gf.grad_norm_chart(gf.layer_stats_frame(h))
    raw, smooth = chart.to_dict()["layer"]
    for part, field in ((raw, "grad_norm"), (smooth, "smoothed")):
        assert part["encoding"]["y"]["scale"]["type"] == "log" and part["encoding"]["y"]["field"] == field
        assert part["encoding"]["y"]["title"] == "‖∂L/∂W‖" and part["encoding"]["x"]["title"]
        assert part["encoding"]["color"]["field"] == "layer"
        assert part["encoding"]["color"]["sort"] == ["L1 dense", "L2 dense", "L3 dense"]
    assert {t["field"] for t in smooth["encoding"]["tooltip"]} >= {"layer", "step", "grad_norm", "smoothed"}
    data = chart.data  # shared by both layers
    assert len(data) == 8 and (data["grad_norm"] > 0).all()


def test_smooth_log_is_a_geometric_ema_per_layer():
    frame = gf.layer_stats_frame(make_history(3))
    out = gf.smooth_log(frame, "grad_norm", beta=0.5)
    l1 = out[out.layer == "L1 dense"]
    # grad norms 1e-5·(1, 2, 3): EMA of the logs, bias-corrected, then exp
    logs = np.log([1e-5, 2e-5, 3e-5])
    expected = np.exp([logs[0], (0.25 * logs[0] + 0.5 * logs[1]) / 0.75,
                       (0.125 * logs[0] + 0.25 * logs[1] + 0.5 * logs[2]) / 0.875])
    assert l1["smoothed"].to_numpy() == pytest.approx(expected)
    assert out[out.layer == "L3 dense"]["smoothed"].iloc[0] == pytest.approx(1.0)


def test_update_ratio_chart_has_a_guide_rule_at_1e_3():
    chart = gf.update_ratio_chart(gf.layer_stats_frame(make_history(3)), 1e-3)
    raw, smooth, rule, _ = chart.layer
    assert raw.to_dict()["encoding"]["y"]["scale"]["type"] == "log"
    assert rule.data["update_ratio"].tolist() == [1e-3]
    assert rule.to_dict()["mark"]["type"] == "rule"
    assert sorted(raw.data["update_ratio"].unique()) == pytest.approx([1e-3, 2e-3, 3e-3])
    assert smooth.data["smoothed"].to_numpy() == pytest.approx(smooth.data["update_ratio"].to_numpy())  # constant


def test_activation_and_unit_health_charts():
    frame = gf.layer_stats_frame(make_history(5))
    chart = gf.activation_chart(frame)
    assert (chart.data["hi"] - chart.data["lo"]).to_numpy() == pytest.approx(np.full(15, 1.0))  # ±1 std of 0.5
    line, band = chart.to_dict()["layer"]
    assert band["mark"]["type"] == "area" and band["encoding"]["y2"]["field"] == "hi"
    assert line["encoding"]["y"]["field"] == "act_mean"
    health = gf.unit_health_chart(frame)
    assert health.data["share"].tolist() == [0.25] * 5  # only L1 reports dead units
    assert health.to_dict()["encoding"]["y"]["axis"]["format"] == "~%"  # percent ticks that never repeat
    assert gf.unit_health_chart(frame.assign(dead_frac=np.nan)) is None


def test_per_step_charts_tick_whole_steps():
    from tests.viz import rendered

    frame = gf.layer_stats_frame(make_history(3))
    for chart in (gf.grad_norm_chart(frame), gf.activation_chart(frame)):
        assert rendered.axis_labels(chart, "training step (batch)", width=300) == ["1", "2", "3"]
