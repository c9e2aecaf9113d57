"""One row of self-attention worked in numbers: softmax(q·Kᵀ/√d)·V for one head and one query token.

For head h and query token t: the query qₜ = xₜ·W_q + b_q and every key kⱼ and value vⱼ (the head's
d = D/heads columns); the scores sⱼ = qₜ·kⱼ/√d; the softmax row Aₜⱼ = e^{sⱼ}/Σₘ e^{sₘ}, which sums to 1;
the head's output oₜ = Σⱼ Aₜⱼ·vⱼ. Then all heads' outputs, side by side, go through the output
projection: yₜ = [o¹ₜ … oᴴₜ]·W_o + b_o (+ xₜ with the residual), which is the z the engine's trace holds.

The attention row shown is the engine's own (``forward_trace`` extras); q, k, v and the head outputs
are computed here from the traced input and parameters, and ``projected`` reproduces the engine's z
(the engine's trace does not carry q, k, v or the head outputs; see the report on issue 11).
"""
from dataclasses import dataclass

import numpy as np

from nnlab.i18n import _

from .terms import tex, tex_vector


@dataclass(frozen=True)
class AttentionRow:
    layer: int
    head: int
    query: int  # token index t
    head_dim: int  # d = D / heads
    q: np.ndarray  # (d,)
    keys: np.ndarray  # (T, d)
    values: np.ndarray  # (T, d)
    scores: np.ndarray  # (T,) qₜ·kⱼ/√d
    exps: np.ndarray  # (T,) e^{sⱼ − max s}: the softmax's numerators
    weights: np.ndarray  # (T,) the engine's attention row, sums to 1
    order: np.ndarray  # token indices by weight, largest first
    head_output: np.ndarray  # (d,) Σⱼ Aₜⱼ·vⱼ
    heads_concat: np.ndarray  # (D,) every head's output for token t, before the output projection
    projected: np.ndarray  # (D,) heads_concat·W_o + b_o (+ xₜ): reproduces ``output``
    output: np.ndarray  # (D,) the engine's z for token t (after the projection and residual)
    residual: bool
    latex: tuple  # lines: a score, the softmax of it, the weighted sum, the projection


def _attention(net, trace, layer, head, query):
    if not 0 <= layer < len(net.layers) or net.layers[layer].kind != "self_attention":
        raise ValueError(f"layer index={layer} is not a self_attention layer")
    cfg = net.layers[layer].config()
    tokens = net.layers[layer].input_shape[0]
    if not 0 <= head < cfg["heads"]:
        raise ValueError(f"head={head}: layer {layer + 1} has heads 0…{cfg['heads'] - 1}")
    if not 0 <= query < tokens:
        raise ValueError(f"query token={query}: layer {layer + 1} has tokens 0…{tokens - 1}")
    return cfg


def attention_row(net, trace, layer, head, query, sample=0):
    """Head ``head``'s attention for query token ``query`` of self-attention ``layer``, from a forward trace."""
    cfg = _attention(net, trace, layer, head, query)
    tr = trace[layer]
    x = tr.input[sample].astype(np.float64)  # (T, D)
    p = {k: v.astype(np.float64) for k, v in tr.params.items()}
    d = x.shape[1] // cfg["heads"]
    q_all, k_all, v_all = (x @ p["W" + s] + p["b" + s] for s in "qkv")
    cols = slice(head * d, (head + 1) * d)
    q, keys, values = q_all[query, cols], k_all[:, cols], v_all[:, cols]
    scores = keys @ q / np.sqrt(d)
    exps = np.exp(scores - scores.max())
    weights = tr.extras["attention"][sample, head, query].astype(np.float64)
    # Every head's output for this token, from the engine's attention rows (they feed W_o together).
    rows = tr.extras["attention"][sample, :, query].astype(np.float64)  # (heads, T)
    heads_concat = np.concatenate([rows[h] @ v_all[:, h * d:(h + 1) * d] for h in range(cfg["heads"])])
    projected = heads_concat @ p["Wo"] + p["bo"] + (x[query] if cfg["residual"] else 0.0)
    order = np.argsort(-weights, kind="stable")
    j, top = int(order[0]), order[:3]
    mix = " + ".join(rf"{tex(weights[m])}\, v_{{{m}}}" for m in top)
    more = _(" more keys, weight ")
    latex = (
        rf"s_{{{j}}} = \frac{{q_{{{query}}}\cdot k_{{{j}}}}}{{\sqrt{{{d}}}}} = \frac{{{tex(q @ keys[j])}}}"
        rf"{{{tex(np.sqrt(d))}}} = {tex(scores[j])}",
        rf"A_{{{query},{j}}} = \frac{{e^{{s_{{{j}}} - \max s}}}}{{\sum_m e^{{s_m - \max s}}}} = \frac{{{tex(exps[j])}}}"
        rf"{{{tex(exps.sum())}}} = {tex(weights[j])},\quad \sum_j A_{{{query},j}} = {tex(weights.sum(), 6)}",
        rf"o_{{{query}}} = \sum_j A_{{{query},j}}\, v_j = {mix} + \underbrace{{\ldots}}_{{{len(weights) - len(top)}"
        rf"\text{{{more}}} {tex(weights[order[len(top):]].sum())}}} = {tex_vector(weights @ values)}",
        rf"y_{{{query}}} = [o^{{1}} \ldots o^{{{cfg['heads']}}}]\, W_o + b_o"
        + (rf" + x_{{{query}}}" if cfg["residual"] else "")
        + rf" = {tex_vector(projected)}",
    )
    output = tr.z[sample, query].astype(np.float64)
    return AttentionRow(layer, head, query, d, q, keys, values, scores, exps, weights, order,
                        weights @ values, heads_concat, projected, output, cfg["residual"], latex)
