"""Backprop: the seed neuron's gradients by the chain rule, then the current network's δ, ∂L/∂W, ∂L/∂b for
one sample, checked against finite differences, and one SGD step on a copy."""
import numpy as np
import pandas as pd
import streamlit as st

from nnlab.seed_example import article_backward_note, neuron_example
from nnlab.ui import state
from nnlab.ui.matrix_view import show_array
from nnlab.ui.neuron_editor import edit_neuron
from nnlab.ui.sample_picker import label_text, pick_sample
from nnlab.ui.tensor_views import backward_tensors
from nnlab.viz.backprop import (ABS_OK, CHECK_OK, dash_missing, gradient_check_frame, gradient_overview,
                                neuron_backward_latex, neuron_backward_table, relu_kinks, sgd_frame)
from nnlab.walkthrough import check_gradients, clone, sample, sgd_step

st.title("Backprop")

# ---- 1. one neuron, by hand ------------------------------------------------------------------------------
st.header("1 · One neuron, every gradient")
st.caption("The seed article's §4 example with loss L = ½(y − t)². The chain rule gives δ = ∂L/∂z = (y − t)·f′(z), "
           "then ∂L/∂W = δ·x and ∂L/∂b = δ.")
try:
    result = neuron_example(**edit_neuron("bp", with_target=True))
except ValueError as exc:
    st.error(f"Cannot compute this neuron: {exc}")
    result = None
if result is not None:
    values = [("loss L", result.loss), ("δ = ∂L/∂z", result.delta)]
    values += [(f"∂L/∂w{i}", v) for i, v in enumerate(result.dW, start=1)] + [("∂L/∂b", result.db)]
    for col, (label, value) in zip(st.columns(len(values)), values):
        col.metric(label, f"{value:.6f}")
    left, right = st.columns([1, 1])
    left.latex(neuron_backward_latex(result))
    right.dataframe(neuron_backward_table(result), hide_index=True, width="stretch",
                    column_config={"value": st.column_config.NumberColumn(format="%.6f")})
    note = article_backward_note(result)
    if note:
        st.warning(note, icon="✏️")

# ---- 2. the current network --------------------------------------------------------------------------------
st.header("2 · Your network, for one sample")
data = state.get_dataset()
net = clone(state.model())  # backward fills layer caches and gradients; the user's model stays untouched
index = pick_sample(data, "bp")
x, t, y = sample(data, net, index)
bt = net.backward_trace(x, t)
m = st.columns(3)
m[0].metric(f"loss ({net.spec['loss']})", f"{bt.loss:.6f}")
m[1].metric("target", label_text(data, y))
if data.class_names is not None:
    out = np.asarray(bt.output).ravel()
    predicted = int(np.argmax(out)) if out.size > 1 else int(out[0] > 0.5)
    m[2].metric("prediction", f"class {data.class_names[predicted]}",
                help="the largest output" if out.size > 1 else f"output {out[0]:.4f}: class 1 if above 0.5")
else:
    m[2].metric("output", ", ".join(f"{v:.4g}" for v in np.asarray(bt.output).ravel()[:4]))
st.markdown("Gradient size per layer, from the output back to the input (vanishing gradients show as "
            "norms shrinking towards layer 1):")
overview = dash_missing(gradient_overview(bt))  # "—" where a layer has no such parameter
st.dataframe(overview, hide_index=True, width="stretch",
             column_config={c: st.column_config.NumberColumn(format="%.2e") for c in overview.columns[2:]
                            if pd.api.types.is_numeric_dtype(overview[c])})

names = [g.name for g in bt.layers]
chosen = st.segmented_control("Layer", names, default=names[-1], key="bp_layer") or names[-1]
g = bt.layers[names.index(chosen)]
st.subheader(g.name)
image_shape = data.image_shape if g.index == 0 else None
labels = data.class_names if g.index == len(bt.layers) - 1 and data.class_names and g.delta.size == len(
    data.class_names) else None
if g.kind != "dense" and (np.ndim(g.delta) > 2 or any(a.ndim > 2 for a in g.grads.values())):
    backward_tensors(g, "bp")  # images with channels or tokens: maps and kernels
else:
    same_b = g.kind == "dense" and np.array_equal(g.grads["b"], g.delta.sum(axis=0))
    show_array(g.delta, "δ = ∂L/∂z" + (" = ∂L/∂b" if same_b else ""), f"bp_delta_{g.index}", kind="gradient",
               labels=labels)
    if same_b:
        st.caption("For one sample ∂L/∂b = δ: each bias enters its unit's z with factor 1.")
    for name, grad in g.grads.items():
        if name == "b" and same_b:
            continue
        show_array(grad, f"∂L/∂{name}", f"bp_{name}_{g.index}", kind="gradient", image_shape=image_shape,
                   labels=labels if grad.ndim == 1 else None)
    if g.kind == "dense":
        st.caption("∂L/∂W = xᵀ·δ: row i, column j is input i's value times unit j's δ.")
    if not g.grads:
        st.caption("This layer has no parameters; it only passes the gradient on.")

# ---- finite differences -------------------------------------------------------------------------------------
st.subheader("Check: backprop against finite differences")
st.caption("For the two entries with the largest gradient in every array, (L(θ+ε) − L(θ−ε)) / 2ε with ε = 1e-6 on "
           f"a float64 copy of the network, beside backprop's value. They agree when the relative error is below "
           f"{CHECK_OK:g}, or the difference below {ABS_OK:g} (the finite difference's own precision, which "
           "matters for vanishing gradients).")
check = gradient_check_frame(check_gradients(net, x, t, max_per_param=2, pick="largest"))
st.dataframe(check, hide_index=True, width="stretch", height=36 * (len(check) + 1) + 2,
             column_config={"relative error": st.column_config.NumberColumn(format="%.2e"),
                            "|difference|": st.column_config.NumberColumn(format="%.1e"),
                            **{c: st.column_config.NumberColumn(format="%.8f")
                               for c in ("backprop ∂L/∂θ", "finite difference")}})
kinks = relu_kinks(bt.forward)
if kinks and (check["agree"] != "✓").any():
    st.info("Where they disagree, ReLUs sit exactly on their kink: " + ", ".join(
        f"{name} has {count:,} z = 0" for name, count in kinks.items()) + ". ReLU has no derivative at 0 "
            "(backprop takes 0, the finite difference averages both sides). At initialisation a convolution's "
            "bias is 0, so every window of blank background gives exactly z = 0; after some training the "
            "biases move off 0 and the check agrees.", icon=":material/info:")

# ---- one SGD step -------------------------------------------------------------------------------------------
st.subheader("One SGD step on this sample")
lr = st.select_slider("Learning rate η", [0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0], value=0.1, key="bp_lr")
step = sgd_step(net, x, t, lr)
m = st.columns(3)
m[0].metric("loss before", f"{step.loss_before:.6f}")
m[1].metric("loss after W ← W − η·∂L/∂W", f"{step.loss_after:.6f}", f"{step.loss_after - step.loss_before:+.6f}",
            delta_color="inverse")
m[2].metric("output change", f"{np.abs(step.output_after - step.output_before).max():.4g}", help="largest |Δa|")
st.caption("The weights that moved most (the largest |gradient| in each array); done on a copy, "
           "your model is unchanged.")
st.dataframe(sgd_frame(step), hide_index=True, width="stretch")
