"""An independent copy of a network, so experiments (switching units off, editing a weight, a float64
gradient check) never touch the user's model.

Meant to become ``Network.copy(dtype=None)``; it lives in its own module until then.
"""
import numpy as np

from .network import Network


def copy_network(net, dtype=None):
    """A new Network with ``net``'s spec and a copy of every parameter, optionally in another dtype
    ('float32' or 'float64'). Dropout random states are copied too, so the copy draws the same masks."""
    spec = dict(net.spec)
    if dtype is not None:
        spec["dtype"] = np.dtype(dtype).name
    copy = Network(spec)
    for i, layer in enumerate(net.layers):
        if layer.params:
            copy.set_params(i, **layer.params)
    copy.set_rng_state(net.rng_state())
    return copy
