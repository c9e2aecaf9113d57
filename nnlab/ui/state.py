"""Per-user state, kept in ``st.session_state`` so it survives page switches and is never shared.

Every session key that is not a widget's own is declared once below, in ``KEYS``, with the module that
owns it and what it holds; code uses the constants, never the strings. Widget keys (``sb_*`` in the
sidebar, ``fw_*`` on the Forward page …) belong to their widgets. Only immutable datasets are cached
globally (``st.cache_resource``, arrays read-only); models never are.
"""
from dataclasses import fields

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ..data.builtin import DATASETS, load_dataset
from ..engine.copying import copy_network
from ..i18n import _, language, ngettext
from ..lab.config import LabConfig, build_network
from ..lab.history import History
from ..lab.session import TrainingSession

DATA_SEED = 0  # built-in splits are fixed

KEYS = {}  # key -> (owner module, what it holds)


def _declare(key, owner, holds):
    KEYS[key] = (owner, holds)
    return key


CONFIG = _declare("config", "ui.widgets.sidebar", "the LabConfig every page reads (the sidebar writes it)")
SPEC = _declare("sb_spec", "ui.widgets.sidebar", "the fixed architecture (a preset's or a loaded model's spec), "
                                                "or None for the sidebar's hidden layers")
PRESET_WEIGHTS = _declare("sb_initial_params", "ui.widgets.sidebar", "a preset's initial weights, or None")
USER_DATASETS = _declare("user_datasets", "ui.state", "name -> Dataset: the Data page's uploads and padded copies")
NOTICES = _declare("notices", "ui.state", "messages shown once at the top of the next page run")
NOTICE_BOX = _declare("notice_box", "ui.state", "(run marker, container) of the current run's notices, so that a "
                                                "notice made during the run shows in that run")
MODEL = _declare("model", "ui.state", "the user's current Network")
MODEL_KEY = _declare("model_key", "ui.state", "LabConfig.model_key() of the config the model was built from")
HISTORY = _declare("history", "ui.state", "the current model's History (records and weight snapshots)")
INITIAL_PARAMS = _declare("initial_params", "ui.state",
                          "{layer index: {name: array}}: the model's parameters as built; None for an uploaded "
                          "model, whose start is unknown")
TRAINING = _declare("training", "ui.state", "the TrainingSession of MODEL and HISTORY (its optimiser continues runs)")
OUTCOME = _declare("tr_outcome", "ui.training_live", "the last run's result: {history, kind, message, notes}")
RUNNING = _declare("tr_running", "ui.training_live", "{history, notes} while a run is in progress (ui.training_live)")
HIST_DEFAULT = _declare("tr_hist_default", "ui.training",
                        "the epochs the weight-histogram choice last defaulted to (follow new epochs until changed)")
AUGMENT = _declare("augment", "ui.data_augment", "the AugmentConfig training applies, or None when switched off")
AUGMENT_SETTINGS = _declare("dt_aug_settings", "ui.data_augment", "the augmentation sliders' last AugmentConfig")
PREVIEW_SEED = _declare("dt_preview_seed", "ui.data_augment", "seed of the augmentation preview's draws")
UPLOAD_READ = _declare("dt_read", "ui.data_upload", "(choice, ReadResult or DataError) of the uploaded table")
UPLOAD_PREPARED = _declare("dt_prep", "ui.data_upload", "(choice, PrepareResult or DataError) of the prepared table")
UPLOAD_COLUMNS = _declare("dt_columns", "ui.data_upload", "(choice, describe_columns DataFrame) of the read table")
UPLOAD_DEFAULTS = _declare("dt_defaults", "ui.data_upload", "(choice, (default features, {column: why left out}))")
UPLOAD_AMBIGUOUS = _declare("dt_ambiguous", "ui.data_upload", "(choice, DataFrame of the cells that may mean "
                                                              "missing: column, value, cells) of the read table")
