"""Self-attention made visible: each head's attention matrix, one query patch's attention laid over the
digit, where each head looks on average (mean attention distance, attention received per patch), and how
a head's attention changed from the initial weights to now.

Tokens are image patches numbered row by row: patch t sits at row t // columns, column t % columns of
the patch grid (7×7 for 4×4 patches of a 28×28 digit). Attention weights are probabilities (each query's
row sums to 1), so they get a sequential colour scale; differences get the diverging one.
"""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from .images import png_data_uri
from .matrices import DIVERGING

ATTENTION_SCALE = {"scheme": "purples"}
MATRIX_CELL = 6  # px per cell of a 49×49 matrix: about 300 px square
OVERLAY_PX = 180  # on-screen size of the digit
QUERY_COLOUR = "#00a2ff"


def attention_layer_indices(net):
    """0-based indices of the network's self-attention layers."""
    return [i for i, layer in enumerate(net.layers) if layer.kind == "self_attention"]


def patch_grid(net, index):
    """(rows, columns, patch size in pixels) of the tokens layer ``index`` attends over: from the nearest
    patch_embed layer before it; None if the tokens did not come from image patches."""
    for layer in reversed(net.layers[:index]):
        if layer.kind == "patch_embed":
            return layer.grid[0], layer.grid[1], layer.patch
    return None


