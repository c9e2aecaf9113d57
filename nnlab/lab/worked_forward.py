"""What each layer computes: its own formula (not "z = x·W + b" for every kind), and one output unit
worked out with its numbers.

``LAYER_FORMULAS`` is the one table of layer rules: kind -> (LaTeX, plain words, translated where shown);
a test checks it covers every layer type the engine registers. ``worked_unit`` takes a forward trace and one output
unit of one layer and writes the rule out with the operands the engine used, arriving at the number
the trace holds (``reproduced`` beside ``value``).
"""
from dataclasses import dataclass

import numpy as np

from nnlab.engine import ACTIVATIONS
from nnlab.i18n import N_, _

from .terms import TermSum, tex, tex_operand, tex_terms, term_sum
from .worked_attention import attention_row
from .worked_conv import conv_position
from .worked_pool import POOLS, pool_window

# The dropout rule names the two modes in words: ``formula_tex`` fills them in the session's language.
_DROPOUT = (r"a = x \text{{ {predicting}}},\qquad a = \frac{{m \odot x}}{{1 - r}},\; "
            r"m_i \sim \mathrm{{Bernoulli}}(1 - r) \text{{ {training}}}")
LAYER_FORMULAS = {
    "dense": (r"z_i = \sum_k x_k W_{ki} + b_i,\qquad a_i = f(z_i)",
              N_("Each unit multiplies every input by its weight, adds them up with its bias, and applies "
                 "the activation.")),
    "conv2d": (r"z_{f,y,x} = \sum_{c,u,v} W_{f,c,u,v}\, x_{c,\,sy+u,\,sx+v} + b_f,\qquad a = f(z)",
               N_("Each filter slides over the image; at every position it multiplies the window of inputs by "
                  "its kernel, adds the products and its bias, and applies the activation.")),
    "maxpool2d": (r"a_{c,y,x} = \max_{u,v} x_{c,\,sy+u,\,sx+v}",
                  N_("Each output keeps the largest value of its window; nothing is learned.")),
    "avgpool2d": (r"a_{c,y,x} = \frac{1}{k^2}\sum_{u,v} x_{c,\,sy+u,\,sx+v}",
                  N_("Each output is the mean of its window; nothing is learned.")),
    "flatten": (r"a_{(c H + y) W + x} = x_{c,y,x}",
                N_("The feature maps laid end to end in one vector, channel by channel, row by row; nothing is "
                   "computed.")),
    "patch_embed": (r"z_{t,d} = \sum_j p_{t,j} W_{jd} + b_d + \mathrm{pos}_{t,d}",
                    N_("The image is cut into patches; each patch's pixels times W, plus a bias and a learned "
                       "position embedding, become one token.")),
    "self_attention": (r"y = \mathrm{softmax}\Big(\frac{Q K^\top}{\sqrt{d}}\Big) V\, W_o + b_o + x,\quad "
                       r"Q = x W_q + b_q,\; K = x W_k + b_k,\; V = x W_v + b_v",
                       N_("Each token's output mixes the values of all tokens, weighted by how well its query "
                          "matches their keys (the weights of a row add up to 1), plus the token itself.")),
    "layer_norm": (r"a_{t,d} = \gamma_d\, \frac{x_{t,d} - \mu_t}{\sqrt{\sigma_t^2 + \epsilon}} + \beta_d",
                   N_("Each token's features are shifted to mean 0 and scaled to variance 1, then scaled by γ "
                      "and shifted by β.")),
    "token_dense": (r"z_{t,i} = \sum_k x_{t,k} W_{ki} + b_i,\qquad a = f(z)",
                    N_("One dense layer applied to every token on its own, with the same weights for all tokens.")),
    "token_mean_pool": (r"a_d = \frac{1}{T} \sum_t x_{t,d}",
                        N_("The average of all tokens: one vector for the whole image.")),
    "dropout": (_DROPOUT.format(predicting="(predicting)", training="(training)"),  # English; see formula_tex
                N_("While training, each input is zeroed with probability r and the rest scaled up; when "
                   "predicting, it passes everything through unchanged.")),
}


@dataclass(frozen=True)
class LayerFormula:
    layer: int
    name: str
    kind: str
    formula: str  # LaTeX
    activation: str | None
    activation_formula: str | None  # LaTeX of f, from the engine's activation table
    words: str
    input_shape: tuple
    output_shape: tuple


