"""Sections of the Forward-pass page: the seed neuron by hand, one layer of the user's network for one
sample (vectors as bars and heatmaps; images, kernels, tokens and attention as maps), and the output's
softmax in three steps."""
import numpy as np
import streamlit as st

from ..engine.outputs import predict_classes
from ..i18n import N_, _
from ..lab.explain_cell import explain_forward
from ..lab.worked_forward import layer_formula
from ..engine.shapes import shape_text as _shape
from ..lab.seed_neuron import article_forward_note, neuron_example
from ..viz.attention import patch_grid
from ..viz.forward import (fmt, neuron_latex, neuron_table, probability_chart, softmax_latex, softmax_steps,
                           unit_values_chart)
from .widgets.chart_cache import chart
from .widgets.matrix_view import show_array
from .widgets.neuron_editor import edit_neuron
from .widgets.tensor_views import is_structured, shape_text, show_maps
from .widgets.charts import show_chart
from .widgets.worked_table import worked_table
from .widgets.explain_panel import index_inputs, panel, set_index, show_clickable

PREFIX = "fw"
MAX_BARS = 1500  # units: more than this and b, z, a are shown as arrays, not bars
OUTPUTS = {"a": N_("a = f(z)"), "z": N_("z")}  # which output of an image layer to show -> its radio label


def neuron_section():
    """The seed article's neuron with editable numbers, computed by the engine, and its note on the article."""
    try:
        result = neuron_example(**{k: v for k, v in edit_neuron(PREFIX).items() if k != "target"})
    except ValueError as exc:
        st.error(_("Cannot compute this neuron: {error}", error=exc))
        return
    left, right = st.columns([3, 2])
    with left:
        st.latex(neuron_latex(result))
        st.markdown(_("**z = {z}** and **y = f(z) ≈ {y:.4f}**", z=fmt(result.z), y=result.y))
    with right:
        worked_table(neuron_table(result), {_("value"): "%.6f"})
    note = article_forward_note(result)
    if note:
        st.warning(note, icon="✏️")


def layer_section(net, trace, data):
    """The chosen layer of ``trace`` (``net.forward_trace`` of one sample): its own formula, input, weights,
    and b, z, a — as vectors, or as maps and kernels for images and tokens. Returns the chosen layer."""
    names = [tr.name for tr in trace]
    chosen = st.segmented_control(_("Layer"), names, default=names[0], key=f"{PREFIX}_layer") or names[0]
    tr = trace[names.index(chosen)]
    st.subheader(_("{name} · activation {act}", name=tr.name, act=tr.activation) if tr.activation
                 else tr.name)
    formula_section(net, tr)
    if is_structured(tr.a):
        _tensors(net, tr)
    else:
        last = tr.index == len(trace) - 1
        _vectors(tr, data, labels=data.class_names if last and data.class_names and tr.a.size == len(
            data.class_names) else None, default=_default_output(tr, last))
    return tr.index


def formula_section(net, tr):
    """What this kind of layer computes: its formula, the activation's, and the rule in words."""
    rule = layer_formula(net, tr.index)
    formula = rule.formula
    if rule.activation_formula:
        formula += rf",\qquad {rule.activation_formula}"
    st.latex(formula)
    if tr.kind == "dense":
        st.latex(rf"x\in\mathbb{{R}}^{{{tr.input.size}}},\ W\in\mathbb{{R}}^{{{tr.params['W'].shape[0]}\times"
                 rf"{tr.params['W'].shape[1]}}},\ b,z,a\in\mathbb{{R}}^{{{tr.a.size}}}")
    st.caption(_(rule.words))


def _input_names(data, tr):
    """The names of a first dense layer's inputs (a table's features), or None (pixels, hidden units)."""
    names = list(getattr(data, "feature_names", None) or [])
    return names if tr.index == 0 and data.image_shape is None and len(names) == tr.input.size else None


