"""The network container: a stack of layers plus a loss, built from a JSON-able spec.

A spec is a plain dict, the same one saved beside the weights::

    {"input_shape": [784], "loss": "softmax_ce", "init": "he", "seed": 0, "dtype": "float32",
     "layers": [{"type": "dense", "units": 128, "activation": "relu"},
                {"type": "dense", "units": 10, "activation": "softmax"}]}

Inputs are always given flat, shape (n_samples, n_features); the network reshapes them to
``input_shape`` (e.g. (1, 28, 28) for a CNN), so datasets and pages never care about layout.
"""
from dataclasses import dataclass, field

import numpy as np

from ..i18n import _
from .flat_parameters import FlatParameters
from .layer_types import layer_from_config
from .losses import check_output_activation, get_loss

DEFAULTS = {"loss": "softmax_ce", "init": "he", "sigma": 0.01, "seed": 0, "dtype": "float32"}
PREDICT_CHUNK = 2048
# Also at most this many bytes in a chunk's widest layer output: 2048 images' conv feature maps would
# take tens of MB, and fresh buffers that big cost more time than the arithmetic (measured: 1.5-2x).
PREDICT_BYTES = 4 * 2**20
# A diverged network's values overflow float32: inf and NaN are its honest results (the trainer reports the
# divergence, pages show them), so the layer loops do not also warn into the server log.
QUIET = dict(over="ignore", invalid="ignore", divide="ignore")


@dataclass
class LayerTrace:
    """What one layer did in a forward pass; arrays are copies, safe to keep and draw."""
    index: int
    name: str
    kind: str
    input: np.ndarray
    z: np.ndarray
    a: np.ndarray
    activation: str | None
    params: dict
    extras: dict = field(default_factory=dict)


@dataclass
class LayerGradTrace:
    """What one layer received in a backward pass: δ = ∂L/∂z, ∂L/∂(each parameter), ∂L/∂input."""
    index: int
    name: str
    kind: str
    delta: np.ndarray
    grads: dict
    grad_input: np.ndarray


@dataclass
class BackwardTrace:
    loss: float
    output: np.ndarray
    target: np.ndarray
    forward: list
    layers: list


def mlp_spec(sizes, activation="relu", output="softmax", loss="softmax_ce", **kw):
    """Spec of a multilayer perceptron, e.g. ``mlp_spec([784, 128, 64, 10])``.

    ``activation`` is one name for every hidden layer, or a list with one name per hidden layer.
    """
    hidden = sizes[1:-1]
    acts = [activation] * len(hidden) if isinstance(activation, str) else list(activation)
    if len(acts) != len(hidden):
        raise ValueError(f"activation has {len(acts)} entries for {len(hidden)} hidden layers")
    layers = [{"type": "dense", "units": u, "activation": a} for u, a in zip(hidden, acts)]
    layers.append({"type": "dense", "units": sizes[-1], "activation": output})
    return {"input_shape": [sizes[0]], "layers": layers, "loss": loss, **kw}


