"""Layers: each keeps its forward computation and its derivative side by side.

Contract (every layer, including the convolution and attention ones):
- ``build(input_shape, rng, dtype, init, sigma) -> output_shape`` creates parameters (shapes exclude the batch).
- ``forward(x, training)`` returns the output and caches what ``backward`` needs in ``self.cache``
  (overwritten on each call, so nothing grows). Layers with an activation also keep ``self.z`` and ``self.a``.
- ``backward(grad_out, need_input_grad=True)`` writes parameter gradients into ``self.grad`` in place
  and returns ∂L/∂input (or None when ``need_input_grad`` is False: the first layer's input gradient is
  never used in training, and skipping it saves a third of that layer's backward work). Layers with an
  activation keep ``self.delta`` = ∂L/∂z.
- ``params`` / ``grad`` are dicts name -> array. In a network both are views of one flat buffer each
  (``FlatParameters``), so parameters are only ever changed in place and gradients written with ``out=``.
- ``config()`` is the JSON-able spec that rebuilds the layer; ``trace_extras()`` returns extra tensors
  pages may show (attention weights, ...).

The layer types of every module are looked up by name in ``layer_types.LAYER_TYPES``.
"""
import numpy as np

from ..i18n import _
from .activations import get_activation
from .initializers import initialize


def positive_int(name, value):
    """``value`` as an int if it is a whole number >= 1, else a ValueError naming the setting."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(_("{name}={value}: give a whole number of at least 1", name=name, value=repr(value)))
    return int(value)


class Layer:
    kind = "layer"
    activation = None  # an Activation for layers that apply one, else None

    def __init__(self):
        self.params, self.grad, self.cache = {}, {}, None
        self.input_shape = self.output_shape = None
        self.z = self.a = None

    def build(self, input_shape, rng, dtype, init, sigma):
        self.input_shape = self.output_shape = tuple(input_shape)
        return self.output_shape

    def config(self):
        return {"type": self.kind}

    def trace_extras(self):
        return {}

    def backward_from_z(self, delta, need_input_grad=True):
        """Backward pass given δ = ∂L/∂z directly (used when the loss fuses with the activation)."""
        raise NotImplementedError(f"{self.kind} has no activation to fuse with")

    def grad_buffer(self, name):
        """The array ``backward`` writes ∂L/∂``name`` into: in a network, a view of its flat gradient
        buffer; for a layer used on its own, an array of its own, made on first use."""
        g = self.grad.get(name)
        if g is None:
            g = self.grad[name] = np.zeros_like(self.params[name])
        return g

    @property
    def n_params(self):
        return int(sum(p.size for p in self.params.values()))


class Dense(Layer):
    """Fully connected layer with its activation: z = x·W + b, a = f(z).

    W has shape (n_in, n_out) — the same as scikit-learn's ``coefs_`` — so one row per input unit.
    """
    kind = "dense"

    def __init__(self, units, activation="relu", init=None):
        super().__init__()
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units < 1:
            raise ValueError(_("units={value}: a dense layer needs at least 1 unit", value=repr(units)))
        self.units, self.init = int(units), init
        self.activation = get_activation(activation)

    def build(self, input_shape, rng, dtype, init, sigma):
        if len(input_shape) != 1:
            raise ValueError(_("a dense layer needs a flat input, got shape {shape}; put a 'flatten' layer before it",
                               shape=tuple(input_shape)))
        return self._build_weights(tuple(input_shape), rng, dtype, init, sigma)

    def _build_weights(self, input_shape, rng, dtype, init, sigma):
        n_in = input_shape[-1]
        self.params = {
            "W": initialize(self.init or init, (n_in, self.units), n_in, self.units, rng, sigma, dtype),
            "b": np.zeros(self.units, dtype=dtype),
        }
        self.input_shape, self.output_shape = input_shape, input_shape[:-1] + (self.units,)
        return self.output_shape

    def forward(self, x, training=False):
        self.cache = x
        self.z = x @ self.params["W"]  # explain: dense z
        self.z += self.params["b"]  # in place: one temporary fewer on the hot path
        self.a = self.activation.f(self.z)  # explain: dense a
        return self.a

    def backward(self, grad_a, need_input_grad=True):
        # explain: dense delta
        return self.backward_from_z(self.activation.backward(self.z, self.a, grad_a), need_input_grad)

    def backward_from_z(self, delta, need_input_grad=True):
        self.delta = delta
        # Works on the last axis, so token-wise layers (n, T, D) share it; for (n, D) the reshapes are free.
        x2 = self.cache.reshape(-1, self.cache.shape[-1])
        d2 = delta.reshape(-1, self.units)
        np.matmul(x2.T, d2, out=self.grad_buffer("W"))       # explain: dense dW
        np.add.reduce(d2, axis=0, out=self.grad_buffer("b"))  # explain: dense db
        # explain: dense grad_input
        return (d2 @ self.params["W"].T).reshape(self.cache.shape) if need_input_grad else None

    def config(self):
        cfg = {"type": self.kind, "units": self.units, "activation": self.activation.name}
        if self.init:
            cfg["init"] = self.init
        return cfg


class Dropout(Layer):
    """Inverted dropout: in training, zero each input with probability ``rate`` and scale the rest by
    1/(1−rate), so that nothing needs rescaling at prediction time."""
    kind = "dropout"

    def __init__(self, rate=0.5):
        super().__init__()
        if not 0 <= rate < 1:
            raise ValueError(_("rate={value}: dropout rate must be in [0, 1)", value=repr(rate)))
        self.rate = float(rate)

    def build(self, input_shape, rng, dtype, init, sigma):
        self.rng = np.random.default_rng(rng.integers(2**63))
        return super().build(input_shape, rng, dtype, init, sigma)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self.cache = None
            return x
        self.cache = (self.rng.random(x.shape) >= self.rate).astype(x.dtype) / (1 - self.rate)
        return x * self.cache

    def backward(self, grad_out, need_input_grad=True):
        return grad_out if self.cache is None else grad_out * self.cache

    def config(self):
        return {"type": "dropout", "rate": self.rate}


class Flatten(Layer):
    """(n, C, H, W) -> (n, C·H·W) in C order, so a dense head can follow a convolution."""
    kind = "flatten"

    def build(self, input_shape, rng, dtype, init, sigma):
        self.input_shape = tuple(int(s) for s in input_shape)
        self.output_shape = (int(np.prod(self.input_shape)),)
        return self.output_shape

    def forward(self, x, training=False):
        self.cache = x.shape
        return x.reshape(x.shape[0], -1)  # explain: flatten

    def backward(self, grad_out, need_input_grad=True):
        return grad_out.reshape(self.cache)