def _vectors(tr, data, labels, default):
    """A flat layer: the input, the weight matrix, and b, z, a as bar rows over the units; a click on a unit
    works it out below, and the unit worked out (``default`` until one is chosen) is outlined."""
    first = tr.index == 0
    image_shape = data.image_shape if first else None
    features = _input_names(data, tr)
    c_in, c_w = st.columns([1, 2.2])
    with c_in:
        if first and data.image_shape is not None:
            st.markdown(_("**Input x**: the {n} pixels of the image above, read row by row.", n=tr.input.size))
        else:
            show_array(tr.input, _("input x"), f"{PREFIX}_in", kind="activation", labels=features,
                       label_title=_("input feature") if features else None)
    with c_w:
        for name, p in tr.params.items():
            if p.ndim >= 2:
                show_array(p, _("weights {name}", name=name), f"{PREFIX}_{name}_{tr.index}", kind="weights",
                           image_shape=image_shape, row_labels=features)
    codes = [k for k, p in tr.params.items() if p.ndim == 1] + ["z", "a"]  # keys: the same in every language
    arrays = [tr.params[k] for k in codes[:-2]] + [tr.z, tr.a]
    titles = [_("bias {name}", name=k) for k in codes[:-2]] + ["z", "a = f(z)"]
    vectors = dict(zip(titles, arrays))
    if all(np.asarray(v).size == tr.a.size for v in arrays) and tr.a.size <= MAX_BARS:
        key = _unit_key(tr.index)
        unit = st.session_state.get(f"{key}_0", default[0])
        show_clickable(st, lambda: unit_values_chart(
            vectors, labels, _("class") if labels else _("unit"), sequential=("a = f(z)",), select="pick",
            picked=(len(vectors) - 1, unit)), f"{PREFIX}_units_{tr.index}",
            lambda point: set_index(key, (point["index"] if "index" in point else point["c"],)),
            version=(tuple(np.asarray(v).tobytes() for v in arrays), tuple(labels or ()), unit))
        if "b" in tr.params and not np.any(tr.params["b"]):
            st.caption(_("All biases are still 0, as initialised: training moves them."))
    else:  # convolution / attention outputs: too many values for bars
        for col, code, title, arr in zip(st.columns(len(codes)), codes, titles, arrays):
            with col:
                show_array(arr, title, f"{PREFIX}_{code}_{tr.index}", kind="activation" if code == "a" else "weights")


def _default_output(tr, last):
    """The output worked out until the user picks one: the predicted class (the output layer), else the
    layer's most active output (largest |a|)."""
    a = tr.a[0] if last else np.abs(tr.a[0])
    return tuple(int(i) for i in np.unravel_index(np.argmax(a), tr.a.shape[1:]))


def _unit_key(layer):
    return f"{PREFIX}_unit_{layer}"


def worked_section(net, trace, layer):
    """One output of ``layer`` worked out with the numbers the engine used: by default the predicted class
    of the output layer, else the layer's most active output; a click on a chart of the layer's z or a
    chooses another."""
    tr = trace[layer]
    shape = tr.a.shape[1:]
    default = _default_output(tr, layer == len(trace) - 1)
    st.markdown(_("**One output worked out** (click a unit of z or a above to work out another):"))
    index = index_inputs(_unit_key(layer), shape, _axis_names(tr), default)
    panel(explain_forward(net, trace, layer, index, "a"))


def _axis_names(tr):
    if np.ndim(tr.a) == 4:
        return [_("channel"), _("row"), _("column")]
    if np.ndim(tr.a) == 3:
        return [_("token"), _("feature")]
    return [_("unit")]


