"""Lesson checks answered from the learner's model, data or seed neuron: counts, shapes, scaling, one neuron.

The right option is computed from the object the learner has (their network's layers, their dataset's inputs,
the neuron as they edited it); the other options are the usual mistakes, computed from the same object (the
biases forgotten, the input size kept, the ½ dropped), so every option is a number this model could give.
"""
import numpy as np

from ..engine import ACTIVATIONS
from ..i18n import N_
from .lesson_run import Option, Question, not_ready
from .lesson_text import Message, fmt, raw

NO_NET = N_("There is no model yet: set the lesson up first.")


def _net(run):
    if run.net is None:
        raise not_ready(NO_NET)
    return run.net


def _options(candidates, answer_key, order):
    """Options from (key, label) pairs in the order ``order(label)`` gives, dropping any label that repeats one
    kept before (the answer's is kept first), so two mistakes that give the same number show once."""
    seen, kept = set(), []
    for key, label in sorted(candidates, key=lambda kv: kv[0] != answer_key):
        if label not in seen:
            seen.add(label)
            kept.append((key, label))
    return tuple(Option(key, raw(label)) for key, label in sorted(kept, key=lambda kv: order(kv[1])))


def _numbers(label):
    """The numbers in a label, for ordering options: "16×26×26" -> (16, 26, 26); "−0.07" -> (-0.07,)."""
    return tuple(float(part) for part in label.replace("−", "-").replace(",", "").replace(" ", "").split("×"))


def _shape(shape):
    return "×".join(str(int(s)) for s in shape)


def parameter_count(run, params):
    """How many parameters (weights and biases) the network has; the distractors forget the biases or count units."""
    net = _net(run)
    layers = net.param_layers()
    arrays = [p for layer in layers for p in layer.params.values()]
    total = sum(p.size for p in arrays)
    weights = sum(p.size for p in arrays if p.ndim >= 2)
    units = sum(int(np.prod(layer.output_shape)) for layer in layers)
    options = _options([("all", f"{total:,}"), ("weights", f"{weights:,}"), ("units", f"{units:,}")], "all",
                       _numbers)
    terms = " + ".join(_shape(p.shape) for p in arrays)
    return Question(options, "all",
                    Message(N_("Every weight and every bias is a parameter. Adding up the arrays of the layers: "
                               "{terms} = {total}; the weights alone are {weights}, and the layers have {units} "
                               "units."), {"terms": terms, "total": f"{total:,}", "weights": f"{weights:,}",
                                           "units": f"{units:,}"}))


def _nth(net, kind, n, missing):
    found = [layer for layer in net.layers if layer.kind == kind]
    if not found:
        raise not_ready(missing)
    if n > len(found):
        raise not_ready(N_("The current model has {count} such layers, so it has no layer number {n} of this kind."),
                        count=len(found), n=n)
    return found[n - 1]


def feature_map_shape(run, params):
    """The shape (channels × height × width) of one convolution's output for one image."""
    net = _net(run)
    conv = _nth(net, "conv2d", params["conv"], N_("The current model has no convolution layer: set the lesson up "
                                                  "again."))
    c_in, h_in, w_in = conv.input_shape
    c, h, w = conv.output_shape
    k, s = conv.kernel, conv.stride
    pad = conv.pads[0] + conv.pads[1]
    candidates = [("output", _shape((c, h, w))), ("input_size", _shape((c, h_in, w_in))),
                  ("minus_kernel", _shape((c, h_in - k, w_in - k)))]
    following = net.layers[net.layers.index(conv) + 1:]
    if following and following[0].kind in ("maxpool2d", "avgpool2d"):
        candidates.append(("pooled", _shape(following[0].output_shape)))
    options = _options(candidates, "output", lambda label: [-n for n in _numbers(label)])
    return Question(options, "output", Message(N_(
                        "Each {k}×{k} kernel slides over the {h_in}×{w_in} input with stride {s}: ⌊({h_in} + {pad} − "
                        "{k}) ÷ {s}⌋ + 1 = {h} positions down and {w} across. One feature map per kernel gives "
                        "{c}×{h}×{w}."), {"k": str(k), "h_in": str(h_in), "w_in": str(w_in), "s": str(s),
                                          "pad": str(pad), "h": str(h), "w": str(w), "c": str(c)}))


def attention_shape(run, params):
    """The size of one head's attention matrix: tokens × tokens, one token per image patch."""
    net = _net(run)
    missing = N_("The current model has no self-attention layer: set the lesson up again.")
    attention = _nth(net, "self_attention", 1, missing)
    patches = _nth(net, "patch_embed", 1, missing)
    t = attention.input_shape[0]
    _c, h, w = patches.input_shape
    gh, gw = patches.grid
    p = patches.patch
    options = _options([("tokens", f"{t} × {t}"), ("pixels", f"{h} × {w}"), ("grid", f"{gh} × {gw}"),
                        ("patch", f"{p} × {p}")], "tokens", _numbers)
    return Question(options, "tokens", Message(N_(
        "The {h}×{w} image is cut into {gh}×{gw} = {t} patches of {p}×{p} pixels, one token each. Every token, as a "
        "query, spreads its attention over all {t} tokens, the keys: so each head's attention matrix has {t} rows "
        "and {t} columns, and the layer has one per head ({heads} in all)."),
        {"h": str(h), "w": str(w), "gh": str(gh), "gw": str(gw), "t": str(t), "p": str(p),
         "heads": str(attention.heads)}))


