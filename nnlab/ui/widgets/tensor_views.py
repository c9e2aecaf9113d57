"""What the Forward-pass and Backprop pages share for tensors that are not plain vectors: the one test of
"structured" (images with channels (n, C, H, W), tokens (n, T, D)), shapes in words, and a grid of the
first few feature maps. The dedicated Feature-maps and Attention pages go further.
"""
import numpy as np
import streamlit as st

from ...engine.shapes import shape_text as _shape
from ...i18n import _
from .chart_cache import chart
from .charts import show_chart

MAX_MAPS = 16  # channels shown per tensor here; the Feature-maps page shows them all


def is_structured(*arrays):
    """True when any array has more than two axes — a sample's images or tokens (n, C, H, W) / (n, T, D), a
    kernel (F, C, k, k): such arrays get maps, kernels or token heatmaps instead of vector views."""
    return any(np.ndim(a) > 2 for a in arrays)


def shape_text(arr):
    """The shape of one sample's array without its batch axis, e.g. "16×26×26"."""
    return _shape(np.shape(arr)[1:])


def show_maps(arr, what, note, diverging=False, size=64):
    """The first MAX_MAPS channels of one sample's (1, C, H, W) tensor as a grid of images, titled
    "what: C×H×W (the first 16 of C) note" (``what`` and ``note`` come translated)."""
    maps = np.asarray(arr)[0]
    if len(maps) > MAX_MAPS:
        title = _("{what}: {shape} (the first {n} of {total}) {note}", what=what, shape=shape_text(arr), n=MAX_MAPS,
                  total=len(maps), note=note)
    else:
        title = _("{what}: {shape} {note}", what=what, shape=shape_text(arr), note=note)
    show_chart(st, chart("map_grid", maps[:MAX_MAPS], title, diverging=diverging, size=size, ncols=8),
               width="content")
