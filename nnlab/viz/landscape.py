"""Charts of the loss landscape (``nnlab.lab.landscape`` results): the 2-D slice as a heatmap with the run's
path drawn on it, and the loss along the straight line from the initial to the current weights."""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _


def _edges(centres):
    """Cell edges around evenly spaced centres."""
    centres = np.asarray(centres, dtype=np.float64)
    half = (centres[1] - centres[0]) / 2 if centres.size > 1 else 0.5
    return centres - half, centres + half


def surface_frame(alphas, betas, losses):
    """One row per grid cell: its extent along d₁ (a, a2) and d₂ (b, b2), its centre and its loss."""
    a0, a1 = _edges(alphas)
    b0, b1 = _edges(betas)
    i, j = np.meshgrid(np.arange(len(betas)), np.arange(len(alphas)), indexing="ij")
    i, j = i.ravel(), j.ravel()
    return pd.DataFrame({"a": a0[j], "a2": a1[j], "b": b0[i], "b2": b1[i], "alpha": np.asarray(alphas)[j],
                         "beta": np.asarray(betas)[i], "loss": np.asarray(losses, dtype=np.float64)[i, j]})


def path_frame(trajectory, keys, losses):
    """The snapshots' positions on the plane, in path order, with their epochs and losses."""
    trajectory = np.asarray(trajectory, dtype=np.float64).reshape(-1, 2)
    return pd.DataFrame({"alpha": trajectory[:, 0], "beta": trajectory[:, 1], "epoch": [int(k) for k in keys],
                         "loss": np.asarray(losses, dtype=np.float64), "order": np.arange(len(trajectory))})


def surface_chart(cells, path, title, axis_titles, size=380):
    """The loss on the grid (log colour scale when every loss is positive) with the path on top: a line through
    the snapshots, each labelled with its epoch, and the current weights (0, 0) ringed."""
    positive = bool((cells["loss"] > 0).all())
    scale = alt.Scale(type="log", scheme="viridis") if positive else alt.Scale(scheme="viridis")
    loss = _("loss")
    heat = alt.Chart(cells).mark_rect().encode(
        x=alt.X("a:Q", title=axis_titles[0], scale=alt.Scale(domain=[cells["a"].min(), cells["a2"].max()],
                                                             nice=False)), x2="a2:Q",
        y=alt.Y("b:Q", title=axis_titles[1], scale=alt.Scale(domain=[cells["b"].min(), cells["b2"].max()],
                                                             nice=False)), y2="b2:Q",
        color=alt.Color("loss:Q", title=_("loss (log scale)") if positive else loss, scale=scale),
        tooltip=[alt.Tooltip("alpha:Q", title="α", format=".3f"), alt.Tooltip("beta:Q", title="β", format=".3f"),
                 alt.Tooltip("loss:Q", title=loss, format=".5g")])
    layers = [heat]
    if len(path):
        tips = [alt.Tooltip("epoch:Q", title=_("epoch")), alt.Tooltip("loss:Q", title=loss, format=".5g")]
        base = alt.Chart(path).encode(x="alpha:Q", y="beta:Q", order="order:Q", tooltip=tips)
        layers += [base.mark_line(color="#ff5a1f", strokeWidth=2),
                   base.mark_circle(color="#ff5a1f", size=40, opacity=1),
                   base.mark_text(dx=8, dy=-8, color="white", fontSize=11).encode(text="epoch:Q")]
    now = pd.DataFrame({"alpha": [0.0], "beta": [0.0], "what": [_("the current weights")]})
    layers.append(alt.Chart(now).mark_point(shape="circle", size=160, color="white", strokeWidth=2).encode(
        x="alpha:Q", y="beta:Q", tooltip=[alt.Tooltip("what:N", title=None)]))
    return alt.layer(*layers).properties(title=title, width=size, height=size)


def interpolation_chart(t, losses, accuracies=None):
    """The loss (and the accuracy, for classes) along θ(t) = (1 − t)·θ_init + t·θ_now, the two ends marked."""
    frame = pd.DataFrame({"t": np.asarray(t, dtype=np.float64), "loss": np.asarray(losses, dtype=np.float64)})
    ends = pd.DataFrame({"t": [0.0, 1.0], "what": [_("initialisation"), _("now")]})
    x = alt.X("t:Q", title=_("t (0 = initial weights, 1 = current weights)"))
    rules = alt.Chart(ends).mark_rule(strokeDash=[4, 4], color="#777").encode(
        x="t:Q", tooltip=[alt.Tooltip("what:N", title=None)])
    loss = alt.Chart(frame).mark_line(point=True).encode(
        x=x, y=alt.Y("loss:Q", title=_("loss")),
        tooltip=[alt.Tooltip("t:Q", format=".2f"), alt.Tooltip("loss:Q", title=_("loss"), format=".5g")])
    charts = [alt.layer(loss, rules).properties(title=_("Loss on the straight line from the start to now"),
                                                width=380, height=260)]
    if accuracies is not None:
        frame["accuracy"] = np.asarray(accuracies, dtype=np.float64)
        acc = alt.Chart(frame).mark_line(point=True, color="#2ca02c").encode(
            x=x, y=alt.Y("accuracy:Q", title=_("accuracy"), axis=alt.Axis(format=".0%")),
            tooltip=[alt.Tooltip("t:Q", format=".2f"),
                     alt.Tooltip("accuracy:Q", title=_("accuracy"), format=".1%")])
        charts.append(alt.layer(acc, rules).properties(title=_("Accuracy on the same line"), width=380, height=260))
    return alt.hconcat(*charts).properties(title=_("From the initial weights to now"))