SCALING_OPTIONS = (
    Option("scaled", Message(N_("Scaled to the range 0 to 1 (normalisation)."))),
    Option("standardised", Message(N_("Standardised: every feature has mean 0 and standard deviation 1."))),
    Option("neither", Message(N_("Neither: the raw values.")))
)
TOLERANCE = 0.05  # how close to mean 0 / standard deviation 1 counts as standardised


def input_scaling(run, params):
    """How the training inputs were prepared: scaled to [0, 1], standardised (z-scores), or neither."""
    if run.inputs is None:
        raise not_ready(N_("There is no dataset yet: set the lesson up first."))
    x = np.asarray(run.inputs, dtype=np.float64)
    x = x.reshape(len(x), -1)
    mean, std = x.mean(axis=0), x.std(axis=0)
    varying = std > 0
    lo, hi = float(x.min()), float(x.max())
    values = {"lo": fmt(lo, 3), "hi": fmt(hi, 3), "mean_lo": fmt(mean.min(), 2), "mean_hi": fmt(mean.max(), 2),
              "std_lo": fmt(std[varying].min(), 3) if varying.any() else "0",
              "std_hi": fmt(std.max(), 3)}
    if varying.any() and np.abs(mean).max() <= TOLERANCE and np.abs(std[varying] - 1).max() <= TOLERANCE:
        return Question(SCALING_OPTIONS, "standardised", Message(N_(
            "Every feature of the training inputs has a mean between {mean_lo} and {mean_hi} and a standard "
            "deviation between {std_lo} and {std_hi}: they were standardised. Their values run from {lo} to {hi}, "
            "so they were not scaled to 0 to 1."), values))
    if lo >= 0 and hi <= 1:
        return Question(SCALING_OPTIONS, "scaled", Message(N_(
            "The training inputs run from {lo} to {hi}: they were scaled to the range 0 to 1. Their features' "
            "standard deviations are at most {std_hi}, not 1, so they were not standardised."), values))
    return Question(SCALING_OPTIONS, "neither", Message(N_(
        "The training inputs run from {lo} to {hi}, and their features' means from {mean_lo} to {mean_hi}: they "
        "were neither scaled to 0 to 1 nor standardised."), values))


NEURON_VALUES = ("z", "y", "loss", "delta")
ARTICLE_KEYS = {"z": "z", "y": "y", "loss": "L", "delta": "delta"}
NEURON_EXPLANATIONS = {
    "z": N_("z = w·x + b = {terms} + ({b}) = {value}."),
    "y": N_("y = f(z) = {function}({z}) = {value}."),
    "loss": N_("L = ½(y − t)² = ½({y} − {t})² = {value}."),
    "delta": N_("δ = ∂L/∂z = (y − t)·f′(z) = ({y} − {t})·{dfdz} = {value}."),
}
ARTICLE_SLIP = N_("{formula} The article prints {printed} here: its arithmetic slips.")


def _neuron_candidates(r, value):
    """(key, number) pairs: the engine's value and the usual slips (a term left out) for this neuron."""
    if value == "z":
        return [("engine", r.z), ("no_bias", r.weighted_sum)]
    if value == "y":
        f = ACTIVATIONS[r.activation].f
        return [("engine", r.y), ("no_bias", float(f(np.array([[r.weighted_sum]]))[0, 0]))]
    if value == "loss":
        return [("engine", r.loss), ("no_half", 2 * r.loss)]
    return [("engine", r.delta), ("no_slope", r.dLdy)]


def neuron_value(run, params):
    """One number of the seed neuron (z, y, L or δ) as the engine computes it from the learner's inputs."""
    r = run.neuron
    if r is None:
        raise not_ready(N_("The seed neuron is not set up: open the Forward pass page once."))
    value = params["value"]
    candidates = [(key, fmt(number)) for key, number in _neuron_candidates(r, value)]
    article = run.printed is not None and r.is_article_example
    if article:
        candidates.append(("article", fmt(run.printed[ARTICLE_KEYS[value]])))
    options = _options(candidates, "engine", _numbers)
    terms = " + ".join(f"{fmt(w)}·{fmt(x)}" for w, x in zip(r.w, r.x))
    formula = Message(NEURON_EXPLANATIONS[value], {
        "terms": terms, "b": fmt(r.b), "value": fmt(getattr(r, value)), "function": r.activation, "z": fmt(r.z),
        "y": fmt(r.y), "t": fmt(r.target), "dfdz": fmt(r.dfdz)})
    printed = next((o.label.values["text"] for o in options if o.key == "article"), None)
    if printed is None:
        return Question(options, "engine", formula)
    return Question(options, "engine", Message(ARTICLE_SLIP, {"formula": formula, "printed": printed}))
