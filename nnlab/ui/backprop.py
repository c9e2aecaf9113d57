"""Sections of the Backprop page: the seed neuron's chain rule, the loss and gradient sizes of the user's
network for one sample, one layer's δ and parameter gradients, the finite-difference check, and one SGD
step on a copy."""
import numpy as np
import streamlit as st

from ..engine.outputs import predict_classes
from ..i18n import _
from ..lab.explain_cell import explain_backward
from ..lab.inspect import check_gradients, sgd_step
from ..lab.seed_neuron import article_backward_note, neuron_example
from ..viz.backprop import (ABS_OK, CHECK_OK, check_columns, gradient_check_frame, gradient_overview,
                            neuron_backward_latex, neuron_backward_table, readable_numbers, relu_kinks, sgd_frame)
from .widgets.chart_cache import chart
from .widgets.matrix_view import show_array
from .widgets.neuron_editor import edit_neuron
from .widgets.sample_picker import label_text
from .widgets.tensor_views import is_structured, shape_text, show_maps
from .widgets.charts import show_chart
from .widgets.worked_table import worked_table
from .widgets.explain_panel import panel, pick, picked

PREFIX = "bp"
LEARNING_RATES = [0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
WITH_Z = ("conv2d", "dense", "token_dense")  # kinds whose traced δ is ∂L/∂z (the others: ∂L/∂output)


def neuron_section():
    """The seed neuron's loss and gradients by the chain rule, and its note on the article."""
    try:
        result = neuron_example(**edit_neuron(PREFIX, with_target=True))
    except ValueError as exc:
        st.error(_("Cannot compute this neuron: {error}", error=exc))
        return
    values = [(_("loss L"), result.loss), ("δ = ∂L/∂z", result.delta)]
    values += [(f"∂L/∂w{i}", v) for i, v in enumerate(result.dW, start=1)] + [("∂L/∂b", result.db)]
    for col, (label, value) in zip(st.columns(len(values)), values):
        col.metric(label, f"{value:.6f}")
    left, right = st.columns([1, 1])
    left.latex(neuron_backward_latex(result))
    worked_table(neuron_backward_table(result), {_("value"): "%.6f"}, where=right)
    note = article_backward_note(result)
    if note:
        st.warning(note, icon="✏️")


def loss_section(net, bt, data, y):
    """The loss, the target and the prediction for this sample, and every layer's gradient size."""
    m = st.columns(3)
    m[0].metric(_("loss ({name})", name=net.spec["loss"]), f"{bt.loss:.6f}")
    m[1].metric(_("target"), label_text(data, y))
    out = np.asarray(bt.output).ravel()
    if data.class_names is not None:
        predicted = int(predict_classes(out[None])[0][0])
        m[2].metric(_("prediction"), _("class {name}", name=data.class_names[predicted]),
                    help=_("the largest output") if out.size > 1 else _("output {value:.4f}: class 1 if above 0.5",
                                                                       value=out[0]))
    else:
        m[2].metric(_("output"), ", ".join(f"{v:.4g}" for v in out[:4]))
    st.markdown(_("Gradient size per layer, from the output back to the input (vanishing gradients show as "
                "norms shrinking towards layer 1):"))
    overview = readable_numbers(gradient_overview(bt))  # 0.842, 1.6e-5; "—" where a layer has no such parameter
    worked_table(overview)


def layer_section(net, bt, data):
    """The chosen layer's δ and parameter gradients: vectors and matrices, or maps and kernels; a click on a
    cell of δ or of a gradient explains that number below."""
    names = [g.name for g in bt.layers]
    chosen = st.segmented_control(_("Layer"), names, default=names[-1], key=f"{PREFIX}_layer") or names[-1]
    g = bt.layers[names.index(chosen)]
    st.subheader(g.name)
    name = f"{PREFIX}_{g.index}"
    strongest = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(g.delta[0])), g.delta.shape[1:]))
    what, index = picked(name, ("delta", strongest))
    if what != "delta" and (what not in g.grads or len(index) != g.grads[what].ndim):
        what, index = "delta", strongest
    shown = {"what": what, "index": index, "name": name}
    if is_structured(g.delta, *g.grads.values()):
        _tensors(g, shown)
    else:
        last = g.index == len(bt.layers) - 1
        _vectors(g, data.image_shape if g.index == 0 else None, labels=data.class_names if last and data.class_names
                 and g.delta.size == len(data.class_names) else None, shown=shown)
    if not g.grads:
        st.caption(_("This layer has no parameters; it only passes the gradient on."))
    st.markdown(_("**How this number was computed** (click a cell of δ or of a gradient above to explain another):"))
    panel(explain_backward(net, bt, g.index, index, what))


