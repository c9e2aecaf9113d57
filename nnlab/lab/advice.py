"""What to try against a problem the diagnosis found — never what the user has already chosen.

A ``Setup`` holds the choices that matter for advice (initialiser, activations, L2, dropout, image data and
augmentation); each ``*_actions`` function gives one sentence per remedy, leaving out the ones already taken
("use He initialisation" is not said when He is chosen).
"""
from dataclasses import dataclass

from ..i18n import _, ngettext
from ..i18n.numbers import sig

RELU_LIKE = frozenset({"relu", "leaky_relu"})


@dataclass(frozen=True)
class Setup:
    """What the user has already chosen, so that advice never repeats it. The defaults know nothing (every
    remedy may be suggested)."""
    init: str | None = None
    activations: frozenset = frozenset()  # every activation in the network
    l2: float = 0.0
    dropout: float | None = 0.0  # None: a fixed architecture without a dropout setting
    images: bool = False
    augmenting: bool = False


def setup_for(config, dataset=None, augmenting=False):
    """The Setup of a LabConfig (and its dataset: images can be augmented)."""
    if config.spec is not None:
        acts = {layer.get("activation") for layer in config.spec["layers"]}
        dropout = None
    else:
        acts, dropout = set(config.activations) | {config.output}, config.dropout
    return Setup(init=config.init, activations=frozenset(a for a in acts if a), l2=config.l2, dropout=dropout,
                 images=dataset is not None and dataset.image_shape is not None, augmenting=augmenting)


# ---- what to try -----------------------------------------------------------------------------------------

def lower_lr(lr):
    return _("Lower the learning rate (now {lr}).", lr=sig(lr))


def better_init(setup):
    """He or Xavier initialisation, unless one of them is already chosen."""
    return [] if setup.init in ("he", "xavier") else [_("Use He (ReLU) or Xavier (sigmoid, tanh) initialisation.")]


def vanishing_actions(setup):
    out = []
    if not setup.activations or not setup.activations & RELU_LIKE:
        out.append(_("Use ReLU activations in the hidden layers: their slope is 1 wherever they are active."))
    if setup.init != "he":
        out.append(_("Use He initialisation."))
    out.append(_("Use fewer layers."))
    return out


def dead_actions(setup, lr):
    out = [lower_lr(lr)]
    if setup.init != "he":
        out.append(_("Use He initialisation."))
    if "relu" in setup.activations or not setup.activations:
        out.append(_("Use leaky ReLU: its small slope below 0 lets a unit come back."))
    return out


def saturation_actions(setup):
    out = []
    if setup.init != "xavier":
        out.append(_("Use Xavier initialisation: it keeps z small enough for the slope of sigmoid/tanh."))
    out.append(_("Use ReLU activations in the hidden layers."))
    return out


def overfitting_actions(setup, best):
    out = [ngettext("Stop at the best epoch (early stopping): reset, then train for {n} epoch.",
                    "Stop at the best epoch (early stopping): reset, then train for {n} epochs.", best)]
    out.append(_("Add L2 weight decay (the sidebar's L2, e.g. 1e-4).") if not setup.l2 else
               _("Raise the L2 weight decay above {l2}.", l2=sig(setup.l2)))
    if setup.dropout is not None:
        out.append(_("Add dropout after the hidden layers (e.g. 0.2).") if not setup.dropout else
                   _("Raise the dropout rate above {rate}.", rate=sig(setup.dropout)))
    if setup.images and not setup.augmenting:
        out.append(_("Augment the training images (Data page, tab “Image augmentation”)."))
    out.append(_("Train on more data, if you have it."))
    return out
