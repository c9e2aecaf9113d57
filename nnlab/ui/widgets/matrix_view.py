"""Show one array — a weight matrix, a bias or activation vector, a gradient — the readable way for its
size: an annotated heatmap when small, a windowed heatmap (with range sliders) when big, a histogram plus
summary for big gradients, image tiles for first-layer weights of image data.
"""
import hashlib

import numpy as np
import streamlit as st

from ...i18n import N_, _, language
from ...viz.matrices import (ANNOTATE_MAX, MAX_CELLS, default_window, heatmap, histogram, summary_frame, vector_bars,
                            weight_tiles)
from .charts import show_chart, show_model_chart
from .explain_panel import show_clickable
from .worked_table import worked_table

MAX_BARS = 256
MAX_ANNOTATED_VECTOR = 20  # a vector this short is a row of numbered cells
VIEWS = {"heatmap": N_("heatmap"), "bars": N_("bars"), "histogram": N_("histogram"),
         "image tiles": N_("image tiles")}  # view code -> its name on the radio


def _as_display(arr):
    """Drop the batch axis of one-sample arrays and flatten anything beyond 2-D to (first axis, rest)."""
    a = np.asarray(arr)
    if a.ndim >= 2 and a.shape[0] == 1:
        a = a[0]
    if a.ndim > 2:
        a = a.reshape(a.shape[0], -1)
    return a


@st.cache_data(max_entries=32, show_spinner=False)
def _tiles(W, image_shape, units, title, lang):
    """Weight tiles, cached on a copy of W (immutable; hashed in full below 500,000 entries), never on
    the model itself: PNG-encoding 16 tiles on every rerun is the page's slowest step. ``lang`` keys the
    cache: the tiles' captions are translated."""
    return weight_tiles(W, image_shape, units=units, size=64, title=title)


def _views(a, kind, image_shape):
    """The views that make sense for this array, the default first."""
    if a.ndim == 1:
        if a.size <= MAX_ANNOTATED_VECTOR:
            return ["heatmap"]
        return ["bars", "histogram"] if a.size <= MAX_BARS else ["histogram"]
    tiles = ["image tiles"] if image_shape is not None and a.shape[0] == image_shape[0] * image_shape[1] else []
    if a.size <= ANNOTATE_MAX:
        return tiles + ["heatmap"]
    if kind == "gradient" and a.size > MAX_CELLS:  # too many cells to read: the distribution first
        return ["histogram"] + tiles + ["heatmap"]
    return tiles + ["heatmap", "histogram"]


def _array_index(shape, point):
    """The index into one sample's array (batch axis dropped) of a clicked cell or bar of its display."""
    inner = tuple(shape[1:]) if len(shape) >= 2 and shape[0] == 1 else tuple(shape)
    if "index" in point:
        return (int(point["index"]),)
    r, c = int(point["r"]), int(point["c"])
    if len(inner) == 1:
        return (c,)
    return (r, c) if len(inner) == 2 else (r, *(int(i) for i in np.unravel_index(c, inner[1:])))


def _display_cell(shape, index):
    """(row, column) of the display of one sample's array where ``index`` is drawn (inverse of _array_index)."""
    inner = tuple(shape[1:]) if len(shape) >= 2 and shape[0] == 1 else tuple(shape)
    if len(inner) == 1:
        return 0, int(index[0])
    return (int(index[0]), int(index[1])) if len(inner) == 2 else (
        int(index[0]), int(np.ravel_multi_index(tuple(index[1:]), inner[1:])))


