"""A link is the configuration: the sidebar's settings as URL query parameters, and back again, checked.

Why: a teacher copies the address bar and every student opens exactly that network, with the same seed
and so the same numbers. A link comes from outside, so decoding trusts nothing: each parameter is checked
against the sidebar's own limits; one that is malformed, out of range or unknown gives a notice naming
it and its value, and only that setting falls back to its default. Nothing decoded can make the server
build or train more than the sidebar allows.

The config is a plain dict with the keys of ``DEFAULTS``. The defaults, choices and limits are the
sidebar's own (``lab.config``: LabConfig and the sidebar's limits; ``lab.presets``).
"""
import math
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from ..data.builtin import available_datasets
from ..engine import ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS, SCHEDULES
from ..engine.losses import COMPATIBLE_OUTPUTS
from ..engine.zoo import PRESETS as ZOO_PRESETS
from ..i18n import _, ngettext
from .config import (BATCH_CHOICES, FLOAT_RANGES, INT_RANGES, LR_CHOICES, MAX_HIDDEN_LAYERS, MAX_UNITS, NEW_LAYER,
                     LabConfig)
from .presets import CUSTOM

PAGES = ("home", "architecture", "forward", "backprop", "training", "feature_maps", "attention", "data",
         "compare")  # the app's pages (the router passes its own list to ``decode``, so a new page is linkable)
NEW_LAYER_ACTIVATION = NEW_LAYER[1]  # what the sidebar gives a hidden layer it adds

_SIDEBAR = LabConfig()
DEFAULTS = {  # in the order a link writes them
    "dataset": _SIDEBAR.dataset, "n_samples": _SIDEBAR.n_samples, "noise": _SIDEBAR.noise, "preset": CUSTOM,
    **{key: getattr(_SIDEBAR, key) for key in ("hidden", "activations", "loss", "output", "init", "sigma", "seed",
                                               "optimizer", "lr", "schedule", "batch_size", "epochs", "l2",
                                               "dropout")},
    "page": "home",
}
CHOICES = {"loss": tuple(LOSSES), "output": tuple(ACTIVATIONS), "init": tuple(INITIALIZERS),
           "optimizer": tuple(OPTIMIZERS), "schedule": tuple(SCHEDULES), "page": PAGES}
# Query parameters that belong to others, not ours to judge: Streamlit's own, the classroom's
# browser-refresh token, and the Lessons page's lesson id (that page checks it and says so if it is unknown).
# The router keeps them in the URL, so a link copied on the Lessons page opens the same lesson.
OTHERS_PARAMS = {"embed", "embed_options", "resume", "lesson"}
MAX_TEXT = 200  # characters in one parameter's value; longer ones are refused before any parsing
MAX_NOTICES = 20  # a link with thousands of bad parameters gets this many notices, then a count
SHOWN_VALUE = 40  # characters of a bad value quoted in its notice

_INT = re.compile(r"[0-9]{1,10}")
_FLOAT = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?")


@dataclass(frozen=True)
class LinkNotice:
    """One parameter of a link that was not used as given, and what was used instead."""
    parameter: str
    value: str
    message: str

    def __str__(self):
        return self.message


@dataclass(frozen=True)
class DecodedLink:
    config: dict  # every key of DEFAULTS
    notices: list  # LinkNotice, in the order of the link's parameters
    named: frozenset = frozenset()  # the keys of DEFAULTS the link itself names (used as given or not)


def _text(key, value):
    """A config value as the text of its query parameter."""
    if key in ("hidden", "activations"):
        return ",".join(str(v) for v in value)
    if key in FLOAT_RANGES or key == "lr":
        return repr(float(value))
    if key in INT_RANGES or key == "batch_size":
        return str(int(value))
    return str(value)


def encode(config):
    """Query parameters (name -> text) for a config dict, in the order of DEFAULTS; keys it lacks are left
    out (they decode to their defaults). Raises ValueError for a key that is not a setting."""
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a setting a link can carry; use one of {list(DEFAULTS)}")
    return {key: _text(key, config[key]) for key in DEFAULTS if key in config}


def to_query_string(config):
    """The part of a link after "?", e.g. ``dataset=Moons&n_samples=400&…`` (spaces as %20)."""
    return urlencode(encode(config), quote_via=quote)


def _number(text, pattern, cast, low, high):
    value = cast(text) if pattern.fullmatch(text) else None
    if value is None or not (math.isfinite(value) and low <= value <= high):
        if cast is int:
            raise ValueError(_("give a whole number from {low} to {high}", low=low, high=high))
        raise ValueError(_("give a number from {low} to {high}", low=low, high=high))
    return value


def _choice(text, choices):
    if text in choices:
        return text
    raise ValueError(_("choose one of {choices}", choices=", ".join(choices)))


def _numeric_choice(text, pattern, cast, choices):
    """One of the numbers a select box offers, however it is written ("1e-3" is the choice 0.001)."""
    value = cast(text) if pattern.fullmatch(text) else None
    if value not in choices:
        raise ValueError(_("choose one of {choices}", choices=", ".join(_text_of(c) for c in choices)))
    return choices[choices.index(value)]


def _text_of(number):
    return repr(number) if isinstance(number, float) else str(number)


def _hidden(text):
    units = text.split(",") if text else []
    if len(units) > MAX_HIDDEN_LAYERS:
        raise ValueError(ngettext("{n} hidden layer; use at most {most}", "{n} hidden layers; use at most {most}",
                                  len(units), most=MAX_HIDDEN_LAYERS))
    out = []
    for i, part in enumerate(units, start=1):
        if not _INT.fullmatch(part) or not 1 <= int(part) <= MAX_UNITS:
            raise ValueError(_("hidden layer {i} needs a whole number of units from 1 to {most}, not “{text}”",
                               i=i, most=MAX_UNITS, text=_shown(part)))
        out.append(int(part))
    return tuple(out)


