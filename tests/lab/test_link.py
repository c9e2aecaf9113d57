"""A link is the configuration: configs round-trip through query parameters, and tampered links give one
notice per bad parameter, fall back for that parameter only, and never exceed the sidebar's limits."""
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnlab.engine import ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS, SCHEDULES
from nnlab.engine.losses import COMPATIBLE_OUTPUTS
from nnlab.i18n import using_language
from nnlab.lab import link
from nnlab.lab.link import DEFAULTS, decode, encode, to_query_string

DATASETS = ("MNIST subset (10k digits)", "Moons", "Spirals", "Iris")
PRESETS = ("(custom)", "MNIST CNN", "Spirals 2-8-8-1 tanh")
INTS = {**link.INT_RANGES}
FLOATS = {**link.FLOAT_RANGES}


def decoded(params):
    return decode(params, datasets=DATASETS, presets=PRESETS)


@st.composite
def configs(draw):
    """Any config the sidebar can show."""
    n = draw(st.integers(0, link.MAX_HIDDEN_LAYERS))
    loss = draw(st.sampled_from(list(LOSSES)))
    outputs = sorted(COMPATIBLE_OUTPUTS[loss]) or list(ACTIVATIONS)
    cfg = {
        "dataset": draw(st.sampled_from(DATASETS)), "preset": draw(st.sampled_from(PRESETS)),
        "hidden": tuple(draw(st.lists(st.integers(1, link.MAX_UNITS), min_size=n, max_size=n))),
        "activations": tuple(draw(st.lists(st.sampled_from(list(ACTIVATIONS)), min_size=n, max_size=n))),
        "loss": loss, "output": draw(st.sampled_from(outputs)),
        "init": draw(st.sampled_from(list(INITIALIZERS))), "optimizer": draw(st.sampled_from(list(OPTIMIZERS))),
        "schedule": draw(st.sampled_from(list(SCHEDULES))), "page": draw(st.sampled_from(link.PAGES)),
        "lr": draw(st.sampled_from(link.LR_CHOICES)), "batch_size": draw(st.sampled_from(link.BATCH_CHOICES)),
    }
    cfg.update({k: draw(st.integers(lo, hi)) for k, (lo, hi) in INTS.items()})
    cfg.update({k: draw(st.floats(lo, hi)) for k, (lo, hi) in FLOATS.items()})
    return cfg


def within_limits(cfg):
    """Checked here against the engine's tables and the ranges, independently of the decoder."""
    assert set(cfg) == set(DEFAULTS)
    assert cfg["dataset"] in DATASETS and cfg["preset"] in PRESETS and cfg["page"] in link.PAGES
    assert len(cfg["hidden"]) == len(cfg["activations"]) <= link.MAX_HIDDEN_LAYERS
    assert all(type(u) is int and 1 <= u <= link.MAX_UNITS for u in cfg["hidden"])
    assert all(a in ACTIVATIONS for a in cfg["activations"])
    assert cfg["loss"] in LOSSES and cfg["init"] in INITIALIZERS and cfg["optimizer"] in OPTIMIZERS
    assert cfg["schedule"] in SCHEDULES and cfg["output"] in (COMPATIBLE_OUTPUTS[cfg["loss"]] or ACTIVATIONS)
    assert cfg["lr"] in link.LR_CHOICES and cfg["batch_size"] in link.BATCH_CHOICES
    for key, (lo, hi) in INTS.items():
        assert type(cfg[key]) is int and lo <= cfg[key] <= hi
    for key, (lo, hi) in FLOATS.items():
        assert type(cfg[key]) is float and lo <= cfg[key] <= hi


@given(configs())
def test_every_sidebar_config_round_trips_exactly(cfg):
    result = decoded(encode(cfg))
    assert result.notices == [] and result.config == cfg
    # ... also through a real query string, as a browser's address bar carries it.
    again = decoded(dict(parse_qsl(to_query_string(cfg), keep_blank_values=True, strict_parsing=True)))
    assert again.notices == [] and again.config == cfg


def face_value(key, text):
    """What a parameter's text says, read leniently with Python's own parsers (not the decoder's)."""
    if key in ("hidden", "activations"):
        parts = text.split(",") if text else []
        return tuple(int(p) for p in parts) if key == "hidden" else tuple(parts)
    if key in FLOATS or key == "lr":
        return float(text)
    if key in INTS or key == "batch_size":
        return int(text)
    return text