class Network:
    def __init__(self, spec):
        self.spec = {**DEFAULTS, **spec}
        spec = self.spec
        if "input_shape" not in spec:
            raise ValueError(_("input_shape is missing from the network spec"))
        shape = tuple(int(s) for s in np.atleast_1d(spec["input_shape"]))
        if not shape or min(shape) < 1:
            raise ValueError(_("input_shape={value}: every size must be at least 1", value=repr(spec["input_shape"])))
        if spec["dtype"] not in ("float32", "float64"):
            raise ValueError(_("dtype={value}: use 'float32' or 'float64'", value=repr(spec["dtype"])))
        if not spec.get("layers"):
            raise ValueError(_("layers is empty: a network needs at least one layer"))
        self.loss = get_loss(spec["loss"])
        self.dtype = np.dtype(spec["dtype"])
        self.input_shape = shape
        rng = np.random.default_rng(spec["seed"])
        self.layers = []
        for i, cfg in enumerate(spec["layers"]):
            try:
                layer = layer_from_config(cfg)
                shape = layer.build(shape, rng, self.dtype, spec["init"], spec["sigma"])
            except ValueError as exc:
                kind = cfg.get("type") if isinstance(cfg, dict) else "?"
                raise ValueError(_("layer {i} ({kind}): {detail}", i=i + 1, kind=kind, detail=exc)) from None
            layer.name = f"L{i + 1} {layer.kind}"
            self.layers.append(layer)
        self.output_shape = shape
        last = self.layers[-1]
        check_output_activation(self.loss.name, last.activation.name if last.activation else "identity")
        self.spec["layers"] = [layer.config() for layer in self.layers]
        self.flat = FlatParameters(self.param_layers(), self.dtype)

    def __setstate__(self, state):
        """After ``copy.deepcopy`` every array is a separate copy, no longer a view of the flat buffers;
        gather them again, or the optimiser would update arrays the layers do not use."""
        self.__dict__.update(state)
        self.flat = FlatParameters(self.param_layers(), self.dtype)

    # ---- shapes and parameters -------------------------------------------------------------
    @property
    def n_inputs(self):
        return int(np.prod(self.input_shape))

    @property
    def n_outputs(self):
        return int(np.prod(self.output_shape))

    @property
    def n_params(self):
        return sum(layer.n_params for layer in self.layers)

    def param_layers(self):
        """The layers that have parameters, in order."""
        return [layer for layer in self.layers if layer.params]

    def get_params(self, index):
        """Copies of layer ``index``'s parameters (0-based, counting every layer)."""
        return {k: v.copy() for k, v in self.layers[index].params.items()}

    def set_params(self, index, **arrays):
        """Overwrite some of layer ``index``'s parameters; shapes must match exactly."""
        layer = self.layers[index]
        for name, value in arrays.items():
            if name not in layer.params:
                raise ValueError(f"layer {index + 1} has no parameter {name!r}; it has {list(layer.params)}")
            value = np.asarray(value, dtype=self.dtype)
            if value.shape != layer.params[name].shape:
                raise ValueError(f"layer {index + 1} {name}: shape {value.shape} given, "
                                 f"{layer.params[name].shape} expected")
            layer.params[name][...] = value

    def summary(self):
        """One dict per layer: name, kind, output shape, activation, parameter count."""
        return [{"layer": layer.name, "kind": layer.kind, "input shape": layer.input_shape,
                 "output shape": layer.output_shape,
                 "activation": layer.activation.name if layer.activation else "",
                 "parameters": layer.n_params} for layer in self.layers]

    # ---- forward and backward ------------------------------------------------------------------
    def _reshape_input(self, x):
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim == 1:
            x = x[None, :]
        if x.shape[1:] == self.input_shape:
            return x
        if int(np.prod(x.shape[1:])) != self.n_inputs:
            raise ValueError(f"input has {int(np.prod(x.shape[1:]))} features per sample, "
                             f"the network expects {self.n_inputs} (input_shape={self.input_shape})")
        return x.reshape((x.shape[0],) + self.input_shape)

    def forward(self, x, training=False):
        """Output for a batch; layers keep their caches for a following ``backward``."""
        x = self._reshape_input(x)
        with np.errstate(**QUIET):
            for layer in self.layers:
                x = layer.forward(x, training)
        return x

    def predict(self, x):
        """Outputs for any number of samples, in chunks so big sets don't need big buffers."""
        x = self._reshape_input(x)
        widest = max(int(np.prod(layer.output_shape)) for layer in self.layers) * self.dtype.itemsize
        chunk = max(1, min(PREDICT_CHUNK, PREDICT_BYTES // widest))
        if len(x) <= chunk:
            return self.forward(x)
        return np.concatenate([self.forward(x[i:i + chunk]) for i in range(0, len(x), chunk)])

    def loss_value(self, output, target):
        return self.loss.value(output, np.asarray(target, dtype=output.dtype).reshape(output.shape))

    def backward(self, output, target, record=False, need_input_grad=True):
        """Backpropagate from the loss; fills every layer's ``grad``. Returns ∂L/∂input, or with
        ``record`` a list of LayerGradTrace (copies) in layer order."""
        target = np.asarray(target, dtype=output.dtype).reshape(output.shape)
        last = self.layers[-1]
        fused = self.loss.fused and last.activation is not None and last.activation.name == self.loss.fused
        grad = (output - target) / output.shape[0] if fused else self.loss.grad(output, target)  # explain: output delta
        traces = []
        with np.errstate(**QUIET):
            for i in reversed(range(len(self.layers))):
                layer = self.layers[i]
                grad_out = grad
                need = need_input_grad or record or i > 0
                grad = layer.backward_from_z(grad, need) if (fused and layer is last) else layer.backward(grad, need)
                if record:
                    # δ = ∂L/∂z for layers with an activation; for the others, ∂L/∂output.
                    delta = layer.delta if layer.activation is not None else grad_out
                    traces.append(LayerGradTrace(i, layer.name, layer.kind, np.array(delta, copy=True),
                                                 {k: v.copy() for k, v in layer.grad.items()}, grad.copy()))
        return traces[::-1] if record else grad

    def forward_trace(self, x):
        """Per layer: the input, z, a (copies), parameters and extras, for one batch in inference mode."""
        x = self._reshape_input(x)
        traces = []
        with np.errstate(**QUIET):
            for i, layer in enumerate(self.layers):
                inp = x
                x = layer.forward(x, training=False)
                z = layer.z if layer.activation is not None else x
                traces.append(LayerTrace(i, layer.name, layer.kind, inp.copy(), np.array(z, copy=True), x.copy(),
                                         layer.activation.name if layer.activation else None,
                                         {k: v.copy() for k, v in layer.params.items()},
                                         {k: np.array(v, copy=True) for k, v in layer.trace_extras().items()}))
        return traces

    def backward_trace(self, x, target):
        """The loss and, per layer, δ, ∂L/∂params and ∂L/∂input for one batch (inference mode)."""
        forward = self.forward_trace(x)  # also leaves every layer's cache filled for backward
        output = forward[-1].a
        target = np.asarray(target, dtype=self.dtype).reshape(output.shape)
        layers = self.backward(output, target, record=True)
        return BackwardTrace(self.loss_value(output, target), output, target, forward, layers)

    # ---- randomness (dropout masks) ---------------------------------------------------------------
    def rng_state(self):
        return [layer.rng.bit_generator.state for layer in self.layers if hasattr(layer, "rng")]

    def set_rng_state(self, states):
        for layer, state in zip([layer for layer in self.layers if hasattr(layer, "rng")], states):
            layer.rng.bit_generator.state = state
