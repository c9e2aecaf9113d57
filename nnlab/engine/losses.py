"""Losses: value averaged over the batch, and ∂L/∂a for the network's output a.

MSE follows the seed article: L = ½·Σ_k (y_k − t_k)², summed over outputs and averaged over the batch.
Cross-entropies are paired with their natural output activation (``fused``): softmax + softmax
cross-entropy and sigmoid + binary cross-entropy both give δ = ∂L/∂z = (a − t)/n, which is exact,
cheaper and numerically safer than going through ∂L/∂a.
"""
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

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
    name: str
    value: Callable
    grad: Callable  # ∂L/∂a, shape of a
    fused: Optional[str] = None  # output activation whose δ is simply (a − t)/n
    formula: str = ""


LOSSES = {
    "mse": Loss("mse", _mse, lambda a, t: (a - t) / a.shape[0],
                formula=r"L=\frac{1}{2}\sum_k (y_k-t_k)^2"),
    "bce": Loss("bce", _bce,
                _bce_grad,
                fused="sigmoid", formula=r"L=-\sum_k t_k\log y_k+(1-t_k)\log(1-y_k)"),
    "softmax_ce": Loss("softmax_ce", _softmax_ce, lambda a, t: -t / _clip01(a) / a.shape[0],
                       fused="softmax", formula=r"L=-\sum_k t_k\log p_k"),
}

# Output activations each loss accepts; anything else is a spec error (e.g. log of a negative output).
COMPATIBLE_OUTPUTS = {
    "mse": set(),  # empty = any activation
    "bce": {"sigmoid"},
    "softmax_ce": {"softmax"},
}


def get_loss(name):
    if name not in LOSSES:
        raise ValueError(f"loss={name!r} is unknown; choose one of {sorted(LOSSES)}")
    return LOSSES[name]


def check_output_activation(loss_name, activation):
    allowed = COMPATIBLE_OUTPUTS[loss_name]
    if allowed and activation not in allowed:
        raise ValueError(f"loss={loss_name!r} needs the output activation to be one of {sorted(allowed)}, "
                         f"got activation={activation!r}")
