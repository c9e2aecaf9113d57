"""Forward pass: the seed article's neuron worked by hand, then the current network layer by layer."""
import numpy as np
import streamlit as st

from nnlab.seed_example import article_forward_note, neuron_example
from nnlab.ui import state
from nnlab.ui.matrix_view import show_array
from nnlab.ui.neuron_editor import edit_neuron
from nnlab.ui.sample_picker import pick_sample
from nnlab.ui.tensor_views import forward_tensors, is_structured
from nnlab.viz.forward import (fmt, layer_overview, neuron_latex, neuron_table, probability_chart, softmax_latex,
                               softmax_steps, unit_values_chart)
from nnlab.walkthrough import clone, sample, training_status

st.title("Forward pass")

# ---- 1. one neuron, by hand ------------------------------------------------------------------------------
st.header("1 · One neuron, every number")
st.caption("The seed article's §4 example: a single unit y = f(wᵀx + b). Edit any number; the engine "
           "recomputes everything below.")
try:
    result = neuron_example(**{k: v for k, v in edit_neuron("fw").items() if k != "target"})
except ValueError as exc:
    st.error(f"Cannot compute this neuron: {exc}")
    result = None
if result is not None:
    left, right = st.columns([3, 2])
    with left:
        st.latex(neuron_latex(result))
        st.markdown(f"**z = {fmt(result.z)}** and **y = f(z) ≈ {result.y:.4f}**")
    with right:
        st.dataframe(neuron_table(result), hide_index=True, width="stretch",
                     column_config={"value": st.column_config.NumberColumn(format="%.6f")})
    note = article_forward_note(result)
    if note:
        st.warning(note, icon="✏️")

# ---- 2. the current network --------------------------------------------------------------------------------
st.header("2 · Your network, layer by layer")
data = state.get_dataset()
net = clone(state.model())  # traces fill layer caches; the user's model is never touched here
st.caption(f"{data.name} · {training_status(state.history())} · each layer computes z = x·W + b, then a = f(z), "
           "and passes a on as the next layer's input.")
index = pick_sample(data, "fw")
x, t, y = sample(data, net, index)
trace = net.forward_trace(x)
st.dataframe(layer_overview(trace), hide_index=True, width="stretch")

names = [tr.name for tr in trace]
chosen = st.segmented_control("Layer", names, default=names[0], key="fw_layer") or names[0]
tr = trace[names.index(chosen)]
first = tr.index == 0
st.subheader(f"{tr.name}" + (f" · activation {tr.activation}" if tr.activation else ""))
if tr.kind == "dense":
    st.latex(rf"z = x\,W + b,\qquad a = \mathrm{{{tr.activation}}}(z)"
             rf"\qquad x\in\mathbb{{R}}^{{{tr.input.size}}},\ W\in\mathbb{{R}}^{{{tr.params['W'].shape[0]}\times"
             rf"{tr.params['W'].shape[1]}}},\ b,z,a\in\mathbb{{R}}^{{{tr.a.size}}}")
image_shape = data.image_shape if first else None
if is_structured(tr):  # images with channels, or tokens: maps, kernels, attention instead of vectors
    forward_tensors(net, tr, "fw")
else:
    c_in, c_w = st.columns([1, 2])
    with c_in:
        if first and data.image_shape is not None:
            st.markdown(f"**Input x**: the {tr.input.size} pixels of the image above, read row by row.")
        else:
            show_array(tr.input, "input x", "fw_in", kind="activation")
    with c_w:
        for name, p in tr.params.items():
            if p.ndim >= 2:
                show_array(p, f"weights {name}", f"fw_{name}_{tr.index}", kind="weights", image_shape=image_shape)
    labels = data.class_names if tr.index == len(trace) - 1 and data.class_names and tr.a.size == len(
        data.class_names) else None
    vectors = {f"bias {k}": p for k, p in tr.params.items() if p.ndim == 1}
    vectors.update({"z": tr.z, "a = f(z)": tr.a})
    if all(np.asarray(v).size == tr.a.size for v in vectors.values()) and tr.a.size <= 1500:
        st.altair_chart(unit_values_chart(vectors, labels, "class" if labels else "unit", sequential=("a = f(z)",)),
                        width="content")
        if "bias b" in vectors and not np.any(vectors["bias b"]):
            st.caption("All biases are still 0, as initialised: training moves them.")
    else:  # convolution / attention outputs: too many values for bars
        cols = st.columns(len(vectors))
        for col, (title, arr) in zip(cols, vectors.items()):
            with col:
                show_array(arr, title, f"fw_{title[0]}_{tr.index}",
                           kind="activation" if title.startswith("a") else "weights")

# ---- the output: softmax in three steps --------------------------------------------------------------------
out = trace[-1]
st.subheader("The output")
if out.activation == "softmax" and out.a.size > 1:
    frame, total = softmax_steps(out.z[0], data.class_names)
    p_engine = np.asarray(out.a[0], dtype=np.float64)
    true_class = int(y[0]) if data.class_names is not None else None
    k = int(np.argmax(frame["p = exp ÷ sum"].to_numpy()))
    st.markdown("Softmax turns the last z into probabilities in three steps: **z − max z** (so exp cannot "
                "overflow), **exp**, **÷ sum**.")
    left, right = st.columns([1, 1])
    with left:
        st.dataframe(frame, hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.5f" if c.startswith("z") else "%.4g")
                                    for c in frame.columns[1:]})
        st.latex(softmax_latex(frame, total, k))
        st.caption(f"Largest difference from the engine's softmax output: "
                   f"{np.abs(frame['p = exp ÷ sum'].to_numpy() - p_engine).max():.1e} (float32 rounding).")
    with right:
        st.altair_chart(probability_chart(p_engine, data.class_names, true_class), width="stretch")
else:
    values = ", ".join(f"{v:.4f}" for v in np.asarray(out.a).ravel()[:10])
    st.markdown(f"Output a = ({values}) — {out.activation or 'no'} activation; target t = "
                f"({', '.join(f'{v:.4g}' for v in np.asarray(t).ravel()[:10])}).")
