"""Matrices and vectors people can read: heatmaps (with the numbers when small, windowed when big),
histograms with a summary for large gradient arrays, first-layer weights as image tiles.

Colour: diverging blue (negative) – white (0) – red (positive) with a symmetric domain for weights and
gradients, so white always means zero; sequential for activations and pixels.
"""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from .images import image_grid

ANNOTATE_MAX = 160  # cells: up to this many, print each value in its cell
ANNOTATE_MAX_COLS = 20  # wider rows of numbered cells do not fit a screen
MAX_CELLS = 2500  # cells drawn at most (a 50×50 window); Altair embeds every row in the page
DIVERGING = {"scheme": "redblue", "reverse": True}  # blue negative, red positive
SEQUENTIAL = {"scheme": "greens"}


def _as_2d(name, matrix):
    arr = np.asarray(matrix, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(_("{name}: expected a non-empty vector or matrix, got shape {shape}", name=name,
                           shape=np.shape(matrix)))
    return arr


def _span(name, span, size):
    """(start, stop) inside [0, size), validated; None means everything."""
    if span is None:
        return 0, size
    start, stop = (int(v) for v in span)
    if not 0 <= start < stop <= size:
        raise ValueError(_("{name}=({start}, {stop}): need 0 ≤ start < stop ≤ {size}", name=name, start=start,
                           stop=stop, size=size))
    return start, stop


def default_window(shape, max_cells=MAX_CELLS):
    """The top-left window of a matrix that fits in ``max_cells``: all columns if they fit in a square-ish
    window, else a square. Returns ((row_start, row_stop), (col_start, col_stop))."""
    n_rows, n_cols = shape
    side = int(np.sqrt(max_cells))
    cols = min(n_cols, side if n_rows > side else max(side, max_cells // max(n_rows, 1)))
    rows = min(n_rows, max(1, max_cells // cols))
    return (0, rows), (0, cols)


def _tick_values(start, stop, max_ticks=16):
    step = max(1, int(np.ceil((stop - start) / max_ticks)))
    nice = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10**9) if s >= step)
    return [v for v in range(start, stop) if v % nice == 0] or [start]


def short_number(value):
    """A number in at most about 7 characters, to fit inside a heatmap cell: 0.56, −0.00062, 1.8e-5."""
    text = f"{value:.2g}".replace("e-0", "e-").replace("e+0", "e+")
    return text.replace("-", "−")


def heatmap_frame(matrix, rows=None, cols=None, max_cells=MAX_CELLS):
    """Long table (row, col, value) of a window of ``matrix``; raises ValueError if the window has more
    than ``max_cells`` cells. matrix : (n_rows, n_cols) or (n,) (one row)."""
    arr = _as_2d("matrix", matrix)
    if rows is None and cols is None and arr.size > max_cells:
        rows, cols = default_window(arr.shape, max_cells)
    r0, r1 = _span("rows", rows, arr.shape[0])
    c0, c1 = _span("cols", cols, arr.shape[1])
    if (r1 - r0) * (c1 - c0) > max_cells:
        raise ValueError(_("window rows {r0}–{r1} × columns {c0}–{c1} has {cells} cells; show at most {most} (a "
                           "smaller range)", r0=r0, r1=r1 - 1, c0=c0, c1=c1 - 1, cells=(r1 - r0) * (c1 - c0),
                           most=max_cells))
    r, c = np.meshgrid(np.arange(r0, r1), np.arange(c0, c1), indexing="ij")
    return pd.DataFrame({"row": r.ravel(), "col": c.ravel(), "value": arr[r0:r1, c0:c1].ravel()})


def heatmap(matrix, title, rows=None, cols=None, row_title=None, col_title=None, value_title=None,
            diverging=True, annotate=None, cell=None, max_cells=MAX_CELLS, row_labels=None, col_labels=None,
            select=None, picked=None):
    """A heatmap of ``matrix`` (or a window of it) with each number printed when there are few cells.

    matrix : (n_rows, n_cols) or (n,) shown as one row. rows / cols : (start, stop) windows; by default
    everything if it fits in ``max_cells``, else the top-left window that fits (stated in the title).
    annotate : print the values; default when the window has ≤ ANNOTATE_MAX cells in ≤ ANNOTATE_MAX_COLS columns.
    row_labels / col_labels : optional names for every row / column of the full matrix (e.g. class names).
    select : a name for a click selection of one cell, whose fields ``r`` and ``c`` are its row and column
    in the full matrix (labels or not), for a page to explain the cell; picked : (r, c) of a cell to outline.
    The axis titles default to "row", "column" and "value"; a single unlabelled row with ``row_title=""`` (a
    vector) has no row axis at all, rather than a lone "0" with no title.
    """
    row_title = _("row") if row_title is None else row_title
    col_title = _("column") if col_title is None else col_title
    value_title = _("value") if value_title is None else value_title
    arr = _as_2d("matrix", matrix)
    frame = heatmap_frame(arr, rows, cols, max_cells)
    frame["r"], frame["c"] = frame["row"], frame["col"]  # positions, kept when labels replace row and col
    n_r, n_c = frame["row"].nunique(), frame["col"].nunique()
    r0, c0 = int(frame["row"].min()), int(frame["col"].min())
    if row_labels is not None:
        frame["row"] = [row_labels[i] for i in frame["row"]]
    if col_labels is not None:
        frame["col"] = [col_labels[i] for i in frame["col"]]
    windowed = (n_r, n_c) != arr.shape
    if windowed:
        title = _("{title} — rows {r0}–{r1}, columns {c0}–{c1} of {n_rows}×{n_cols}", title=title, r0=r0,
                  r1=r0 + n_r - 1, c0=c0, c1=c0 + n_c - 1, n_rows=arr.shape[0], n_cols=arr.shape[1])
    annotate = (len(frame) <= ANNOTATE_MAX and n_c <= ANNOTATE_MAX_COLS) if annotate is None else annotate
    if cell:
        cell_w = cell_h = cell
    elif annotate:
        cell_w = cell_h = 44
    else:  # fit about 560×480 px (beside a column of the page, axis labels included): cells need not be square
        cell_w = int(np.clip(560 // n_c, 4, 40))
        cell_h = int(np.clip(480 // n_r, 4, 22))
    vmax = float(np.abs(frame["value"]).max()) or 1.0
    if diverging:
        scale = alt.Scale(domain=[-vmax, vmax], **DIVERGING)
    else:
        scale = alt.Scale(**SEQUENTIAL)
    if annotate:  # white text on dark cells: the strong ends of the diverging scale, the top of the sequential one
        v = frame["value"].to_numpy()
        lo, hi = float(v.min()), float(v.max())
        if diverging:
            dark = np.abs(v) > 0.6 * vmax
        else:
            dark = (v - lo) > 0.55 * (hi - lo) if hi > lo else np.zeros(v.size, bool)
        frame["dark"] = dark
        frame["ink"] = np.where(dark, "white", "black")
        frame["label"] = [short_number(x) for x in v]
    sort_r = list(dict.fromkeys(frame["row"]))
    sort_c = list(dict.fromkeys(frame["col"]))
    if col_labels is None:
        x_axis = alt.Axis(values=_tick_values(c0, c0 + n_c), labelAngle=0) if n_c > 16 else alt.Axis(labelAngle=0)
    else:  # every name shown: slanted when the names are wider than their cells (Vega would drop some)
        wide = max(len(str(label)) for label in sort_c) * 6 > cell_w
        x_axis = alt.Axis(labelAngle=-35 if wide else 0, labelAlign="right" if wide else "center",
                          labelOverlap=False, labelLimit=180)
    y_axis = alt.Axis(values=_tick_values(r0, r0 + n_r)) if row_labels is None and n_r > 16 else alt.Axis()
    if n_r == 1 and row_labels is None and not row_title:  # a vector: its one row needs no axis
        y_axis = alt.Axis(labels=False, ticks=False, domain=False)
    base = alt.Chart(frame).encode(
        x=alt.X("col:O", title=col_title, sort=sort_c, axis=x_axis),
        y=alt.Y("row:O", title=row_title, sort=sort_r, axis=y_axis))
    outline = {}
    if picked is not None:  # the explained cell, outlined (an encoding, not one more layer: cheaper to draw)
        on = (frame["r"] == picked[0]) & (frame["c"] == picked[1])
        frame["outline"], frame["outline_width"] = np.where(on, "black", "transparent"), np.where(on, 3, 0)
        outline = {"stroke": alt.Stroke("outline:N", scale=None),
                   "strokeWidth": alt.StrokeWidth("outline_width:Q", scale=None)}
    rects = base.mark_rect().encode(
        color=alt.Color("value:Q", title=value_title, scale=scale,
                        legend=None if annotate and n_r == 1 else alt.Undefined),  # a vector's numbers are printed
        **outline,
        tooltip=[alt.Tooltip("row:O", title=row_title), alt.Tooltip("col:O", title=col_title),
                 alt.Tooltip("value:Q", title=value_title, format=".6g")])
    if select:
        rects = rects.add_params(alt.selection_point(name=select, fields=["r", "c"], on="click"))
    layers = [rects]
    if annotate:
        # one text layer per ink colour: alt.condition is slow to build, and a colour channel with
        # scale=None beside the rects' colour scale stops Vega from drawing the chart at all
        for ink in ("black", "white"):
            cells = alt.Chart(frame[frame["ink"] == ink]).encode(
                x=alt.X("col:O", sort=sort_c), y=alt.Y("row:O", sort=sort_r))
            layers.append(cells.mark_text(fontSize=11, color=ink).encode(text=alt.Text("label:N")))
    # step sizing: Streamlit's height="content" does not honour a fixed height for discrete axes
    return alt.layer(*layers).properties(title=title, width=alt.Step(cell_w), height=alt.Step(cell_h))


def summary_frame(array, name="value"):
    """One-row table of a big array's statistics: size, mean, std, min, max, L2 norm, share exactly 0."""
    a = np.asarray(array, dtype=np.float64).ravel()
    if a.size == 0:
        raise ValueError(_("{name}: the array is empty", name=name))
    return pd.DataFrame([{_("array"): name, _("entries"): a.size, _("mean"): a.mean(), _("std"): a.std(),
                          _("min"): a.min(), _("max"): a.max(), "‖·‖₂": float(np.linalg.norm(a)),
                          _("share = 0"): float(np.mean(a == 0))}])


def histogram(array, title, value_title=None, bins=40):
    """Histogram of every entry of a (big) array: ``bins`` rows of chart data, whatever its size."""
    value_title = _("value") if value_title is None else value_title
    a = np.asarray(array, dtype=np.float64).ravel()
    if a.size == 0:
        raise ValueError(_("{name}: the array is empty", name=title))
    if not 1 <= int(bins) <= 500:
        raise ValueError(_("bins={bins}: use between 1 and 500", bins=repr(bins)))
    lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(a, bins=int(bins), range=(lo, hi))
    frame = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "count": counts})
    return alt.Chart(frame).mark_bar(color="#4c78a8").encode(
        x=alt.X("start:Q", title=value_title, bin="binned"), x2=alt.X2("end:Q"),
        y=alt.Y("count:Q", title=_("number of entries")),
        tooltip=[alt.Tooltip("start:Q", title=_("from"), format=".4g"),
                 alt.Tooltip("end:Q", title=_("to"), format=".4g"), alt.Tooltip("count:Q", title=_("entries"))],
    ).properties(title=title, width=420, height=280)


def vector_bars(values, title, value_title=None, unit_title=None, diverging=True, labels=None, highlight=None,
                select=None):
    """One bar per entry of a vector (biases, z, activations, δ), coloured by sign when ``diverging``.

    labels : optional names per entry (class names); highlight : optional index drawn with an outline;
    select : a name for a click selection of one bar (its field ``index``), for a page to explain it.
    """
    value_title = _("value") if value_title is None else value_title
    unit_title = _("unit") if unit_title is None else unit_title
    v = np.asarray(values, dtype=np.float64).ravel()
    if not 1 <= v.size <= 5000:
        raise ValueError(_("{name}: {n} entries; a bar chart shows 1 to 5000", name=title, n=v.size))
    names = [str(s) for s in labels] if labels is not None else [str(i) for i in range(v.size)]
    frame = pd.DataFrame({"unit": names, "index": np.arange(v.size), "value": v,
                          "sign": np.where(v < 0, _("negative"), _("positive or 0")),
                          "marked": np.arange(v.size) == (highlight if highlight is not None else -1)})
    frame["outline"] = np.where(frame["marked"], "black", "transparent")
    frame["outline_width"] = np.where(frame["marked"], 2, 0)
    if diverging:
        colour = alt.Color("sign:N", title=_("sign"), scale=alt.Scale(domain=[_("negative"), _("positive or 0")],
                                                                      range=["#2166ac", "#b2182b"]))
    else:
        colour = alt.value("#31a354")
    per_bar = 14
    if v.size > 30:
        axis = alt.Axis(values=[names[i] for i in _tick_values(0, v.size)], labelAngle=0)
    else:  # every name shown: room for short names, slanted when they are wider than their bars
        longest = max(len(name) for name in names)
        per_bar = int(np.clip(7 * longest, 14, 60)) if labels is not None else per_bar
        wide = 6 * longest > per_bar
        axis = alt.Axis(labelAngle=-35 if wide else 0, labelAlign="right" if wide else "center", labelOverlap=False,
                        labelLimit=180)
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("unit:N", title=unit_title, sort=names, axis=axis), y=alt.Y("value:Q", title=value_title),
        color=colour, stroke=alt.Stroke("outline:N", scale=None),
        strokeWidth=alt.StrokeWidth("outline_width:Q", scale=None),
        tooltip=[alt.Tooltip("unit:N", title=unit_title), alt.Tooltip("value:Q", title=value_title, format=".6g")],
    ).properties(title=title, width=min(720, max(160, per_bar * v.size)), height=260)
    return bars.add_params(alt.selection_point(name=select, fields=["index"], on="click")) if select else bars


def weight_tiles(W, image_shape, units=None, reference=None, title=None, size=56, ncols=8):
    """First-layer weights as images: column j of W (n_inputs, n_units) reshaped to the input image is
    what unit j looks for. Blue negative, red positive, one colour scale shared by all tiles, so tiles
    compare (each tile's largest |w| is in its tooltip). With ``reference`` (the initial W) the tiles show
    W − reference: what training changed.

    units : indices of the units to show (default: the first 16).
    """
    W = np.asarray(W, dtype=np.float64)
    h, w = image_shape
    if W.ndim != 2 or W.shape[0] != h * w:
        raise ValueError(_("W has shape {shape}; weight tiles need (h·w, units) = ({inputs}, units) for {h}×{w} "
                           "images", shape=W.shape, inputs=h * w, h=h, w=w))
    if reference is not None:
        W = W - np.asarray(reference, dtype=np.float64)
    units = list(range(min(16, W.shape[1]))) if units is None else [int(u) for u in units]
    if not units or min(units) < 0 or max(units) >= W.shape[1]:
        raise ValueError(_("units={units}: pick between 1 and {n} units in 0…{last}", units=repr(units), n=W.shape[1],
                           last=W.shape[1] - 1))
    tiles = W[:, units].T
    return image_grid(tiles, (h, w), captions=[_("unit {u}", u=u) for u in units], ncols=min(ncols, len(units)),
                      size=size, cmap="diverging", shared_scale=True, title=title,
                      tooltips={"‖w‖": [f"{n:.4g}" for n in np.linalg.norm(tiles, axis=1)],
                                "max |w|": [float(f"{m:.4g}") for m in np.abs(tiles).max(axis=1)]})
