"""Every layer type by the name a spec gives it: the one table ``{"type": ...}`` is looked up in."""
from ..i18n import _
from .attention import PatchEmbed, SelfAttention, TokenDense, TokenMeanPool
from .conv import AvgPool2D, Conv2D, MaxPool2D
from .layernorm import LayerNorm
from .layers import Dense, Dropout, Flatten

LAYER_TYPES = {cls.kind: cls for cls in (Dense, Dropout, Flatten, Conv2D, MaxPool2D, AvgPool2D, PatchEmbed,
                                         LayerNorm, SelfAttention, TokenDense, TokenMeanPool)}


def layer_from_config(cfg):
    """A new, unbuilt layer from its spec, e.g. ``{"type": "dense", "units": 8}``."""
    if not isinstance(cfg, dict):
        raise ValueError(_("layer={value}: each layer is a dict such as {{'type': 'dense', 'units': 8}}",
                           value=repr(cfg)))
    cfg = dict(cfg)
    kind = cfg.pop("type", None)
    if kind not in LAYER_TYPES:
        raise ValueError(_("layer type={kind} is unknown; choose one of {choices}", kind=repr(kind),
                           choices=sorted(LAYER_TYPES)))
    try:
        return LAYER_TYPES[kind](**cfg)
    except TypeError as exc:
        raise ValueError(_("layer type={kind}: bad settings {settings}: {detail}", kind=repr(kind), settings=cfg,
                           detail=exc)) from None
