"""Views of one layer's tensors on the Forward-pass and Backprop pages when they are not plain vectors:
images with channels (n, C, H, W) as grids of feature maps, convolution kernels as small diverging tiles,
tokens (n, T, D) as a tokens × features heatmap, and a self-attention layer's attention matrix.

The dedicated Feature-maps and Attention pages go further; these show "a few" maps per layer.
"""
import numpy as np
import streamlit as st

from ..viz.attention import patch_grid
from .chart_cache import chart
from .matrix_view import show_array

MAX_MAPS = 16  # channels shown per tensor here; the Feature-maps page shows them all
WITH_Z = ("conv2d", "dense", "token_dense")  # kinds whose traced δ is ∂L/∂z (the others: ∂L/∂output)


def is_structured(tr):
    """True when the layer's output has more than one axis per sample (images or tokens)."""
    return np.ndim(tr.a) > 2


def shape_text(arr):
    return "×".join(str(s) for s in np.shape(arr)[1:])


def _maps(arr, what, note, diverging=False, size=64):
    """The first MAX_MAPS channels of one sample's (1, C, H, W) tensor as a grid of images, titled
    "what: C×H×W (the first 16 of C) note"."""
    maps = np.asarray(arr)[0]
    more = f" (the first {MAX_MAPS} of {len(maps)})" if len(maps) > MAX_MAPS else ""
    st.altair_chart(chart("map_grid", maps[:MAX_MAPS], f"{what}: {shape_text(arr)}{more} {note}", diverging=diverging,
                             size=size, ncols=8), width="content")


def forward_tensors(net, tr, prefix):
    """Input and output of an image or token layer for one sample, its kernels, and for self-attention
    one head's attention matrix. tr : a LayerTrace of ``net.forward_trace`` for one sample."""
    st.markdown(f"**Shapes**: input {shape_text(tr.input)} → output {shape_text(tr.a)}"
                + (" · parameters: " + ", ".join(f"{k} {'×'.join(map(str, p.shape))}" for k, p in tr.params.items())
                   if tr.params else " · no parameters"))
    W = tr.params.get("W")
    if W is not None and W.ndim == 4:
        st.altair_chart(chart("kernel_grid", W, f"Kernels W: {W.shape[0]} filters (blue −, red +)"), width="content")
    if np.ndim(tr.a) == 4:
        if np.ndim(tr.input) == 4 and tr.index > 0:
            _maps(tr.input, "Input x", "(black 0 … white the largest)")
        if tr.activation is not None:
            which = st.radio("Show the output", ["a = f(z)", "z"], horizontal=True, key=f"{prefix}_maps_{tr.index}")
        else:
            which = "a = f(z)"
        if which == "z":
            _maps(tr.z, "z = W ⋆ x + b", "(blue −, red +)", diverging=True)
        else:
            _maps(tr.a, "Output a", "(black 0 … white the largest)")
        st.page_link("pages/lab/feature_maps.py", label="Every channel, and what excites it: the Feature-maps page",
                     icon=":material/grid_on:")
    elif np.ndim(tr.a) == 3:
        show_array(tr.a, f"output a ({shape_text(tr.a)}: a row per token, a column per feature)",
                   f"{prefix}_tokens_{tr.index}", kind="weights" if tr.activation is None else "activation")
        if "attention" in tr.extras:
            attention = np.asarray(tr.extras["attention"])[0]
            grid = patch_grid(net, tr.index)
            if grid is not None:
                heads = list(range(attention.shape[0]))
                h = st.segmented_control("Head", heads, default=0, key=f"{prefix}_head_{tr.index}",
                                         format_func=lambda v: f"head {v}")
                h = 0 if h is None else h
                st.altair_chart(chart("attention_heatmap", attention[h], grid, f"Head {h}'s attention weights"),
                                width="content")
                st.page_link("pages/lab/attention.py", label="Each head over the digit, and how training changed "
                                                             "it: the Attention page", icon=":material/visibility:")
    else:
        show_array(tr.a, f"output a ({shape_text(tr.a)})", f"{prefix}_flat_{tr.index}", kind="activation")
    vectors = {k: p for k, p in tr.params.items() if p.ndim == 1}
    if vectors:
        for col, (name, p) in zip(st.columns(min(3, len(vectors))), vectors.items()):
            with col:
                show_array(p, f"{name} ({p.size})", f"{prefix}_vec_{name}_{tr.index}")


def backward_tensors(g, prefix):
    """δ of an image layer as maps and ∂L/∂W of a convolution as kernels (blue −, red +); other arrays
    through ``show_array``. g : a LayerGradTrace for one sample."""
    st.markdown(f"**Shapes**: δ {shape_text(g.delta)}, ∂L/∂input {shape_text(g.grad_input)}")
    what = "δ = ∂L/∂z" if g.kind in WITH_Z else "∂L/∂output"
    if np.ndim(g.delta) == 4:
        _maps(g.delta, what, "(blue −, red +)", diverging=True)
    else:
        show_array(g.delta, f"{what} ({shape_text(g.delta)})", f"{prefix}_delta_{g.index}", kind="gradient")
    for name, grad in g.grads.items():
        if grad.ndim == 4:
            st.altair_chart(chart("kernel_grid", grad, f"∂L/∂{name}: one tile per filter (blue −, red +)"), width="content")
        else:
            show_array(grad, f"∂L/∂{name}", f"{prefix}_{name}_{g.index}", kind="gradient")
    if not g.grads:
        st.caption("This layer has no parameters; it only passes the gradient on.")
