"""The seed article's §4 neuron, computed by the engine itself.

One sigmoid unit with two inputs: x = (0.5, 0.1), W = (0.3, 0.7)ᵀ, b = −0.2, target t = 0.8 and
L = ½(y − t)². The article prints z = 0.35 and y ≈ 0.59, but 0.3·0.5 + 0.7·0.1 − 0.2 = 0.02; every
number here comes from ``Network.forward_trace`` / ``backward_trace`` in float64, so the pages can show
the correct values beside the printed ones without anyone typing a result in by hand.
"""
from dataclasses import dataclass

import numpy as np

from ..engine import ACTIVATIONS, Network
from ..i18n import _

SEED_X = (0.5, 0.1)
SEED_W = (0.3, 0.7)
SEED_B = -0.2
SEED_ACTIVATION = "sigmoid"
SEED_TARGET = 0.8
MAX_INPUTS = 8

# What the article prints. Used only to point out its slips, never as a result.
ARTICLE_PRINTED = {"z": 0.35, "y": 0.59, "L": 0.0441, "delta": -0.1148, "dW": (-0.0574, -0.0115)}


@dataclass(frozen=True)
class NeuronResult:
    """Every intermediate number of one neuron's forward and backward pass (floats, float64).

    products : wᵢ·xᵢ per input; weighted_sum : Σ wᵢ·xᵢ; z = weighted_sum + b; y = f(z);
    loss = ½(y − t)²; delta = ∂L/∂z; dW = ∂L/∂W (one per input); db = ∂L/∂b; dfdz = f'(z).
    """
    x: tuple
    w: tuple
    b: float
    activation: str
    target: float
    products: tuple
    weighted_sum: float
    z: float
    y: float
    dLdy: float
    dfdz: float
    loss: float
    delta: float
    dW: tuple
    db: float

    @property
    def is_article_example(self):
        """True when the inputs are exactly the article's (so its printed numbers apply)."""
        return (np.allclose(self.x, SEED_X) and np.allclose(self.w, SEED_W) and np.isclose(self.b, SEED_B)
                and self.activation == SEED_ACTIVATION and np.isclose(self.target, SEED_TARGET))


def _as_vector(name, values):
    try:
        arr = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(_("{name}={value}: give a list of numbers", name=name, value=repr(values))) from None
    if not 1 <= arr.size <= MAX_INPUTS:
        raise ValueError(_("{name} has {n} entries; give between 1 and {most}", name=name, n=arr.size, most=MAX_INPUTS))
    if not np.all(np.isfinite(arr)):
        raise ValueError(_("{name}={value}: every entry must be a finite number", name=name, value=repr(values)))
    return arr


def _as_number(name, value):
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(_("{name}={value}: give a number", name=name, value=repr(value))) from None
    if not np.isfinite(out):
        raise ValueError(_("{name}={value}: must be a finite number", name=name, value=repr(value)))
    return out


def neuron_network(w=SEED_W, b=SEED_B, activation=SEED_ACTIVATION):
    """A float64 one-unit Network (inputs → 1, MSE loss) holding exactly these weights."""
    w = _as_vector("W", w)
    b = _as_number("b", b)
    if activation not in ACTIVATIONS or not ACTIVATIONS[activation].elementwise:
        choices = [name for name, act in ACTIVATIONS.items() if act.elementwise]
        raise ValueError(_("activation={value}: a single neuron needs one of {choices}", value=repr(activation),
                            choices=choices))
    net = Network({"input_shape": [w.size], "loss": "mse", "init": "zeros", "dtype": "float64",
                   "layers": [{"type": "dense", "units": 1, "activation": activation}]})
    net.set_params(0, W=w.reshape(-1, 1), b=[b])
    return net


