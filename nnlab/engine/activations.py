"""Activation functions and their derivatives, in one name -> (f, f', LaTeX) table.

The table is the single source of truth: the sidebar lists ``list(ACTIVATIONS)``, the forward and
backprop pages write f and f′ from it, and the gradient tests are parametrised over it, so adding an
activation is one entry here.

``f(z)`` maps pre-activations to activations. ``df(z, a)`` is the elementwise derivative f'(z); it also
receives ``a = f(z)`` because sigmoid' = a(1-a) and tanh' = 1-a² are cheaper from ``a``. Softmax is not
elementwise: its ``df`` returns the Jacobian per sample, shape (n, k, k), and ``backward`` uses the
vector-Jacobian product instead.
"""
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..i18n import _

LEAKY_SLOPE = 0.01  # leaky_relu's slope for z ≤ 0; its formulas below are written from it


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
        e = np.exp(z - m)  # explain: softmax
    if not np.isfinite(m).all():
        top = np.isposinf(m[..., 0])
        e[top] = z[top] == np.inf
    return e / e.sum(axis=-1, keepdims=True)  # explain: softmax


def _softmax_jacobian(z, a):
    # ∂a_i/∂z_j = a_i (δ_ij − a_j), one (k, k) matrix per sample.
    return a[..., :, None] * (np.eye(a.shape[-1], dtype=a.dtype) - a[..., None, :])


@dataclass(frozen=True)
class Activation:
    """One table entry: f and f′, and how the pages write them.

    latex : f(z) in LaTeX; latex_at : f applied to a number, a ``str.format`` template with ``{z}`` (elementwise
    activations only); dlatex : f′ in LaTeX, in terms of z and y = f(z) (for softmax, its Jacobian).
    """
    name: str
    f: Callable
    df: Callable
    latex: str
    latex_at: str
    dlatex: str
    elementwise: bool = True
    gate: Callable | None = None  # when f′ is 0 or 1: where it is 1, as a bool mask (multiplies faster)

    def backward(self, z, a, grad_a):
        """∂L/∂z from ∂L/∂a (chain rule through the activation). Infinite values (a diverged network)
        give inf/NaN here without a warning; the trainer and the pages check results for them."""
        with np.errstate(over="ignore", invalid="ignore"):
            if self.gate is not None:  # the same numbers as grad_a * f′(z), without making f′ as floats
                return grad_a * self.gate(z)  # explain: activation backward
            if self.elementwise:
                return grad_a * self.df(z, a)  # explain: activation backward
            # softmax: J^T g = a ⊙ (g − Σ_j g_j a_j)
            return a * (grad_a - (grad_a * a).sum(axis=-1, keepdims=True))  # explain: activation backward


ACTIVATIONS = {
    "identity": Activation("identity", lambda z: z, lambda z, a: np.ones_like(z), latex=r"z", latex_at=r"{z}",
                           dlatex=r"1"),
    "sigmoid": Activation("sigmoid", _sigmoid, lambda z, a: a * (1 - a), latex=r"\sigma(z)=\frac{1}{1+e^{-z}}",
                          latex_at=r"\frac{{1}}{{1+e^{{-({z})}}}}", dlatex=r"y(1-y)"),
    "tanh": Activation("tanh", np.tanh, lambda z, a: 1 - a * a, latex=r"\tanh z", latex_at=r"\tanh({z})",
                       dlatex=r"1-y^2"),
    "relu": Activation("relu", lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(z.dtype),
                       latex=r"\max(0,z)", latex_at=r"\max(0,\,{z})", dlatex=r"[z>0]", gate=lambda z: z > 0),
    "leaky_relu": Activation("leaky_relu", lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
                             lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype),
                             latex=rf"\max({LEAKY_SLOPE:g}z,z)", latex_at=rf"\max({LEAKY_SLOPE:g}\cdot{{z}},\,{{z}})",
                             dlatex=rf"[z>0]+{LEAKY_SLOPE:g}[z\le 0]"),
    "softmax": Activation("softmax", _softmax, _softmax_jacobian, latex=r"\frac{e^{z_i}}{\sum_j e^{z_j}}",
                          latex_at="", dlatex=r"y_i(\delta_{ij}-y_j)", elementwise=False),
}


def get_activation(name):
    """Look an activation up by name, with a message that lists the valid names."""
    if name not in ACTIVATIONS:
        raise ValueError(_("activation={value} is unknown; choose one of {choices}", value=repr(name),
                           choices=sorted(ACTIVATIONS)))
    return ACTIVATIONS[name]
