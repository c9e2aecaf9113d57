"""Sections of the "What a unit sees" page: choose a dense unit or a conv channel, climb its response by
gradient ascent on the input (on request: a hundred-odd forward and backward passes), and set the result
beside the test samples the same unit responds to most.
"""
import numpy as np
import pandas as pd
import streamlit as st

from ..i18n import N_, _
from ..lab import feature_vis as fv
from ..lab.budget import LIGHT, settings_for
from ..lab.inspect import split_arrays, split_name
from ..viz import feature_vis as vf
from ..viz.attributions import feature_bars
from .widgets.chart_cache import chart
from .widgets.charts import show_chart
from . import explain

PREFIX = "xu"
KINDS = {"dense": N_("unit"), "conv2d": N_("channel"), "token_dense": N_("feature")}
N_PROBE = 500  # test samples ranked for the unit
TOP_K = 9
SMALL_IMAGE = 16  # pixels: below this, one pixel of jitter or a 0.5-pixel blur is a large part of the picture


def intro():
    st.title(_("What a unit sees"))
    st.markdown(_("Start from grey noise and change the input, step by step, in the direction that raises one "
                  "unit's response: the picture it ends with is what the unit is looking for. Jitter, a light blur "
                  "and a pull towards 0 keep the picture readable. Beside it: the test samples the same unit "
                  "responds to most."))


def unit_layers(net):
    """Indices of the layers whose units can be looked at (dense, convolution, token-wise dense)."""
    return [i for i, layer in enumerate(net.layers) if layer.kind in KINDS]


def choose_unit(net):
    """A layer and one of its units (a channel for a convolution); returns (layer index, unit)."""
    layers = unit_layers(net)
    names = {i: net.layers[i].name for i in layers}
    c1, c2 = st.columns(2)
    layer = c1.selectbox(_("Layer"), layers, format_func=names.get, key=f"{PREFIX}_layer")
    shape = net.layers[layer].output_shape
    n_units = shape[0] if len(shape) == 3 else shape[-1]
    what = _(KINDS[net.layers[layer].kind])
    unit = c2.number_input(_("Which {what} (0 … {last})", what=what, last=n_units - 1), 0, n_units - 1, 0,
                           key=f"{PREFIX}_unit_{layer}")
    return layer, int(unit)


def top_section(net, data, layer, unit, key):
    """The test samples with the highest mean z of the unit; returns the TopSamples (or None)."""
    x_all, y_all, split = split_arrays(data)
    n = min(N_PROBE, len(x_all))
    top = explain.once("top_samples", (key, layer, unit),
                       lambda: fv.top_samples(net, x_all[:n], layer, unit, k=TOP_K))
    if top is None:
        return None
    title = _("The {k} of the first {n} {split} samples with the highest mean z of this unit", k=len(top.index),
              n=n, split=split_name(split))
    if data.image_shape is not None:
        values = np.full(n, np.nan)
        values[top.index] = top.objective
        labels = [str(data.class_names[int(v)]) for v in y_all[:n]] if data.class_names is not None else None
        show_chart(st, chart("top_images_grid", x_all[:n], top.index, values, tuple(data.image_shape), labels,
                             "z", title), width="content")
    else:
        st.markdown(f"**{title}**")
        st.dataframe(pd.DataFrame({_("sample"): top.index, _("mean z"): top.objective,
                                   _("mean activation"): top.activation}), hide_index=True)
    return top


def ascent_section(net, data, layer, unit, key, top):
    """The ascent on request, then its pictures and its climb."""
    steps = settings_for(net)["vis_steps"]
    explain.budget_note(net, _("{steps} ascent steps instead of {full}.", steps=steps, full=LIGHT["vis_steps"]))
    shape = tuple(data.image_shape) if data.image_shape is not None else None
    value_range = (float(data.x_train.min()), float(data.x_train.max()))
    small = shape is not None and max(shape) < SMALL_IMAGE
    smoothing = {"jitter": 0, "blur_every": 0} if small else {}
    result = explain.on_request(
        "feature_vis", (key, layer, unit, steps), _("Run {steps} steps of gradient ascent", steps=steps),
        lambda progress: fv.maximise_unit(net, layer, unit, image_shape=shape, steps=steps, value_range=value_range,
                                          **smoothing),
        progress=False)
    if result is None:
        st.caption(_("Takes a few seconds; the result is kept for this model until it changes."))
        return
    best = None if top is None or not len(top.objective) else float(top.objective[0])
    c1, c2, c3 = st.columns(3)
    c1.metric(_("mean z at the start (noise)"), f"{result.objective[0]:.4g}")
    c2.metric(_("mean z reached"), f"{result.objective[-1]:.4g}")
    c3.metric(_("best test sample's mean z"), "—" if best is None else f"{best:.4g}")
    if shape is not None:
        show_chart(st, vf.ascent_images(result.images, result.record_steps, result.objective, shape,
                                        _("The input during the ascent (each picture on its own grey scale)")),
                   width="content")
    else:
        show_chart(st, feature_bars(result.images[-1], list(data.feature_names) or
                                    [f"x{i + 1}" for i in range(data.n_features)],
                                    _("The input the ascent ended with"), _("feature value")))
    show_chart(st, vf.ascent_chart(result.objective, result.activation, best))
    st.caption(_("The ascent climbs the unit's mean pre-activation z (a unit that is off at the start would give "
                 "no gradient through its activation); a is what the next layer receives. Each step moves the input "
                 "a fixed distance uphill, then clips it to the data's range ({lo:.3g} … {hi:.3g}).",
                 lo=value_range[0], hi=value_range[1]))
    if small:
        st.caption(_("On images this small ({h}×{w}) a shift of one pixel or a blur would wipe the picture out, so "
                     "only the pull towards 0 and the clipping apply.", h=shape[0], w=shape[1]))
