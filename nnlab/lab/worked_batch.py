"""The gradient of a batch is the mean of the samples' gradients: each sample's own ∂Lₙ/∂θ for one
chosen weight, and which samples pull it which way.

The loss of a batch is the mean of the samples' losses, so the engine's δ for a batch of n is each
sample's own δ divided by n. A weight's gradient factors into (layer input)·δ per sample, so one
``backward_trace`` of the batch gives every sample's part of it: n·(its part) is that sample's own
gradient, and their mean is exactly the batch gradient the engine computes (tests check both against
one backward pass per sample).
"""
from dataclasses import dataclass

import numpy as np

from .terms import tex
from .worked_conv import kernel_inputs

DENSE_KINDS = ("dense", "token_dense")


@dataclass(frozen=True)
class BatchGradient:
    layer: int
    param: str  # "W" or "b"
    index: tuple
    per_sample: np.ndarray  # (n,) each sample's own ∂Lₙ/∂θ
    mean: float  # mean of per_sample
    grad: float  # the engine's ∂L/∂θ for the whole batch
    order: np.ndarray  # sample indices, largest |per-sample gradient| first
    n_push_down: int  # samples with a positive gradient: gradient descent lowers θ for them
    n_push_up: int  # samples with a negative gradient: it raises θ
    latex: str


def _contributions(net, trace, layer, param, index):
    """Each sample's part of the batch gradient (they sum to it), (n,)."""
    kind = net.layers[layer].kind
    x, delta = trace.forward[layer].input.astype(np.float64), trace.layers[layer].delta.astype(np.float64)
    n = len(x)
    if kind in DENSE_KINDS:
        d = delta[..., index[-1]].reshape(n, -1)  # (n, tokens) or (n, 1)
        return (x[..., index[0]].reshape(n, -1) * d).sum(axis=1) if param == "W" else d.sum(axis=1)
    if kind == "conv2d":
        d = delta[:, index[0]]
        if param == "b":
            return d.sum(axis=(1, 2))
        return (d * kernel_inputs(net, layer, x, *index[1:])).sum(axis=(1, 2))
    raise ValueError(f"layer {layer + 1} is a {kind} layer; per-sample gradients are worked out for dense and "
                     "conv2d layers")


def batch_gradient(net, trace, layer, param, index):
    """Per-sample gradients of parameter ``param`` at ``index`` of ``layer``, from the backward trace of
    a batch (``net.backward_trace(x, t)``: made once, it serves every weight)."""
    if not 0 <= layer < len(net.layers) or param not in net.layers[layer].params:
        raise ValueError(f"layer index={layer} has no parameter {param!r}")
    shape = net.layers[layer].params[param].shape
    index = (int(index),) if np.isscalar(index) else tuple(int(i) for i in index)
    if len(index) != len(shape) or not all(0 <= i < s for i, s in zip(index, shape)):
        raise ValueError(f"index {index}: layer {layer + 1}'s {param} has shape {shape}")
    n = len(trace.output)
    per_sample = n * _contributions(net, trace, layer, param, index)
    mean = float(per_sample.mean())
    order = np.argsort(-np.abs(per_sample), kind="stable")
    name = f"{param}_{{{','.join(str(i) for i in index)}}}"
    latex = (rf"\frac{{\partial L}}{{\partial {name}}} = \frac{{1}}{{{n}}}\sum_{{n=1}}^{{{n}}} "
             rf"\frac{{\partial L_n}}{{\partial {name}}} = \frac{{{tex(per_sample.sum())}}}{{{n}}} = {tex(mean)}")
    return BatchGradient(layer, param, index, per_sample, mean, float(trace.layers[layer].grads[param][index]),
                         order, int(np.sum(per_sample > 0)), int(np.sum(per_sample < 0)), latex)
