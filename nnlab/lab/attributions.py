"""Why did the network give this sample this class? Four answers, each with the number that checks it.

- saliency: ∂(class score)/∂input, one value per pixel or feature; checked against central finite
  differences on the entries with the largest gradient.
- integrated gradients (Sundararajan et al., 2017): (x − x′) times the average gradient on the straight
  path from a baseline x′ to x, as a visible trapezoid sum; completeness says the attributions add up
  to score(x) − score(x′), and the error shrinks as the path gets more steps.
- Grad-CAM (Selvaraju et al., 2017), for conv models: channel weights αₖ = the mean gradient of the
  score over channel k's map, the map ReLU(Σₖ αₖ·Aₖ), and that map upsampled to the image; αₖ is
  checked by nudging the whole channel by ±ε.
- occlusion (Zeiler & Fergus, 2014): cover a patch with the baseline and see how far the score drops;
  needs no gradient at all, so it checks the others independently.

The class score is the last layer's pre-activation zₖ (the logit before softmax), not the probability:
the probability of a confident class is flat (p(1 − p) ≈ 0), so its gradient says "nothing matters"
exactly where the network is surest, and it also depends on every other class's score. The logit is
the class's own evidence, as in Simonyan et al. (2014), and it makes completeness read in logit units.
For a single sigmoid output (two classes) the score of class 1 is z and of class 0 is −z.

Everything is computed on a float64 copy of the network, so the gradient shown is the one checked and
the user's model (its caches, its gradients) is never touched. Samples are flat (n_features,).
"""
from dataclasses import dataclass

import numpy as np

from ..i18n import _
from ..engine.copying import copy_network
from ..engine.input_grad import backward_from, forward_to, input_gradient
from .budget import LIGHT

FD_EPS = 1e-5
# One-sided slopes that differ by more than this share of the slope mark a kink; on smooth ground they
# differ only by about ε × the second derivative (ε = 1e-5).
KINK_TOLERANCE = 1e-3
BASELINES = ("black", "mean", "zeros")
MAX_IG_STEPS = 1024


def class_weights(net, cls):
    """w such that the class score is z·w for the last layer's z; checks ``cls``."""
    n = net.n_outputs
    last = net.layers[-1]
    binary = n == 1 and last.activation is not None and last.activation.name == "sigmoid"
    valid = (0, 1) if binary else tuple(range(n))
    if isinstance(cls, bool) or not isinstance(cls, (int, np.integer)) or cls not in valid:
        raise ValueError(_("class={cls}: this network's classes are {first}…{last}", cls=repr(cls), first=valid[0],
                           last=valid[-1]))
    if binary:
        return np.array([1.0 if cls == 1 else -1.0])
    return np.eye(n)[cls]


def _float64_copy(net):
    return copy_network(net, "float64")


def _sample(net, x, baseline=False):
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if x.size != net.n_inputs:
        values = {"size": x.size, "expected": net.n_inputs}
        raise ValueError(_("the baseline has {size} values; the network expects {expected}", **values) if baseline
                         else _("the sample has {size} values; the network expects {expected}", **values))
    return x


def _scores(net, x, w, start=0):
    """Class scores z·w of a batch fed in at layer ``start``."""
    z = forward_to(net, x, len(net.layers) - 1, pre_activation=True, start=start)
    return z.reshape(len(z), -1) @ w


def scores_and_gradients(net, x, w):
    """Class scores (n,) and ∂score/∂x (n, n_features) of a batch x (n, n_features)."""
    z, grad = input_gradient(net, x, len(net.layers) - 1,
                             lambda z: np.broadcast_to(w, (len(z), w.size)).reshape(z.shape), pre_activation=True)
    return z.reshape(len(z), -1) @ w, grad


def make_baseline(kind, x_reference, image_shape=None):
    """The IG / occlusion baseline x′ (n_features,): "black" = every pixel at the darkest value of the
    data (0 for MNIST, the same as zeros), "mean" = the mean sample of ``x_reference``, "zeros"."""
    x_reference = np.asarray(x_reference, dtype=np.float64)
    if kind not in BASELINES:
        raise ValueError(f"baseline={kind!r} is unknown; choose one of {list(BASELINES)}")
    if kind == "black" and image_shape is None:
        raise ValueError(_("baseline='black' applies to images; for a table choose 'mean' or 'zeros'"))
    if kind == "mean":
        return x_reference.mean(axis=0)
    fill = x_reference.min() if kind == "black" else 0.0
    return np.full(x_reference.shape[1], fill)


@dataclass
class Saliency:
    cls: int
    score: float               # the class logit at x
    gradient: np.ndarray       # (n_features,) ∂score/∂x
    check_index: np.ndarray    # features checked by finite differences (largest |gradient| first)
    check_analytic: np.ndarray
    check_numeric: np.ndarray  # (score(x + ε·eᵢ) − score(x − ε·eᵢ)) / 2ε
    check_rel_error: np.ndarray
    check_at_kink: np.ndarray  # the one-sided slopes differ: x sits on a ReLU/max kink along eᵢ
    check_max_rel_error: float  # over the entries not at a kink (nan if every one is)
    eps: float


