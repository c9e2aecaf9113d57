"""Charts for the compare page: overlaid learning curves, decision boundaries side by side, per-layer
gradient norms side by side. Pure: frames from ``nnlab.lab.compare`` in, ``alt.Chart`` out."""
import altair as alt

from ..i18n import _
from . import boundary
from .axes import epoch_axis, log_axis
from .curves import SPLITS, shown_splits
from .rows import MAX_ROWS, downsample

# One colour per architecture, the same in every chart, and never two architectures in one colour (Tableau 10,
# then the lighter shades of Tableau 20). Layers are coloured by depth on a sequential scale instead, so no
# layer colour is mistaken for an architecture.
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63", "#d4a6c8", "#fabfd2",
           "#d7b5a6", "#79706e"]


def _arch_colour(labels):
    labels = list(labels)
    return alt.Color("architecture:N", title=_("architecture"),
                     scale=alt.Scale(domain=labels, range=[PALETTE[i % len(PALETTE)] for i in range(len(labels))]))


def curves_chart(frame, metric, labels=None):
    """Train (solid) and validation (dashed) curves of one metric, one colour per architecture.

    frame : from ``nnlab.lab.compare.epoch_frame`` (architecture, epoch, split, metric, value)
    """
    data = shown_splits(frame[frame["metric"] == metric])
    labels = labels if labels is not None else list(dict.fromkeys(frame["architecture"]))
    y_title = _("loss (lower is better)") if metric == "loss" else _("accuracy (share correct)")
    base = alt.Chart(data).encode(
        x=alt.X("epoch:Q", title=_("epoch"), axis=epoch_axis(data["epoch"])),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=_arch_colour(labels),
        tooltip=[alt.Tooltip("architecture:N", title=_("architecture")), alt.Tooltip("split:N", title=_("data")),
                 alt.Tooltip("epoch:Q", title=_("epoch")), alt.Tooltip("value:Q", title=y_title, format=".4f")])
    # The dash legend belongs to the lines alone: on a line-with-points mark its samples came out blank.
    lines = base.mark_line().encode(strokeDash=alt.StrokeDash(
        "split:N", title=_("data"), sort=[_(SPLITS["train"]), _(SPLITS["validation"])],
        legend=alt.Legend(symbolType="stroke", symbolStrokeColor="#333333", symbolStrokeWidth=2, symbolSize=300)))
    points = base.mark_point(filled=True, size=30)
    return alt.layer(lines, points).properties(
        title=_("Loss per epoch") if metric == "loss" else _("Accuracy per epoch"), height=280).interactive()


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
    Colour = the layer's depth among its architecture's layers (1 = the first), so architectures with
    different layer names share one short legend; the tooltip names the layer.

    frame : from ``nnlab.lab.compare.grad_norm_frame`` (architecture, epoch, layer, grad_norm)
    """
    labels = labels if labels is not None else list(dict.fromkeys(frame["architecture"]))
    width = 220 if len(labels) <= 3 else 165  # four panels and the legend still fit a wide page
    data = downsample(frame[frame["grad_norm"] > 0], max_rows=MAX_ROWS)
    depth = {(arch, layer): i + 1 for arch, part in data.groupby("architecture", sort=False)
             for i, layer in enumerate(dict.fromkeys(part["layer"]))}
    data = data.assign(depth=[depth[a, la] for a, la in zip(data["architecture"], data["layer"])])
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("epoch:Q", title=_("epoch"), axis=epoch_axis(data["epoch"])),
        y=alt.Y("grad_norm:Q", title=_("mean ‖∂L/∂W‖ per step (log)"), scale=alt.Scale(type="log"),
                axis=log_axis(data["grad_norm"])),
        color=alt.Color("depth:O", title=_("layer (1 = first)"), scale=alt.Scale(scheme="viridis")),
        detail="layer:N",
        tooltip=[alt.Tooltip("architecture:N", title=_("architecture")), alt.Tooltip("layer:N", title=_("layer")),
                 alt.Tooltip("epoch:Q", title=_("epoch")),
                 alt.Tooltip("grad_norm:Q", title=_("gradient norm"), format=".3g")],
    ).properties(width=width, height=220).facet(
        column=alt.Column("architecture:N", title=None, sort=list(labels)))
