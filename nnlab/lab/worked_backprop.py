"""The backward recursion of a dense network worked in numbers, for one sample.

At the output δ = ∂L/∂a ⊙ f′(z), or simply p − t when the loss fuses with the output activation
(softmax + cross-entropy, sigmoid + binary cross-entropy). One layer back, δᵢ = (Σⱼ δⱼ·Wᵢⱼ)·f′(zᵢ)
over the next layer's units j. Then ∂L/∂Wₖᵢ = aₖ·δᵢ, and SGD moves the weight by −η·∂L/∂Wₖᵢ.

Every operand is read from the engine's ``backward_trace`` (z, a, W, δ, ∂L/∂W) or computed with the
engine's own tables (the activation's f′, the loss's ∂L/∂a, the SGD optimiser). The sums are the
arithmetic the page shows; they arrive at the engine's δ (``reproduced`` beside ``delta``), which the
tests check against a hand-written NumPy recursion.
"""
from dataclasses import dataclass

import numpy as np

from nnlab.engine import ACTIVATIONS, make_optimizer
from nnlab.i18n import _

from .terms import TOP, TermSum, tex, tex_operand, tex_terms, term_sum


@dataclass(frozen=True)
class DeltaStep:
    """δᵢ = ∂L/∂zᵢ of one unit of a dense layer, worked out."""
    layer: int  # 0-based index of the layer in the network
    unit: int
    z: float
    a: float
    activation: str
    source: str  # "fused": δ = a − t; "loss": ∂L/∂a from the loss; "next": ∂L/∂a = Σⱼ δⱼ·Wᵢⱼ;
    #              "layer": ∂L/∂a is what layer ``next_layer``'s backward returned (not a dense layer)
    next_layer: int | None  # the layer ∂L/∂a comes from (None at the output)
    target: float | None  # tᵢ at the output layer
    dL_da: float | None  # ∂L/∂aᵢ (None when fused: δ skips it)
    terms: TermSum | None  # Σⱼ δⱼ·Wᵢⱼ written out (source "next")
    fprime: float | None  # f′(zᵢ), for elementwise activations
    softmax_sum: float | None  # Σⱼ ∂L/∂aⱼ·aⱼ for a softmax layer: δᵢ = aᵢ·(∂L/∂aᵢ − softmax_sum)
    reproduced: float  # δᵢ from the numbers above
    delta: float  # the engine's δᵢ
    flows_to: TermSum  # this δ's share of each input k's δ: δᵢ·Wₖᵢ·f′(zₖ), or δᵢ·Wₖᵢ (its share of ∂L/∂xₖ)
    #                    when the input is not a dense layer's elementwise activation
    previous_layer: int | None  # the dense layer a step backwards goes to, if there is one
    latex: str


@dataclass(frozen=True)
class WeightGradient:
    """∂L/∂Wₖᵢ = aₖ·δᵢ for one incoming weight of unit i (and ∂L/∂bᵢ = δᵢ)."""
    layer: int
    k: int
    unit: int
    a_k: float  # input k of the layer: the previous layer's activation (or the pixel)
    delta: float
    reproduced: float  # aₖ·δᵢ
    grad: float  # the engine's ∂L/∂Wₖᵢ
    bias_grad: float  # the engine's ∂L/∂bᵢ
    latex: str


@dataclass(frozen=True)
class SGDUpdate:
    """One SGD step of one weight, W ← W − η·∂L/∂W, by the engine's SGD optimiser."""
    layer: int
    k: int
    unit: int
    lr: float
    before: float
    grad: float
    after: float
    latex: str


def sample_trace(net, x, t):
    """``net.backward_trace`` for exactly one sample: x (n_features,) or (1, n_features), t its target
    shaped like the output. The worked examples read one sample, so δ is not divided by a batch size."""
    x = np.asarray(x)
    x = x.reshape(1, -1) if x.ndim == 1 else x
    if x.shape[0] != 1:
        raise ValueError(f"x holds {x.shape[0]} samples; the worked backward pass is for one sample")
    return net.backward_trace(x, np.asarray(t).reshape(1, -1))