NASTY = st.sampled_from(["", "nan", "inf", "-1", "1e309", "0", "1e-3", "64.0", "relu,", ",", "8,8,8", "0,5",
                         "1" * 300, "9" * 12, "softmax", "sigmoid", "tanh,tanh", "Moons", " 64", "٣", "1_0",
                         "MNIST CNN", "0.05", "3.0", "2048", "100000", "sgd", "training"])
UNITS = st.sampled_from([-1, 0, 1, 1024, 1025]) | st.integers(-1, 1100)
NUMBERS = (st.integers(-2, 2**31 + 1).map(str) | st.floats(-1, 12).map(repr)
           | st.lists(UNITS, max_size=12).map(lambda units: ",".join(map(str, units))))
COUPLED = {"hidden": "activations", "loss": "output"}  # changing the first may make the second give way


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.dictionaries(st.sampled_from(list(DEFAULTS)), NASTY | NUMBERS | st.text(max_size=30),
                                 min_size=1))
def test_tampered_parameters_are_reported_one_by_one_and_fall_back_alone(cfg, tampered):
    params = {**encode(cfg), **tampered}
    result = decoded(params)
    within_limits(result.config)
    named = [n.parameter for n in result.notices]
    assert len(named) == len(set(named))  # one notice per parameter
    may_change = set(tampered) | {COUPLED[k] for k in tampered if k in COUPLED}
    assert set(named) <= may_change
    for key in DEFAULTS:
        value = result.config[key]
        if key not in may_change:
            assert value == cfg[key], key  # untouched settings stay exactly as they were
        elif key in named:
            notice = result.notices[named.index(key)]
            assert notice.value == params[key] and f"{key}=" in notice.message
            assert notice.message.endswith(f"Using {key}=“{encode({key: value})[key]}” instead.")
        elif key in tampered:  # used without a notice: then it is what the text says
            assert value == face_value(key, tampered[key]), key


def test_notices_name_the_parameter_the_value_and_what_was_used():
    result = decoded({"hidden": "8,2000", "lr": "0.0007", "seed": "-1", "noise": "nan", "dataset": "Secret",
                      "output": "relu", "foo": "bar", "embed": "true", "epochs": "5"})
    assert [str(n) for n in result.notices] == [
        "The link's setting hidden=“8,2000” was not used: hidden layer 2 needs a whole number of units from 1 "
        "to 1024, not “2000”. Using hidden=“128,64” instead.",
        "The link's setting lr=“0.0007” was not used: choose one of 0.0001, 0.0003, 0.001, 0.002, 0.003, "
        "0.005, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0. Using lr=“0.001” instead.",
        "The link's setting seed=“-1” was not used: give a whole number from 0 to 2147483647. "
        "Using seed=“0” instead.",
        "The link's setting noise=“nan” was not used: give a number from 0.0 to 1.0. Using noise=“0.15” instead.",
        "The link's setting dataset=“Secret” was not used: choose one of MNIST subset (10k digits), Moons, "
        "Spirals, Iris. Using dataset=“MNIST subset (10k digits)” instead.",
        "The link's setting output=“relu” was not used: loss softmax_ce needs the output activation softmax. "
        "Using output=“softmax” instead.",
        "The link's setting foo=“bar” is not one nnlab knows; it was ignored.",
    ]
    assert result.config["epochs"] == 5  # the good parameter of a bad link is kept
    assert [n.parameter for n in result.notices] == ["hidden", "lr", "seed", "noise", "dataset", "output", "foo"]


def test_a_notice_names_the_value_finally_used():
    """A fallback that must then fit another setting is reported as it ends up, not as the default."""
    result = decoded({"hidden": "8,8,8", "activations": "relu,bogus,relu", "loss": "bce", "output": "bogus"})
    assert result.config["activations"] == ("relu",) * 3 and result.config["output"] == "sigmoid"
    assert [str(n).split(" Using ")[1] for n in result.notices] == [
        "activations=“relu,relu,relu” instead.", "output=“sigmoid” instead."]