UPLOAD_FILE = _declare("dt_file", "ui.upload_keep", "the KeptFile being worked on, kept while the page is left")
UPLOAD_CHOICES = _declare("dt_choices", "ui.upload_keep", "{widget key: value} of the upload tab, put back when "
                                                          "the page comes back")
SAMPLE_INDEX = _declare("sample_index", "ui.widgets.sample_picker", "the sample the Architecture, Forward and "
                                                                    "Backprop pages show")
SAMPLE_DRAWS = _declare("sample_random_draws", "ui.widgets.sample_picker", "presses of Random: seeds the next draw")
SEED_NEURON = _declare("seed_neuron", "ui.widgets.neuron_editor", "the one neuron's x, W, b, activation, t, shared "
                                                                  "by the Forward and Backprop pages")
MODEL_MESSAGE = _declare("mio_message", "ui.widgets.model_io", "(kind, text) of the last model upload")
TENSORBOARD = _declare("mio_tb_zip", "ui.widgets.model_io", "(model version, kept objects, zip bytes) of the last "
                                                          "TensorBoard export")
COMPARE_CACHE = _declare("cmp_cache", "ui.compare", "result key -> CompareResult, trained architectures")
COMPARE_SHOWN = _declare("cmp_shown", "ui.compare", "{keys, results, data, epochs, seed} of the comparison on show; "
                                                   "{keys, results, data, origin} (origin: a sentence) when another "
                                                   "page sent already-trained results")
EXPLAIN_RESULTS = _declare("ex_results", "ui.explain", "(view, fingerprint of weights + data, settings) -> result of "
                                                     "an Explain page's computation (the latest few kept)")
REPLAY_BRANCH = _declare("rp_branch", "ui.replay", "the run trained again from an earlier epoch on the Replay page: "
                                                   "{from_epoch, session, config, missing, parent}")
MEMO = _declare("memo", "ui.state", "name -> (version, kept objects, value): per-user results (charts, predictions) "
                                    "rebuilt only when the model or history they show changed (see remember)")
LESSON_PROGRESS = _declare("lesson_progress", "ui.lessons", "the lessons' Progress (ids done) of this session")
LESSON_STASH = _declare("lesson_stash", "ui.lessons",
                        "the learner's own config and model, kept while lessons are set up")
EXPLAIN_PICKS = _declare("explain_picks", "ui.widgets.explain_panel",
                         "{name: (what, index)}: the cell each explain panel explains, set by a click")
INTERVENTION = _declare("iv_result", "ui.interventions",
                        "(choices, Intervention) of the last switch-off, so a rerun with the same choices reuses it")
RANKINGS = _declare("iv_rankings", "ui.interventions", "{(weights fingerprint, layer): RemovalRanking}, one kept")
PAGE_CHARTS = _declare("page_charts", "ui.widgets.charts", "{name: chart} drawn in this page run (for downloads)")
CHART_SLOTS = _declare("chart_slots", "ui.widgets.charts", "{placeholder's place: chart name} in this page run")
CHART_PAGE = _declare("chart_page", "ui.widgets.charts", "the name of the page whose run PAGE_CHARTS lists")
SLIDE_FILES = _declare("slide_files", "ui.widgets.charts", "{page, names, files, zip} of the page's charts prepared "
                                                        "for slides (PNG and SVG), or absent")
RESUME_TOKEN = _declare("kr_token", "ui.kept_run", "this session's token in the URL (?resume=): its run is kept "
                                               "under it across a browser refresh (lab.kept_runs)")
RESUME_OFFER = _declare("kr_offer", "ui.kept_run", "the token whose kept run is offered back, until answered")
LINK_FOLLOWED = _declare("link_followed", "ui.widgets.share", "True once the session's first run read the URL's link")
LINK_PAGE = _declare("link_page", "ui.widgets.share", "the page of the previous run (a change: the URL was dropped)")
LINK_OTHERS = _declare("link_others", "ui.widgets.share", "{name: [values]}: the URL's parameters that are not "
                                                         "the link's, put back after a page switch")


