"""Look inside the user's model without touching it: one sample through it for the forward and backprop
pages (gradient checks, a demonstration SGD step), and what one layer computed over many samples for the
feature-map and attention pages (channel statistics, attention weights).

Anything that would change weights, fill layer caches or needs float64 works on a copy (``copy_network``);
the user's network is only ever read. ``weights_fingerprint`` names a set of weights, so a page can cache
results per set of weights without hashing the model object.
"""
import hashlib
import json
from dataclasses import dataclass

import numpy as np

from ..engine import encode_targets, gradient_check
from ..engine.copying import copy_network
from ..i18n import N_, _

CHUNK = 256  # samples per forward pass: bounded memory whatever n is
RESOLUTION = 60  # decision-boundary grid: 60 × 60 = 3,600 cells
SPLIT_NAMES = {"test": N_("test"), "train": N_("training")}  # split_arrays' names, as a sentence says them


def split_arrays(dataset):
    """(x, y, name) of the split the pages pick samples from: test, or train if there is no test set."""
    if dataset.x_test is not None and len(dataset.x_test):
        return dataset.x_test, dataset.y_test, "test"
    return dataset.x_train, dataset.y_train, "train"


def split_name(split):
    """The word for a ``split_arrays`` name in the current language ("test", "training"), to put in a
    sentence such as "the first 32 {split} samples"."""
    return _(SPLIT_NAMES[split])


def sample(dataset, net, index):
    """One sample and its target shaped like the network's output.

    Returns (x (1, n_features), t (1, n_outputs), y (1,) or (1, k) label/target as stored).
    """
    x_all, y_all, name = split_arrays(dataset)
    if not 0 <= int(index) < len(x_all):
        raise ValueError(_("sample index={index}: the {name} set has samples 0…{last}", index=index,
                           name=split_name(name), last=len(x_all) - 1))
    i = int(index)
    x, y = x_all[i:i + 1], y_all[i:i + 1]
    return x, encode_targets(net, y), y


def check_gradients(net, x, t, max_per_param=3, pick="largest", seed=0):
    """Backprop against central differences for a few entries of each parameter array (by default those
    with the largest |gradient|), on a float64 copy of ``net``.
    Rows: layer, param, index, analytic, numeric, rel_error (see engine.gradient_check)."""
    if max_per_param < 1:
        raise ValueError(f"max_per_param={max_per_param}: check at least 1 entry per parameter")
    x, t = np.asarray(x, dtype=np.float64), np.asarray(t, dtype=np.float64)
    return gradient_check(copy_network(net, "float64"), x, t, max_per_param=max_per_param, seed=seed, pick=pick)


@dataclass
class SGDStep:
    """One plain gradient step W ← W − η·∂L/∂W on a copy: the loss before and after, and the weights
    that moved most (rows: layer, param, index, before, gradient, after)."""
    lr: float
    loss_before: float
    loss_after: float
    output_before: np.ndarray
    output_after: np.ndarray
    changes: list


def sgd_step(net, x, t, lr, top=3):
    """Take one SGD step for this one sample on a float64 copy of ``net``; ``net`` is unchanged."""
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(_("learning rate={lr}: must be a positive number", lr=repr(lr)))
    copy = copy_network(net, "float64")
    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    out_before = copy.forward(x)
    loss_before = copy.loss_value(out_before, t)
    copy.backward(out_before, t, need_input_grad=False)
    changes = []
    for layer in copy.param_layers():
        for name, p in layer.params.items():
            g = layer.grad[name]
            for j in top_k(np.abs(g).ravel(), top):
                idx = np.unravel_index(j, p.shape)
                before, grad = float(p[idx]), float(g[idx])
                changes.append({"layer": layer.name, "param": name, "index": tuple(int(v) for v in idx),
                                "before": before, "gradient": grad, "after": before - lr * grad})
            p -= lr * g
    out_after = copy.forward(x)
    return SGDStep(float(lr), float(loss_before), float(copy.loss_value(out_after, t)), out_before[0].copy(),
                   out_after[0].copy(), changes)