@dataclass(frozen=True)
class WorkedUnit:
    """One output of one layer, its rule written out with the numbers the engine used."""
    layer: int
    kind: str
    unit: tuple  # index into the layer's output (no batch axis)
    formula: str
    lines: tuple  # LaTeX, one step a line, arriving at ``reproduced``
    terms: TermSum | None  # the sum written out, when the rule has one
    reproduced: float  # the rule's result: reproduces ``z`` when there is one (before f), else ``value``
    value: float  # the engine's output a at ``unit``
    z: float | None  # the engine's z, for layers with an activation


def formula_tex(kind):
    """The LaTeX rule of a layer kind, its words (dropout's modes) in the current language."""
    if kind == "dropout":
        return _DROPOUT.format(predicting=_("(predicting)"), training=_("(training)"))
    return LAYER_FORMULAS[kind][0]


def layer_formula(net, layer):
    lay = net.layers[layer]
    formula, words = formula_tex(lay.kind), LAYER_FORMULAS[lay.kind][1]
    if lay.kind == "self_attention" and not lay.config()["residual"]:
        formula = formula.replace(" + x,", ",")
    act = lay.activation.name if lay.activation is not None else None
    return LayerFormula(layer, lay.name, lay.kind, formula, act, _activation_formula(act) if act else None, words,
                        tuple(lay.input_shape), tuple(lay.output_shape))


def _activation_formula(name):
    """f written out from the engine's table: f(z) = …, or f(z)ᵢ = … for softmax (not elementwise)."""
    act = ACTIVATIONS[name]
    return ("f(z)=" if act.elementwise else "f(z)_i=") + act.latex


def _activation_line(tr, z, a, row=None):
    """a = f(z) with the numbers; softmax (not elementwise) needs the whole row of z."""
    if tr.activation != "softmax":
        return rf"a = \mathrm{{{tr.activation}}}({tex(z)}) = {tex(a)}"
    row = np.asarray(row, dtype=np.float64)
    return (rf"a = \frac{{e^{{z - \max z}}}}{{\sum_j e^{{z_j - \max z}}}} = \frac{{{tex(np.exp(z - row.max()))}}}"
            rf"{{{tex(np.exp(row - row.max()).sum())}}} = {tex(a)}")


def _dense(net, tr, unit, sample):
    *token, i = unit
    x = tr.input[(sample, *token)]
    terms = term_sum(x, tr.params["W"][:, i])
    b = float(tr.params["b"][i])
    z = float(tr.z[(sample, *unit)])
    idx = ",".join(str(u) for u in unit)
    lines = (rf"z_{{{idx}}} = {tex_terms(terms)} + {tex_operand(b)} = {tex(terms.total + b)}",
             _activation_line(tr, z, float(tr.a[(sample, *unit)]), tr.z[(sample, *token)]))
    return lines, terms, terms.total + b, z


def _patch_embed(net, tr, unit, sample):
    t, d = unit
    cfg = net.layers[tr.index].config()
    p, gw = cfg["patch"], tr.input.shape[3] // cfg["patch"]
    gy, gx = divmod(t, gw)
    patch = tr.input[sample, :, gy * p:(gy + 1) * p, gx * p:(gx + 1) * p]  # (C, p, p), rows of W in this order
    terms = term_sum(patch, tr.params["W"][:, d].reshape(patch.shape))
    b, pos = float(tr.params["b"][d]), float(tr.params["pos"][t, d])
    total = terms.total + b + pos
    where = _("patch {t} = rows {r0}–{r1}, columns {c0}–{c1}", t=t, r0=gy * p, r1=gy * p + p - 1, c0=gx * p,
              c1=gx * p + p - 1)
    lines = (rf"\text{{{where}}}",
             rf"z_{{{t},{d}}} = {tex_terms(terms)} + {tex_operand(b)} + {tex_operand(pos)} = {tex(total)}")
    return lines, terms, total, None


