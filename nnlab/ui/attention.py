"""Sections of the Attention page: which layer and what it attends over, the heads' matrices, one query over
the digit, each head on average over test digits, and the initial weights' attention against now.

Averages over test digits are cached with ``st.cache_data`` keyed on a fingerprint of the weights (and the
images), never on the model object.
"""
from functools import partial

import numpy as np
import streamlit as st

from ..i18n import _
from ..lab.describe import training_status
from ..lab.inspect import attention_weights, split_arrays, split_name, weights_fingerprint
from ..viz.attention import (distance_frame, mean_distance, mean_distance_chart, patch_distances, patch_label,
                             received, row_entropy)
from .widgets.chart_cache import chart
from .attention_worked import on_cell, worked_query  # noqa: F401  (a section of this page)
from .widgets.charts import show_chart
from .widgets.explain_panel import show_clickable

PREFIX = "at"
N_PROBE = 200  # test digits averaged over
HEADS_PER_ROW = 2


@st.cache_data(max_entries=16, show_spinner=False)  # the spinner, translated, is at the call
def _summary(fingerprint, index, grid, x, _net):
    """(mean distance (heads,), received (heads, tokens), entropy (heads,)) over the digits x."""
    A = attention_weights(_net, x, index)
    return mean_distance(A, grid), received(A), row_entropy(A)


def probe_digits(dataset):
    x_all, _labels, split = split_arrays(dataset)
    n = min(N_PROBE, len(x_all))
    return np.ascontiguousarray(x_all[:n]), split


def choose_layer(net, layers):
    """The self-attention layer to look inside (a choice only when there are several)."""
    if len(layers) == 1:
        return layers[0]
    return st.selectbox(_("Attention layer"), layers, format_func=lambda i: net.layers[i].name, key=f"{PREFIX}_layer")


def intro(data, hist, layer, grid):
    """What the layer attends over, and how far the model has trained."""
    st.caption(_("{data} · {status} · {layer}: {heads} heads over {n} patches of {size}×{size} pixels "
                 "({rows}×{cols}, numbered row by row). Each patch (a query) spreads one unit of attention over all "
                 "patches (the keys) and takes in their values in those proportions.", data=data.name,
                 status=training_status(hist), layer=layer.name, heads=layer.heads, n=grid[0] * grid[1],
                 size=grid[2], rows=grid[0], cols=grid[1]))


