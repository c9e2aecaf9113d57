"""Per-user state, kept in ``st.session_state`` so it survives page switches and is never shared.

Every session key that is not a widget's own is declared once below, in ``KEYS``, with the module that
owns it and what it holds; code uses the constants, never the strings. Widget keys (``sb_*`` in the
sidebar, ``fw_*`` on the Forward page …) belong to their widgets. Only immutable datasets are cached
globally (``st.cache_data``); models never are.
"""
import streamlit as st

from ..data.builtin import DATASETS, load_dataset
from ..engine.copying import copy_network
from ..i18n import _
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
MODEL = _declare("model", "ui.state", "the user's current Network")
MODEL_KEY = _declare("model_key", "ui.state", "LabConfig.model_key() of the config the model was built from")
HISTORY = _declare("history", "ui.state", "the current model's History (records and weight snapshots)")
INITIAL_PARAMS = _declare("initial_params", "ui.state",
                          "{layer index: {name: array}}: the model's parameters as built; None for an uploaded "
                          "model, whose start is unknown")
TRAINING = _declare("training", "ui.state", "the TrainingSession of MODEL and HISTORY (its optimiser continues runs)")
OUTCOME = _declare("tr_outcome", "ui.training_live", "the last run's result: {history, kind, message}")
RUNNING = _declare("tr_running", "ui.training_live", "{history} while a run is in progress (see ui.training_live)")
HIST_DEFAULT = _declare("tr_hist_default", "ui.training",
                        "the epochs the weight-histogram choice last defaulted to (follow new epochs until changed)")
AUGMENT = _declare("augment", "ui.data_augment", "the AugmentConfig training applies, or None when switched off")
AUGMENT_SETTINGS = _declare("dt_aug_settings", "ui.data_augment", "the augmentation sliders' last AugmentConfig")
PREVIEW_SEED = _declare("dt_preview_seed", "ui.data_augment", "seed of the augmentation preview's draws")
UPLOAD_READ = _declare("dt_read", "ui.data_upload", "(choice, ReadResult or DataError) of the uploaded table")
UPLOAD_PREPARED = _declare("dt_prep", "ui.data_upload", "(choice, PrepareResult or DataError) of the prepared table")
SAMPLE_INDEX = _declare("sample_index", "ui.widgets.sample_picker", "the sample the Architecture, Forward and "
                                                                    "Backprop pages show")
SAMPLE_DRAWS = _declare("sample_random_draws", "ui.widgets.sample_picker", "presses of Random: seeds the next draw")
SEED_NEURON = _declare("seed_neuron", "ui.widgets.neuron_editor", "the one neuron's x, W, b, activation, t, shared "
                                                                  "by the Forward and Backprop pages")
MODEL_MESSAGE = _declare("mio_message", "ui.widgets.model_io", "(kind, text) of the last model upload")
COMPARE_CACHE = _declare("cmp_cache", "ui.compare", "result key -> CompareResult, trained architectures")
COMPARE_SHOWN = _declare("cmp_shown", "ui.compare", "{keys, results, data} of the comparison on show, and {origin}: "
                                                   "a sentence, when another page sent already-trained results")
EXPLAIN_RESULTS = _declare("ex_results", "ui.explain", "(view, fingerprint of weights + data, settings) -> result of "
                                                     "an Explain page's computation (the latest few kept)")
REPLAY_BRANCH = _declare("rp_branch", "ui.replay", "the run trained again from an earlier epoch on the Replay page: "
                                                   "{from_epoch, session, config, missing, parent}")
EXPLAIN_PICKS = _declare("explain_picks", "ui.widgets.explain_panel",
                         "{name: (what, index)}: the cell each explain panel explains, set by a click")
INTERVENTION = _declare("iv_result", "ui.interventions",
                        "(choices, Intervention) of the last switch-off, so a rerun with the same choices reuses it")
RANKINGS = _declare("iv_rankings", "ui.interventions", "{(weights fingerprint, layer): RemovalRanking}, one kept")
PAGE_CHARTS = _declare("page_charts", "ui.widgets.charts", "{name: chart} drawn in this page run (for downloads)")


@st.cache_data(show_spinner="Loading data…", max_entries=16)
def _cached_dataset(name, n_samples, noise):
    return load_dataset(name, seed=DATA_SEED, n_samples=n_samples, noise=noise)


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
    if dataset_kind(cfg.dataset) == "2d":
        return _cached_dataset(cfg.dataset, cfg.n_samples, cfg.noise)
    return _cached_dataset(cfg.dataset, None, None)


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
            notice(f"The architecture or data changed, so training was reset "
                   f"(the previous model had trained {ss[HISTORY].last_epoch} epochs).")
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


def notice(message):
    st.session_state.setdefault(NOTICES, []).append(message)


def show_notices():
    """Show queued notices once, then forget them. Always exactly one container, notices or not, so the
    page's elements keep their positions from run to run (otherwise, while a long run such as training
    is going, Streamlit leaves the previous run's elements, faded, below the new ones)."""
    box = st.container()
    for message in st.session_state.get(NOTICES, []):
        box.info(message, icon="ℹ️")
    st.session_state[NOTICES] = []


def initial_params():
    """{layer index: {name: array}}: the current model's parameters as it was built, or None (an
    uploaded model). Call after ``model()``."""
    init()
    return st.session_state[INITIAL_PARAMS]