def _tensors(net, tr):
    """Input and output of an image or token layer for one sample, its kernels, and for self-attention
    one head's attention matrix."""
    if tr.params:
        params = ", ".join(f"{k} {_shape(p.shape)}" for k, p in tr.params.items())
        st.markdown(_("**Shapes**: input {input} → output {output} · parameters: {params}", input=shape_text(tr.input),
                      output=shape_text(tr.a), params=params))
    else:
        st.markdown(_("**Shapes**: input {input} → output {output} · no parameters", input=shape_text(tr.input),
                      output=shape_text(tr.a)))
    W = tr.params.get("W")
    if W is not None and W.ndim == 4:
        show_chart(st, chart("kernel_grid", W, _("Kernels W: {n} filters (blue −, red +)", n=W.shape[0])),
                   width="content")
    if np.ndim(tr.a) == 4:
        if np.ndim(tr.input) == 4 and tr.index > 0:
            show_maps(tr.input, _("Input x"), _("(black 0 … white the largest)"))
        if tr.activation is not None:
            which = st.radio(_("Show the output"), list(OUTPUTS), horizontal=True, key=f"{PREFIX}_maps_{tr.index}",
                             format_func=lambda code: _(OUTPUTS[code]))
        else:
            which = "a"
        if which == "z":
            show_maps(tr.z, "z = W ⋆ x + b", _("(blue −, red +)"), diverging=True)
        else:
            show_maps(tr.a, _("Output a"), _("(black 0 … white the largest)"))
        st.page_link("app_pages/feature_maps.py", label=_("Every channel, and what excites it: the Feature-maps page"),
                     icon=":material/grid_on:")
    elif np.ndim(tr.a) == 3:
        key = _unit_key(tr.index)
        show_array(tr.a, _("output a ({shape}: a row per token, a column per feature)", shape=shape_text(tr.a)),
                   f"{PREFIX}_tokens_{tr.index}", kind="weights" if tr.activation is None else "activation",
                   on_pick=lambda index: set_index(key, index),
                   picked=tuple(st.session_state.get(f"{key}_{axis}", 0) for axis in range(2)))
        if "attention" in tr.extras:
            _attention(net, tr)
    vectors = {k: p for k, p in tr.params.items() if p.ndim == 1}
    if vectors:
        for col, (name, p) in zip(st.columns(min(3, len(vectors))), vectors.items()):
            with col:
                show_array(p, f"{name} ({p.size})", f"{PREFIX}_vec_{name}_{tr.index}")


def _attention(net, tr):
    """One head's attention matrix of a self-attention layer over image patches."""
    attention = np.asarray(tr.extras["attention"])[0]
    grid = patch_grid(net, tr.index)
    if grid is None:
        return
    heads = list(range(attention.shape[0]))
    h = st.segmented_control(_("Head"), heads, default=0, key=f"{PREFIX}_head_{tr.index}",
                             format_func=lambda v: _("head {h}", h=v))
    h = 0 if h is None else h
    show_chart(st, chart("attention_heatmap", attention[h], grid, _("Head {h}'s attention weights", h=h)),
               width="content")
    st.page_link("app_pages/attention.py", label=_("Each head over the digit, and how training changed it: the "
                                                 "Attention page"), icon=":material/visibility:")


def output_section(out, data, y, t):
    """The last layer's output: softmax in three steps beside the probabilities, or the raw outputs.
    out : the last LayerTrace; y : the sample's stored label or target; t : the target as the network sees it."""
    if out.activation == "softmax" and out.a.size > 1:
        frame, total = softmax_steps(out.z[0], data.class_names)
        p_engine = np.asarray(out.a[0], dtype=np.float64)
        true_class = int(y[0]) if data.class_names is not None else None
        k = int(predict_classes(frame["p = exp ÷ sum"].to_numpy()[None])[0][0])  # formula headers: not translated
        st.markdown(_(r"Softmax turns the last z into probabilities in three steps: $z - \max z$ (so exp cannot "
                      r"overflow), $\exp$, $\div$ sum."))
        left, right = st.columns([1, 1])
        with left:
            worked_table(frame, {c: "%.5f" if c.startswith("z") else "%.4g" for c in frame.columns[1:]})
        with right:
            show_chart(st, probability_chart(p_engine, data.class_names, true_class), width="stretch")
        st.latex(softmax_latex(frame, total, k))  # the whole width: the fractions of a long class name are wide
        st.caption(_("Largest difference from the engine's softmax output: {diff:.1e} (float32 rounding).",
                     diff=np.abs(frame['p = exp ÷ sum'].to_numpy() - p_engine).max()))
    else:
        values = ", ".join(f"{v:.4f}" for v in np.asarray(out.a).ravel()[:10])
        targets = ", ".join(f"{v:.4g}" for v in np.asarray(t).ravel()[:10])
        if out.activation:
            st.markdown(_("Output a = ({values}) — {activation} activation; target t = ({targets}).", values=values,
                          activation=out.activation, targets=targets))
        else:
            st.markdown(_("Output a = ({values}) — no activation; target t = ({targets}).", values=values,
                          targets=targets))
