"""Run part of a network on many samples and read what one layer computed: feature-map statistics per
channel, attention weights per head. Plain NumPy (no Streamlit), for the feature-map and attention pages.

These functions run ``layer.forward`` and so overwrite the layers' caches: give them a copy of the
user's model (``walkthrough.clone``), never the model itself. ``weights_fingerprint`` names a set of
weights, so a page can cache results per set of weights without hashing the model object.
"""
import hashlib
import json

import numpy as np

from .walkthrough import clone

CHUNK = 256  # samples per forward pass: bounded memory whatever n is


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
    copy = clone(net)
    for index, arrays in params.items():
        copy.set_params(int(index), **arrays)
    return copy


def _check_index(net, index):
    if not 0 <= int(index) < len(net.layers):
        raise ValueError(f"layer index={index}: this network has layers 0…{len(net.layers) - 1}")
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
        raise ValueError(f"layer {net.layers[index].name} outputs shape {net.layers[index].output_shape}, "
                         "not channels of images (C, H, W)")
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
        raise ValueError(f"layer {layer.name} is a {layer.kind} layer, not self_attention")
    out = []
    for _ in _chunks(net, x, index, chunk):
        out.append(layer.trace_extras()["attention"].copy())
    return np.concatenate(out)


def top_k(values, k):
    """Indices of the k largest values, largest first, ties to the lower index (stable)."""
    values = np.asarray(values)
    k = max(0, min(int(k), values.size))
    return np.argsort(-values, kind="stable")[:k]
