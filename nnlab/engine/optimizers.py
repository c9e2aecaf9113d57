"""Optimisers: objects with one override point, ``_delta(i, grad, lr)``, as in scikit-learn's
``BaseOptimizer``. ``step`` adds L2 weight decay, asks for each parameter's change, applies it in
place, and returns the changes so the trainer can report ‖ΔW‖/‖W‖ without recomputing them.

Every rule here is elementwise, so all gradients are packed into one flat vector and ``_delta`` runs
once per step on it: a dozen NumPy calls per step instead of a dozen per parameter array, which is
what small arrays (biases) cost. The numbers are exactly those of a per-array loop.
"""
import math

import numpy as np


class Optimizer:
    def __init__(self, lr=0.01, weight_decay=0.0):
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"lr={lr!r}: the learning rate must be a positive number")
        if weight_decay < 0:
            raise ValueError(f"weight_decay={weight_decay!r}: L2 weight decay cannot be negative")
        self.lr, self.weight_decay = float(lr), float(weight_decay)
        self.t = 0  # steps taken, for Adam's bias correction

    def compute(self, params, grads, decay, lr=None, packed=None):
        """The change for each parameter, without applying it.

        params, grads: lists of arrays in the same order; decay: list of bools, True for arrays that
        L2 weight decay applies to (weights, not biases). ``packed``: optionally a 1-D array that
        already holds all of ``grads`` back to back (they are views of it), which saves a copy.
        Returns one array per parameter, shaped like it.
        """
        self.t += 1
        lr = self.lr if lr is None else lr
        if not grads:
            return []
        sizes = [g.size for g in grads]
        if packed is not None and not self.weight_decay:
            flat = packed  # only read below, so the caller's gradients stay as they are
        else:
            dtype = np.result_type(*grads)
            flat = getattr(self, "_flat", None)
            if flat is None or flat.size != sum(sizes) or flat.dtype != dtype:
                flat = self._flat = np.empty(sum(sizes), dtype=dtype)
            np.concatenate([g.reshape(-1) for g in grads], out=flat)
        pieces, start = [], 0
        for p, n in zip(params, sizes):
            pieces.append((start, start + n, p.shape))
            start += n
        if self.weight_decay:
            for p, d, (a, b, _) in zip(params, decay, pieces):
                if d:
                    flat[a:b] += self.weight_decay * p.reshape(-1)  # ∂/∂W of (λ/2)·‖W‖²
        delta = self._delta(0, flat, lr)  # a new array each step, so returned views stay valid
        return [delta[a:b].reshape(shape) for a, b, shape in pieces]

    def step(self, params, grads, decay, lr=None):
        deltas = self.compute(params, grads, decay, lr)
        for p, d in zip(params, deltas):
            p += d
        return deltas

    def _delta(self, i, grad, lr):
        raise NotImplementedError


class SGD(Optimizer):
    """W ← W − η·g"""
    def _delta(self, i, grad, lr):
        return -lr * grad


class Momentum(Optimizer):
    """v ← μ·v − η·g;  W ← W + v  (heavy ball: keeps moving in directions that agree step after step)."""
    def __init__(self, lr=0.01, weight_decay=0.0, momentum=0.9):
        super().__init__(lr, weight_decay)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum={momentum!r}: must be in [0, 1)")
        self.momentum, self.velocity = momentum, {}

    def _delta(self, i, grad, lr):
        v = self.velocity.get(i)
        if v is None:
            v = self.velocity[i] = np.zeros_like(grad)
        v *= self.momentum
        v -= lr * grad
        return v.copy()


class Adam(Optimizer):
    """Adam (Kingma & Ba): per-parameter step sizes from running means of g and g²."""
    def __init__(self, lr=0.001, weight_decay=0.0, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr, weight_decay)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m, self.v, self.work = {}, {}, {}

    def _delta(self, i, grad, lr):
        if i not in self.m:
            self.m[i], self.v[i], self.work[i] = np.zeros_like(grad), np.zeros_like(grad), np.empty_like(grad)
        m, v, work = self.m[i], self.v[i], self.work[i]  # work: scratch space, reused every step
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