def saliency(net, x, cls, n_check=8, eps=FD_EPS):
    """∂(class score)/∂x for one sample, and its finite-difference check on ``n_check`` entries.

    Where a ReLU (or a max-pool) sits exactly at its kink along a checked direction — common in
    untrained conv nets, whose zero biases put every blank window at z = 0 — the slope has two one-sided
    values and backprop reports one of them. Such entries are flagged (the forward and backward
    differences disagree) instead of counted as errors.
    """
    net, x, w = _float64_copy(net), _sample(net, x), class_weights(net, cls)
    score, grad = scores_and_gradients(net, x[None], w)
    score, grad = float(score[0]), grad[0]
    index = np.argsort(-np.abs(grad), kind="stable")[:max(1, min(int(n_check), grad.size))]
    nudged = np.repeat(x[None], 2 * index.size, axis=0)
    nudged[np.arange(index.size) * 2, index] += eps
    nudged[np.arange(index.size) * 2 + 1, index] -= eps
    s = _scores(net, nudged, w)
    numeric = (s[0::2] - s[1::2]) / (2 * eps)
    forward, backward = (s[0::2] - score) / eps, (score - s[1::2]) / eps
    kink = np.abs(forward - backward) > KINK_TOLERANCE * np.maximum(np.abs(forward), np.abs(backward))
    analytic = grad[index]
    rel = np.abs(analytic - numeric) / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), 1e-10)
    worst = float(rel[~kink].max()) if (~kink).any() else float("nan")
    return Saliency(int(cls), score, grad, index, analytic, numeric, rel, kink, worst, eps)


@dataclass
class IntegratedGradients:
    cls: int
    baseline: np.ndarray        # (n_features,) x′
    attributions: np.ndarray    # (n_features,) (x − x′) ⊙ trapezoid mean of the path gradients
    alphas: np.ndarray          # (steps + 1,) 0 … 1: path point k is x′ + αₖ·(x − x′)
    path_scores: np.ndarray     # (steps + 1,) score at each path point
    path_gradients: np.ndarray  # (steps + 1, n_features) ∂score/∂x at each path point
    integrand: np.ndarray       # (steps + 1,) (x − x′)·gradient: the slope of the score along the path
    running_total: np.ndarray   # (steps + 1,) trapezoid partial sums; ≈ path_scores − score(x′)
    score: float                # score(x)
    baseline_score: float       # score(x′)
    total: float                # Σ attributions
    completeness_error: float   # total − (score − baseline_score)
    convergence_steps: np.ndarray  # steps, steps/2, … (the same path points, every 2nd, 4th, …)
    convergence_error: np.ndarray  # completeness error of the sum with that many steps


