"""Charts for the compare page: overlaid learning curves, decision boundaries side by side, per-layer
gradient norms side by side. Pure: frames from ``nnlab.lab.compare`` in, ``alt.Chart`` out."""
import altair as alt

from . import boundary
from .rows import MAX_ROWS, downsample

PALETTE = "category10"  # one colour per architecture, the same in every chart


def _arch_colour(labels):
    return alt.Color("architecture:N", title="architecture", scale=alt.Scale(domain=list(labels), scheme=PALETTE))


def curves_chart(frame, metric, labels=None):
    """Train (solid) and validation (dashed) curves of one metric, one colour per architecture.

    frame : from ``nnlab.lab.compare.epoch_frame`` (architecture, epoch, split, metric, value)
    """
    data = frame[frame["metric"] == metric]
    labels = labels if labels is not None else list(dict.fromkeys(frame["architecture"]))
    y_title = "loss (lower is better)" if metric == "loss" else "accuracy (share correct)"
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("epoch:Q", title="epoch", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=_arch_colour(labels),
        strokeDash=alt.StrokeDash("split:N", title="data", sort=["train", "validation"],
                                   legend=alt.Legend(symbolType="stroke", symbolStrokeColor="black")),
        tooltip=["architecture", "split", "epoch", alt.Tooltip("value:Q", title=metric, format=".4f")],
    ).properties(title=f"{metric.capitalize()} per epoch", height=280).interactive()


PER_ROW = 2  # two panels (each with its legends) fit a wide page; three or four wrap onto a second row


def boundaries_row(grids, x, y, class_names, feature_names=("x1", "x2"), size=300):
    """Decision-boundary charts side by side (two per row), the same data points on each: ``grids`` is a
    list of (title, cells) with cells from ``nnlab.viz.boundary.boundary_frame``."""
    points = boundary.points_frame(x, y, class_names)
    panels = [boundary.boundary_chart(cells, points, class_names, feature_names, title=title, size=size)
              for title, cells in grids]
    rows = [alt.hconcat(*panels[i:i + PER_ROW]) for i in range(0, len(panels), PER_ROW)]
    return rows[0] if len(rows) == 1 else alt.vconcat(*rows)


def grad_norm_chart(frame, labels=None):
    """Mean gradient norm per layer and epoch, one panel per architecture (log scale: norms span decades).

    frame : from ``nnlab.lab.compare.grad_norm_frame`` (architecture, epoch, layer, grad_norm)
    """
    labels = labels if labels is not None else list(dict.fromkeys(frame["architecture"]))
    width = 220 if len(labels) <= 3 else 165  # four panels and the legend still fit a wide page
    data = downsample(frame[frame["grad_norm"] > 0], max_rows=MAX_ROWS)
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("epoch:Q", title="epoch", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("grad_norm:Q", title="mean ‖∂L/∂W‖ per step (log)", scale=alt.Scale(type="log")),
        color=alt.Color("layer:N", title="layer"),
        tooltip=["architecture", "layer", "epoch", alt.Tooltip("grad_norm:Q", title="gradient norm", format=".3g")],
    ).properties(width=width, height=220).facet(
        column=alt.Column("architecture:N", title=None, sort=list(labels)))