def choose_query(grid):
    """A select slider over the patches, labelled with their row and column; returns the patch index."""
    t = grid[0] * grid[1]
    return st.select_slider(_("Query patch: the patch whose attention is shown (outlined in blue below)"),
                            options=list(range(t)), value=min(t - 1, t // 2), key=f"{PREFIX}_query",
                            format_func=lambda p: patch_label(p, grid))


def head_matrices(A, grid, query):
    """Each chosen head's attention matrix, two per row. A : (heads, tokens, tokens) for one digit."""
    st.caption(_("Row = a query patch, column = a key patch; each row sums to 1. Ticks mark the first patch of each "
                 "row of the patch grid. Hover a cell for its weight; click it to see it worked out below."))
    heads = list(range(A.shape[0]))
    chosen = st.multiselect(_("Heads"), heads, default=heads, key=f"{PREFIX}_heads",
                            format_func=lambda h: _("head {h}", h=h), placeholder=_("Choose heads"))
    for start in range(0, len(chosen), HEADS_PER_ROW):
        for col, h in zip(st.columns(HEADS_PER_ROW), chosen[start:start + HEADS_PER_ROW]):
            title = _("Head {h}: {queries} queries × {keys} keys", h=h, queries=A.shape[1], keys=A.shape[2])
            show_clickable(col, chart("attention_heatmap", A[h], grid, title, query=query, select="pick"),
                           f"{PREFIX}_matrix_{h}", on_cell(f"{PREFIX}_query", h))


def _on_patch_click(chart_key, query_key):
    """A click on a patch of the overlay makes it the query (runs before the rerun, so the slider follows)."""
    event = st.session_state.get(chart_key) or {}
    for points in (event.get("selection") or {}).values():
        if points:
            st.session_state[query_key] = int(points[0]["patch"])
            return


def query_over_digit(x, A, grid, query):
    """The query's row of every head's matrix, as a tint over the digit x (1, n_features); click a patch to
    query it."""
    st.caption(_("The query's row of each head's matrix, laid over the digit: the more orange a patch, the more "
               "attention it gets (relative to the head's largest weight, given in the title). Click a patch to make "
               "it the query."))
    image = x.reshape(grid[0] * grid[2], grid[1] * grid[2])
    drawing = chart("overlays", image, A[:, query], grid, query)
    show_chart(st, drawing, width="content", key=f"{PREFIX}_overlay",
                    on_select=partial(_on_patch_click, f"{PREFIX}_overlay", f"{PREFIX}_query"))


def head_averages(net, initial_net, dataset, index, grid):
    """Mean attention distance per head (now, and with the initial weights when ``initial_net`` is given) and
    where each head looks on average."""
    x, split = probe_digits(dataset)
    with st.spinner(_("Running test digits through the network…")):
        now = _summary(weights_fingerprint(net), index, grid, x, net)
        distances = {_("now"): now[0]}
        if initial_net is not None:
            start = _summary(weights_fingerprint(initial_net), index, grid, x, initial_net)
            distances = {_("initial weights"): start[0], _("now"): now[0]}
    uniform = float(patch_distances(grid).mean())
    left, right = st.columns([3, 2], vertical_alignment="center")
    show_chart(left, mean_distance_chart(distance_frame(distances), uniform, _(
        "Mean attention distance, over {n} {split} digits", n=len(x), split=split_name(split))), width="stretch")
    sentences = [_("Σ over keys of weight × distance between the patch centres, averaged over queries and digits: "
                   "small for a head that looks at its neighbours, {uniform:.1f} px (dashed line) for a head that "
                   "spreads its attention evenly, larger for one that looks far away.", uniform=uniform)]
    if initial_net is not None:
        sentences.append(_("Grey: the same heads with the initial weights."))
    right.caption(" ".join(sentences))
    show_chart(st, chart("received_chart", now[1], grid, _(
        "Attention each patch receives, mean over {n} {split} digits and all queries", n=len(x),
        split=split_name(split))), width="content")
    st.caption(_("Patches a head keeps looking at, whatever the digit, stand out; 1/{n} = {uniform:.3f} everywhere "
                 "would be uniform.", n=grid[0] * grid[1], uniform=1 / (grid[0] * grid[1])))
    return now


def change_since_start(start_net, x, caption, index, A_now, grid, query, trained):
    """For one head and this digit: the attention with the initial weights (``start_net``), the current one,
    and their difference. Untrained, all three would repeat section 1's matrix and a blank difference, so the
    page says so instead (and draws three heatmaps fewer)."""
    if start_net is None:
        st.info(_("The initial weights of this model are not known (it was uploaded), so there is no start to "
                "compare with. Build or reset a model in the sidebar to compare."))
        return
    if not trained:
        st.info(_("The model is untrained, so now = the start: train it on the Training page and come back to see "
                  "how training changed each head's attention."))
        return
    st.caption(_("The same digit ({caption}) through the model as it was built and as it is now.", caption=caption))
    A_start = attention_weights(start_net, x, index)[0]
    heads = list(range(A_now.shape[0]))
    h = st.selectbox(_("Head"), heads, key=f"{PREFIX}_change_head", format_func=lambda v: _("head {h}", h=v))
    e0, e1 = row_entropy(A_start[None])[h], row_entropy(A_now[None])[h]
    d0, d1 = mean_distance(A_start[None], grid)[h], mean_distance(A_now[None], grid)[h]
    m = st.columns(3)
    m[0].metric(_("Row entropy (nats), now"), f"{e1:.3f}", _("{change:+.3f} since the start", change=e1 - e0),
                delta_color="off", help=_("log {t} = {log:.3f} for uniform attention, 0 for one patch",
                                          t=A_now.shape[-1], log=np.log(A_now.shape[-1])))
    m[1].metric(_("Mean distance (px), now"), f"{d1:.2f}", _("{change:+.2f} since the start", change=d1 - d0),
                delta_color="off")
    m[2].metric(_("Largest change of a weight"), f"{np.abs(A_now[h] - A_start[h]).max():.3f}")
    cols = st.columns(2)
    titles = (_("Head {h} at the start", h=h), _("Head {h} now", h=h))
    for col, matrix, title in zip(cols, (A_start[h], A_now[h]), titles):
        show_chart(col, chart("attention_heatmap", matrix, grid, title, query=query), width="content")
    left, right = st.columns([3, 2], vertical_alignment="center")
    show_chart(left, chart("attention_heatmap", A_now[h] - A_start[h], grid, _("Head {h}: now − start", h=h),
                           query=query, diverging=True, value_title=_("change of weight")), width="content")
    right.caption(_("Red: attention the training added, blue: attention it took away (each row still sums to 1, "
                  "so every row's changes add up to 0). Even at the start attention is not uniform: the random "
                  "weights and position embeddings already favour some keys."))