def neuron_example(x=SEED_X, w=SEED_W, b=SEED_B, activation=SEED_ACTIVATION, target=SEED_TARGET):
    """Run the neuron forward and backward with the engine and return every number as a NeuronResult.

    x, w : sequences of the same length (1 … 8); b, target : numbers; activation : an elementwise name.
    """
    x = _as_vector("x", x)
    w = _as_vector("W", w)
    if x.size != w.size:
        raise ValueError(_("x has {n_x} entries but W has {n_w}; give one weight per input", n_x=x.size, n_w=w.size))
    target = _as_number("target", target)
    net = neuron_network(w, b, activation)
    trace = net.backward_trace(x[None, :], np.array([[target]]))
    fwd, grads = trace.forward[0], trace.layers[0]
    inputs, weights = fwd.input[0], fwd.params["W"][:, 0]
    products = inputs * weights
    z, y = float(fwd.z[0, 0]), float(fwd.a[0, 0])
    act = ACTIVATIONS[activation]
    dfdz = float(act.df(fwd.z, fwd.a)[0, 0])
    return NeuronResult(
        x=tuple(float(v) for v in inputs), w=tuple(float(v) for v in weights), b=float(fwd.params["b"][0]),
        activation=activation, target=target, products=tuple(float(v) for v in products),
        weighted_sum=float(products.sum()), z=z, y=y, dLdy=y - target, dfdz=dfdz, loss=float(trace.loss),
        delta=float(grads.delta[0, 0]), dW=tuple(float(v) for v in grads.grads["W"][:, 0]),
        db=float(grads.grads["b"][0]))


def article_forward_note(result):
    """The sentence about the article's forward slip, built from computed numbers; '' unless the
    inputs are the article's."""
    if not result.is_article_example:
        return ""
    terms = " + ".join(f"{w:g}·{x:g}" for w, x in zip(result.w, result.x))
    sign = "−" if result.b < 0 else "+"
    return _("The article prints z = {z_printed:g} and y ≈ {y_printed:g} — an arithmetic slip: {sum} = {z:.6g}, so "
             "y = σ({z:.6g}) ≈ {y:.4f}.", z_printed=ARTICLE_PRINTED["z"], y_printed=ARTICLE_PRINTED["y"],
             sum=f"{terms} {sign} {abs(result.b):g}", z=result.z, y=result.y)


def article_backward_note(result):
    """The sentence about the article's backward slips (L, δ, ∂L/∂W); '' unless the inputs are the
    article's. It also says which numbers the article's own y ≈ 0.59 would have given."""
    if not result.is_article_example:
        return ""
    y, t = ARTICLE_PRINTED["y"], result.target
    loss_from_printed = 0.5 * (y - t) ** 2
    delta_from_printed = (y - t) * y * (1 - y)
    dw = ", ".join(f"{v:g}" for v in ARTICLE_PRINTED["dW"])
    # Say "the ½ was dropped" only if that is what the printed value actually is.
    values = dict(L_printed=ARTICLE_PRINTED["L"], delta_printed=ARTICLE_PRINTED["delta"], dw=dw, y_printed=y, t=t,
                  L_from_printed=loss_from_printed, delta_from_printed=delta_from_printed, y=result.y,
                  L_value=result.loss, delta=result.delta)
    if np.isclose((y - t) ** 2, ARTICLE_PRINTED["L"]):
        return _("The article prints L ≈ {L_printed:g}, δ ≈ {delta_printed:g} and ∂L/∂W ≈ ({dw}). Those are slips "
                 "too: it starts from its wrong y ≈ {y_printed:g}, and even from that y, ½({y_printed:g} − {t:g})² = "
                 "{L_from_printed:.6f} (its {L_printed:g} is ({y_printed:g} − {t:g})², the ½ dropped) and "
                 "({y_printed:g} − {t:g})·{y_printed:g}·(1 − {y_printed:g}) = {delta_from_printed:.6f}. With the "
                 "correct y = {y:.6f}: L = {L_value:.6f} and δ = {delta:.6f}.", **values)
    return _("The article prints L ≈ {L_printed:g}, δ ≈ {delta_printed:g} and ∂L/∂W ≈ ({dw}). Those are slips too: "
             "it starts from its wrong y ≈ {y_printed:g}, and even from that y, ½({y_printed:g} − {t:g})² = "
             "{L_from_printed:.6f} and ({y_printed:g} − {t:g})·{y_printed:g}·(1 − {y_printed:g}) = "
             "{delta_from_printed:.6f}. With the correct y = {y:.6f}: L = {L_value:.6f} and δ = {delta:.6f}.", **values)
