"""What the trained network gets right and wrong on the test set: confusion matrix, accuracy per class,
the misclassified images themselves, and predicted against true values for regression.

The caller runs the network and passes the predictions in (``nnlab.engine.outputs.predict_classes``).
"""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from .axes import category_axis, nice_ticks, percent_axis
from .boundary import PALETTE
from .images import image_grid
from .rows import MAX_ROWS


def confusion_frame(y_true, y_pred, class_names):
    """Every (true, predicted) pair with its count and its share of the true class's samples (k² rows)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has {y_pred.shape}; give one label per sample")
    k = len(class_names)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    totals = counts.sum(axis=1, keepdims=True)
    share = counts / np.maximum(totals, 1)
    names = [str(c) for c in class_names]
    return pd.DataFrame({"true": np.repeat(names, k), "predicted": np.tile(names, k),
                         "count": counts.ravel(), "share": share.ravel(),
                         "correct": np.eye(k, dtype=bool).ravel()})


def confusion_chart(frame, size=360):
    """Heatmap of counts (colour = share of the true class, so rare classes show too), counts written in."""
    order = list(dict.fromkeys(frame["true"]))
    # text colour per cell, white on dark cells (a column, not alt.condition: Altair validates that slowly)
    frame = frame.assign(ink=np.where(frame["share"] > 0.3, "white", "#333"))
    cell = size / max(len(order), 1)
    base = alt.Chart(frame).encode(
        x=alt.X("predicted:N", title=_("predicted class"), sort=order, axis=category_axis(order, cell)),
        y=alt.Y("true:N", title=_("true class"), sort=order, axis=alt.Axis(labelOverlap=False, labelLimit=160)),
        tooltip=[alt.Tooltip("true:N", title=_("true class")), alt.Tooltip("predicted:N", title=_("predicted class")),
                 alt.Tooltip("count:Q", title=_("count")),
                 alt.Tooltip("share:Q", title=_("share of true class"), format=".1%")])
    cells = base.mark_rect(stroke="#e0e0e0", strokeWidth=0.5).encode(  # white cells keep an edge
        # a square-root scale, white at 0, so the few mistakes off the diagonal still show
        color=alt.Color("share:Q", title=_("share of true class"),
                        scale=alt.Scale(type="sqrt", domain=[0, 1], range=["#ffffff", "#08306b"],
                                        interpolate="rgb"),  # hcl tints 0 cyan
                        legend=alt.Legend(format=".0%", values=[0, 0.05, 0.25, 0.5, 1])))
    text = base.mark_text(fontSize=11 if len(order) <= 10 else 8).encode(
        text=alt.Text("count:Q"), color=alt.Color("ink:N", scale=None))
    # independent colour scales: the cells' share scale and the text's literal colours must not merge
    return alt.layer(cells, text, title=_("Confusion matrix (test set)")).resolve_scale(color="independent").properties(
        width=size, height=size)


def per_class_frame(y_true, y_pred, class_names):
    """One row per class: samples, correct predictions, accuracy (NaN for a class with no samples)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    rows = []
    for i, name in enumerate(class_names):
        mask = y_true == i
        n, correct = int(mask.sum()), int((y_pred[mask] == i).sum())
        rows.append({"class": str(name), "samples": n, "correct": correct, "accuracy": correct / n if n else np.nan})
    return pd.DataFrame(rows)


def per_class_chart(frame, height=360):
    return alt.Chart(frame, title=_("Accuracy per class (test set)")).mark_bar(color="#4c78a8").encode(
        x=alt.X("accuracy:Q", title=_("accuracy"), scale=alt.Scale(domain=[0, 1]), axis=percent_axis()),
        y=alt.Y("class:N", title=_("class"), sort=list(frame["class"]),
                axis=alt.Axis(labelOverlap=False, labelLimit=160)),
        tooltip=[alt.Tooltip("class:N", title=_("class")), alt.Tooltip("samples:Q", title=_("samples")),
                 alt.Tooltip("correct:Q", title=_("correct")),
                 alt.Tooltip("accuracy:Q", title=_("accuracy"), format=".1%")],
    ).properties(height=height)


