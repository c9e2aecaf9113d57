"""Per-user state, kept in ``st.session_state`` so it survives page switches and is never shared.

Keys: ``config`` (LabConfig), ``model`` (Network), ``model_key``, ``history`` (History),
``user_datasets`` (name -> Dataset from uploads), ``notices`` (messages to show once),
``initial_params`` ({layer index: {name: array}}, copies of the current model's parameters as built, so
pages can compare the start of training with now; None for an uploaded model, whose start is unknown).
Only immutable datasets are cached globally (``st.cache_data``); models never are.
"""
import numpy as np
import streamlit as st

from ..config import LabConfig, build_spec
from ..data.builtin import DATASETS, load_dataset
from ..engine import Network
from ..history import History

DATA_SEED = 0  # built-in splits are fixed


@st.cache_data(show_spinner="Loading data…", max_entries=16)
def _cached_dataset(name, n_samples, noise):
    return load_dataset(name, seed=DATA_SEED, n_samples=n_samples, noise=noise)


def init():
    ss = st.session_state
    ss.setdefault("config", LabConfig())
    ss.setdefault("user_datasets", {})
    ss.setdefault("notices", [])
    ss.setdefault("history", History())
    ss.setdefault("model", None)
    ss.setdefault("model_key", None)
    ss.setdefault("initial_params", None)


def config() -> LabConfig:
    init()
    return st.session_state.config


def dataset_names():
    return list(DATASETS) + list(st.session_state.get("user_datasets", {}))


def dataset_kind(name):
    """'image', '2d' or 'table' (uploads are tables)."""
    info = DATASETS.get(name)
    return info.kind if info else "table"


def get_dataset(cfg=None):
    """The Dataset for a config: the user's own upload, or a cached built-in."""
    cfg = cfg or config()
    user = st.session_state.get("user_datasets", {})
    if cfg.dataset in user:
        return user[cfg.dataset]
    if dataset_kind(cfg.dataset) == "2d":
        return _cached_dataset(cfg.dataset, cfg.n_samples, cfg.noise)
    return _cached_dataset(cfg.dataset, None, None)


def new_model(cfg, dataset):
    net = Network(build_spec(cfg, dataset))
    for index, params in (cfg.initial_params or {}).items():
        net.set_params(int(index), **{k: np.asarray(v) for k, v in params.items()})
    return net


def model():
    """The user's current network, rebuilt (and training reset, with a notice) when the config's
    architecture or data changed since it was built."""
    init()
    ss = st.session_state
    cfg = ss.config
    key = cfg.model_key()
    if ss.model is None or ss.model_key != key:
        if ss.model is not None and len(ss.history):
            notice(f"The architecture or data changed, so training was reset "
                   f"(the previous model had trained {ss.history.last_epoch} epochs).")
        ss.model = new_model(cfg, get_dataset(cfg))
        ss.model_key = key
        ss.initial_params = {i: ss.model.get_params(i) for i, layer in enumerate(ss.model.layers) if layer.params}
        ss.history = History()
        ss.history.snapshot(0, ss.model)
    return ss.model


def reset_model(reason=None):
    """Forget the trained model; the next ``model()`` call builds a fresh one."""
    st.session_state.model = None
    st.session_state.history = History()
    if reason:
        notice(reason)


def replace_model(net, history=None):
    """Adopt an uploaded or otherwise built network as the current model."""
    st.session_state.model = net
    st.session_state.model_key = config().model_key()
    st.session_state.initial_params = None  # how it started is not known
    st.session_state.history = history or History()


def history() -> History:
    init()
    return st.session_state.history


def notice(message):
    st.session_state.setdefault("notices", []).append(message)


def show_notices():
    """Show queued notices once, then forget them. Always exactly one container, notices or not, so the
    page's elements keep their positions from run to run (otherwise, while a long run such as training
    is going, Streamlit leaves the previous run's elements, faded, below the new ones)."""
    box = st.container()
    for message in st.session_state.get("notices", []):
        box.info(message, icon="ℹ️")
    st.session_state.notices = []


def initial_params():
    """{layer index: {name: array}}: the current model's parameters as it was built, or None (an
    uploaded model). Call after ``model()``."""
    init()
    return st.session_state.initial_params