def patch_label(t, grid):
    """"patch 17 (row 2, col 3)"."""
    return _("patch {t} (row {row}, col {col})", t=t, row=t // grid[1], col=t % grid[1])


def _check_matrix(A):
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(_("attention has shape {shape}; expected one head's (tokens, tokens) matrix", shape=A.shape))
    return A


def attention_frame(A):
    """Long table of one head's matrix A (queries, keys): query, key, weight (row per query)."""
    A = _check_matrix(A)
    t = A.shape[0]
    q, k = np.meshgrid(np.arange(t), np.arange(t), indexing="ij")
    return pd.DataFrame({"query": q.ravel(), "key": k.ravel(), "weight": A.ravel()})


def _patch_axis(t, cols, title):
    return alt.Axis(values=list(range(0, t, cols)), title=title, labelAngle=0)


def attention_heatmap(A, grid, title, query=None, diverging=False, value_title=None, select=None):
    """One head's (tokens × tokens) matrix as a heatmap: a row per query patch, a column per key patch,
    ticks at the start of every patch row. The chosen ``query``'s row is outlined. ``diverging`` for a
    difference of two matrices (blue −, white 0, red +). ``value_title``: default "attention weight".
    ``select``: a name for a click selection of one cell (fields ``query`` and ``key``), for a page to
    explain it."""
    value_title = value_title or _("attention weight")
    frame = attention_frame(A)
    t, cols = int(np.sqrt(len(frame))), int(grid[1])
    if diverging:
        vmax = float(np.abs(frame["weight"]).max()) or 1.0
        scale = alt.Scale(domain=[-vmax, vmax], **DIVERGING)
    else:
        scale = alt.Scale(domain=[0, float(frame["weight"].max()) or 1.0], **ATTENTION_SCALE)
    x = alt.X("key:O", axis=_patch_axis(t, grid[1], _("key patch (attended to)")))
    y = alt.Y("query:O", axis=_patch_axis(t, grid[1], _("query patch (attending)")))
    # Each patch's place as a category: 49 strings sent once (Arrow dictionary), not computed per cell in the
    # browser, whose expression interpreter made that a large part of drawing seven 2,401-cell heatmaps.
    places = [_("row {row}, col {col}", row=p // cols, col=p % cols) for p in range(t)]
    for name in ("query", "key"):
        frame[f"{name} at"] = pd.Categorical.from_codes(frame[name].to_numpy(), places)
    rects = alt.Chart(frame).mark_rect().encode(
        x=x, y=y, color=alt.Color("weight:Q", title=value_title, scale=scale),
        tooltip=[alt.Tooltip("query:O", title=_("query patch")), alt.Tooltip("query at:N", title=_("query at")),
                 alt.Tooltip("key:O", title=_("key patch")), alt.Tooltip("key at:N", title=_("key at")),
                 alt.Tooltip("weight:Q", title=value_title, format=".4f")])
    if select:
        rects = rects.add_params(alt.selection_point(name=select, fields=["query", "key"], on="click"))
    layers = [rects]
    if query is not None:
        row = pd.DataFrame({"query": [int(query)], "first": [0], "last": [t - 1]})
        layers.append(alt.Chart(row).mark_rect(fill=None, stroke=QUERY_COLOUR, strokeWidth=2).encode(
            y=alt.Y("query:O"), x=alt.X("first:O"), x2=alt.X2("last:O")))
    return alt.layer(*layers).properties(title=title, width=alt.Step(MATRIX_CELL), height=alt.Step(MATRIX_CELL))


def overlay_frame(weights, grid):
    """One query's attention over the patch grid: row, col, weight, share of the largest weight."""
    w = np.asarray(weights, dtype=np.float64).ravel()
    rows, cols = grid[0], grid[1]
    if w.size != rows * cols:
        raise ValueError(_("weights has {n} values; a {rows}×{cols} patch grid needs {need}", n=w.size, rows=rows,
                           cols=cols, need=rows * cols))
    t = np.arange(w.size)
    return pd.DataFrame({"patch": t, "row": t // cols, "col": t % cols, "row2": t // cols + 1, "col2": t % cols + 1,
                         "weight": w, "share": w / (w.max() or 1.0)})


def query_overlay(image, weights, grid, query, title, size=OVERLAY_PX, select=None):
    """The digit with one head's attention from patch ``query`` laid over it: each patch tinted by how
    much the query attends to it (opacity ∝ weight ÷ the largest weight), the query patch outlined.

    image : (h, w) pixels in [0, 1]; weights : (tokens,) the query's row of the attention matrix.
    select : a name for a click selection of one patch (its ``patch`` field), for a page to react to.
    """
    rows, cols = grid[0], grid[1]
    frame = overlay_frame(weights, grid)
    x_scale = alt.Scale(domain=[0, cols], nice=False, zero=False)
    y_scale = alt.Scale(domain=[rows, 0], nice=False, zero=False)  # row 0 at the top
    pic = alt.Chart(pd.DataFrame({"url": [png_data_uri(np.asarray(image), "gray", vmax=1.0, scale=4)],
                                  "x": [0], "x2": [cols], "y": [0], "y2": [rows]})).mark_image(aspect=False).encode(
        x=alt.X("x:Q", scale=x_scale, axis=None), x2=alt.X2("x2:Q"),
        y=alt.Y("y:Q", scale=y_scale, axis=None), y2=alt.Y2("y2:Q"), url=alt.Url("url:N"))
    tint = alt.Chart(frame).mark_rect(color="#ff5a1f").encode(
        x=alt.X("col:Q", scale=x_scale, axis=None), x2=alt.X2("col2:Q"),
        y=alt.Y("row:Q", scale=y_scale, axis=None), y2=alt.Y2("row2:Q"),
        opacity=alt.Opacity("share:Q", scale=alt.Scale(domain=[0, 1], range=[0, 0.8]),
                            title=_("weight ÷ largest")),
        tooltip=[alt.Tooltip("patch:Q", title=_("key patch")), alt.Tooltip("row:Q", title=_("patch row")),
                 alt.Tooltip("col:Q", title=_("patch column")),
                 alt.Tooltip("weight:Q", title=_("attention weight"), format=".4f")])
    if select:
        tint = tint.add_params(alt.selection_point(name=select, fields=["patch"], on="click"))
    q = frame[frame["patch"] == int(query)]
    box = alt.Chart(q).mark_rect(fill=None, stroke=QUERY_COLOUR, strokeWidth=3).encode(
        x=alt.X("col:Q", scale=x_scale, axis=None), x2=alt.X2("col2:Q"),
        y=alt.Y("row:Q", scale=y_scale, axis=None), y2=alt.Y2("row2:Q"))
    return alt.layer(pic, tint, box).properties(title=title, width=size, height=size)


def overlays(image, rows, grid, query, heads=None, size=OVERLAY_PX):
    """``query_overlay`` for several heads side by side, each with a click selection ``patch_head<h>``.
    rows : (heads, tokens), the query's row per head."""
    rows = np.asarray(rows)
    heads = range(len(rows)) if heads is None else heads
    charts = []
    for h in heads:
        top = int(np.argmax(rows[h]))
        most = _("most: patch {patch} ({share})", patch=top, share=f"{rows[h][top]:.2f}")
        charts.append(query_overlay(image, rows[h], grid, query, alt.Title(_("head {h}", h=h), subtitle=most),
                                    size=size, select=f"patch_head{h}"))
    return alt.hconcat(*charts).resolve_scale(opacity="shared").configure_view(stroke=None)


def patch_distances(grid):
    """(tokens, tokens) distances between patch centres, in pixels."""
    rows, cols, patch = grid
    t = np.arange(rows * cols)
    r, c = t // cols, t % cols
    return np.hypot(r[:, None] - r[None, :], c[:, None] - c[None, :]) * patch


def mean_distance(A, grid):
    """How far each head looks: Σ_k A[q, k]·distance(q, k), averaged over queries and samples, in pixels.

    A : (n_samples, heads, tokens, tokens). Returns (heads,). Uniform attention gives
    ``patch_distances(grid).mean()``; a head that attends to its own patch gives 0.
    """
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 4:
        raise ValueError(_("A has shape {shape}; expected (samples, heads, tokens, tokens)", shape=A.shape))
    return np.einsum("nhqk,qk->h", A, patch_distances(grid)) / (A.shape[0] * A.shape[2])


def received(A):
    """Attention each key patch receives, averaged over queries and samples: (heads, tokens). Uniform
    attention gives 1/tokens everywhere."""
    A = np.asarray(A, dtype=np.float64)
    return A.mean(axis=(0, 2))


def row_entropy(A):
    """Mean entropy (nats) of the attention rows of each head: A (..., heads, T, T) -> (heads,). log T
    for uniform attention, 0 when every query looks at one patch."""
    A = np.asarray(A, dtype=np.float64)
    ent = -(A * np.log(np.clip(A, 1e-30, None))).sum(axis=-1)
    return ent.reshape(-1, A.shape[-3], A.shape[-2]).mean(axis=(0, 2))


def distance_frame(distances):
    """Long table head, model, distance from {model name: (heads,) mean distances}."""
    return pd.DataFrame([{"head": _("head {h}", h=h), "model": name, "distance": float(d)}
                         for name, dist in distances.items() for h, d in enumerate(np.asarray(dist))])


def mean_distance_chart(frame, uniform, title=None):
    """Bars per head (one per model when several, e.g. initial and now) and a dashed rule at the
    distance uniform attention would give (``title``: default "Mean attention distance per head")."""
    models = list(dict.fromkeys(frame["model"]))
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("head:N", title=_("head"), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("model:N", sort=models),
        y=alt.Y("distance:Q", title=_("mean distance to attended patches (px)")),
        # grey is the initial weights' colour, so a model shown alone (now) keeps the purple
        color=alt.Color("model:N", title=_("weights"), sort=models,
                        scale=alt.Scale(range=["#bbbbbb", "#6a51a3"][-len(models):])),
        tooltip=[alt.Tooltip("head:N", title=_("head")), alt.Tooltip("model:N", title=_("weights")),
                 alt.Tooltip("distance:Q", title=_("mean distance (px)"), format=".2f")])
    rule = alt.Chart(pd.DataFrame({"uniform": [float(uniform)], "what": [_("uniform attention")]})).mark_rule(
        strokeDash=[5, 4], color="#333333").encode(
        y=alt.Y("uniform:Q"), tooltip=[alt.Tooltip("what:N", title=_("rule")),
                                       alt.Tooltip("uniform:Q", title="px", format=".2f")])
    return alt.layer(bars, rule).properties(title=title or _("Mean attention distance per head"), height=260)


def received_chart(maps, grid, title=None, size=120):
    """Per head, the attention each patch receives (mean over queries and samples) as a rows×cols
    heatmap; maps : (heads, tokens). One colour scale for all heads; 1/tokens would be uniform.
    ``title``: default "Where each head looks, on average"."""
    maps = np.asarray(maps, dtype=np.float64)
    cols = grid[1]
    h, t = maps.shape
    patch = np.tile(np.arange(t), h)
    frame = pd.DataFrame({"head": np.repeat([_("head {h}", h=i) for i in range(h)], t), "patch": patch,
                          "row": patch // cols, "col": patch % cols, "received": maps.ravel(),
                          "vs uniform": maps.ravel() * t})
    return alt.Chart(frame).mark_rect().encode(
        x=alt.X("col:O", title=_("patch column"), axis=alt.Axis(labelAngle=0)), y=alt.Y("row:O", title=_("patch row")),
        color=alt.Color("received:Q", title=_("mean weight received"),
                        scale=alt.Scale(domain=[0, float(maps.max()) or 1.0], **ATTENTION_SCALE)),
        tooltip=[alt.Tooltip("head:N", title=_("head")), alt.Tooltip("patch:Q", title=_("patch")),
                 alt.Tooltip("row:Q", title=_("patch row")), alt.Tooltip("col:Q", title=_("patch column")),
                 alt.Tooltip("received:Q", title=_("mean weight received"), format=".4f"),
                 alt.Tooltip("vs uniform:Q", title=_("× uniform (1/tokens)"), format=".2f")]).properties(
        width=size, height=size).facet(column=alt.Column("head:N", title=None)).properties(
        title=title or _("Where each head looks, on average"))
