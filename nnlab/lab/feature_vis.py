"""What does a unit or a channel want to see? Activation maximisation, and the test samples it likes best.

Gradient ascent on the input, starting from seeded noise, with the regularisers that keep the picture
readable (Yosinski et al., 2015; Olah et al., "Feature Visualization", Distill 2017):
- jitter: the input is shifted by a pixel or two before each gradient, so the picture cannot rely on
  one exact pixel grid (high-frequency noise that fools the unit);
- L2 decay: a penalty λ·‖x‖² pulls unused pixels back to 0 (the blank background of a digit);
- blur: every few steps a light Gaussian blur removes the checkerboard a raw ascent grows;
- clipping to the range of the data, so the result is an image the network could be shown.

The objective is the unit's mean pre-activation z over its positions (a conv channel's map, a token
layer's tokens), not its activation: a ReLU unit that is off on the starting noise has zero gradient
and would never move. Both z and the activation a are reported at every step.
"""
from dataclasses import dataclass

import numpy as np

from ..i18n import _
from ..engine.copying import copy_network
from ..engine.input_grad import backward_from, check_layer_index, forward_to
from .budget import LIGHT

CHUNK = 256


def _check_unit(net, layer, unit):
    layer = check_layer_index(net, layer)
    shape = net.layers[layer].output_shape
    n_units = shape[0] if len(shape) == 3 else shape[-1]  # channels of (C, H, W); features otherwise
    if isinstance(unit, bool) or not isinstance(unit, (int, np.integer)) or not 0 <= unit < n_units:
        raise ValueError(_("unit={unit}: layer {name} has units 0…{last}", unit=repr(unit), name=net.layers[layer].name,
                           last=n_units - 1))
    return layer, int(unit)


def _unit_mean(values, unit):
    """Mean over positions of one unit: (n, C, H, W) channel, (n, T, D) feature, or (n, D) entry."""
    if values.ndim == 4:
        return values[:, unit].mean(axis=(1, 2))
    if values.ndim == 3:
        return values[:, :, unit].mean(axis=1)
    return values[:, unit]


def _unit_seed(values, unit):
    """∂(mean over positions of the unit)/∂values: 1/positions on the unit, 0 elsewhere."""
    grad = np.zeros_like(values)
    if values.ndim == 4:
        grad[:, unit] = 1.0 / (values.shape[2] * values.shape[3])
    elif values.ndim == 3:
        grad[:, :, unit] = 1.0 / values.shape[1]
    else:
        grad[:, unit] = 1.0
    return grad


def unit_values(net, x, layer, unit):
    """(z, a): the unit's mean pre-activation and mean activation for each sample, each (n,)."""
    layer, unit = _check_unit(net, layer, unit)
    z, a = [], []
    for start in range(0, len(x), CHUNK):
        out = forward_to(net, x[start:start + CHUNK], layer)
        pre = net.layers[layer].z if net.layers[layer].activation is not None else out
        z.append(_unit_mean(pre, unit))
        a.append(_unit_mean(out, unit))
    return np.concatenate(z).astype(np.float64), np.concatenate(a).astype(np.float64)


def unit_gradient(net, x, layer, unit):
    """The objective (mean z of the unit) for each sample of x (n, n_features) and its gradient ∂/∂x."""
    layer, unit = _check_unit(net, layer, unit)
    z = forward_to(net, x, layer, pre_activation=True)
    grad = backward_from(net, layer, _unit_seed(z, unit), -1, pre_activation=True)
    return _unit_mean(z, unit), grad.reshape(len(x), -1)


def jittered_gradient(net, x, layer, unit, shift, image_shape):
    """∂/∂x of the unit's objective on the picture x (n_features,) shifted by ``shift`` = (rows, columns)
    pixels (wrapping round, as np.roll): the shifted picture's gradient, moved back onto x's pixels."""
    seen = np.roll(x.reshape(image_shape), tuple(shift), axis=(0, 1)).reshape(1, -1)
    grad = unit_gradient(net, seen, layer, unit)[1][0].astype(np.float64)
    return np.roll(grad.reshape(image_shape), (-shift[0], -shift[1]), axis=(0, 1)).reshape(-1)


