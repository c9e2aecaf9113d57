"""How the weights moved: histograms per layer at chosen epochs against initialisation (the first layer's
weights as images are ``matrices.weight_tiles``).
"""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from .axes import percent_axis
from .rows import MAX_ROWS

BINS = 40


def weight_hist_frame(snapshots, epochs=None, bins=BINS, max_rows=MAX_ROWS):
    """Long frame (layer, epoch, lo, hi, mid, count, share): each layer's weight histogram at each
    chosen epoch, on bins shared across those epochs so the shapes compare directly.

    snapshots : {epoch: {layer name: weight array}} (History.snapshots; epoch 0 = initialisation).
    epochs : epochs to show (default: all snapshots); unknown epochs raise ValueError.
    max_rows : fewer bins (at least 5) when layers × epochs × bins would exceed it.
    """
    epochs = sorted(snapshots) if epochs is None else sorted(epochs)
    missing = [e for e in epochs if e not in snapshots]
    if missing:
        raise ValueError(f"epochs {missing} have no weight snapshot; choose from {sorted(snapshots)}")
    rows = []
    layers = list(dict.fromkeys(name for e in epochs for name in snapshots[e]))
    bins = max(5, min(bins, max_rows // max(1, len(layers) * len(epochs))))
    for name in layers:
        arrays = {e: np.asarray(snapshots[e][name], dtype=np.float64).ravel() for e in epochs if name in snapshots[e]}
        arrays = {e: a[np.isfinite(a)] for e, a in arrays.items()}
        lo = min((a.min() for a in arrays.values() if a.size), default=0.0)
        hi = max((a.max() for a in arrays.values() if a.size), default=0.0)
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5  # e.g. zero initialisation: every weight the same
        edges = np.linspace(lo, hi, bins + 1)
        for e, a in arrays.items():
            counts, _edges = np.histogram(a, bins=edges)
            share = counts / max(a.size, 1)
            rows += [{"layer": name, "epoch": e, "lo": edges[i], "hi": edges[i + 1],
                      "mid": (edges[i] + edges[i + 1]) / 2, "count": int(counts[i]), "share": float(share[i])}
                     for i in range(bins)]
    return pd.DataFrame(rows, columns=["layer", "epoch", "lo", "hi", "mid", "count", "share"])


def weight_hist_chart(frame, columns=3, width=210, height=160):
    """One panel per layer, one step-shaped histogram per epoch (dark = initialisation, bright = latest)."""
    epochs = sorted(frame["epoch"].unique().tolist())
    layers = list(dict.fromkeys(frame["layer"]))
    base = alt.Chart(frame).encode(
        x=alt.X("mid:Q", title=_("weight value")),
        y=alt.Y("share:Q", title=_("share of weights"), axis=percent_axis()),
        color=alt.Color("epoch:O", title=_("epoch (0 = init)"), sort=epochs, scale=alt.Scale(scheme="viridis")),
        tooltip=[alt.Tooltip("layer:N", title=_("layer")), alt.Tooltip("epoch:O", title=_("epoch")),
                 alt.Tooltip("lo:Q", title=_("from"), format=".4f"), alt.Tooltip("hi:Q", title=_("to"), format=".4f"),
                 alt.Tooltip("count:Q", title=_("count")), alt.Tooltip("share:Q", title=_("share"), format=".2%")],
    )
    lines = base.mark_line(interpolate="step", strokeWidth=1.6).properties(width=width, height=height)
    return lines.facet(facet=alt.Facet("layer:N", title=None, sort=layers), columns=columns,
                       title=_("Weight histograms per layer, by epoch")).resolve_scale(x="independent", y="independent")