def _dense(net, trace, layer):
    if len(trace.output) != 1:
        raise ValueError(f"the trace holds {len(trace.output)} samples; make it with sample_trace")
    if not 0 <= layer < len(net.layers):
        raise ValueError(f"layer index={layer}: this network has layers 0…{len(net.layers) - 1}")
    if net.layers[layer].kind != "dense":
        raise ValueError(f"layer {layer + 1} is a {net.layers[layer].kind} layer; the chain δᵢ = Σⱼ δⱼ·Wᵢⱼ·f′(zᵢ) "
                         "is worked for dense layers")
    return trace.forward[layer]


def _skip_dropout(net, j, step):
    """The first layer from j on (going by ``step``) that is not dropout (identity at inference)."""
    while 0 <= j < len(net.layers) and net.layers[j].kind == "dropout":
        j += step
    return j if 0 <= j < len(net.layers) else None


def is_fused(net):
    """The engine's rule: δ at the output is (a − t)/n when the loss fuses with the output activation."""
    last = net.layers[-1]
    return bool(net.loss.fused) and last.activation is not None and last.activation.name == net.loss.fused


def _upstream(net, trace, layer, unit):
    """(source, next_layer, ∂L/∂a of the whole layer, terms) for a non-fused unit."""
    if layer == len(net.layers) - 1:
        g = net.loss.grad(trace.output, trace.target)[0]
        return "loss", None, g, None
    nxt = _skip_dropout(net, layer + 1, 1)
    g = trace.layers[layer + 1].grad_input[0]  # ∂L/∂aₗ, as the next layer's backward returned it
    if nxt is None or net.layers[nxt].kind != "dense":
        return "layer", layer + 1 if nxt is None else nxt, g, None
    w_next = trace.forward[nxt].params["W"][unit]  # Wᵢⱼ for every j
    return "next", nxt, g, term_sum(trace.layers[nxt].delta[0], w_next, top=TOP)


def _flows_to(net, trace, layer, unit, delta):
    """δᵢ·Wₖᵢ(·f′(zₖ)) over the layer's inputs k, and the previous dense layer (or None)."""
    prev = _skip_dropout(net, layer - 1, -1)
    if prev is not None and net.layers[prev].kind != "dense":
        prev = None
    factors = [np.full(trace.forward[layer].input.shape[1], delta), trace.forward[layer].params["W"][:, unit]]
    if prev is not None and net.layers[prev].activation.elementwise:
        tr = trace.forward[prev]
        factors.append(net.layers[prev].activation.df(tr.z[0], tr.a[0]))
    return term_sum(*factors, top=TOP), prev


def delta_step(net, trace, layer, unit):
    """δ of ``unit`` in dense layer ``layer`` (0-based), from a ``sample_trace``."""
    tr = _dense(net, trace, layer)
    if not 0 <= unit < tr.z.shape[1]:
        raise ValueError(f"unit={unit}: layer {layer + 1} has units 0…{tr.z.shape[1] - 1}")
    act = ACTIVATIONS[tr.activation]
    z, a = float(tr.z[0, unit]), float(tr.a[0, unit])
    delta = float(trace.layers[layer].delta[0, unit])
    last = layer == len(net.layers) - 1
    target = float(trace.target[0, unit]) if last else None
    d = rf"\delta^{{({layer + 1})}}_{{{unit}}}"
    if last and is_fused(net):
        reproduced = a - target
        latex = rf"{d} = a_{{{unit}}} - t_{{{unit}}} = {tex(a)} - {tex(target)} = {tex(reproduced)}"
        step = dict(source="fused", next_layer=None, dL_da=None, terms=None, fprime=None, softmax_sum=None)
    else:
        source, nxt, g, terms = _upstream(net, trace, layer, unit)
        dL_da = float(g[unit]) if terms is None else terms.total
        fprime = softmax_sum = None
        if act.elementwise:
            fprime = float(act.df(tr.z[0, unit:unit + 1], tr.a[0, unit:unit + 1])[0])
            reproduced = dL_da * fprime
        else:  # softmax: δᵢ = aᵢ·(gᵢ − Σⱼ gⱼ·aⱼ)
            softmax_sum = float(np.dot(np.asarray(g, dtype=np.float64), tr.a[0].astype(np.float64)))
            reproduced = a * (dL_da - softmax_sum)
        symbol, numbers = _upstream_latex(net, layer, unit, source, nxt, terms, dL_da, a, target)
        if act.elementwise:
            shown = rf"{numbers} \cdot {tex_operand(fprime)}"
            if terms is not None:
                shown += rf" = {tex_operand(dL_da)} \cdot {tex_operand(fprime)}"
            latex = rf"{d} = {symbol}\, f'(z_{{{unit}}}) = {shown} = {tex(reproduced)}"
        else:
            latex = (rf"{d} = a_{{{unit}}}\Big({symbol} - \sum_j \frac{{\partial L}}{{\partial a_j}} a_j\Big)"
                     rf" = {tex(a)}\big({tex_operand(dL_da)} - {tex_operand(softmax_sum)}\big) = {tex(reproduced)}")
        step = dict(source=source, next_layer=nxt, dL_da=dL_da, terms=terms, fprime=fprime, softmax_sum=softmax_sum)
    flows, prev = _flows_to(net, trace, layer, unit, delta)
    return DeltaStep(layer=layer, unit=unit, z=z, a=a, activation=tr.activation, target=target,
                     reproduced=float(reproduced), delta=delta, flows_to=flows, previous_layer=prev, latex=latex,
                     **step)


