"""Losses: value averaged over the batch, and ∂L/∂a for the network's output a.

MSE follows the seed article: L = ½·Σ_k (y_k − t_k)², summed over outputs and averaged over the batch.
Cross-entropies are paired with their natural output activation (``fused``): softmax + softmax
cross-entropy and sigmoid + binary cross-entropy both give δ = ∂L/∂z = (a − t)/n, which is exact,
cheaper and numerically safer than going through ∂L/∂a.
"""
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..i18n import N_, _

EPS = 1e-12


_CLIP_EPS = {}  # dtype -> margin, so the per-step loss does not ask np.finfo every time


def _clip01(a):
    """Keep probabilities inside (0, 1) for the logs: 1 − 1e-12 rounds to 1.0 in float32, so the
    margin follows the dtype's precision."""
    eps = _CLIP_EPS.get(a.dtype)
    if eps is None:
        eps = _CLIP_EPS[a.dtype] = max(EPS, float(np.finfo(a.dtype).eps))
    return np.minimum(np.maximum(a, eps), 1 - eps)  # np.clip's values, without its call overhead


def _bce_grad(a, t):
    a = _clip01(a)
    return (a - t) / (a * (1 - a)) / a.shape[0]


def _mse(a, t):
    with np.errstate(over="ignore"):  # outputs of a diverged network: the loss is then honestly inf
        return 0.5 * float(np.sum((a - t) ** 2)) / a.shape[0]


def _bce(a, t):
    a = _clip01(a)
    return -float(np.sum(t * np.log(a) + (1 - t) * np.log(1 - a))) / a.shape[0]


def _softmax_ce(a, t):
    return -float(np.vdot(t, np.log(_clip01(a)))) / a.shape[0]  # Σ t·log p as one dot product


@dataclass(frozen=True)
class Loss:
    """One table entry: the loss, ∂L/∂a, and how the pages name and write it (label, LaTeX of L and ∂L/∂y)."""
    name: str
    value: Callable
    grad: Callable  # ∂L/∂a, shape of a
    label: str
    latex: str
    dlatex: str
    fused: str | None = None  # the one output activation it takes; its δ is simply (a − t)/n


# In the sidebar's order (its loss list and labels come from here).
LOSSES = {
    "softmax_ce": Loss("softmax_ce", _softmax_ce, lambda a, t: -t / _clip01(a) / a.shape[0],
                       label=N_("softmax cross-entropy"), latex=r"L=-\sum_k t_k\log p_k", dlatex=r"-\frac{t_k}{p_k}",
                       fused="softmax"),
    "bce": Loss("bce", _bce, _bce_grad, label=N_("binary cross-entropy"),
                latex=r"L=-\sum_k t_k\log y_k+(1-t_k)\log(1-y_k)", dlatex=r"\frac{y_k-t_k}{y_k(1-y_k)}",
                fused="sigmoid"),
    "mse": Loss("mse", _mse, lambda a, t: (a - t) / a.shape[0], label="MSE ½Σ(y−t)²",  # explain: mse grad
                latex=r"L=\frac{1}{2}\sum_k (y_k-t_k)^2", dlatex=r"y_k-t_k"),
}

# Output activations each loss accepts (empty = any): a fused loss takes only its own output (the log of a
# negative or non-normalised output would be meaningless).
COMPATIBLE_OUTPUTS = {name: {loss.fused} if loss.fused else set() for name, loss in LOSSES.items()}


def get_loss(name):
    if name not in LOSSES:
        raise ValueError(_("loss={value} is unknown; choose one of {choices}", value=repr(name),
                           choices=sorted(LOSSES)))
    return LOSSES[name]


def check_output_activation(loss_name, activation):
    allowed = COMPATIBLE_OUTPUTS[loss_name]
    if allowed and activation not in allowed:
        raise ValueError(_("loss={loss} needs the output activation to be one of {choices}, got activation={value}",
                           loss=repr(loss_name), choices=sorted(allowed), value=repr(activation)))
