"""The decision boundary of a network with 2-D inputs, drawn as TensorFlow Playground does: the plane
coloured by what the network predicts at each point of a grid, with the data points on top.

Two classes: the colour is P(class 1) on a diverging scale centred at 0.5, so the boundary is where
blue turns orange and the shade shows how sure the network is. More classes: the colour is the
predicted class, faded where the network is unsure.
"""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from ..engine.outputs import predict_classes

MAX_POINTS = 1000
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf"]


def boundary_frame(centres, step, outputs, class_names):
    """One row per grid cell: its extent (x1, x1_end, x2, x2_end), the predicted class, the network's
    confidence, and for a two-class problem P(class 1) as ``p1``.

    centres : (cells, 2) cell centres; step : (2,) cell width and height; outputs : (cells, n_outputs), the
    network's output at each centre (``nnlab.lab.inspect.decision_grid`` gives all three).
    """
    centres, step = np.asarray(centres, dtype=np.float64), np.asarray(step, dtype=np.float64)
    out = np.asarray(outputs, dtype=np.float64).reshape(len(centres), -1)
    pred, conf = predict_classes(out)
    if out.shape[1] == 1:
        p1 = out[:, 0]
    else:
        p1 = out[:, 1] if out.shape[1] == 2 else np.full(len(out), np.nan)
    names = [str(c) for c in class_names]
    return pd.DataFrame({"x1": centres[:, 0] - step[0] / 2, "x1_end": centres[:, 0] + step[0] / 2,
                         "x2": centres[:, 1] - step[1] / 2, "x2_end": centres[:, 1] + step[1] / 2,
                         "predicted": [names[i] for i in pred], "confidence": conf, "p1": p1})


def points_frame(x, y, class_names, max_points=MAX_POINTS, seed=0):
    """The data points (a seeded sample of at most ``max_points``) with their class names."""
    x, y = np.asarray(x), np.asarray(y)
    idx = np.arange(len(x))
    if len(idx) > max_points:
        idx = np.sort(np.random.default_rng(seed).choice(len(idx), max_points, replace=False))
    names = [str(c) for c in class_names]
    return pd.DataFrame({"x1": x[idx, 0], "x2": x[idx, 1], "class": [names[int(c)] for c in y[idx]]})


def boundary_chart(cells, points, class_names, feature_names=("x1", "x2"), title=None, size=380):
    """Heatmap of the network's prediction on the grid, the data points over it (``title``: default "Decision
    boundary")."""
    names = [str(c) for c in class_names]
    colors = PALETTE[:len(names)] if len(names) <= len(PALETTE) else None
    class_scale = alt.Scale(domain=names, range=colors) if colors else alt.Scale(domain=names, scheme="category20")
    f1, f2 = (list(feature_names) + ["x1", "x2"])[:2]
    x = alt.X("x1:Q", title=f1, scale=alt.Scale(domain=[cells["x1"].min(), cells["x1_end"].max()], nice=False))
    y = alt.Y("x2:Q", title=f2, scale=alt.Scale(domain=[cells["x2"].min(), cells["x2_end"].max()], nice=False))
    tips = [alt.Tooltip("predicted:N", title=_("predicted class")),
            alt.Tooltip("confidence:Q", title=_("confidence"), format=".1%")]
    if len(names) == 2:
        color = alt.Color("p1:Q", title=_("P(class {name})", name=names[1]),
                          scale=alt.Scale(domain=[0, 0.5, 1], range=["#6baed6", "#f7f7f7", "#fdae6b"]))
        tips.insert(0, alt.Tooltip("p1:Q", title=_("P(class {name})", name=names[1]), format=".3f"))
        heat = alt.Chart(cells).mark_rect().encode(x=x, x2=alt.X2("x1_end:Q"), y=y, y2=alt.Y2("x2_end:Q"), color=color,
                                                   tooltip=tips)
    else:
        heat = alt.Chart(cells).mark_rect().encode(
            x=x, x2=alt.X2("x1_end:Q"), y=y, y2=alt.Y2("x2_end:Q"),
            color=alt.Color("predicted:N", title=_("predicted class"), scale=class_scale),
            opacity=alt.Opacity("confidence:Q", title=_("confidence"), scale=alt.Scale(range=[0.1, 0.6]),
                                legend=None),
            tooltip=tips)
    dots = alt.Chart(points).mark_circle(size=28, opacity=1, stroke="white", strokeWidth=0.8).encode(
        x=alt.X("x1:Q"), y=alt.Y("x2:Q"),
        color=alt.Color("class:N", title=_("data: class"), scale=class_scale),
        tooltip=[alt.Tooltip("class:N", title=_("true class")), alt.Tooltip("x1:Q", title=f1, format=".3f"),
                 alt.Tooltip("x2:Q", title=f2, format=".3f")])
    chart = alt.layer(heat, dots, title=title or _("Decision boundary")).resolve_scale(color="independent")
    return chart.properties(width=size, height=size)
