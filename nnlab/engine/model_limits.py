"""What a valid network spec is, checked on plain JSON values before anything is built.

A spec read from an uploaded model file is untrusted: it may ask for a 10⁸-unit layer, nest lists
100,000 deep or give a seed that is a string. ``check_spec`` reads only Python values and works out the
parameter shapes each layer *would* get from its settings (no array is allocated), so an oversized
architecture is refused before it costs memory. The shape rules below mirror each layer's ``build``; the
tests build every layer type and check that both agree.
"""
import math
import re

import numpy as np

from . import attention, conv  # noqa: F401  (register the conv and attention layer types)
from ..i18n import _
from .conv import conv_padding
from .initializers import INITIALIZERS
from .layer_types import LAYER_TYPES, layer_from_config
from .losses import LOSSES
from .network import DEFAULTS

MAX_SPEC_BYTES = 64 * 2**10     # the architecture JSON; a real one is about 1 KB
MAX_JSON_DEPTH = 6              # a real one nests 3 deep: {"layers": [{...}]}
MAX_LAYERS = 64
MAX_INPUT_SIZE = 65_536         # values per sample, e.g. a 256×256 greyscale image
MAX_LAYER_VALUES = 2**21        # values per sample in any layer's output or work array (feature maps, attention)
MAX_PARAMS = 16_000_000         # the sidebar's largest MLP (1,000 inputs, 10 × 1,024 hidden, 50 classes) has 10.5 M
MAX_SEED = 2**63 - 1            # what an int64 holds exactly
DTYPES = ("float32", "float64")
SETTINGS = ("input_shape", "layers", *DEFAULTS)


class SpecError(ValueError):
    """A spec that breaks a rule or a cap; the message names the setting."""


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)