def _layer_norm(net, tr, unit, sample):
    *token, d = unit
    x = tr.input[(sample, *token)].astype(np.float64)
    mu = x.mean()
    var = np.mean((x - mu) ** 2)
    eps = net.layers[tr.index].EPS
    xhat = (x[d] - mu) / np.sqrt(var + eps)
    g, b = float(tr.params["gamma"][d]), float(tr.params["beta"][d])
    out = g * xhat + b
    lines = (rf"\mu = \frac{{1}}{{{x.size}}}\sum_d x_d = {tex(mu)},\quad \sigma^2 = {tex(var)}",
             rf"\hat x_{{{d}}} = \frac{{{tex(x[d])} - {tex_operand(mu)}}}"
             rf"{{\sqrt{{{tex(var)} + {tex(eps)}}}}} = {tex(xhat)}",
             rf"a_{{{d}}} = \gamma_{{{d}}}\,\hat x_{{{d}}} + \beta_{{{d}}} = {tex(g)} \cdot {tex_operand(xhat)} + "
             rf"{tex_operand(b)} = {tex(out)}")
    return lines, None, out, None


def _mean_pool(net, tr, unit, sample):
    (d,) = unit
    x = tr.input[sample, :, d]
    terms = term_sum(x, np.full(x.shape, 1.0 / x.size))
    return (rf"a_{{{d}}} = \frac{{1}}{{{x.size}}}\sum_t x_{{t,{d}}} = {tex_terms(terms)} = {tex(terms.total)}",), \
        terms, terms.total, None


def _copy(net, tr, unit, sample):
    """Flatten and (at prediction time) dropout pass one input through unchanged."""
    index = np.unravel_index(int(np.ravel_multi_index(unit, tr.a.shape[1:])), tr.input.shape[1:])
    value = float(tr.input[(sample, *index)])
    where = ",".join(str(int(i)) for i in index)
    return (rf"a_{{{','.join(str(u) for u in unit)}}} = x_{{{where}}} = {tex(value)}",), None, value, None


def _attention(net, tr, unit, sample, trace):
    t, d = unit
    row = attention_row(net, trace, tr.index, 0, t, sample)
    terms = term_sum(row.heads_concat, tr.params["Wo"][:, d].astype(np.float64))
    rest = float(tr.params["bo"][d]) + (float(tr.input[sample, t, d]) if row.residual else 0.0)
    total = terms.total + rest
    residual = rf" + x_{{{t},{d}}}" if row.residual else ""
    lines = (rf"y_{{{t},{d}}} = \sum_e o_{{{t},e}} W^o_{{e,{d}}} + b^o_{{{d}}}{residual} = {tex_terms(terms)} + "
             rf"{tex_operand(rest)} = {tex(total)}",)
    z = float(tr.z[sample, t, d]) if tr.activation else None
    if tr.activation:
        lines += (_activation_line(tr, z, float(tr.a[sample, t, d]), tr.z[sample, t]),)
    return lines, terms, total, z


def worked_unit(net, trace, layer, unit, sample=0):
    """Output ``unit`` (an index tuple, or an int for flat outputs) of ``layer`` from a forward trace."""
    if not 0 <= layer < len(trace):
        raise ValueError(f"layer index={layer}: this network has layers 0…{len(trace) - 1}")
    tr = trace[layer]
    shape = tr.a.shape[1:]
    unit = (int(unit),) if np.isscalar(unit) else tuple(int(u) for u in unit)
    if len(unit) != len(shape) or not all(0 <= u < n for u, n in zip(unit, shape)):
        raise ValueError(f"unit {unit}: layer {layer + 1}'s output has shape {shape}")
    kind = tr.kind
    if kind == "conv2d":
        pos = conv_position(net, trace, layer, *unit, sample=sample)
        lines, terms, reproduced, z = (pos.latex,), pos.terms, pos.reproduced_z, pos.z
    elif kind in POOLS:
        win = pool_window(net, trace, layer, *unit, sample=sample)
        lines, terms, reproduced, z = (win.latex,), None, win.reproduced, None
    elif kind == "self_attention":
        lines, terms, reproduced, z = _attention(net, tr, unit, sample, trace)
    else:
        rule = {"dense": _dense, "token_dense": _dense, "patch_embed": _patch_embed, "layer_norm": _layer_norm,
                "token_mean_pool": _mean_pool, "flatten": _copy, "dropout": _copy}[kind]
        lines, terms, reproduced, z = rule(net, tr, unit, sample)
    return WorkedUnit(layer, kind, unit, formula_tex(kind), tuple(lines), terms, float(reproduced),
                      float(tr.a[(sample, *unit)]), z)
