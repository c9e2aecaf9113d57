"""Optimisers: objects with one override point, ``_delta(grad, lr)``, as in scikit-learn's
``BaseOptimizer``. ``delta`` adds L2 weight decay to the gradient and asks ``_delta`` for the change;
the trainer applies it and reports ‖ΔW‖/‖W‖ from the same array without recomputing it.

Every rule here is elementwise, so it runs on one flat vector holding all the gradients of a network
(``FlatParameters``): a dozen NumPy calls per step instead of a dozen per parameter array, which is what
small arrays (biases) cost. The numbers are exactly those of a per-array loop.
"""
import math

import numpy as np

from . import aligned


class Optimizer:
    def __init__(self, lr=0.01, weight_decay=0.0):
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"lr={lr!r}: the learning rate must be a positive number")
        if weight_decay < 0:
            raise ValueError(f"weight_decay={weight_decay!r}: L2 weight decay cannot be negative")
        self.lr, self.weight_decay = float(lr), float(weight_decay)
        self.t = 0  # steps taken, for Adam's bias correction

    def delta(self, values, grads, decay_slices, lr=None):
        """The change of every parameter for one step, without applying it.

        values, grads: 1-D arrays of the same length (all parameters, all gradients, back to back);
        decay_slices: the slices of them that L2 weight decay applies to (weights, not biases).
        ``grads`` is only read. Returns a new 1-D array, so views of it stay valid after later steps.
        """
        self.t += 1
        if self.weight_decay:
            work = getattr(self, "_decayed", None)
            if work is None or work.shape != grads.shape or work.dtype != grads.dtype:
                work = self._decayed = aligned.empty(grads.size, grads.dtype)
            np.copyto(work, grads)
            for part in decay_slices:
                work[part] += self.weight_decay * values[part]  # ∂/∂W of (λ/2)·‖W‖²
            grads = work
        return self._delta(grads, self.lr if lr is None else lr)

    def compute(self, params, grads, decay, lr=None):
        """``delta`` for separate arrays: params, grads are lists of arrays in the same order, decay a
        list of bools (True where weight decay applies). Returns one change per parameter, shaped like it."""
        if not grads:
            self.t += 1
            return []
        parts, start = [], 0
        for p in params:
            parts.append(slice(start, start + p.size))
            start += p.size
        flat_grads = np.concatenate([g.reshape(-1) for g in grads])
        flat_values = np.concatenate([p.reshape(-1) for p in params])
        change = self.delta(flat_values, flat_grads, [part for part, d in zip(parts, decay) if d], lr)
        return [change[part].reshape(p.shape) for part, p in zip(parts, params)]

    def step(self, params, grads, decay, lr=None):
        """Apply ``compute``'s changes in place; returns them."""
        deltas = self.compute(params, grads, decay, lr)
        for p, d in zip(params, deltas):
            p += d
        return deltas

    def _delta(self, grad, lr):
        raise NotImplementedError


class SGD(Optimizer):
    """W ← W − η·g"""
    def _delta(self, grad, lr):
        return -lr * grad  # explain: sgd update


class Momentum(Optimizer):
    """v ← μ·v − η·g;  W ← W + v  (heavy ball: keeps moving in directions that agree step after step)."""
    def __init__(self, lr=0.01, weight_decay=0.0, momentum=0.9):
        super().__init__(lr, weight_decay)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum={momentum!r}: must be in [0, 1)")
        self.momentum, self.velocity = momentum, None

    def _delta(self, grad, lr):
        if self.velocity is None:
            self.velocity = aligned.zeros(grad.size, grad.dtype)
        v = self.velocity
        v *= self.momentum
        v -= lr * grad
        return v.copy()


class Adam(Optimizer):
    """Adam (Kingma & Ba): per-parameter step sizes from running means of g and g²."""
    def __init__(self, lr=0.001, weight_decay=0.0, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr, weight_decay)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = self.v = self.work = None

    def _delta(self, grad, lr):
        if self.m is None:
            n, dtype = grad.size, grad.dtype  # aligned like the flat buffers: every pass below reads or writes them
            self.m, self.v, self.work = aligned.zeros(n, dtype), aligned.zeros(n, dtype), aligned.empty(n, dtype)
        m, v, work = self.m, self.v, self.work  # work: scratch space, reused every step
        m *= self.beta1
        m += np.multiply(grad, 1 - self.beta1, out=work)
        v *= self.beta2
        np.multiply(grad, grad, out=work)
        work *= 1 - self.beta2
        v += work
        # Bias-corrected step size folded into one scalar: η·√(1−β₂ᵗ)/(1−β₁ᵗ).
        # A Python float, so float32 parameters are updated in float32 (a NumPy float64 scalar would
        # promote the whole array operation to float64).
        step = float(lr) * math.sqrt(1 - self.beta2 ** self.t) / (1 - self.beta1 ** self.t)
        denom = np.sqrt(v, out=work)
        denom += self.eps
        out = m / denom
        out *= -step
        return out


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name, **kwargs):
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer={name!r} is unknown; choose one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[name](**kwargs)
