"""Widget groups of the Attention page: the heads' matrices, one query over the digit, each head on
average over test digits, and the initial weights' attention against now.

Averages over test digits are cached with ``st.cache_data`` keyed on a fingerprint of the weights (and the
images), never on the model object.
"""
from functools import partial

import numpy as np
import streamlit as st

from ..layer_probe import attention_weights, weights_fingerprint
from ..viz.attention import (distance_frame, mean_distance, mean_distance_chart, patch_distances, patch_label,
                             received, row_entropy)
from ..walkthrough import split_arrays
from .chart_cache import chart

N_PROBE = 200  # test digits averaged over
HEADS_PER_ROW = 2


@st.cache_data(max_entries=16, show_spinner="Running test digits through the network…")
def _summary(fingerprint, index, grid, x, _net):
    """(mean distance (heads,), received (heads, tokens), entropy (heads,)) over the digits x."""
    A = attention_weights(_net, x, index)
    return mean_distance(A, grid), received(A), row_entropy(A)


def probe_digits(dataset):
    x_all, _, split = split_arrays(dataset)
    n = min(N_PROBE, len(x_all))
    return np.ascontiguousarray(x_all[:n]), split


def choose_query(grid, prefix):
    """A select slider over the patches, labelled with their row and column; returns the patch index."""
    t = grid[0] * grid[1]
    return st.select_slider("Query patch: the patch whose attention is shown (outlined in blue below)",
                            options=list(range(t)), value=min(t - 1, t // 2), key=f"{prefix}_query",
                            format_func=lambda p: patch_label(p, grid))


def head_matrices(A, grid, query, prefix):
    """Each chosen head's attention matrix, two per row. A : (heads, tokens, tokens) for one digit."""
    heads = list(range(A.shape[0]))
    chosen = st.multiselect("Heads", heads, default=heads, key=f"{prefix}_heads", format_func=lambda h: f"head {h}")
    for start in range(0, len(chosen), HEADS_PER_ROW):
        for col, h in zip(st.columns(HEADS_PER_ROW), chosen[start:start + HEADS_PER_ROW]):
            col.altair_chart(chart("attention_heatmap", A[h], grid, f"Head {h}: {A.shape[1]} queries × {A.shape[2]} keys",
                                               query=query), width="content")


def _on_patch_click(chart_key, query_key):
    """A click on a patch of the overlay makes it the query (runs before the rerun, so the slider follows)."""
    event = st.session_state.get(chart_key) or {}
    for points in (event.get("selection") or {}).values():
        if points:
            st.session_state[query_key] = int(points[0]["patch"])
            return


def query_over_digit(image, A, grid, query, prefix):
    """The query's row of every head's matrix, as a tint over the digit; click a patch to query it."""
    drawing = chart("overlays", image, A[:, query], grid, query)
    st.altair_chart(drawing, width="content", key=f"{prefix}_overlay",
                    on_select=partial(_on_patch_click, f"{prefix}_overlay", f"{prefix}_query"))


def head_averages(net, initial_net, dataset, index, grid):
    """Mean attention distance per head (initial and now) and where each head looks on average."""
    x, split = probe_digits(dataset)
    now = _summary(weights_fingerprint(net), index, grid, x, net)
    distances = {"now": now[0]}
    if initial_net is not None:
        start = _summary(weights_fingerprint(initial_net), index, grid, x, initial_net)
        distances = {"initial weights": start[0], "now": now[0]}
    uniform = float(patch_distances(grid).mean())
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.altair_chart(mean_distance_chart(distance_frame(distances), uniform,
                                          f"Mean attention distance, over {len(x)} {split} digits"), width="stretch")
    right.caption(f"Σ over keys of weight × distance between the patch centres, averaged over queries and digits: "
                  f"small for a head that looks at its neighbours, {uniform:.1f} px (dashed line) for a head that "
                  "spreads its attention evenly, larger for one that looks far away."
                  + (" Grey: the same heads with the initial weights." if initial_net is not None else ""))
    st.altair_chart(chart("received_chart", now[1], grid, f"Attention each patch receives, mean over {len(x)} {split} "
                                                 "digits and all queries"), width="content")
    st.caption(f"Patches a head keeps looking at, whatever the digit, stand out; 1/{grid[0] * grid[1]} = "
               f"{1 / (grid[0] * grid[1]):.3f} everywhere would be uniform.")
    return now


def change_since_start(A_now, A_start, grid, query, trained, prefix):
    """For one head and this digit: the initial matrix, the current one, and their difference."""
    heads = list(range(A_now.shape[0]))
    h = st.selectbox("Head", heads, key=f"{prefix}_change_head", format_func=lambda v: f"head {v}")
    e0, e1 = row_entropy(A_start[None])[h], row_entropy(A_now[None])[h]
    d0, d1 = mean_distance(A_start[None], grid)[h], mean_distance(A_now[None], grid)[h]
    m = st.columns(3)
    m[0].metric("Row entropy (nats), now", f"{e1:.3f}", f"{e1 - e0:+.3f} since the start", delta_color="off",
                help=f"log {A_now.shape[-1]} = {np.log(A_now.shape[-1]):.3f} for uniform attention, 0 for one patch")
    m[1].metric("Mean distance (px), now", f"{d1:.2f}", f"{d1 - d0:+.2f} since the start", delta_color="off")
    m[2].metric("Largest change of a weight", f"{np.abs(A_now[h] - A_start[h]).max():.3f}")
    if not trained:
        st.info("The model is untrained, so now = the start: train it on the Training page and come back.")
    cols = st.columns(2)
    cols[0].altair_chart(chart("attention_heatmap", A_start[h], grid, f"Head {h} at the start", query=query), width="content")
    cols[1].altair_chart(chart("attention_heatmap", A_now[h], grid, f"Head {h} now", query=query), width="content")
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.altair_chart(chart("attention_heatmap", A_now[h] - A_start[h], grid, f"Head {h}: now − start", query=query,
                                        diverging=True, value_title="change of weight"), width="content")
    right.caption("Red: attention the training added, blue: attention it took away (each row still sums to 1, "
                  "so every row's changes add up to 0). Even at the start attention is not uniform: the random "
                  "weights and position embeddings already favour some keys.")