def show_array(arr, title, key, kind="weights", image_shape=None, value_title=None, labels=None, on_pick=None,
               picked=None, row_labels=None, label_title=None):
    """Draw ``arr`` with the best view for its size; several views get a radio to switch between them.

    kind : "weights" / "gradient" (diverging colours) or "activation" (sequential); image_shape : (h, w)
    of the input images, to offer first-layer weights as tiles; labels : names of a vector's entries;
    row_labels : names of a matrix's rows (a table's features, for first-layer weights); label_title : what a
    vector's labels are (its axis title, e.g. "class"; default "unit"). ``title`` and ``value_title`` come translated.
    on_pick : called with the index (into one sample's array) of a clicked cell or bar, to explain it;
    picked : the index of the cell to outline.
    """
    value_title = _("value") if value_title is None else value_title
    a = _as_display(arr)
    diverging = kind != "activation"
    views = _views(a, kind, image_shape)
    view = views[0]
    if len(views) > 1:
        view = st.radio(_("Show {what} as", what=title), views, key=f"{key}_view", horizontal=True,
                        format_func=lambda code: _(VIEWS[code]))
    if view == "image tiles":
        n_units = a.shape[1]
        start = 0
        if n_units > 16:
            start = st.slider(_("First unit shown"), 0, n_units - 16, step=16 if n_units % 16 == 0 else 1,
                              key=f"{key}_tile0")
        units = range(start, min(start + 16, n_units))
        show_chart(st, _tiles(np.array(a), tuple(image_shape), tuple(units),
                              _("{what}: what units {first}–{last} look for (blue −, red +)", what=title,
                                first=units[0], last=units[-1]), lang=language()), width="content")
    elif view == "histogram":
        show_chart(st, histogram(a, _("{what}: all {n:,} values", what=title, n=a.size), value_title=value_title),
                   width="stretch")
        worked_table(summary_frame(a, title))
    elif view == "bars":
        highlight = None if picked is None else _display_cell(np.shape(arr), picked)[1]
        _draw(lambda: vector_bars(a, title, value_title, unit_title=label_title, diverging=diverging, labels=labels,
                                  highlight=highlight, select="pick" if on_pick else None),
              arr, key, on_pick, "stretch", (view, title, value_title, label_title, diverging, labels, highlight))
    else:
        rows = cols = None
        if a.ndim == 2 and a.size > MAX_CELLS:
            (_r0, r1), (_c0, c1) = default_window(a.shape)
            c_r, c_c = st.columns(2)
            r0 = c_r.slider(_("First row"), 0, a.shape[0] - r1, key=f"{key}_r0") if a.shape[0] > r1 else 0
            c0 = c_c.slider(_("First column"), 0, a.shape[1] - c1, key=f"{key}_c0") if a.shape[1] > c1 else 0
            rows, cols = (r0, r0 + r1), (c0, c0 + c1)
        if a.ndim == 2:
            row_title, col_title = _("input unit") if row_labels is None else _("input feature"), _("unit")
        else:  # a vector: one row, no row axis (see heatmap)
            row_title, col_title = "", label_title or _("unit")
        cell = None if picked is None else _display_cell(np.shape(arr), picked)
        col_labels = list(labels) if labels is not None and a.ndim == 1 else None
        row_labels = list(row_labels) if row_labels is not None and a.ndim == 2 else None
        _draw(lambda: heatmap(a, title, rows=rows, cols=cols, row_title=row_title, col_title=col_title,
                              value_title=value_title, diverging=diverging, col_labels=col_labels,
                              row_labels=row_labels, select="pick" if on_pick else None, picked=cell),
              arr, key, on_pick, "content",
              (view, title, rows, cols, row_title, col_title, value_title, diverging, col_labels, row_labels, cell))


def _draw(build, arr, key, on_pick, width, shown):
    """Draw the chart ``build()`` makes of ``arr``: built and converted only when the array's numbers or
    ``shown`` (everything else the chart depends on) changed, so a rerun that changed neither — a click
    elsewhere, another widget — costs no chart work (about a third of a Backprop rerun on MNIST)."""
    version = (hashlib.blake2b(np.ascontiguousarray(arr).tobytes(), digest_size=16).hexdigest(), np.shape(arr),
               str(np.asarray(arr).dtype), shown)
    if on_pick is None:
        show_model_chart(st, key, build, version=version, width=width)
    else:
        shape = np.shape(arr)
        show_clickable(st, build, f"{key}_click", lambda point: on_pick(_array_index(shape, point)),
                       version=version, width=width)
