"""Activation functions and their derivatives, in one name -> (f, f') table.

The table is the single source of truth: the sidebar lists ``list(ACTIVATIONS)`` and the gradient
tests are parametrised over it, so adding an activation is one entry here.

``f(z)`` maps pre-activations to activations. ``df(z, a)`` is the elementwise derivative f'(z); it also
receives ``a = f(z)`` because sigmoid' = a(1-a) and tanh' = 1-a² are cheaper from ``a``. Softmax is not
elementwise: its ``df`` returns the Jacobian per sample, shape (n, k, k), and ``backward`` uses the
vector-Jacobian product instead.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01


def _sigmoid(z):
    # Two branches so that exp never overflows: for z < 0 use e^z / (1 + e^z).
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _softmax(z):
    # Subtract the row maximum first: exp of large logits would overflow, and softmax is unchanged.
    # After a divergence logits reach ±inf or ±3e38: z − max may overflow to −inf, whose exp is the right 0,
    # and a row whose maximum is +inf shares all its mass equally among its +inf entries (the limit).
    m = z.max(axis=-1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z - m)
    if not np.isfinite(m).all():
        top = np.isposinf(m[..., 0])
        e[top] = z[top] == np.inf
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_jacobian(z, a):
    # ∂a_i/∂z_j = a_i (δ_ij − a_j), one (k, k) matrix per sample.
    return a[..., :, None] * (np.eye(a.shape[-1], dtype=a.dtype) - a[..., None, :])


@dataclass(frozen=True)
class Activation:
    name: str
    f: Callable
    df: Callable
    elementwise: bool = True
    formula: str = ""

    def backward(self, z, a, grad_a):
        """∂L/∂z from ∂L/∂a (chain rule through the activation). Infinite values (a diverged network)
        give inf/NaN here without a warning; the trainer and the pages check results for them."""
        with np.errstate(over="ignore", invalid="ignore"):
            if self.elementwise:
                return grad_a * self.df(z, a)
            # softmax: J^T g = a ⊙ (g − Σ_j g_j a_j)
            return a * (grad_a - (grad_a * a).sum(axis=-1, keepdims=True))


ACTIVATIONS = {
    "identity": Activation("identity", lambda z: z, lambda z, a: np.ones_like(z), formula=r"f(z)=z"),
    "sigmoid": Activation("sigmoid", _sigmoid, lambda z, a: a * (1 - a),
                          formula=r"f(z)=\frac{1}{1+e^{-z}}"),
    "tanh": Activation("tanh", np.tanh, lambda z, a: 1 - a * a, formula=r"f(z)=\tanh z"),
    "relu": Activation("relu", lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(z.dtype),
                       formula=r"f(z)=\max(0,z)"),
    "leaky_relu": Activation("leaky_relu", lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
                             lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype),
                             formula=r"f(z)=\max(0.01z,z)"),
    "softmax": Activation("softmax", _softmax, _softmax_jacobian, elementwise=False,
                          formula=r"f(z)_i=\frac{e^{z_i}}{\sum_j e^{z_j}}"),
}


def get_activation(name):
    """Look an activation up by name, with a message that lists the valid names."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation={name!r} is unknown; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]
