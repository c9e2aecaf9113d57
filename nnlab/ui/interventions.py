"""Sections of the Interventions page: experiments on the trained model without retraining, always on a copy
— switch off hidden units, convolution channels or attention heads (several at once) and see this sample's
prediction and the test accuracy change; rank a layer's units by the harm their removal does; edit one
weight and see every layer downstream move. The experiments are ``nnlab.lab.interventions``'s.

A ranking re-runs the network once per unit (about 1–3 s for a CNN or the attention model), so it runs
on a button and is kept in the session per set of weights: training (new weights) makes it stale, and it
is then no longer shown.
"""
import numpy as np
import pandas as pd
import streamlit as st

from ..engine import ACTIVATIONS
from ..i18n import N_, _
from ..lab.inspect import split_arrays, split_name, weights_fingerprint
from ..lab.interventions import RANKING_SAMPLES, edit_weight, intervention, removal_ranking, switchable
from ..viz.worked import outputs_chart
from . import state
from .widgets.charts import show_chart
from .widgets.explain_panel import index_inputs

PREFIX = "iv"
WHAT = {"unit": N_("units"), "channel": N_("channels"), "head": N_("heads")}


def _remember(slot, key, compute):
    """``compute()`` for ``key``, kept in ``st.session_state[slot]`` (one entry) so a rerun with the same
    choices does not redo it."""
    kept = st.session_state.get(slot)
    if kept is None or kept[0] != key:
        kept = st.session_state[slot] = (key, compute())
    return kept[1]


def _class(data, output):
    if data.class_names is None or np.size(output) < 2:
        return ", ".join(f"{v:.4g}" for v in np.ravel(output)[:4])
    k = int(np.argmax(output))
    return _("{name} ({p:.0%})", name=data.class_names[k], p=float(np.ravel(output)[k]))


def switch_off_section(net, data, x):
    """Multiselects of what to switch off per layer; this sample's output and the test accuracy, before and
    after. Returns {layer: [indices]} chosen."""
    options = switchable(net)
    if not options:
        st.info(_("This network has nothing to switch off: only hidden dense units, convolution channels and "
                  "attention heads whose output a later layer reads can be."))
        return {}
    off = {}
    cols = st.columns(min(3, len(options)))
    for col, (layer, (what, count)) in zip(cols * len(options), options.items()):
        off[layer] = col.multiselect(_("{layer}: {what} to switch off", layer=net.layers[layer].name,
                                       what=_(WHAT[what])), list(range(count)), key=f"{PREFIX}_off_{layer}",
                                     placeholder=_("Choose {what}", what=_(WHAT[what])))
    off = {k: v for k, v in off.items() if v}
    if not off:
        st.caption(_("Choose some to switch off: the model's output for this sample and its test accuracy then "
                     "show the difference."))
        return off
    x_test, y_test, split = split_arrays(data)
    key = (weights_fingerprint(net), tuple(sorted((k, tuple(v)) for k, v in off.items())), x.tobytes())
    result = _remember(state.INTERVENTION, key, lambda: intervention(net, off, x, x_test, y_test))
    m = st.columns(3)
    m[0].metric(_("Output before"), _class(data, result.output_before))
    m[1].metric(_("Output with them switched off"), _class(data, result.output_after))
    if result.accuracy_before is not None:
        m[2].metric(_("Accuracy on the first {n} {split} samples", n=result.n_test, split=split_name(split)),
                    f"{result.accuracy_after:.1%}", _("{d:+.1f} pp (from {before:.1%})", before=result.accuracy_before,
                                                       d=100 * (result.accuracy_after - result.accuracy_before)))
    show_chart(st, outputs_chart(result.output_before, result.output_after, data.class_names,
                                 _("This sample's output, before and after")), width="content")
    st.caption(_("How: their outputs are forced to 0 by zeroing the weights that read them ({edits}); the "
                 "model itself is unchanged.", edits="; ".join(
                     _("{layer} {param}: {what}", layer=net.layers[layer].name, param=param, what=what)
                     for layer, param, what in result.edits)))
    return off