def test_nothing_in_a_link_exceeds_the_sidebar():
    too_much = decoded({"hidden": ",".join(["1024"] * 11), "epochs": "1001", "n_samples": "5001",
                        "batch_size": "512", "activations": ",".join(["relu"] * 11)})
    assert too_much.config["hidden"] == DEFAULTS["hidden"] and too_much.config["epochs"] == DEFAULTS["epochs"]
    assert too_much.config["n_samples"] == DEFAULTS["n_samples"] and too_much.config["batch_size"] == 64
    assert "11 hidden layers; use at most 10" in str(too_much.notices[0])
    at_most = decoded({"hidden": ",".join(["1024"] * 10), "epochs": "1000", "n_samples": "5000"})
    assert at_most.notices == [] and at_most.config["hidden"] == (1024,) * 10
    assert at_most.config["activations"] == ("relu",) * 10  # the sidebar's activation for a new layer


@pytest.mark.parametrize("key, low, high", [(k, lo, hi) for k, (lo, hi) in {**INTS, **FLOATS}.items()])
def test_each_range_is_closed_at_the_sidebars_bounds(key, low, high):
    step = 1 if key in INTS else 1e-6
    for inside in (low, high):
        assert decoded({key: repr(inside)}).config[key] == inside
    for outside in (low - step, high + step):
        result = decoded({key: repr(outside)})
        assert result.config[key] == DEFAULTS[key] and [n.parameter for n in result.notices] == [key]


@pytest.mark.parametrize("text", ["0", "1025", "8,0", "-3", "8,,8", "8.5"])
def test_a_hidden_layer_needs_1_to_1024_units(text):
    result = decoded({"hidden": text, "activations": ",".join(["relu"] * len(text.split(",")))})
    assert result.config["hidden"] == DEFAULTS["hidden"] and result.notices[0].parameter == "hidden"


def test_equivalent_spellings_are_accepted_as_the_same_setting():
    result = decoded({"lr": "1e-3", "batch_size": "064", "l2": ".5", "hidden": "", "activations": ""})
    assert result.notices == []
    assert (result.config["lr"], result.config["batch_size"], result.config["l2"]) == (0.001, 64, 0.5)
    assert result.config["hidden"] == () and result.config["activations"] == ()


def test_a_link_with_a_few_settings_and_repeated_parameters():
    result = decoded({"page": ["forward", "training"], "seed": "7"})  # Streamlit keeps the last of a repeat
    assert result.notices == [] and result.config == {**DEFAULTS, "page": "training", "seed": 7}


def test_a_flood_of_bad_parameters_gives_a_bounded_list_of_notices():
    result = decoded({f"junk{i}": "x" for i in range(5000)})
    assert len(result.notices) == link.MAX_NOTICES
    assert str(result.notices[-1]) == "4981 more settings of the link were not used as given."
    assert result.config == DEFAULTS


def test_encode_refuses_keys_that_are_not_settings():
    with pytest.raises(ValueError, match="'spec' is not a setting a link can carry"):
        encode({**DEFAULTS, "spec": {"layers": []}})


def test_the_pages_a_link_may_open_are_the_routers():
    lessons = decode({"page": "lessons"}, datasets=DATASETS, presets=PRESETS, pages=(*link.PAGES, "lessons"))
    assert lessons.notices == [] and lessons.config["page"] == "lessons"
    unknown = decoded({"page": "lessons"})
    assert unknown.config["page"] == "home" and [n.parameter for n in unknown.notices] == ["page"]


def test_others_parameters_are_left_to_them():
    result = decoded({"resume": "a1b2", "embed": "true", "lesson": "no-such-lesson", "seed": "3"})
    assert result.notices == [] and result.config["seed"] == 3


def test_notices_speak_the_users_language():
    with using_language("zh"):
        result = decoded({"hidden": "8,0", "epochs": "x"})
    assert [str(n) for n in result.notices] == [
        "链接中的设置 hidden=“8,0” 未被采用：隐藏层 2 的单元数须是 1 到 1024 之间的整数，而不是 “0”。改用 "
        "hidden=“128,64”。",
        f"链接中的设置 epochs=“x” 未被采用：请给出 {link.INT_RANGES['epochs'][0]} 到 {link.INT_RANGES['epochs'][1]} "
        "之间的整数。改用 epochs=“10”。"]
    assert str(decoded({"hidden": "8,0"}).notices[0]).startswith("The link's setting hidden=“8,0” was not used")
