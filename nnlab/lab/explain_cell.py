"""Click-to-explain: any one number of z, a, δ, a gradient or an attention weight that a page shows — its
value, its rule written out with the operands' numbers, and the engine quantities whose NumPy lines
computed it (keys of ``engine_source.QUANTITIES``, which the page shows from the engine's source).

The worked examples (worked_forward, worked_backprop, worked_conv, worked_pool, worked_attention) do the
arithmetic; this module only picks the right one for a layer kind and an index, so every page explains a
number the same way. ``reproduced`` is the rule's result from the numbers shown, beside ``value``, the
engine's own number: the tests check they agree.
"""
from dataclasses import dataclass

import numpy as np

from nnlab.engine import ACTIVATIONS
from nnlab.i18n import N_, _

from .terms import tex, tex_operand, tex_terms, term_sum
from .worked_attention import attention_row
from .worked_backprop import delta_step, is_fused, weight_gradient
from .worked_conv import conv_delta, conv_kernel_gradient
from .worked_forward import worked_unit
from .worked_pool import POOLS, pool_gradient

FORWARD_QUANTITIES = {"dense": ("dense z", "dense a"), "token_dense": ("dense z", "dense a"),
                      "conv2d": ("conv z", "conv a"), "maxpool2d": ("maxpool forward",),
                      "avgpool2d": ("avgpool forward",), "flatten": ("flatten",), "patch_embed": ("patch_embed z",),
                      "layer_norm": ("layer_norm",), "token_mean_pool": ("token_mean_pool",),
                      "self_attention": ("attention qkv", "attention scores", "attention heads", "attention output"),
                      "dropout": ()}
WHAT = {"z": N_("pre-activation z"), "a": N_("activation a"), "delta": N_("δ = ∂L/∂z"),
        "grad_out": N_("∂L/∂output"), "attention": N_("attention weight")}


@dataclass(frozen=True)
class Explanation:
    what: str  # "z", "a", "delta", "grad_out", "attention", or a parameter name ("W", "b", …) for ∂L/∂θ
    layer: int
    name: str  # the layer's name, "L2 dense"
    index: tuple  # into the layer's output (no batch axis), or the parameter's index
    value: float  # the engine's number, as the page shows it
    reproduced: float | None  # the rule's result from the operands shown (None: no rule worked out here)
    lines: tuple  # LaTeX, one step a line
    quantities: tuple  # engine_source quantities whose code computed it

    @property
    def title(self):
        where = ",".join(str(i) for i in self.index)
        if self.what in WHAT:
            return _("{what} of {layer} at ({where})", what=_(WHAT[self.what]), layer=self.name, where=where)
        return _("∂L/∂{param} of {layer} at ({where})", param=self.what, layer=self.name, where=where)


def _index(index):
    return (int(index),) if np.isscalar(index) else tuple(int(i) for i in index)


def explain_forward(net, trace, layer, index, what="a", sample=0):
    """z or a at ``index`` of ``layer``'s output, from a forward trace."""
    index = _index(index)
    worked = worked_unit(net, trace, layer, index, sample)
    tr = trace[layer]
    quantities = FORWARD_QUANTITIES[tr.kind]
    if what == "z":
        if worked.z is None:
            raise ValueError(f"layer {layer + 1} ({tr.kind}) has no activation, so no z apart from its output a")
        lines = worked.lines if tr.kind == "conv2d" else worked.lines[:1]  # conv's one line says z and a
        return Explanation("z", layer, tr.name, index, worked.z, worked.reproduced, lines, quantities[:1])
    reproduced = worked.reproduced
    if worked.z is not None:  # the rule gave z: put it through the engine's activation
        act = ACTIVATIONS[tr.activation]
        if act.elementwise:
            reproduced = float(act.f(np.array([reproduced]))[0])
        else:  # softmax needs the whole row of z: the traced row, with this unit's z as reproduced
            row = np.array(tr.z[(sample, *index[:-1])], dtype=np.float64)
            row[index[-1]] = reproduced
            reproduced = float(act.f(row[None])[0, index[-1]])
    if tr.activation == "softmax":
        quantities += ("softmax",)
    return Explanation("a", layer, tr.name, index, worked.value, reproduced, worked.lines, quantities)


def _upstream_grad(net, btrace, layer, index):
    """∂L/∂a at ``index`` of ``layer``: what the next layer's backward returned, or the loss's ∂L/∂a."""
    if layer == len(net.layers) - 1:
        return float(net.loss.grad(btrace.output, btrace.target)[(0, *index)])
    return float(btrace.layers[layer + 1].grad_input[(0, *index)])


def _delta_quantities(net, step):
    if step.source == "fused":
        return ("output delta",)
    if step.source == "loss":
        return ("output delta",) + (("mse grad",) if net.loss.name == "mse" else ()) + (
            "activation backward", "dense delta")
    if step.source == "next":
        return ("dense grad_input", "activation backward", "dense delta")
    return ("activation backward", "dense delta")


