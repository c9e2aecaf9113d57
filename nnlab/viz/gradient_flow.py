"""Gradient flow: how big each layer's gradient and update are, step by step, and what its units do.

Gradient norms and update/weight ratios span many orders of magnitude (a vanishing network's first
layer gets 1e-5 of the last one's gradient), so both are drawn on log scales; the update ratio gets a
guide rule (the caller passes the diagnosis's rule of thumb for a healthy learning rate, 1e-3).
"""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import N_, _
from .axes import epoch_axis, log_axis, percent_axis
from .curves import auto_beta, ema
from .rows import MAX_ROWS, thin_indices

STATS = ["grad_norm", "weight_norm", "update_ratio", "act_mean", "act_std", "dead_frac", "saturated_frac"]


def layer_order(history):
    """Layer names in network order, as the trainer reported them."""
    return list(history.steps[0].layers) if history.steps else []


def layer_stats_frame(history, max_rows=MAX_ROWS):
    """Long frame, one row per (step, layer) with the trainer's per-layer statistics (NaN where a
    layer has none, e.g. dead_frac for a sigmoid layer). Steps are thinned evenly (the last kept) so
    that rows ≤ ``max_rows``."""
    steps = history.steps
    layers = layer_order(history)
    if not steps or not layers:
        return pd.DataFrame(columns=["step", "epoch", "layer"] + STATS)
    keep = max(1, max_rows // len(layers))
    if len(steps) > keep:
        steps = [steps[i] for i in thin_indices(len(steps), keep)][-keep:]
    rows = [{"step": r.step, "epoch": r.epoch, "layer": name, **{k: stats.get(k, np.nan) for k in STATS}}
            for r in steps for name, stats in r.layers.items()]
    return pd.DataFrame(rows, columns=["step", "epoch", "layer"] + STATS)


def _positive(frame, column):
    """Rows a log scale can draw: finite and > 0 (a dead layer's gradient is exactly 0)."""
    values = frame[column].astype(float)
    return frame[np.isfinite(values) & (values > 0)]


def _layer_color(frame):
    order = list(dict.fromkeys(frame["layer"]))
    return alt.Color("layer:N", title=_("layer"), sort=order, scale=alt.Scale(scheme="viridis", domain=order),
                     legend=alt.Legend(symbolType="stroke", symbolOpacity=1))


def smooth_log(frame, column, beta=None):
    """Add ``smoothed``: per layer, an EMA of log(value) turned back into a value (a geometric mean
    that follows the curve on a log scale). Rows must be positive; order by step within each layer."""
    out = []
    for _layer, part in frame.groupby("layer", sort=False):
        b = auto_beta(len(part)) if beta is None else beta
        out.append(part.assign(smoothed=np.exp(ema(np.log(part[column].to_numpy(dtype=float)), b))))
    return pd.concat(out) if out else frame.assign(smoothed=pd.Series(dtype=float))


def _step_x(data):
    """The x of every per-step chart: whole steps only (Vega put ticks at 1.5, 2.5 … for a short run)."""
    return alt.X("step:Q", title=_("training step (batch)"), axis=epoch_axis(data["step"]))


def _log_lines(frame, column, y_title, tip_title):
    """Faint raw lines plus bold smoothed ones, one colour per layer, log y."""
    data = smooth_log(_positive(frame, column)[["step", "epoch", "layer", column]], column)
    color = _layer_color(data)
    x = _step_x(data)
    axis = log_axis(np.r_[data[column].to_numpy(dtype=float), data["smoothed"].to_numpy(dtype=float)])
    raw = alt.Chart(data).mark_line(strokeWidth=0.8, opacity=0.3).encode(
        x=x, y=alt.Y(f"{column}:Q", title=y_title, scale=alt.Scale(type="log"), axis=axis), color=color)
    smooth = alt.Chart(data).mark_line(strokeWidth=2.2).encode(
        x=x, y=alt.Y("smoothed:Q", title=y_title, scale=alt.Scale(type="log"), axis=axis), color=color,
        tooltip=[alt.Tooltip("layer:N", title=_("layer")), alt.Tooltip("step:Q", title=_("step")),
                 alt.Tooltip("epoch:Q", title=_("epoch")), alt.Tooltip(f"{column}:Q", title=tip_title, format=".3e"),
                 alt.Tooltip("smoothed:Q", title=_("smoothed"), format=".3e")])
    return data, raw, smooth


def grad_norm_chart(frame, height=280):
    """‖∂L/∂W‖ per layer against the step, log y: raw (faint) and smoothed (bold)."""
    _data, raw, smooth = _log_lines(frame, "grad_norm", "‖∂L/∂W‖", "‖∂L/∂W‖")
    return alt.layer(raw, smooth, title=_("Gradient norm per layer ‖∂L/∂W‖ (log scale)")).properties(height=height)


def update_ratio_chart(frame, guide, height=280):
    """‖ΔW‖ / ‖W‖ per layer against the step, log y, with a dashed guide rule at ``guide``."""
    _data, raw, smooth = _log_lines(frame, "update_ratio", _("‖ΔW‖ / ‖W‖ per step"), "‖ΔW‖/‖W‖")
    guide_df = pd.DataFrame({"update_ratio": [guide], "label": [_("guide {value}", value=f"{guide:g}")]})
    rule = alt.Chart(guide_df).mark_rule(strokeDash=[6, 4], color="#d62728").encode(
        y=alt.Y("update_ratio:Q"), tooltip=[alt.Tooltip("label:N", title=_("rule of thumb"))])
    text = alt.Chart(guide_df).mark_text(align="left", dx=4, dy=-7, color="#d62728").encode(
        y=alt.Y("update_ratio:Q"), x=alt.value(0), text=alt.Text("label:N"))
    return alt.layer(raw, smooth, rule, text, title=_("Update / weight ratio per layer (log scale)")).properties(
        height=height)


def activation_chart(frame, height=260):
    """Mean activation per layer with a ±1 std band: where units sit on their activation curve."""
    data = frame.dropna(subset=["act_mean", "act_std"])[["step", "epoch", "layer", "act_mean", "act_std"]]
    data = data.assign(lo=data["act_mean"] - data["act_std"], hi=data["act_mean"] + data["act_std"])
    base = alt.Chart(data).encode(x=_step_x(data), color=_layer_color(data))
    band = base.mark_area(opacity=0.1).encode(y=alt.Y("lo:Q", title=_("activation (mean ± std)")), y2=alt.Y2("hi:Q"))
    line = base.mark_line(strokeWidth=1.5).encode(
        y=alt.Y("act_mean:Q"),
        tooltip=[alt.Tooltip("layer:N", title=_("layer")), alt.Tooltip("step:Q", title=_("step")),
                 alt.Tooltip("act_mean:Q", title=_("mean"), format=".3f"),
                 alt.Tooltip("act_std:Q", title=_("standard deviation"), format=".3f")])
    # the line first, so the shared legend takes its solid stroke rather than the faint band
    return alt.layer(line, band, title=_("Activations per layer")).properties(height=height)


def unit_health_chart(frame, height=260):
    """Share of dead ReLUs and of saturated sigmoid/tanh outputs per layer; None if no layer has either."""
    long = frame.melt(id_vars=["step", "epoch", "layer"], value_vars=["dead_frac", "saturated_frac"],
                      var_name="stat", value_name="share").dropna(subset=["share"])
    if long.empty:
        return None
    what = {"dead_frac": _("dead"), "saturated_frac": _("saturated")}
    long["what"] = long["stat"].map(what)
    series = {"dead_frac": N_("{name} dead"), "saturated_frac": N_("{name} saturated")}
    long["series"] = [_(series[stat], name=layer) for stat, layer in zip(long["stat"], long["layer"])]
    return alt.Chart(long, title=_("Dead ReLUs / saturated outputs per layer")).mark_line(strokeWidth=1.5).encode(
        x=_step_x(long),
        y=alt.Y("share:Q", title=_("share of the layer"), axis=percent_axis(), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("series:N", title=_("layer"), sort=list(dict.fromkeys(long["series"]))),
        tooltip=[alt.Tooltip("layer:N", title=_("layer")), alt.Tooltip("what:N", title=_("units")),
                 alt.Tooltip("step:Q", title=_("step")), alt.Tooltip("share:Q", title=_("share"), format=".1%")],
    ).properties(height=height)