def _pickers(g, shown, what):
    """on_pick and picked for ``show_array`` of δ (``what="delta"``) or of a parameter's gradient."""
    return {"on_pick": lambda index: pick(shown["name"], what, index),
            "picked": shown["index"] if shown["what"] == what else None}


def _vectors(g, image_shape, labels, shown):
    same_b = g.kind == "dense" and np.array_equal(g.grads["b"], g.delta.sum(axis=0))
    label_title = _("class") if labels else None
    show_array(g.delta, "δ = ∂L/∂z" + (" = ∂L/∂b" if same_b else ""), f"{PREFIX}_delta_{g.index}", kind="gradient",
               labels=labels, label_title=label_title, **_pickers(g, shown, "delta"))
    if same_b:
        st.caption(_("For one sample ∂L/∂b = δ: each bias enters its unit's z with factor 1."))
    for name, grad in g.grads.items():
        if name == "b" and same_b:
            continue
        show_array(grad, f"∂L/∂{name}", f"{PREFIX}_{name}_{g.index}", kind="gradient", image_shape=image_shape,
                   labels=labels if grad.ndim == 1 else None, label_title=label_title, **_pickers(g, shown, name))
    if g.kind == "dense":
        st.caption(_("∂L/∂W = xᵀ·δ: row i, column j is input i's value times unit j's δ."))


def _tensors(g, shown):
    """δ of an image layer as maps and ∂L/∂W of a convolution as kernels (blue −, red +); other arrays
    through ``show_array``."""
    st.markdown(_("**Shapes**: δ {delta}, ∂L/∂input {grad_input}", delta=shape_text(g.delta),
                  grad_input=shape_text(g.grad_input)))
    what = "δ = ∂L/∂z" if g.kind in WITH_Z else "∂L/∂output"
    if np.ndim(g.delta) == 4:
        show_maps(g.delta, what, _("(blue −, red +)"), diverging=True)
    else:
        show_array(g.delta, f"{what} ({shape_text(g.delta)})", f"{PREFIX}_delta_{g.index}", kind="gradient",
                   **_pickers(g, shown, "delta"))
    for name, grad in g.grads.items():
        if grad.ndim == 4:
            show_chart(st, chart("kernel_grid", grad, _("∂L/∂{name}: one tile per filter (blue −, red +)", name=name)),
                       width="content")
        else:
            show_array(grad, f"∂L/∂{name}", f"{PREFIX}_{name}_{g.index}", kind="gradient",
                       **_pickers(g, shown, name))


def check_section(net, bt, x, t):
    """Backprop beside central differences for the largest gradients, and why ReLU kinks may disagree."""
    st.caption(_("For the two entries with the largest gradient in every array, (L(θ+ε) − L(θ−ε)) / 2ε with ε = 1e-6 "
                 "on a float64 copy of the network, beside backprop's value. They agree when the relative error is "
                 "below {rel:g}, or the difference below {abs:g} (the finite difference's own precision, "
                 "which matters for vanishing gradients).", rel=CHECK_OK, abs=ABS_OK))
    check = gradient_check_frame(check_gradients(net, x, t, max_per_param=2, pick="largest"))
    names = check_columns()
    worked_table(check, {names["rel_error"]: "%.2e", names["difference"]: "%.1e",
                         **{names[c]: "%.8f" for c in ("analytic", "numeric")}})
    kinks = relu_kinks(bt.forward)
    if kinks and (check[names["agree"]] != "✓").any():
        counts = _(", ").join(_("{name} has {n:,} z = 0", name=name, n=count) for name, count in kinks.items())
        st.info(_("Where they disagree, ReLUs sit exactly on their kink: {counts}. ReLU has no derivative at 0 "
                  "(backprop takes 0, the finite difference averages both sides). At initialisation a convolution's "
                  "bias is 0, so every window of blank background gives exactly z = 0; after some training the "
                  "biases move off 0 and the check agrees.", counts=counts), icon=":material/info:")


def sgd_section(net, x, t):
    """One plain SGD step on this sample, on a copy: the loss before and after, the weights that moved most."""
    lr = st.select_slider(_("Learning rate η"), LEARNING_RATES, value=0.1, key=f"{PREFIX}_lr")
    step = sgd_step(net, x, t, lr)
    m = st.columns(3)
    m[0].metric(_("loss before"), f"{step.loss_before:.6f}")
    m[1].metric(_("loss after W ← W − η·∂L/∂W"), f"{step.loss_after:.6f}", f"{step.loss_after - step.loss_before:+.6f}",
                delta_color="inverse")
    m[2].metric(_("output change"), f"{np.abs(step.output_after - step.output_before).max():.4g}",
                help=_("largest |Δa|"))
    st.caption(_("The weights that moved most (the largest |gradient| in each array); done on a copy, "
                 "your model is unchanged."))
    worked_table(sgd_frame(step))
