"""Weight initialisers, each ``f(shape, fan_in, fan_out, rng, sigma) -> array`` and seeded by ``rng``.

Why they matter: zeros leaves every unit identical (no symmetry breaking); Xavier/Glorot keeps the
variance of sigmoid/tanh layers steady; He does the same for ReLU, which zeroes half its inputs.
"""
import numpy as np

from ..i18n import _


def zeros(shape, fan_in, fan_out, rng, sigma=0.01):
    return np.zeros(shape)


def normal(shape, fan_in, fan_out, rng, sigma=0.01):
    return rng.normal(0.0, sigma, size=shape)


def xavier(shape, fan_in, fan_out, rng, sigma=0.01):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def he(shape, fan_in, fan_out, rng, sigma=0.01):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


INITIALIZERS = {"zeros": zeros, "normal": normal, "xavier": xavier, "he": he}


def initialize(name, shape, fan_in, fan_out, rng, sigma=0.01, dtype=np.float32):
    if name not in INITIALIZERS:
        raise ValueError(_("init={value} is unknown; choose one of {choices}", value=repr(name),
                           choices=sorted(INITIALIZERS)))
    return INITIALIZERS[name](shape, fan_in, fan_out, rng, sigma).astype(dtype)