def clip(text, limit=200):
    """``text`` cut to ``limit`` characters: a message quotes a hostile value, never all of it."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def shown(value, limit=60):
    return clip(repr(value), limit)


def json_depth(text):
    """How deeply ``[`` and ``{`` nest in JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for ch in re.sub(r'"(?:[^"\\]|\\.)*"', "", text):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


# ---- parameter shapes per layer type, from (layer, input shape); None = this input does not fit -------
# Each returns (parameter shapes, output shape, largest work array per sample).

def _dense(layer, shape):
    if len(shape) != (1 if layer.kind == "dense" else 2):
        return None
    out = shape[:-1] + (layer.units,)
    return {"W": (shape[-1], layer.units), "b": (layer.units,)}, out, math.prod(out)


def _conv2d(layer, shape):
    if len(shape) != 3:
        return None
    c, h, w = shape
    k = layer.kernel
    out_h = conv_padding(h, k, layer.stride, layer.padding)[2]
    out_w = conv_padding(w, k, layer.stride, layer.padding)[2]
    if out_h < 1 or out_w < 1:
        return None
    # im2col holds C·k·k values per output position (a little more with stride 1: whole padded rows)
    return ({"W": (layer.filters, c, k, k), "b": (layer.filters,)}, (layer.filters, out_h, out_w),
            max(layer.filters, c * k * k) * out_h * (w + k))


def _patch_embed(layer, shape):
    if len(shape) != 3 or shape[1] % layer.patch or shape[2] % layer.patch:
        return None
    c, h, w = shape
    p, d = layer.patch, layer.dim
    t = (h // p) * (w // p)
    return {"W": (c * p * p, d), "b": (d,), "pos": (t, d)}, (t, d), max(t * d, math.prod(shape))


def _self_attention(layer, shape):
    if len(shape) != 2 or shape[1] % layer.heads:
        return None
    t, d = shape
    params = {}
    for name in layer.NAMES + ("o",):
        params["W" + name], params["b" + name] = (d, d), (d,)
    return params, shape, max(layer.heads * t * t, 4 * t * d)  # the (heads, T, T) attention weights


def _layer_norm(layer, shape):
    return {"gamma": (shape[-1],), "beta": (shape[-1],)}, shape, math.prod(shape)


PARAM_SHAPES = {"dense": _dense, "token_dense": _dense, "conv2d": _conv2d, "patch_embed": _patch_embed,
                "self_attention": _self_attention, "layer_norm": _layer_norm}
# Layers whose ``build`` only computes an output shape, so it is safe to call here.
PARAMETERLESS = ("dropout", "flatten", "maxpool2d", "avgpool2d", "token_mean_pool")


def _check_layer_settings(i, cfg):
    if not isinstance(cfg, dict):
        raise SpecError(_('layer {i} is a {kind}; each layer is an object such as {{"type": "dense", "units": 8}}',
                          i=i, kind=type(cfg).__name__))
    if not isinstance(cfg.get("type"), str) or cfg["type"] not in LAYER_TYPES:
        raise SpecError(_("layer {i} has type {value}; choose one of {choices}", i=i, value=shown(cfg.get("type")),
                          choices=sorted(LAYER_TYPES)))
    for key, value in cfg.items():
        plain = isinstance(value, (str, int, float, type(None)))
        if not plain or (isinstance(value, float) and not math.isfinite(value)):
            raise SpecError(_("layer {i} ({kind}): {key}={value}; each setting is one finite number, text, "
                              "true/false or null", i=i, kind=cfg["type"], key=clip(str(key), 40), value=shown(value)))
    init = cfg.get("init")
    if init is not None and init not in INITIALIZERS:
        raise SpecError(_("layer {i} ({kind}): init={value} is unknown; choose one of {choices}", i=i,
                          kind=cfg["type"], value=shown(init), choices=sorted(INITIALIZERS)))


def _check_settings(spec):
    unknown = [key for key in spec if key not in SETTINGS]
    if unknown:
        raise SpecError(_("unknown setting(s) {names}; a network spec has only {settings}",
                          names=clip(", ".join(map(repr, unknown))), settings=", ".join(SETTINGS)))
    shape = spec.get("input_shape")
    if (not isinstance(shape, list) or not 1 <= len(shape) <= 3
            or not all(_whole(s) and s >= 1 for s in shape)):
        raise SpecError(_("input_shape={value}; give 1 to 3 whole numbers of at least 1, e.g. [784] or [1, 28, 28]",
                          value=shown(shape)))
    if math.prod(shape) > MAX_INPUT_SIZE:
        raise SpecError(_("input_shape={shape} has {n:,} values per sample; the limit is {limit:,}", shape=shape,
                          n=math.prod(shape), limit=MAX_INPUT_SIZE))
    for key, table in (("loss", LOSSES), ("init", INITIALIZERS), ("dtype", DTYPES)):
        value = spec.get(key, DEFAULTS[key])
        if not isinstance(value, str) or value not in table:
            raise SpecError(_("{key}={value} is unknown; choose one of {choices}", key=key, value=shown(value),
                              choices=sorted(table)))
    seed = spec.get("seed", DEFAULTS["seed"])
    if not _whole(seed) or not 0 <= seed <= MAX_SEED:
        raise SpecError(_("seed={value}; give a whole number from 0 to 2**63 - 1", value=shown(seed)))
    sigma = spec.get("sigma", DEFAULTS["sigma"])
    if not isinstance(sigma, (int, float)) or isinstance(sigma, bool) or not math.isfinite(sigma) or sigma < 0:
        raise SpecError(_("sigma={value}; the normal initialiser's σ is a finite number of at least 0",
                          value=shown(sigma)))
    layers = spec.get("layers")
    if not isinstance(layers, list) or not layers:
        raise SpecError(_("layers is missing or empty: a network needs at least one layer"))
    if len(layers) > MAX_LAYERS:
        raise SpecError(_("{n} layers; the limit is {limit}", n=len(layers), limit=MAX_LAYERS))
    for i, cfg in enumerate(layers, 1):
        _check_layer_settings(i, cfg)


def check_spec(spec):
    """Check a spec's settings and sizes without building it.

    Returns
    -------
    dict ``"{layer index}.{name}"`` -> shape of every parameter the spec implies, for the layers up to the
    first one whose input does not fit it (``Network(spec)`` then raises that layer's own message).

    Raises
    ------
    SpecError naming the setting or the cap (``MAX_*`` above) that is broken.
    """
    if not isinstance(spec, dict):
        raise SpecError(_("the spec is a {kind}, not an object of settings", kind=type(spec).__name__))
    _check_settings(spec)
    shape, shapes, total = tuple(spec["input_shape"]), {}, 0
    for i, cfg in enumerate(spec["layers"]):
        try:
            layer = layer_from_config(cfg)
        except (ValueError, TypeError) as exc:
            raise SpecError(_("layer {i} ({kind}): {detail}", i=i + 1, kind=cfg["type"],
                              detail=clip(str(exc)))) from None
        if layer.kind in PARAMETERLESS:
            try:
                sized = {}, tuple(layer.build(shape, np.random.default_rng(0), None, None, None)), math.prod(shape)
            except ValueError:
                return shapes
        elif layer.kind in PARAM_SHAPES:
            sized = PARAM_SHAPES[layer.kind](layer, shape)
            if sized is None:
                return shapes
        else:
            raise SpecError(_("layer {i}: nnlab has no size rule for a {kind} layer, so it cannot be checked "
                              "before it is built", i=i + 1, kind=layer.kind))
        params, shape, work = sized
        total += sum(math.prod(s) for s in params.values())
        if total > MAX_PARAMS:
            raise SpecError(_("layer {i} ({kind}) brings the parameter count to {n:,}; the limit is {limit:,}",
                              i=i + 1, kind=layer.kind, n=total, limit=MAX_PARAMS))
        if max(work, math.prod(shape)) > MAX_LAYER_VALUES:
            raise SpecError(_("layer {i} ({kind}) works on {n:,} values per sample (output {shape}); the limit is "
                              "{limit:,}", i=i + 1, kind=layer.kind, n=max(work, math.prod(shape)), shape=shape,
                              limit=MAX_LAYER_VALUES))
        shapes.update({f"{i}.{name}": s for name, s in params.items()})
    return shapes