def _generic_delta(net, btrace, layer, index):
    """δ = ∂L/∂a·f′(z) of a layer with an elementwise activation (or the fused p − t at the output)."""
    tr = btrace.forward[layer]
    value = float(btrace.layers[layer].delta[(0, *index)])
    z, a = float(tr.z[(0, *index)]), float(tr.a[(0, *index)])
    if layer == len(net.layers) - 1 and is_fused(net):
        t = float(btrace.target[(0, *index)])
        return value, a - t, (rf"\delta = a - t = {tex(a)} - {tex_operand(t)} = {tex(a - t)}",), ("output delta",)
    act = ACTIVATIONS[tr.activation]
    if not act.elementwise:
        return value, None, (rf"\delta = {tex(value)}",), ("activation backward",)
    g = _upstream_grad(net, btrace, layer, index)
    fprime = float(act.df(np.array([z]), np.array([a]))[0])
    line = (rf"\delta = \frac{{\partial L}}{{\partial a}}\, f'(z) = {tex_operand(g)} \cdot {tex_operand(fprime)}"
            rf" = {tex(g * fprime)}")
    return value, g * fprime, (line,), ("activation backward",)


def explain_backward(net, btrace, layer, index, what="delta"):
    """δ (``what="delta"``, ∂L/∂output for layers without an activation) at ``index`` of ``layer``'s
    output, or ∂L/∂θ of its parameter ``what`` at ``index``, from a one-sample backward trace."""
    index = _index(index)
    kind, name = net.layers[layer].kind, net.layers[layer].name
    g = btrace.layers[layer]
    if what == "delta":
        if kind == "dense":
            step = delta_step(net, btrace, layer, index[-1])
            return Explanation("delta", layer, name, index, step.delta, step.reproduced, (step.latex,),
                               _delta_quantities(net, step))
        if kind == "conv2d" and layer < len(net.layers) - 1:
            d = conv_delta(net, btrace, layer, *index)
            return Explanation("delta", layer, name, index, d.delta, d.reproduced, (d.latex,), ("conv delta",))
        if kind in POOLS:
            p = pool_gradient(net, btrace, layer, *index)
            return Explanation("grad_out", layer, name, index, p.grad_out, None, (p.latex,),
                               ("maxpool backward",) if kind == "maxpool2d" else ("avgpool backward",))
        if net.layers[layer].activation is not None:
            value, reproduced, lines, quantities = _generic_delta(net, btrace, layer, index)
            return Explanation("delta", layer, name, index, value, reproduced, lines, quantities)
        value = float(g.delta[(0, *index)])
        return Explanation("grad_out", layer, name, index, value, None, (rf"\frac{{\partial L}}{{\partial a}} = "
                                                                          rf"{tex(value)}",), ())
    if what not in g.grads:
        raise ValueError(f"layer {layer + 1} ({kind}) has no parameter {what!r}")
    value = float(g.grads[what][index])
    if kind == "dense" and what == "W":
        w = weight_gradient(net, btrace, layer, *index)
        return Explanation("W", layer, name, index, w.grad, w.reproduced, (w.latex,), ("dense dW",))
    if kind == "conv2d" and what == "W":
        k = conv_kernel_gradient(net, btrace, layer, index)
        return Explanation("W", layer, name, index, k.grad, k.terms.total, (k.latex,), ("conv dW",))
    if what == "b" and kind in ("dense", "token_dense", "conv2d"):
        delta = g.delta[0, index[0]] if kind == "conv2d" else g.delta[0][..., index[0]]
        ts = term_sum(delta, np.ones(np.shape(delta)), top=3)
        line = rf"\frac{{\partial L}}{{\partial b_{{{index[0]}}}}} = \sum \delta = {tex_terms(ts)} = {tex(ts.total)}"
        return Explanation("b", layer, name, index, value, ts.total, (line,),
                           ("conv dW",) if kind == "conv2d" else ("dense db",))
    if kind == "token_dense" and what == "W":
        x, delta = btrace.forward[layer].input[0], g.delta[0]
        ts = term_sum(x[:, index[0]], delta[:, index[1]], top=3)
        line = (rf"\frac{{\partial L}}{{\partial W_{{{index[0]},{index[1]}}}}} = \sum_t x_{{t,{index[0]}}}\,"
                rf"\delta_{{t,{index[1]}}} = {tex_terms(ts)} = {tex(ts.total)}")
        return Explanation("W", layer, name, index, value, ts.total, (line,), ("dense dW",))
    return Explanation(what, layer, name, index, value, None,
                       (rf"\frac{{\partial L}}{{\partial {what}}} = {tex(value)}",), ())


def explain_attention(net, trace, layer, head, query, key, sample=0):
    """Attention weight A[query, key] of ``head`` in self-attention ``layer``: the softmax of the scores."""
    row = attention_row(net, trace, layer, head, query, sample)
    key = int(key)
    if not 0 <= key < len(row.weights):
        raise ValueError(f"key token={key}: layer {layer + 1} has tokens 0…{len(row.weights) - 1}")
    d = row.head_dim
    lines = (rf"s_{{{key}}} = \frac{{q_{{{query}}}\cdot k_{{{key}}}}}{{\sqrt{{{d}}}}} = "
             rf"\frac{{{tex(row.q @ row.keys[key])}}}{{{tex(np.sqrt(d))}}} = {tex(row.scores[key])}",
             rf"A_{{{query},{key}}} = \frac{{e^{{s_{{{key}}} - \max s}}}}{{\sum_m e^{{s_m - \max s}}}} = "
             rf"\frac{{{tex(row.exps[key])}}}{{{tex(row.exps.sum())}}} = {tex(row.exps[key] / row.exps.sum())}")
    return Explanation("attention", layer, net.layers[layer].name, (head, query, key), float(row.weights[key]),
                       float(row.exps[key] / row.exps.sum()), lines, ("attention qkv", "attention scores"))
