import json

import numpy as np
import pytest

from nnlab.engine.trainer import EpochRecord, StepRecord
from nnlab.i18n import using_language
from nnlab.lab.history import History, epoch_long_frame
from nnlab.viz import curves

from . import rendered


def history_with(losses, epochs=()):
    h = History()
    for i, loss in enumerate(losses, start=1):
        h.add(StepRecord(i, 1 + (i - 1) // 10, 0.1, loss, 0.5, {}))
    for e in epochs:
        h.add(e)
    return h


def test_ema_is_bias_corrected():
    # (1 - 0.5)·1 = 0.5, corrected by 1 - 0.5 → 1; then 0.25 / 0.75 = 1/3
    assert curves.ema([1.0, 0.0], 0.5) == pytest.approx([1.0, 1 / 3])
    assert curves.ema([2.5] * 7, 0.9) == pytest.approx([2.5] * 7)  # no drag towards 0 at the start
    assert curves.ema([3.0, 1.0], 0.0) == pytest.approx([3.0, 1.0])


def test_ema_rejects_beta_one():
    with pytest.raises(ValueError, match="beta"):
        curves.ema([1.0], 1.0)


def test_auto_beta_grows_with_the_run():
    assert curves.auto_beta(10) == pytest.approx(1 - 2 / 6)  # span 5
    assert curves.auto_beta(1250) == pytest.approx(1 - 2 / 26)  # span 25
    assert curves.auto_beta(10 ** 6) == pytest.approx(1 - 2 / 101)  # span capped at 100


def test_batch_loss_frame_holds_raw_and_smoothed_losses():
    losses = [2.0, 1.5, 1.2, 1.0, 0.9, 0.7]
    frame = curves.batch_loss_frame(history_with(losses), beta=0.5)
    raw = frame[frame.series == curves.RAW]
    smooth = frame[frame.series == curves.SMOOTH]
    assert raw["loss"].tolist() == losses
    assert raw["step"].tolist() == [1, 2, 3, 4, 5, 6]
    assert smooth["loss"].to_numpy() == pytest.approx(curves.ema(losses, 0.5))


def test_batch_loss_frame_thins_long_runs_and_keeps_the_last_step():
    losses = np.linspace(3, 0.1, 12_000)
    frame = curves.batch_loss_frame(history_with(losses), max_rows=5000)
    assert len(frame) <= 5000
    for series in (curves.RAW, curves.SMOOTH):
        part = frame[frame.series == series]
        assert len(part) <= 2500 and part["step"].iloc[-1] == 12_000
    raw = frame[frame.series == curves.RAW]
    assert raw["loss"].to_numpy() == pytest.approx(losses[raw["step"].to_numpy() - 1])


def test_batch_loss_frame_drops_non_finite_losses_and_handles_empty():
    frame = curves.batch_loss_frame(history_with([1.0, float("nan"), 0.5]), beta=0.5)
    assert frame[frame.series == curves.RAW]["step"].tolist() == [1, 3]
    assert curves.batch_loss_frame(History()).empty


def test_epoch_frame_long_format_skips_missing_values():
    h = history_with([1.0], [EpochRecord(1, 10, 0.9, 0.7, 0.8, 0.75, 1.0),
                             EpochRecord(2, 20, 0.6, 0.8, None, None, 2.0)])
    frame = epoch_long_frame(h.epochs, held_out="test")
    got = {(r.epoch, r.split, r.metric): r.value for r in frame.itertuples()}
    assert got == {(1, "train", "loss"): 0.9, (1, "train", "accuracy"): 0.7, (1, "test", "loss"): 0.8,
                   (1, "test", "accuracy"): 0.75, (2, "train", "loss"): 0.6, (2, "train", "accuracy"): 0.8}


def test_charts_have_titles_legends_and_tooltips():
    h = history_with([1.0, 0.8, 0.7], [EpochRecord(1, 3, 0.8, 0.6, 0.9, 0.5, 1.0)])
    spec = curves.batch_loss_chart(curves.batch_loss_frame(h)).to_dict()
    enc = spec["encoding"]
    assert enc["x"]["title"] == "training step (batch)" and enc["y"]["title"] == "loss"
    assert enc["color"]["field"] == "series" and enc["color"]["scale"]["domain"] == [curves.RAW, curves.SMOOTH]
    assert {t["field"] for t in enc["tooltip"]} == {"series", "step", "epoch", "loss"}
    for metric in ("loss", "accuracy"):
        spec = curves.epoch_chart(epoch_long_frame(h.epochs), metric).to_dict()
        line = spec["layer"][0]["encoding"]
        assert spec["title"].lower().startswith(metric)
        assert line["x"]["title"] == "epoch" and line["y"]["title"] == metric
        assert line["color"]["field"] == "split" and line["color"]["scale"]["domain"] == ["train", "validation"]
        assert any(t["field"] == "value" for t in line["tooltip"])
    with pytest.raises(ValueError, match="metric"):
        curves.epoch_chart(epoch_long_frame(h.epochs), "f1")


def _x(view):
    return view["encoding"]["x"]


def test_a_live_curve_keeps_one_spec_all_run_long_which_is_the_finished_runs_chart():
    """A live tick keeps the spec made at an earlier epoch, its x axis fixed to the run's planned end, and sends new
    rows: the spec does not change from tick to tick, it is the chart the finished run draws, and its template is
    left as it was."""
    records = [EpochRecord(e, 3 * e, 1 / e, 0.5 + e / 20, 1.1 / e, 0.4 + e / 20, float(e)) for e in range(1, 6)]
    for metric in ("loss", "accuracy"):
        early, late = epoch_long_frame(records[:2]), epoch_long_frame(records)
        rows = curves.epoch_rows(late, metric)
        assert curves.epoch_chart_shape(curves.epoch_rows(early, metric)) == curves.epoch_chart_shape(rows)
        template = curves.without_data(curves.epoch_chart(early, metric).to_dict())
        later = curves.without_data(curves.epoch_chart(late, metric).to_dict())
        assert curves.spec_up_to(template, 5) == curves.spec_up_to(later, 5)  # the rows leave no trace in it
        spec = curves.spec_up_to(template, 5)
        assert [_x(layer)["axis"]["values"] for layer in spec["layer"]] == [[1, 2, 3, 4, 5]] * 2
        assert [_x(layer)["scale"] for layer in spec["layer"]] == [{"domain": [0, 5], "nice": False}] * 2
        assert _x(spec["layer"][0])["field"] == "epoch" and _x(template["layer"][0])["axis"]["values"] == [1, 2]
        assert "scale" not in _x(template["layer"][0])
    steps = history_with([1.0, 0.8, 0.7, 0.5, 0.4])
    template = curves.without_data(curves.batch_loss_chart(curves.batch_loss_frame(history_with([1.0, 0.9]))).to_dict())
    final = curves.without_data(curves.batch_loss_chart(curves.batch_loss_frame(steps)).to_dict())
    assert curves.spec_up_to(template, 5) == curves.spec_up_to(final, 5)
    assert _x(curves.spec_up_to(template, 30))["axis"]["values"] == [5, 10, 15, 20, 25, 30]  # 30 steps: every 5th
    wide = epoch_long_frame([EpochRecord(e, e, 1.0, None, None, None, 0.0) for e in range(1, 62)])
    assert curves.epoch_chart_shape(curves.epoch_rows(wide, "loss")) != curves.epoch_chart_shape(
        curves.epoch_rows(late, "loss"))  # smaller points, one split: a new template


def test_a_live_curves_spec_shares_nothing_with_its_kept_template():
    """The live view keeps one template per chart for every session; Streamlit edits the spec it is handed (a
    null legend title becomes " "), which must not reach the template."""
    template = curves.without_data(curves.batch_loss_chart(curves.batch_loss_frame(history_with([1.0, 0.9]))).to_dict())
    kept = json.dumps(template, sort_keys=True)
    spec = curves.spec_up_to(template, 5)
    assert spec["encoding"]["color"]["title"] is None
    spec["encoding"]["color"]["title"] = " "  # as streamlit.elements.vega_charts._patch_null_legend_titles does
    spec["encoding"]["x"]["axis"]["values"].append(99)
    assert json.dumps(template, sort_keys=True) == kept
    assert curves.spec_up_to(template, 5)["encoding"]["color"]["title"] is None


def test_charts_speak_the_session_language():
    """Titles, axis titles and the series names of the legend, in Chinese as drawn (no English left)."""
    with using_language("zh"):
        chart = curves.batch_loss_chart(curves.batch_loss_frame(history_with([1.0, 0.8, 0.7, 0.5]), beta=0.5))
    assert chart.to_dict()["title"] == "每个训练批次的损失"
    assert [title for title, _labels in rendered.axes(chart, width=300)] == ["训练步（批次）", "损失"]
    (legend,) = rendered.legends(chart, width=300)
    assert legend["labels"] == ["批次损失", "平滑后（EMA）"]
