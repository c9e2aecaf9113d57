"""Sections of the Backprop page that work the backward pass by hand: the chain δ = (Σⱼ δⱼ·Wᵢⱼ)·f′(z) of one
unit with its numbers, stepping back from the output layer by layer; one incoming weight's gradient aₖ·δᵢ
and its SGD step; a convolution's and a pooling layer's backward pass in one position; and the gradient
of a batch as the mean of each sample's own gradient.

Every number comes from the page's one-sample backward trace through ``nnlab.lab.worked_*``.
"""
import numpy as np
import streamlit as st

from ..engine import encode_targets
from ..i18n import _
from ..lab.inspect import split_arrays, split_name
from ..lab.worked_backprop import delta_step, sgd_update, weight_gradient
from ..lab.worked_batch import batch_gradient
from ..lab.worked_conv import conv_delta, conv_kernel_gradient
from ..lab.worked_pool import POOLS, pool_gradient, pool_window
from ..viz.matrices import heatmap
from ..viz.worked import batch_chart, terms_frame
from .widgets.charts import show_chart
from .widgets.worked_table import worked_table

PREFIX = "bp_chain"
LAYER, UNIT, WEIGHT = f"{PREFIX}_layer", f"{PREFIX}_unit", f"{PREFIX}_k"
LEARNING_RATES = [0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
BATCH = {"dense": 32, "other": 16}  # samples in the batch note: a CNN's backward pass costs more per sample
STEPS_OFFERED = 3  # buttons to the units this δ flows to most


def _go(layer, unit, k):
    st.session_state[LAYER], st.session_state[UNIT], st.session_state[WEIGHT] = int(layer), int(unit), int(k)


def _dense_layers(net):
    return [i for i, layer in enumerate(net.layers) if layer.kind == "dense"]


def _strongest_input(bt, layer):
    """The input k of ``layer`` with the largest |aₖ|: its weight to any unit gets the largest |aₖ·δᵢ|."""
    return int(np.argmax(np.abs(bt.forward[layer].input[0])))


def chosen_unit(net, bt):
    """(dense layer, unit, incoming weight k) the chain shows, kept in the session; the start is the last
    dense layer's unit with the largest |δ|."""
    dense = _dense_layers(net)
    ss = st.session_state
    if ss.get(LAYER) not in dense:
        last = dense[-1]
        _go(last, int(np.argmax(np.abs(bt.layers[last].delta[0]))), _strongest_input(bt, last))
    layer = ss[LAYER]
    ss[UNIT] = int(np.clip(ss.get(UNIT, 0), 0, net.layers[layer].units - 1))
    ss[WEIGHT] = int(np.clip(ss.get(WEIGHT, 0), 0, bt.forward[layer].input.shape[1] - 1))
    return layer, ss[UNIT], ss[WEIGHT]


def chain_section(net, bt):
    """δ of the chosen unit written out, and buttons to step back to the units it flows to most."""
    dense = _dense_layers(net)
    if not dense:
        st.info(_("This network has no dense layer, so there is no chain of δᵢ = Σⱼ δⱼ·Wᵢⱼ·f′(zᵢ) to follow."))
        return None
    layer, unit, k = chosen_unit(net, bt)
    names = {i: net.layers[i].name for i in dense}
    c1, c2, c3 = st.columns([2, 1, 2], vertical_alignment="bottom")
    c1.selectbox(_("Layer"), dense, key=LAYER, format_func=names.get)
    c2.number_input(_("Unit (0 … {last})", last=net.layers[layer].units - 1), 0, net.layers[layer].units - 1,
                    key=UNIT)
    last = dense[-1]
    c3.button(_("Back to the output"), key=f"{PREFIX}_restart", icon=":material/first_page:", on_click=_go,
              args=(last, int(np.argmax(np.abs(bt.layers[last].delta[0]))), _strongest_input(bt, last)))
    step = delta_step(net, bt, layer, unit)
    st.markdown(_source_words(net, step))
    st.latex(step.latex)
    if step.terms is not None:
        worked_table(terms_frame(step.terms, [_("δⱼ (next layer)"), _("Wᵢⱼ")], _("next unit j")))
    m = st.columns(3)
    m[0].metric(_("δ worked out here"), f"{step.reproduced:.6g}")
    m[1].metric(_("δ in the engine's backward pass"), f"{step.delta:.6g}")
    if step.fprime is not None:
        m[2].metric(_("f′(z) at z = {z:.4g}", z=step.z), f"{step.fprime:.6g}")
    _step_buttons(net, bt, step)
    return step


def _source_words(net, step):
    """Where this unit's δ comes from, in words."""
    layer, unit = net.layers[step.layer].name, step.unit
    if step.source == "fused":
        return _("**{layer}, unit {unit}** is an output unit. With softmax and cross-entropy (or sigmoid and binary "
                 "cross-entropy) together, the derivative of the loss with respect to z is simply the output minus "
                 "the target.", layer=layer, unit=unit)
    if step.source == "loss":
        return _("**{layer}, unit {unit}** is an output unit: δ is the loss's slope ∂L/∂a times the activation's "
                 "slope f′(z).", layer=layer, unit=unit)
    nxt = net.layers[step.next_layer].name
    if step.source == "next":
        return _("**{layer}, unit {unit}** feeds every unit j of {next}. Each passes back its δⱼ times the weight "
                 "Wᵢⱼ between them; the sum is ∂L/∂aᵢ, and the activation's slope f′(zᵢ) turns it into δᵢ.",
                 layer=layer, unit=unit, next=nxt)
    return _("**{layer}, unit {unit}**: ∂L/∂a is what {next} passed back; the activation's slope f′(z) turns it "
             "into δ.", layer=layer, unit=unit, next=nxt)


def _step_buttons(net, bt, step):
    """One button per unit of the previous dense layer that this δ flows to most, or where the chain ends."""
    prev = step.previous_layer
    if prev is None:
        st.caption(_("This is the first dense layer on the way back (or one after a convolution): its δ flows on "
                     "into ∂L/∂x of what came before, which has no dense weights of its own here."))
        return
    st.markdown(_("**One step back**: this δ's share of each unit k of {layer} is δᵢ·Wₖᵢ·f′(zₖ). "
                  "The largest shares:", layer=net.layers[prev].name))
    cols = st.columns(STEPS_OFFERED)
    k_next = _strongest_input(bt, prev)
    for col, term in zip(cols, step.flows_to.terms[:STEPS_OFFERED]):
        col.button(_("← unit {k} (share {share:.3g})", k=term.index[0], share=term.value),
                   key=f"{PREFIX}_to_{term.index[0]}", on_click=_go, args=(prev, term.index[0], k_next))


def weight_section(net, bt, step):
    """∂L/∂Wₖᵢ = aₖ·δᵢ for one incoming weight of the chain's unit, and that weight's SGD step."""
    layer, unit = step.layer, step.unit
    n_in = bt.forward[layer].input.shape[1]
    c1, c2 = st.columns(2)
    k = int(c1.number_input(_("Incoming weight from input k (0 … {last})", last=n_in - 1), 0, n_in - 1, key=WEIGHT))
    lr = c2.select_slider(_("Learning rate η"), LEARNING_RATES, value=0.1, key=f"{PREFIX}_lr")
    grad = weight_gradient(net, bt, layer, k, unit)
    st.latex(grad.latex)
    update = sgd_update(bt, layer, k, unit, lr)
    st.latex(update.latex)
    m = st.columns(3)
    m[0].metric(_("∂L/∂W in the engine"), f"{grad.grad:.6g}")
    m[1].metric(_("W before"), f"{update.before:.6g}")
    m[2].metric(_("W after one SGD step"), f"{update.after:.6g}", f"{update.after - update.before:+.3g}",
                delta_color="off")
    st.caption(_("aₖ is input {k} of {layer} for this sample. A step against the gradient moves the weight the "
                 "way that lowers this sample's loss; it is done on a copy, your model is unchanged.",
                 k=k, layer=net.layers[layer].name))
    return layer, k, unit


def conv_section(net, bt):
    """The first convolution's δ at its strongest position, one kernel weight's gradient as a sum over
    positions, and the pooling after it sending its gradient back to the max."""
    convs = [i for i, layer in enumerate(net.layers[:-1]) if layer.kind == "conv2d"]
    if not convs:
        return
    conv = convs[0]
    delta = bt.layers[conv].delta[0]
    f, row, col = (int(i) for i in np.unravel_index(np.argmax(np.abs(delta)), delta.shape))
    d = conv_delta(net, bt, conv, f, row, col)
    st.markdown(_("**{layer}**, filter {f} at row {row}, column {col} (the position with the largest |δ|): ∂L/∂a came "
                  "back from {next}; times f′(z) it is δ, and δ times the input window is this position's share of "
                  "the kernel's gradient.", layer=net.layers[conv].name, f=f, row=row, col=col,
                  next=net.layers[d.next_layer].name))
    st.latex(d.latex)
    grads = bt.layers[conv].grads["W"][f]
    c, u, v = (int(i) for i in np.unravel_index(np.argmax(np.abs(grads)), grads.shape))
    kg = conv_kernel_gradient(net, bt, conv, (f, c, u, v))
    st.markdown(_("The same kernel weight meets every position, so its gradient is a sum over all of them "
                  "(weight W[{f},{c},{u},{v}], the largest |∂L/∂W| of filter {f}):", f=f, c=c, u=u, v=v))
    st.latex(kg.latex)
    worked_table(terms_frame(kg.terms, [_("δ of the position"), _("input it multiplies")], _("position (y, x)")))
    st.caption(_("The engine's ∂L/∂W[{f},{c},{u},{v}] = {grad:.6g}.", f=f, c=c, u=u, v=v, grad=kg.grad))
    pools = [i for i in range(conv + 1, len(net.layers)) if net.layers[i].kind in POOLS]
    if pools:
        _pool(net, bt, pools[0])


def _pool(net, bt, layer):
    g = bt.layers[layer].delta[0]
    ch, row, col = (int(i) for i in np.unravel_index(np.argmax(np.abs(g)), g.shape))
    p = pool_gradient(net, bt, layer, ch, row, col)
    window = pool_window(net, bt.forward, layer, ch, row, col)
    st.markdown(_("**{layer}**, channel {ch} at row {row}, column {col}: the gradient arriving at this output goes "
                  "back to its window.", layer=net.layers[layer].name, ch=ch, row=row, col=col))
    st.latex(p.latex)
    c1, c2 = st.columns(2)
    show_chart(c1, heatmap(window.window, _("the window's inputs (forward)"), row_title="u", col_title="v",
                           diverging=False, annotate=True, cell=44), width="content")
    show_chart(c2, heatmap(p.share, _("the gradient each input gets back"), row_title="u", col_title="v",
                           annotate=True, cell=44), width="content")


def batch_section(net, data, layer, k, unit):
    """Each sample's own ∂Lₙ/∂Wₖᵢ for the first samples of the set, and their mean: the batch gradient."""
    x_all, y_all, split = split_arrays(data)
    n = min(BATCH["dense" if all(la.kind in ("dense", "dropout") for la in net.layers) else "other"], len(x_all))
    bt = net.backward_trace(x_all[:n], encode_targets(net, y_all[:n]))
    bg = batch_gradient(net, bt, layer, "W", (k, unit))
    labels = [data.class_names[int(v)] for v in y_all[:n]] if data.class_names is not None else None
    show_chart(st, batch_chart(bg.per_sample, bg.mean, labels, _(
        "∂L/∂W[{k},{unit}] of {layer}: each of the first {n} {split} samples on its own", k=k, unit=unit,
        layer=net.layers[layer].name, n=n, split=split_name(split))), width="content")
    st.latex(bg.latex)
    st.caption(_("Training averages the samples' gradients over the batch: the engine's gradient for these {n} "
                 "samples together is {grad:.6g}, the mean of the bars. For {up} of them a step raises the weight, "
                 "for {down} it lowers it; the mean decides.", n=n, grad=bg.grad, up=bg.n_push_up,
                 down=bg.n_push_down))