def integrated_gradients(net, x, cls, baseline, steps=LIGHT["ig_steps"]):
    """Integrated gradients of one sample from ``baseline`` with a ``steps``-step trapezoid sum."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_IG_STEPS:
        raise ValueError(f"steps={steps!r}: give a whole number from 1 to {MAX_IG_STEPS}")
    net, x, w = _float64_copy(net), _sample(net, x), class_weights(net, cls)
    baseline = _sample(net, baseline, baseline=True)
    alphas = np.linspace(0.0, 1.0, steps + 1)
    scores, grads = scores_and_gradients(net, baseline + alphas[:, None] * (x - baseline), w)
    weights = np.full(steps + 1, 1.0 / steps)  # the trapezoid rule on a uniform grid
    weights[[0, -1]] /= 2
    attributions = (x - baseline) * (weights @ grads)
    integrand = grads @ (x - baseline)
    running = np.concatenate([[0.0], np.cumsum((integrand[1:] + integrand[:-1]) / (2 * steps))])
    target = scores[-1] - scores[0]
    m, counts, errors = steps, [], []
    while True:
        sub = integrand[::steps // m]
        counts.append(m)
        errors.append((sub[1:] + sub[:-1]).sum() / (2 * m) - target)
        if m % 2:
            break
        m //= 2
    total = float(attributions.sum())
    return IntegratedGradients(int(cls), baseline, attributions, alphas, scores, grads, integrand, running,
                               float(scores[-1]), float(scores[0]), total, total - float(target),
                               np.array(counts), np.array(errors))


def conv_layers(net):
    """Indices of the convolution layers, the ones Grad-CAM can look at."""
    return [i for i, layer in enumerate(net.layers) if layer.kind == "conv2d"]


def bilinear_resize(image, shape):
    """(h, w) -> ``shape`` by bilinear interpolation between pixel centres (as image viewers resize)."""
    def weights(n_out, n_in):
        src = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        m = np.zeros((n_out, n_in))
        np.add.at(m, (np.arange(n_out), lo), 1 - (src - lo))
        np.add.at(m, (np.arange(n_out), hi), src - lo)
        return m
    return weights(shape[0], image.shape[0]) @ image @ weights(shape[1], image.shape[1]).T


@dataclass
class GradCAM:
    cls: int
    layer: int                 # index of the conv layer looked at
    layer_name: str
    score: float
    activations: np.ndarray    # (C, h, w) the layer's maps Aₖ
    alphas: np.ndarray         # (C,) αₖ = mean over the map of ∂score/∂Aₖ
    alphas_check: np.ndarray   # (C,) (score(A + ε·1ₖ) − score(A − ε·1ₖ)) / (2ε·h·w)
    check_max_abs_error: float
    weighted: np.ndarray       # (C, h, w) αₖ·Aₖ
    cam: np.ndarray            # (h, w) ReLU(Σₖ αₖ·Aₖ)
    upsampled: np.ndarray      # (H, W) the map resized to the input image, for the overlay
    eps: float


def grad_cam(net, x, cls, layer=None, eps=FD_EPS):
    """Grad-CAM of one sample at conv layer ``layer`` (default: the last convolution)."""
    convs = conv_layers(net)
    if not convs:
        raise ValueError(_("Grad-CAM needs a convolution layer, and this network has none; saliency, integrated "
                           "gradients and occlusion work for every model"))
    layer = convs[-1] if layer is None else layer
    if layer not in convs:
        raise ValueError(f"layer={layer!r} is not a convolution layer; choose one of {convs}")
    net, x, w = _float64_copy(net), _sample(net, x), class_weights(net, cls)
    top = len(net.layers) - 1
    maps = forward_to(net, x[None], layer)
    z = forward_to(net, maps, top, pre_activation=True, start=layer + 1)
    d_maps = backward_from(net, top, w.reshape(z.shape), to=layer, pre_activation=True)[0]
    maps = maps[0]
    alphas = d_maps.mean(axis=(1, 2))
    c, h, wd = maps.shape
    nudge = eps * np.eye(c)[:, :, None, None]
    s = _scores(net, np.concatenate([maps + nudge, maps - nudge]), w, start=layer + 1)
    check = (s[:c] - s[c:]) / (2 * eps * h * wd)
    weighted = alphas[:, None, None] * maps
    cam = np.maximum(weighted.sum(axis=0), 0)
    return GradCAM(int(cls), layer, net.layers[layer].name, float(z.reshape(-1) @ w), maps, alphas, check,
                   float(np.abs(check - alphas).max()), weighted, cam,
                   bilinear_resize(cam, net.input_shape[-2:]), eps)


@dataclass
class Occlusion:
    cls: int
    score: float             # score of the intact sample
    drops: np.ndarray        # images: (rows, cols) score − score with the patch there; tables: (n_features,)
    rows: np.ndarray         # images: top pixel row of each patch position; tables: empty
    cols: np.ndarray         # images: left pixel column of each patch position
    pixel_map: np.ndarray    # (n_features,) mean drop over the patches covering each pixel (or feature)
    patch: int
    stride: int


def _positions(size, patch, stride):
    """Patch starts every ``stride`` pixels, plus the last one that touches the edge."""
    return np.array(sorted(set(range(0, size - patch + 1, stride)) | {size - patch}))


def occlusion(net, x, cls, baseline, image_shape=None, patch=4, stride=2):
    """Cover part of the sample with the baseline and record the drop in the class score.

    Images (``image_shape`` = (H, W)): a ``patch``×``patch`` square slid by ``stride``. Tables: one
    feature at a time.
    """
    net, x, w = _float64_copy(net), _sample(net, x), class_weights(net, cls)
    baseline = _sample(net, baseline, baseline=True)
    score = float(_scores(net, x[None], w)[0])
    if image_shape is None:
        covered = np.where(np.eye(x.size, dtype=bool), baseline, x)
        drops = score - _scores(net, covered, w)
        return Occlusion(int(cls), score, drops, np.zeros(0, int), np.zeros(0, int), drops.copy(), 1, 1)
    h, wd = (int(s) for s in image_shape)
    if h * wd != x.size:
        raise ValueError(_("image_shape={shape} has {pixels} pixels; the sample has {size}", shape=tuple(image_shape),
                           pixels=h * wd, size=x.size))
    for name, value, top in (("patch", patch, min(h, wd)), ("stride", stride, min(h, wd))):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= top:
            raise ValueError(f"{name}={value!r}: give a whole number from 1 to {top}")
    rows, cols = _positions(h, patch, stride), _positions(wd, patch, stride)
    masks = np.zeros((rows.size, cols.size, h, wd), dtype=bool)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            masks[i, j, r:r + patch, c:c + patch] = True
    masks = masks.reshape(-1, h * wd)
    drops = score - _scores(net, np.where(masks, baseline, x), w)
    pixel_map = (masks * drops[:, None]).sum(axis=0) / masks.sum(axis=0)
    return Occlusion(int(cls), score, drops.reshape(rows.size, cols.size), rows, cols, pixel_map,
                     int(patch), int(stride))