@st.cache_resource(show_spinner=False, max_entries=16)  # the spinner is get_dataset's, in the session's language
def _cached_dataset(name, n_samples, noise):
    """One shared copy of a built-in dataset for every session, its arrays read-only so that no session can
    change another's data. (``cache_data`` would unpickle a fresh copy on every call — 40–140 ms for MNIST,
    several times a page run.)"""
    data = load_dataset(name, seed=DATA_SEED, n_samples=n_samples, noise=noise)
    for f in fields(data):
        value = getattr(data, f.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return data


def init():
    ss = st.session_state
    ss.setdefault(CONFIG, LabConfig())
    ss.setdefault(USER_DATASETS, {})
    ss.setdefault(NOTICES, [])
    ss.setdefault(HISTORY, History())
    ss.setdefault(MODEL, None)
    ss.setdefault(MODEL_KEY, None)
    ss.setdefault(INITIAL_PARAMS, None)


def config() -> LabConfig:
    init()
    return st.session_state[CONFIG]


def user_datasets():
    """name -> Dataset of the user's own (uploaded or padded) datasets; add to it to make one selectable."""
    return st.session_state.setdefault(USER_DATASETS, {})


def dataset_names():
    return list(DATASETS) + list(user_datasets())


def dataset_kind(name):
    """'image', '2d' or 'table' (uploads are tables)."""
    info = DATASETS.get(name)
    return info.kind if info else "table"


def get_dataset(cfg=None):
    """The Dataset for a config: the user's own upload, or a cached built-in."""
    cfg = cfg or config()
    user = user_datasets()
    if cfg.dataset in user:
        return user[cfg.dataset]
    key = (cfg.dataset, cfg.n_samples, cfg.noise) if dataset_kind(cfg.dataset) == "2d" else (cfg.dataset, None, None)
    if key in _LOADED:
        return _cached_dataset(*key)
    with st.spinner(_("Loading data…")):  # the first time only: a spinner is an element on the page
        data = _cached_dataset(*key)
    _LOADED.add(key)
    return data


_LOADED = set()  # the keys _cached_dataset has made (a rare eviction only costs a spinner)


def _adopt(session, model_key, initial_params):
    ss = st.session_state
    ss[TRAINING], ss[MODEL], ss[HISTORY] = session, session.net, session.history
    ss[MODEL_KEY], ss[INITIAL_PARAMS] = model_key, initial_params


def model():
    """The user's current network, rebuilt (and training reset, with a notice) when the config's
    architecture or data changed since it was built."""
    init()
    ss = st.session_state
    cfg = ss[CONFIG]
    key = cfg.model_key()
    if ss[MODEL] is None or ss[MODEL_KEY] != key:
        if ss[MODEL] is not None and len(ss[HISTORY]):
            notice(ngettext("The architecture or data changed, so training was reset (the previous model had "
                            "trained {n} epoch).",
                            "The architecture or data changed, so training was reset (the previous model had "
                            "trained {n} epochs).", ss[HISTORY].last_epoch))
        net = build_network(cfg, get_dataset(cfg))
        _adopt(TrainingSession.start(net), key,
               {i: net.get_params(i) for i, layer in enumerate(net.layers) if layer.params})
    return ss[MODEL]


def model_copy():
    """A copy of the current model for a page to look inside: traces fill layer caches and backprop writes
    gradients, and the user's model is never touched. If the model's last training run diverged (and it has
    not trained since), a warning says so where the page starts showing the model."""
    net = model()
    hist = st.session_state[HISTORY]
    if hist.errors and hist.errors[-1].step > hist.n_steps:
        error = hist.errors[-1]
        st.warning(_("This model's last training run diverged at step {step} (epoch {epoch}). It keeps the last "
                     "finite weights, so the numbers below may be huge, infinite or NaN. Train again with a lower "
                     "learning rate, or press Reset weights on the Training page.", step=error.step,
                     epoch=error.epoch), icon=":material/warning:")
    return copy_network(net)


def training_session() -> TrainingSession:
    """The TrainingSession of the current model and history (the same one from run to run, so its optimiser
    carries on; a new one whenever the model or its history was replaced). Call after ``model()``."""
    ss = st.session_state
    session = ss.get(TRAINING)
    if session is None or session.net is not ss[MODEL] or session.history is not ss[HISTORY]:
        session = ss[TRAINING] = TrainingSession(ss[MODEL], ss[HISTORY])
    return session


def reset_model(reason=None):
    """Forget the trained model; the next ``model()`` call builds a fresh one."""
    st.session_state[MODEL] = None
    st.session_state[HISTORY] = History()
    if reason:
        notice(reason)


def replace_model(net, history=None):
    """Adopt an uploaded or otherwise built network as the current model (how it started is not known)."""
    _adopt(TrainingSession(net, history), config().model_key(), None)


def history() -> History:
    init()
    return st.session_state[HISTORY]


def _run_marker():
    """An object that is the same throughout one script run and new in the next: the run context's cursor
    table, which Streamlit replaces at the start of every run (before the widgets' callbacks)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else ctx.cursors


def notice(message):
    """Tell the user what just changed. Once this run's notices are on the page (``show_notices``), the
    message is drawn there at once; before that (a widget's callback) it waits for ``show_notices``."""
    marker, box = st.session_state.get(NOTICE_BOX) or (None, None)
    if box is not None and marker is _run_marker():
        box.info(message, icon="ℹ️")
    else:
        st.session_state.setdefault(NOTICES, []).append(message)


def show_notices():
    """Show queued notices once, then forget them, and keep the box for the notices this run makes later
    (a model rebuilt when a page asks for it), so that every notice shows on the run of the action that
    caused it. Always exactly one container, notices or not, so the page's elements keep their positions
    from run to run (otherwise, while a long run such as training is going, Streamlit leaves the previous
    run's elements, faded, below the new ones). app.py calls it before anything else draws."""
    box = st.container()
    for message in st.session_state.get(NOTICES, []):
        box.info(message, icon="ℹ️")
    st.session_state[NOTICES] = []
    st.session_state[NOTICE_BOX] = (_run_marker(), box)


def remember(name, version, build, keep=()):
    """``build()``, or what it returned the last time ``name`` was asked for with this ``version``.

    For per-user results that only change with the user's model and history — charts, predictions — so a
    rerun that changed neither (a page switch, a click elsewhere) does not recompute them. They live in the
    session, never in a global cache. ``keep`` holds the objects whose ids ``version`` names alive as long as
    the entry, so no new object can take such an id while the entry exists. One entry per name.
    """
    memo = st.session_state.setdefault(MEMO, {})
    entry = memo.get(name)
    if entry is None or entry[0] != version:
        entry = memo[name] = (version, keep, build())
    return entry[2]


def model_version():
    """(version, keep) of the current model's state for ``remember``: it changes with every training step,
    a reset, an upload or a rebuild, and with the language (charts hold translated words)."""
    ss = st.session_state
    net, hist = ss[MODEL], ss[HISTORY]
    version = (id(net), id(hist), hist.n_steps, len(hist.epochs), len(hist.errors), tuple(sorted(hist.snapshots)),
               language())
    return version, (net, hist)


def initial_params():
    """{layer index: {name: array}}: the current model's parameters as it was built, or None (an
    uploaded model). Call after ``model()``."""
    init()
    return st.session_state[INITIAL_PARAMS]


def current_model():
    """(config, dataset, network, history) of the sidebar's model, for a page that needs it; when the settings
    cannot make a network, a message saying why and the page stops there (the sidebar stays to mend them)."""
    cfg = config()
    try:
        data = get_dataset(cfg)
        net = model()
    except ValueError as exc:
        st.error(_("This network cannot be built from the sidebar's settings: {problem}", problem=str(exc)))
        st.stop()
    return cfg, data, net, history()