def ranking_section(net, data):
    """A button that ranks one layer's units by the accuracy (then loss) lost when each alone is off."""
    options = switchable(net)
    if not options:
        return
    c1, c2 = st.columns([2, 3], vertical_alignment="bottom")
    layer = c1.selectbox(_("Layer"), list(options), format_func=lambda i: net.layers[i].name,
                         key=f"{PREFIX}_rank_layer")
    what, count = options[layer]
    rankings = st.session_state.setdefault(state.RANKINGS, {})
    key = (weights_fingerprint(net), layer)
    if c2.button(_("Rank the {n} {what} of {layer}", n=count, what=_(WHAT[what]), layer=net.layers[layer].name),
                 key=f"{PREFIX}_rank", icon=":material/leaderboard:"):
        x, y, _split = split_arrays(data)
        with st.spinner(_("Switching off each of the {n} {what} in turn…", n=count, what=_(WHAT[what]))):
            rankings.clear()  # one ranking kept: the other weights' ones are stale anyway
            rankings[key] = removal_ranking(net, layer, x, y)
    ranking = rankings.get(key)
    if ranking is None:
        st.caption(_("The ranking switches off each one alone and measures the first {n} samples again (about "
                     "1–3 s for a CNN); it is kept until the weights change.", n=RANKING_SAMPLES))
        return
    frame = pd.DataFrame([{_(what): r.index, _("accuracy without it"): r.accuracy,
                           _("accuracy lost"): r.accuracy_drop, _("loss increase"): r.loss_increase}
                          for r in ranking.rows[:10]])
    st.dataframe(frame, hide_index=True, column_config={
        _("accuracy without it"): st.column_config.NumberColumn(format="percent"),
        _("accuracy lost"): st.column_config.NumberColumn(format="percent"),
        _("loss increase"): st.column_config.NumberColumn(format="%.4f")})
    st.caption(_("The {shown} whose removal hurts most, of {n}, on the first {samples} samples (accuracy with all of "
                 "them: {acc}).", shown=len(frame), n=count, samples=ranking.n_samples,
                 acc="—" if ranking.accuracy is None else f"{ranking.accuracy:.1%}"))


def _strongest(net, x, layer, param):
    """The default entry to edit: of a dense layer's W the weight that moves this sample's output most per
    unit of change (largest |xₖ·Wₖᵢ·f′(zᵢ)|: a unit switched off by ReLU passes no change on), else the
    largest |entry|."""
    array = net.layers[layer].params[param]
    weights = np.abs(array)
    if net.layers[layer].kind == "dense" and param == "W":
        tr = net.forward_trace(x)[layer]
        act = ACTIVATIONS[tr.activation]
        slope = np.abs(act.df(tr.z[0], tr.a[0])) if act.elementwise else 1.0
        weights = weights * np.abs(tr.input[0])[:, None] * slope
    return tuple(int(i) for i in np.unravel_index(np.argmax(weights), array.shape))


def edit_section(net, data, x):
    """One weight set to a new value on a copy, and how far each layer's output moves for this sample."""
    layers = [i for i, layer in enumerate(net.layers) if layer.params]
    c1, c2 = st.columns(2)
    layer = c1.selectbox(_("Layer"), layers, format_func=lambda i: net.layers[i].name, key=f"{PREFIX}_edit_layer")
    params = list(net.layers[layer].params)
    param = c2.selectbox(_("Parameter"), params, key=f"{PREFIX}_edit_param_{layer}")
    array = net.layers[layer].params[param]
    strongest = _strongest(net, x, layer, param)
    index = index_inputs(f"{PREFIX}_edit_{layer}_{param}", array.shape,
                         [_("index {axis}", axis=a) for a in range(array.ndim)], strongest)
    old = float(array[index])
    value = st.number_input(_("New value (now {old:.6g})", old=old), value=0.0, step=0.1, format="%.4f",
                            key=f"{PREFIX}_edit_value")
    edit = edit_weight(net, x, layer, param, index, value)
    frame = pd.DataFrame([{_("layer"): c.name, _("largest |change| of an output"): c.max_abs_change,
                           _("outputs that moved"): f"{c.n_changed:,} / {c.n_outputs:,}"} for c in edit.changes])
    st.dataframe(frame, hide_index=True, column_config={
        _("largest |change| of an output"): st.column_config.NumberColumn(format="%.4g")})
    show_chart(st, outputs_chart(edit.output_before, edit.output_after, data.class_names,
                                 _("This sample's output with {param}[{index}] = {value:g} instead of {old:.4g}",
                                   param=param, index=", ".join(map(str, index)), value=value, old=old)),
               width="content")
