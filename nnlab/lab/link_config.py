"""Between a link's settings (``lab.link``: plain names and values) and the sidebar's state (a LabConfig
and the name of the preset it came from).

Why a module of its own: a preset is more than its settings. The CNN and attention presets bring a fixed
architecture, the seed example its starting weights; a link carries only the preset's name, so the name
must travel exactly when the state still holds that preset's own architecture and weights, and a link
must rebuild them only where the sidebar would keep them (the sidebar drops a preset's starting weights
when the dataset or the layers change, and a fixed architecture when the data does not fit it).
"""
from dataclasses import replace

from ..i18n import _
from .config import LabConfig, fit_task, spec_mismatch
from .link import DEFAULTS
from .presets import CUSTOM, PRESETS

SETTINGS = tuple(key for key in DEFAULTS if key not in ("preset", "page"))  # LabConfig fields a link holds
SPEC_OWNS = ("hidden", "activations", "loss", "output")  # what a fixed architecture decides itself
WEIGHTS_NEED = ("dataset", "hidden", "activations")  # what a preset's starting weights were made for


def carries_preset(cfg, preset):
    """Does the state (``cfg`` as the sidebar built it, with ``preset`` chosen) still hold that preset's own
    fixed architecture and starting weights, so that its name rebuilds them?"""
    base = PRESETS.get(preset)
    if base is None:
        return False
    same_weights = base.initial_params is None or (
        cfg.initial_params is not None and cfg.initial_params == base.initial_params)
    return cfg.spec == base.spec and same_weights


def carried_preset(cfg, preset):
    """The preset name a link carries: the chosen ``preset`` if the state still holds its parts, else a preset
    whose fixed architecture the state has (a loaded model of the CNN preset), else "(custom)"."""
    if carries_preset(cfg, preset):
        return preset
    if cfg.spec is not None:
        return next((name for name in PRESETS if carries_preset(cfg, name)), CUSTOM)
    return CUSTOM


def link_settings(cfg, preset, page):
    """The settings a link carries for this state: every LabConfig setting, the preset (only if the state
    still holds its architecture and weights, else "(custom)") and the page. A fixed architecture that is
    no preset's (a loaded model's) cannot travel: the link then has the editable hidden layers the sidebar
    falls back to."""
    settings = {key: getattr(cfg, key) for key in SETTINGS}
    settings["preset"] = carried_preset(cfg, preset)
    if cfg.spec is not None and settings["preset"] == CUSTOM:
        settings["hidden"], settings["activations"] = LabConfig().hidden, LabConfig().activations
    settings["page"] = page
    return settings


def link_values(settings, named=None):
    """{LabConfig field: value} a link sets: all of its settings, or, when it names a preset, only those it names
    itself (``named``: a decoded link's ``named``) — the others are the preset's own, as choosing the preset in
    the sidebar gives (``?preset=MNIST CNN`` is that preset, learning rate and batch size included)."""
    keep_all = named is None or settings["preset"] not in PRESETS
    return {key: settings[key] for key in SETTINGS if keep_all or key in named}


def data_of_link(settings, named=None):
    """The LabConfig of the data a link's network is built on (dataset, samples, noise)."""
    values = link_values(settings, named)
    base = PRESETS.get(settings["preset"], LabConfig())
    return LabConfig(**{key: values.get(key, getattr(base, key)) for key in ("dataset", "n_samples", "noise")})


def config_from_link(settings, dataset, named=None):
    """The sidebar state a link's settings (a decoded link's ``config``) describe on ``dataset`` (the data
    the link names, loaded): ``(LabConfig, preset name, notices)``, the notices (sentences) saying which of
    the preset's parts could not be used and why. What the sidebar itself would not allow gives way the
    same way the sidebar does it. ``named``: see ``link_values``; ``dataset`` is the data of ``data_of_link``."""
    preset = settings["preset"]
    values = link_values(settings, named)
    base = PRESETS.get(preset, LabConfig())
    notices = []
    if base.spec is not None:
        cfg = replace(base, **{k: v for k, v in values.items() if k not in SPEC_OWNS})
        problem = spec_mismatch(base.spec, dataset)
        if problem:
            default = LabConfig()
            notices.append(_("{problem} The link's preset “{preset}” was not used; the layers are the editable "
                             "hidden layers {hidden}.", problem=problem, preset=preset,
                             hidden=", ".join(map(str, default.hidden))))
            cfg = replace(cfg, spec=None, hidden=default.hidden, activations=default.activations,
                          loss=default.loss, output=default.output)
            preset = CUSTOM
    else:
        cfg = replace(base, **values)
        if base.initial_params is not None and any(values[k] != getattr(base, k) for k in WEIGHTS_NEED):
            notices.append(_("The preset “{preset}” starts from weights made for its own dataset and layers, and "
                             "the link changes them, so the network starts from random weights (seed {seed}).",
                             preset=preset, seed=cfg.seed))
            cfg = replace(cfg, initial_params=None)
            preset = CUSTOM
    fitted = fit_task(cfg, dataset)
    if fitted != cfg:
        notices.append(_("“{dataset}” is a regression dataset, so the loss is MSE with an identity output, not "
                         "the link's {loss} with a {output} output.", dataset=dataset.name, loss=cfg.loss,
                         output=cfg.output))
    return fitted, preset, notices