def _activations(text):
    names = text.split(",") if text else []
    if len(names) > MAX_HIDDEN_LAYERS:
        raise ValueError(ngettext("{n} activation; there are at most {most} hidden layers",
                                  "{n} activations; there are at most {most} hidden layers", len(names),
                                  most=MAX_HIDDEN_LAYERS))
    for i, name in enumerate(names, start=1):
        if name not in ACTIVATIONS:
            raise ValueError(_("hidden layer {i} has the unknown activation “{name}”; choose one of {choices}",
                               i=i, name=_shown(name), choices=", ".join(ACTIVATIONS)))
    return tuple(names)


def _parse(key, text, choices):
    """The value of one parameter, or ValueError saying what is wrong with its text."""
    if len(text) > MAX_TEXT:
        raise ValueError(_("it is {n} characters long; no setting needs more than {most}", n=len(text),
                           most=MAX_TEXT))
    if key in INT_RANGES:
        return _number(text, _INT, int, *INT_RANGES[key])
    if key in FLOAT_RANGES:
        return _number(text, _FLOAT, float, *FLOAT_RANGES[key])
    if key == "hidden":
        return _hidden(text)
    if key == "activations":
        return _activations(text)
    if key == "lr":
        return _numeric_choice(text, _FLOAT, float, LR_CHOICES)
    if key == "batch_size":
        return _numeric_choice(text, _INT, int, BATCH_CHOICES)
    return _choice(text, choices.get(key) or CHOICES[key])


def _shown(text):
    return text if len(text) <= SHOWN_VALUE else text[:SHOWN_VALUE] + "…"


def _notice(key, text, problem, used):
    return LinkNotice(key, text, _("The link's setting {key}=“{text}” was not used: {problem}. Using "
                                   "{key}=“{used}” instead.", key=key, text=_shown(text), problem=problem,
                                   used=_text(key, used)))


def decode(params, datasets=None, presets=None, pages=None):
    """The config a link's query parameters describe, and a notice for each parameter not used as given.

    Parameters
    ----------
    params : mapping name -> text (``st.query_params``), or name -> list of texts (the last one counts,
        as in Streamlit)
    datasets : the dataset names a link may choose (default: the built-in ones available now)
    presets : the sidebar's preset names (default: "(custom)" and the zoo's presets)
    pages : the names of the pages a link may open (default: PAGES); the router passes its own, so a page
        added to the app (a Lessons page) can be linked without a change here

    Returns
    -------
    DecodedLink. Missing parameters take their defaults silently: a link may set only a few.
    """
    datasets = tuple(available_datasets()) if datasets is None else tuple(datasets)
    presets = (CUSTOM,) + tuple(ZOO_PRESETS) if presets is None else tuple(presets)
    choices = {"dataset": datasets, "preset": presets, "page": PAGES if pages is None else tuple(pages)}
    config, problems, given, unknown = dict(DEFAULTS), [], {}, []
    for key, value in params.items():
        text = value[-1] if isinstance(value, (list, tuple)) and value else value
        if key in OTHERS_PARAMS:
            continue
        if key not in DEFAULTS:
            unknown.append(LinkNotice(key, str(text), _("The link's setting {key}=“{text}” is not one nnlab "
                                                        "knows; it was ignored.", key=_shown(key),
                                                        text=_shown(str(text)))))
        elif not isinstance(text, str):
            problems.append((key, repr(text), _("it is not text")))
        else:
            try:
                config[key] = _parse(key, text, choices)
                given[key] = text
            except ValueError as exc:
                problems.append((key, text, str(exc)))
    agreement = _agree(config, given)  # before the notices: they say the value finally used
    notices = [_notice(key, text, problem, config[key]) for key, text, problem in problems]
    notices += agreement + unknown
    if len(notices) > MAX_NOTICES:
        rest = len(notices) - MAX_NOTICES + 1
        more = ngettext("{n} more setting of the link was not used as given.",
                        "{n} more settings of the link were not used as given.", rest)
        notices = notices[:MAX_NOTICES - 1] + [LinkNotice("", "", more)]
    return DecodedLink(config, notices, frozenset(key for key in params if key in DEFAULTS))


def _agree(config, given):
    """Settings that must fit together, as the sidebar keeps them: one activation per hidden layer, and
    the output activation a cross-entropy needs. The dependent setting gives way, with a notice if the
    link set it."""
    notices = []
    if len(config["activations"]) != len(config["hidden"]):
        used = (DEFAULTS["activations"] if len(DEFAULTS["activations"]) == len(config["hidden"])
                else (NEW_LAYER_ACTIVATION,) * len(config["hidden"]))
        if "activations" in given:
            notices.append(_notice("activations", given["activations"],
                                   _("there must be one activation per hidden layer ({layers}), and it names {n}",
                                     n=len(config["activations"]), layers=len(config["hidden"])), used))
        config["activations"] = used
    allowed = COMPATIBLE_OUTPUTS[config["loss"]]
    if allowed and config["output"] not in allowed:
        used = sorted(allowed)[0]
        if "output" in given:
            notices.append(_notice("output", given["output"], _("loss {loss} needs the output activation "
                                                                "{output}", loss=config["loss"], output=used),
                                   used))
        config["output"] = used
    return notices