def _upstream_latex(net, layer, unit, source, nxt, terms, dL_da, a, target):
    """∂L/∂aᵢ in symbols and in numbers."""
    if source == "next":
        return (rf"\Big(\sum_j \delta^{{({nxt + 1})}}_j W^{{({nxt + 1})}}_{{{unit}j}}\Big)",
                rf"\big({tex_terms(terms)}\big)")
    if source == "loss" and net.loss.name == "mse":  # ∂L/∂a = a − t for one sample
        return rf"(a_{{{unit}}} - t_{{{unit}}})", rf"({tex(a)} - {tex_operand(target)})"
    where = _("from the loss") if source == "loss" else _("from layer {i}", i=nxt + 1)
    return (rf"\underbrace{{\frac{{\partial L}}{{\partial a_{{{unit}}}}}}}_{{\text{{{where}}}}}",
            tex_operand(dL_da))


def chain_back(net, trace, layer, unit):
    """Steps backwards from ``unit`` of dense ``layer``: each next step is the unit of the previous dense
    layer that this δ flows to most (largest |δᵢ·Wₖᵢ·f′(zₖ)|), until no dense layer precedes."""
    steps = [delta_step(net, trace, layer, unit)]
    while steps[-1].previous_layer is not None:
        steps.append(delta_step(net, trace, steps[-1].previous_layer, steps[-1].flows_to.terms[0].index[0]))
    return steps


def weight_gradient(net, trace, layer, k, unit):
    """∂L/∂Wₖᵢ = aₖ·δᵢ for the weight from input ``k`` to ``unit`` of dense ``layer``."""
    tr = _dense(net, trace, layer)
    if not 0 <= k < tr.input.shape[1] or not 0 <= unit < tr.z.shape[1]:
        raise ValueError(f"weight ({k}, {unit}): layer {layer + 1}'s W has shape {tr.params['W'].shape}")
    a_k, delta = float(tr.input[0, k]), float(trace.layers[layer].delta[0, unit])
    grads = trace.layers[layer].grads
    reproduced = a_k * delta
    latex = (rf"\frac{{\partial L}}{{\partial W^{{({layer + 1})}}_{{{k},{unit}}}}} = a_{{{k}}}\,\delta_{{{unit}}}"
             rf" = {tex_operand(a_k)} \cdot {tex_operand(delta)} = {tex(reproduced)}")
    return WeightGradient(layer, k, unit, a_k, delta, reproduced, float(grads["W"][k, unit]),
                          float(grads["b"][unit]), latex)


def sgd_update(trace, layer, k, unit, lr):
    """The plain SGD step of weight Wₖᵢ of ``layer`` with learning rate ``lr``, by the engine's optimiser."""
    w = trace.forward[layer].params["W"][k:k + 1, unit].astype(np.float64)
    g = trace.layers[layer].grads["W"][k:k + 1, unit].astype(np.float64)
    before = float(w[0])
    make_optimizer("sgd", lr=lr).step([w], [g], [True])
    after = float(w[0])
    latex = (rf"W \leftarrow W - \eta\,\frac{{\partial L}}{{\partial W}} = {tex(before)} - {tex(lr)} \cdot "
             rf"{tex_operand(g[0])} = {tex(after)}")
    return SGDUpdate(layer, k, unit, float(lr), before, float(g[0]), after, latex)