def misclassified_grid(x, y_true, y_pred, confidence, image_shape, class_names, max_images=30, ncols=10, size=56):
    """The misclassified images, most confidently wrong first, captioned "true → predicted".

    Returns (chart or None when nothing is wrong, number misclassified).
    """
    wrong = np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))
    if not len(wrong):
        return None, 0
    wrong = wrong[np.argsort(-np.asarray(confidence)[wrong], kind="stable")][:max_images]
    names = [str(c) for c in class_names]
    captions = [f"{names[y_true[i]]} → {names[y_pred[i]]}" for i in wrong]
    tips = {"test sample": wrong.tolist(), "true": [names[y_true[i]] for i in wrong],
            "predicted": [names[y_pred[i]] for i in wrong],
            "confidence": [f"{confidence[i]:.1%}" for i in wrong]}
    n_wrong = int((np.asarray(y_true) != np.asarray(y_pred)).sum())
    title = _("Misclassified test images, most confident first (true → predicted; {n} in all)", n=n_wrong)
    chart = image_grid(np.asarray(x)[wrong], image_shape, captions=captions, ncols=ncols, size=size, tooltips=tips,
                       title=title)
    return chart, n_wrong


def regression_frame(y_true, y_pred, target_names=None, max_points=MAX_ROWS, seed=0):
    """Long frame (target, true, predicted, error), at most ``max_points`` rows (a seeded sample)."""
    y_true = np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1)
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(len(y_pred), -1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has {y_pred.shape}")
    k = y_true.shape[1]
    names = list(target_names) if target_names is not None and len(target_names) == k else \
        (["target"] if k == 1 else [f"target {j + 1}" for j in range(k)])
    frame = pd.DataFrame({"target": np.tile(names, len(y_true)), "true": y_true.ravel(), "predicted": y_pred.ravel()})
    frame["error"] = frame["predicted"] - frame["true"]
    if len(frame) > max_points:
        rng = np.random.default_rng(seed)
        frame = frame.iloc[np.sort(rng.choice(len(frame), max_points, replace=False))]
    return frame.reset_index(drop=True)


def regression_chart(frame, size=360):
    """Predicted against true, one point per sample, on equal axes (the same range, a square plot) with the line
    y = x where perfect predictions lie; the legend names both: the test samples (per target when several)
    and the line. ``frame``: ``regression_frame`` of values in the target's own units."""
    lo = float(min(frame["true"].min(), frame["predicted"].min())) if len(frame) else 0.0
    hi = float(max(frame["true"].max(), frame["predicted"].max())) if len(frame) else 1.0
    pad = 0.02 * (hi - lo) if hi > lo else 1.0
    domain = [lo - pad, hi + pad]
    targets = list(dict.fromkeys(frame["target"]))
    samples = [_("test samples")] if len(targets) <= 1 else \
        [_("test samples: {target}", target=t) for t in targets]
    perfect = _("perfect prediction (y = x)")
    series = dict(zip(targets, samples))
    frame = frame.assign(series=frame["target"].map(series))
    colour = alt.Color("series:N", title=None, scale=alt.Scale(
        domain=samples + [perfect], range=[PALETTE[i % len(PALETTE)] for i in range(len(samples))] + ["#888888"]),
        # inside the plot's empty top-left corner (far above the line), so the plot area stays square
        legend=alt.Legend(orient="top-left", labelLimit=320, fillColor="white", padding=4))
    scale = alt.Scale(domain=domain, nice=False, zero=False)
    ticks = nice_ticks(*domain)
    if len(targets) == 1:  # the axes name the column, in its own units
        true_title = _("true {target}", target=targets[0])
        predicted_title = _("predicted {target}", target=targets[0])
    else:
        true_title, predicted_title = _("true value (each target's units)"), _("predicted value (each target's units)")
    points = alt.Chart(frame).mark_circle(size=24, opacity=0.6).encode(
        x=alt.X("true:Q", title=true_title, scale=scale, axis=alt.Axis(values=ticks)),
        y=alt.Y("predicted:Q", title=predicted_title, scale=scale, axis=alt.Axis(values=ticks)),
        color=colour,
        tooltip=[alt.Tooltip("target:N", title=_("target")), alt.Tooltip("true:Q", title=_("true value"), format=".4g"),
                 alt.Tooltip("predicted:Q", title=_("predicted value"), format=".4g"),
                 alt.Tooltip("error:Q", title=_("error"), format=".4g")])
    diagonal = alt.Chart(pd.DataFrame({"true": domain, "predicted": domain, "series": [perfect, perfect]})).mark_line(
        strokeDash=[5, 4]).encode(x=alt.X("true:Q", scale=scale), y=alt.Y("predicted:Q", scale=scale), color=colour)
    return alt.layer(diagonal, points, title=_("Predicted vs true (test set)")).properties(width=size, height=size)
