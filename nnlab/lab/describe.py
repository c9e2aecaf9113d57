"""Networks and runs in words: a short label per layer, a layer's name as a sentence would say it, one
line per network or configuration with its training settings, and how far a model has trained.

Shared by the sidebar, the Training and Compare pages, the block diagram and the diagnosis; plain Python.
"""
from ..engine.shapes import shape_text
from ..i18n import N_, _, ngettext
from .config import output_units


def _k(value):
    return f"{value}×{value}"


def layer_label(layer):
    """One layer config (a spec's ``layers`` entry) as a few words, e.g. "conv 3×3 ×16 relu"."""
    kind = layer.get("type", "?")
    act = layer.get("activation")
    if kind == "conv2d":
        stride = " " + _("stride {s}", s=layer["stride"]) if layer.get("stride", 1) != 1 else ""
        pad = " same" if layer.get("padding") == "same" else ""  # the setting's value, as in the spec
        return f"conv {_k(layer.get('kernel', 3))} ×{layer['filters']}{stride}{pad} {act or ''}".strip()
    if kind in ("maxpool2d", "avgpool2d"):
        size = _k(layer.get("size", 2))
        return _("max-pool {size}", size=size) if kind == "maxpool2d" else _("average-pool {size}", size=size)
    if kind == "patch_embed":
        return _("{size} patches → {n} features", size=_k(layer.get("patch", 4)), n=layer.get("dim"))
    if kind == "self_attention":
        return _("self-attention, {n} heads", n=layer.get("heads"))
    if kind in ("dense", "token_dense"):
        where = _("per-token dense") if kind == "token_dense" else "dense"
        return f"{where} {layer.get('units')} {act or ''}".strip()
    if kind == "dropout":
        return f"dropout {layer.get('rate')}"
    if kind == "layer_norm":
        return _("layer norm")
    return _("mean over tokens") if kind == "token_mean_pool" else kind


def layer_labels(net):
    """``layer_label`` of each of the network's layers, in order."""
    return [layer_label(layer.config()) for layer in net.layers]


def layer_in_words(name):
    """A layer's name as a sentence says it: 'L3 dense' -> 'layer 3'; other kinds keep their kind:
    'L1 conv2d' -> 'layer 1 (conv2d)'."""
    head, _sep, kind = name.partition(" ")
    if head[:1] == "L" and head[1:].isdigit():
        n = int(head[1:])
        return _("layer {n}", n=n) if kind in ("dense", "") else _("layer {n} ({kind})", n=n, kind=kind)
    return name


# The learning-rate schedules (engine.schedules.SCHEDULES) by the words the pages use for them.
SCHEDULE_NAMES = {"constant": N_("constant"), "step": N_("step decay"), "cosine": N_("cosine")}


def schedule_name(key):
    name = SCHEDULE_NAMES.get(key)
    return key if name is None else _(name)


def network_line(net, config):
    """One line naming the network and the training settings, e.g. "784 → 128 relu → 10 softmax · …"."""
    parts = [str(net.n_inputs)]
    for row in net.summary():
        if row["kind"] == "dropout":
            continue
        shape = row["output shape"]
        size = shape[0] if len(shape) == 1 else shape_text(shape)
        parts.append(f"{size} {row['activation']}".strip() if row["kind"] == "dense" else f"{row['kind']} {size}")
    return _("{units} · {n:,} parameters · {opt} lr {lr:g} · {schedule} schedule · batch {batch} · L2 {l2:g}",
             units=" → ".join(parts), n=net.n_params, opt=config.optimizer, lr=config.lr,
             schedule=schedule_name(config.schedule), batch=config.batch_size, l2=config.l2)


def config_line(config, dataset):
    """A configuration without building its network, e.g. '784-128-64-10 relu·relu→softmax, adam lr 0.001,
    batch 64'."""
    if config.spec is not None:
        arch = " → ".join(layer["type"] for layer in config.spec["layers"])
    else:
        sizes = [dataset.n_features, *config.hidden, output_units(config, dataset)]
        acts = "·".join(config.activations) or _("no hidden layer")
        arch = f"{'-'.join(str(s) for s in sizes)} {acts}→{config.output}"
        if config.dropout:
            arch = _("{arch}, dropout {rate:g}", arch=arch, rate=config.dropout)
    return _("{arch}, {opt} lr {lr:g}, batch {batch}", arch=arch, opt=config.optimizer, lr=config.lr,
             batch=config.batch_size)


def training_status(history):
    """In words, how far the model has trained: untrained, a few steps, or whole epochs."""
    if not len(history):
        return _("untrained: fresh initial weights")
    epochs = history.last_epoch
    if epochs == 0:
        return _("trained for {steps:,} steps (less than one epoch)", steps=history.n_steps)
    return ngettext("trained for {n} epoch ({steps:,} steps)", "trained for {n} epochs ({steps:,} steps)", epochs,
                    steps=history.n_steps)