def gaussian_blur(image, sigma):
    """A separable Gaussian blur of an (H, W) image, edges reflected."""
    radius = max(1, int(np.ceil(3 * sigma)))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    for axis in (0, 1):
        padded = np.pad(image, [(radius, radius) if a == axis else (0, 0) for a in (0, 1)], mode="reflect")
        image = sum(k * np.take(padded, range(i, i + image.shape[axis]), axis=axis) for i, k in enumerate(kernel))
    return image


@dataclass
class FeatureVisualisation:
    layer: int
    layer_name: str
    unit: int
    record_steps: np.ndarray  # (n_records,) the steps whose input is kept (0 = the starting noise)
    images: np.ndarray        # (n_records, n_features) the input at those steps, flat
    objective: np.ndarray     # (steps + 1,) mean pre-activation z of the unit at each step
    activation: np.ndarray    # (steps + 1,) mean activation a of the unit at each step


def maximise_unit(net, layer, unit, image_shape=None, steps=LIGHT["vis_steps"], lr=0.05, l2=1e-3, blur_every=4,
                  blur_sigma=0.5, jitter=1, value_range=(0.0, 1.0), n_records=9, seed=0):
    """Gradient ascent on the input for unit ``unit`` of layer ``layer``, from seeded noise.

    Each step moves the input by ``lr`` along the gradient divided by its root-mean-square (a step of
    the same size however steep the objective is). ``image_shape`` = (H, W) turns on jitter and blur;
    for a table (None) only L2 decay and clipping apply.
    """
    layer, unit = _check_unit(net, layer, unit)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps={steps!r}: take at least 1 step")
    if image_shape is not None and int(np.prod(image_shape)) != net.n_inputs:
        raise ValueError(_("image_shape={shape} has {pixels} pixels; the network takes {inputs} inputs",
                           shape=tuple(image_shape), pixels=int(np.prod(image_shape)), inputs=net.n_inputs))
    lo, hi = (float(v) for v in value_range)
    if not lo < hi:
        raise ValueError(f"value_range={tuple(value_range)}: the lower end must be below the upper end")
    net = copy_network(net)
    rng = np.random.default_rng(seed)
    x = np.clip(lo + (hi - lo) * (0.5 + 0.1 * rng.standard_normal(net.n_inputs)), lo, hi)
    record_at = np.unique(np.linspace(0, steps, max(2, int(n_records))).astype(int))
    images, objective, activation = [], [], []

    def measure(x):
        z, a = unit_values(net, x[None], layer, unit)
        objective.append(float(z[0]))
        activation.append(float(a[0]))

    for step in range(steps + 1):
        measure(x)
        if step in record_at:
            images.append(x.copy())
        if step == steps:
            break
        if image_shape and jitter:
            grad = jittered_gradient(net, x, layer, unit, rng.integers(-jitter, jitter + 1, size=2), image_shape)
        else:
            grad = unit_gradient(net, x[None], layer, unit)[1][0].astype(np.float64)
        grad -= 2 * l2 * x
        x = x + lr * grad / (np.sqrt(np.mean(grad ** 2)) + 1e-12)
        if image_shape and blur_every and (step + 1) % blur_every == 0:
            x = gaussian_blur(x.reshape(image_shape), blur_sigma).reshape(-1)
        x = np.clip(x, lo, hi)
    return FeatureVisualisation(layer, net.layers[layer].name, unit, record_at, np.array(images),
                                np.array(objective), np.array(activation))


@dataclass
class TopSamples:
    layer: int
    unit: int
    index: np.ndarray       # (k,) sample indices, highest mean z first (ties: lower index first)
    objective: np.ndarray   # (k,) their mean pre-activation z of the unit
    activation: np.ndarray  # (k,) their mean activation a


def top_samples(net, x, layer, unit, k=9):
    """The k samples of x on which the unit's mean pre-activation is highest (the same objective the
    ascent climbs, so the two can be compared)."""
    net = copy_network(net)
    z, a = unit_values(net, np.asarray(x), layer, unit)
    index = np.argsort(-z, kind="stable")[:max(0, min(int(k), z.size))]
    return TopSamples(int(layer), int(unit), index, z[index], a[index])