def plane_grid(x, resolution=RESOLUTION, margin=0.1):
    """The centres of a resolution × resolution grid covering 2-D data's bounding box plus ``margin`` of its
    size on each side, row by row (x₁ along a row, x₂ growing from row to row), and the cell size.

    x : (n, 2). Returns (centres (resolution², 2), cell width and height (2,)).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(_("a grid over the input plane needs 2-D inputs; got data of shape {shape}", shape=x.shape))
    if resolution < 2:
        raise ValueError(f"resolution={resolution!r}: use at least 2 cells per side")
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = np.maximum((hi - lo) * margin, 1e-3)
    lo, hi = lo - pad, hi + pad
    step = (hi - lo) / resolution
    g1 = lo[0] + step[0] * (np.arange(resolution) + 0.5)
    g2 = lo[1] + step[1] * (np.arange(resolution) + 0.5)
    xx, yy = np.meshgrid(g1, g2)
    return np.column_stack([xx.ravel(), yy.ravel()]), step


def decision_grid(net, x, resolution=RESOLUTION, margin=0.1):
    """The network's output on the ``plane_grid`` of 2-D data: what a decision-boundary chart colours.

    x : (n, 2). Returns (centres (resolution², 2), cell width and height (2,), outputs (resolution², n_outputs)).
    """
    centres, step = plane_grid(x, resolution, margin)
    outputs = np.asarray(net.predict(centres.astype(net.dtype)), dtype=np.float64).reshape(len(centres), -1)
    return centres, step, outputs


def weights_fingerprint(net):
    """A short hex digest of the architecture and every parameter's bytes: equal weights, equal string."""
    h = hashlib.sha1(json.dumps(net.spec, sort_keys=True, default=str).encode())
    for layer in net.layers:
        for name in sorted(layer.params):
            h.update(name.encode())
            h.update(np.ascontiguousarray(layer.params[name]).tobytes())
    return h.hexdigest()[:16]


def with_params(net, params):
    """A copy of ``net`` with some layers' parameters replaced: params = {layer index: {name: array}}."""
    copy = copy_network(net)
    for index, arrays in params.items():
        copy.set_params(int(index), **arrays)
    return copy


def _check_index(net, index):
    if not 0 <= int(index) < len(net.layers):
        raise ValueError(_("layer index={index}: this network has layers 0…{last}", index=index,
                           last=len(net.layers) - 1))
    return int(index)


def _chunks(net, x, index, chunk):
    """For each chunk of samples, the network's state just after layer ``index`` ran on it."""
    index = _check_index(net, index)
    x = np.asarray(x, dtype=net.dtype).reshape((-1,) + tuple(net.input_shape))
    for start in range(0, len(x), chunk):
        out = x[start:start + chunk]
        for layer in net.layers[:index + 1]:
            out = layer.forward(out, training=False)
        yield out


def layer_output(net, x, index, chunk=CHUNK):
    """The output a of layer ``index`` (0-based) for samples x.

    Parameters
    ----------
    x : (n_samples, n_features), flat like every dataset.

    Returns
    -------
    (n_samples,) + layer output shape, e.g. (n, 16, 26, 26) for a convolution.
    """
    return np.concatenate(list(_chunks(net, x, index, chunk)))


def channel_stats(net, x, index, chunk=CHUNK):
    """Mean and maximum of each channel's feature map of layer ``index``, per sample.

    Returns (mean, max), each (n_samples, channels), float64. The layer must output images (C, H, W).
    """
    if len(net.layers[_check_index(net, index)].output_shape) != 3:
        raise ValueError(_("layer {name} outputs shape {shape}, not channels of images (C, H, W)",
                           name=net.layers[index].name, shape=net.layers[index].output_shape))
    means, maxes = [], []
    for out in _chunks(net, x, index, chunk):
        flat = out.reshape(out.shape[0], out.shape[1], -1)
        means.append(flat.mean(axis=-1, dtype=np.float64))
        maxes.append(flat.max(axis=-1).astype(np.float64))
    return np.concatenate(means), np.concatenate(maxes)


def attention_weights(net, x, index, chunk=CHUNK):
    """The attention weights of the self-attention layer ``index``: (n_samples, heads, tokens, tokens),
    each row (a query) summing to 1 over the keys."""
    layer = net.layers[_check_index(net, index)]
    if layer.kind != "self_attention":
        raise ValueError(_("layer {name} is a {kind} layer, not self_attention", name=layer.name, kind=layer.kind))
    out = []
    for _chunk in _chunks(net, x, index, chunk):
        out.append(layer.trace_extras()["attention"].copy())
    return np.concatenate(out)


def top_k(values, k):
    """Indices of the k largest values, largest first, ties to the lower index (stable)."""
    values = np.asarray(values)
    k = max(0, min(int(k), values.size))
    return np.argsort(-values, kind="stable")[:k]
