"""Worked examples as tables and small charts: a sum's terms (the largest, then "… n more", then the total),
a convolution window beside its kernel and their products, one channel's feature map to click a position
in, the softmax row of one attention query, and each sample's part of a batch gradient.

Inputs are the plain results of ``nnlab.lab.worked_*`` (passed in by the page; viz never runs the
network). Tables keep the engine's float64 numbers; charts follow the colour rules of ``matrices``.
"""
import altair as alt
import numpy as np
import pandas as pd

from nnlab.i18n import _

from .matrices import heatmap

SIGN_COLOURS = ["#2166ac", "#b2182b"]  # negative, positive (as the bar charts of matrices)


def _where(index):
    return ", ".join(str(i) for i in index)


def terms_frame(ts, factor_names, index_name):
    """One row per listed term of a ``TermSum`` (largest |product| first) with its factors and product,
    then a row for the terms not listed (their sum) and a row for the total."""
    rows = [{index_name: _where(t.index), **dict(zip(factor_names, t.factors)), _("product"): t.value}
            for t in ts.terms]
    empty = dict.fromkeys(factor_names, np.nan)
    if ts.n_more:
        rows.append({index_name: _("… {n} more", n=ts.n_more), **empty, _("product"): ts.rest})
    rows.append({index_name: _("total (all {n} terms)", n=ts.n_terms), **empty, _("product"): ts.total})
    return pd.DataFrame(rows)


def window_charts(window, kernel, products, padding=None, cell=40):
    """One channel's k×k input window, the kernel over it, and their elementwise products, side by side
    with every number in its cell (padding cells, which read 0, are named in the window's title)."""
    title = _("input window x") + (_(" (grey border: padding, 0)") if padding is not None and padding.any() else "")
    charts = [heatmap(window, title, row_title="u", col_title="v", diverging=False, annotate=True, cell=cell),
              heatmap(kernel, _("kernel W"), row_title="u", col_title="v", annotate=True, cell=cell),
              heatmap(products, _("products x · W"), row_title="u", col_title="v", annotate=True, cell=cell)]
    return alt.hconcat(*charts).resolve_scale(color="independent")


def position_map(values, title, picked=None, select=None, diverging=False):
    """One channel's feature map (h, w) as a heatmap of its positions, ``picked`` (row, col) outlined, a
    click selection ``select`` giving ``r`` and ``c``."""
    h, w = np.shape(values)
    return heatmap(values, title, row_title=_("row y"), col_title=_("column x"), value_title=_("value"),
                   diverging=diverging, annotate=False, cell=int(np.clip(360 // max(h, w), 8, 30)), select=select,
                   picked=picked)


def attention_row_frame(row, top=8):
    """The query's scores, exponentials and softmax weights for its ``top`` keys by weight, then the
    other keys together and the total (the weights add up to 1)."""
    keys = [int(j) for j in row.order[:top]]
    frame = pd.DataFrame({_("key patch"): [str(j) for j in keys],
                          _("score s = q·k/√d"): row.scores[keys],
                          _("exp(s − max s)"): row.exps[keys],
                          _("weight A"): row.weights[keys]})
    rest = row.order[top:]
    extra = []
    if len(rest):
        extra.append({_("key patch"): _("… {n} more", n=len(rest)), _("score s = q·k/√d"): np.nan,
                      _("exp(s − max s)"): float(row.exps[rest].sum()), _("weight A"): float(row.weights[rest].sum())})
    extra.append({_("key patch"): _("total"), _("score s = q·k/√d"): np.nan, _("exp(s − max s)"): float(row.exps.sum()),
                  _("weight A"): float(row.weights.sum())})
    return pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)


def vectors_frame(vectors, shown=8):
    """Named vectors side by side, one row per feature (the first ``shown``, then a row that says how many more
    there are): q, the head output, the reproduced and the engine's outputs."""
    size = min(len(v) for v in vectors.values())
    n = min(shown, size)
    frame = pd.DataFrame({_("feature"): [str(i) for i in range(n)],
                          **{k: np.asarray(v, dtype=np.float64)[:n] for k, v in vectors.items()}})
    if size > n:
        more = {_("feature"): _("… {n} more", n=size - n), **dict.fromkeys(vectors, np.nan)}
        frame = pd.concat([frame, pd.DataFrame([more])], ignore_index=True)
    return frame


def batch_frame(per_sample, labels=None):
    """One row per sample of a batch: its own gradient for the chosen parameter, which way gradient
    descent moves the parameter for it, and its label."""
    g = np.asarray(per_sample, dtype=np.float64)
    frame = pd.DataFrame({"sample": np.arange(g.size), "gradient": g,
                          "pull": np.where(g > 0, _("lowers it"), np.where(g < 0, _("raises it"), _("leaves it")))})
    if labels is not None:
        frame["label"] = [str(v) for v in labels]
    return frame


def batch_chart(per_sample, mean, labels=None, title=None):
    """Each sample's gradient for one parameter as a bar (sorted, blue −, red +) and their mean — the
    engine's batch gradient — as a line."""
    frame = batch_frame(per_sample, labels)
    frame["rank"] = np.argsort(np.argsort(-frame["gradient"].to_numpy(), kind="stable"), kind="stable")
    tips = [alt.Tooltip("sample:O", title=_("sample of the batch")),
            alt.Tooltip("gradient:Q", title=_("its ∂Lₙ/∂θ"), format=".4g"), alt.Tooltip("pull:N", title=_("a step"))]
    if labels is not None:
        tips.append(alt.Tooltip("label:N", title=_("label")))
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("rank:O", title=_("samples of the batch, largest gradient first"), axis=alt.Axis(labels=False)),
        y=alt.Y("gradient:Q", title=_("the sample's own ∂Lₙ/∂θ")),
        color=alt.Color("pull:N", title=_("gradient descent"),
                        scale=alt.Scale(domain=[_("raises it"), _("lowers it"), _("leaves it")],
                                        range=SIGN_COLOURS + ["#999999"])),
        tooltip=tips)
    line = alt.Chart(pd.DataFrame({"mean": [float(mean)], "what": [_("mean = the batch gradient")]})).mark_rule(
        strokeDash=[6, 3], color="black", size=2).encode(
        y="mean:Q", tooltip=[alt.Tooltip("what:N", title=""), alt.Tooltip("mean:Q", title="", format=".4g")])
    return alt.layer(bars, line).properties(title=title or "", width=min(720, max(240, 14 * len(frame))), height=220)


def outputs_chart(before, after, class_names=None, title=None):
    """The network's outputs for one sample before and after an intervention, side by side per output."""
    before, after = np.ravel(before).astype(np.float64), np.ravel(after).astype(np.float64)
    names = [str(c) for c in class_names] if class_names is not None and len(class_names) == before.size else \
        [str(i) for i in range(before.size)]
    when = [_("before"), _("after")]
    frame = pd.DataFrame({"output": names * 2, "value": np.concatenate([before, after]),
                          "when": [when[0]] * before.size + [when[1]] * after.size})
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("output:N", title=_("class") if class_names is not None else _("output"), sort=names,
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("when:N", sort=when),
        y=alt.Y("value:Q", title=_("output a")),
        color=alt.Color("when:N", title="", sort=when, scale=alt.Scale(domain=when, range=["#9e9e9e", "#d62728"])),
        tooltip=[alt.Tooltip("output:N"), alt.Tooltip("when:N", title=""), alt.Tooltip("value:Q", format=".4f")],
    ).properties(title=title or "", width=min(640, 44 * before.size + 40), height=220)
