"""Charts of images and matrices, built once per distinct input.

Building a grid of PNG tiles or a 2,401-cell heatmap costs tens of milliseconds, and a rerun (any widget
click) would rebuild every one. ``st.cache_data`` keys these on the arrays' contents and the other
arguments — never on a model object — so an unchanged kernel or attention matrix is drawn from the cache,
and training (new weights, new arrays) misses it. The charts' titles and tooltips are translated, so the
language is part of the key too.
"""
import streamlit as st

from ...i18n import language
from ...viz import attention, attributions, feature_maps, worked

BUILDERS = {
    "kernel_grid": feature_maps.kernel_grid,
    "channel_kernels_grid": feature_maps.channel_kernels_grid,
    "map_grid": feature_maps.map_grid,
    "top_images_grid": feature_maps.top_images_grid,
    "attention_heatmap": attention.attention_heatmap,
    "overlays": attention.overlays,
    "received_chart": attention.received_chart,
    "window_charts": worked.window_charts,
    "position_map": worked.position_map,
    "value_view": attributions.value_view,
    "path_images": attributions.path_images,
    "pixel_map": attributions.pixel_map,
    "occlusion_chart": attributions.occlusion_chart,
    "overlay_chart": attributions.overlay_chart,
}


def chart(name, *args, **kwargs):
    """``BUILDERS[name](*args, **kwargs)``, cached on the arguments' values and the session's language."""
    return _cached(name, language(), *args, **kwargs)


@st.cache_data(max_entries=256, show_spinner=False)
def _cached(name, lang, *args, **kwargs):
    """The cached build; ``lang`` only keys the cache (the builders translate in the current language)."""
    return BUILDERS[name](*args, **kwargs)
