"""The sidebar model builder shared by every page: dataset, layers, loss, initialiser, optimiser, presets.

Widget values live in ``st.session_state`` under ``sb_*`` keys, so they persist across pages; a preset
writes those keys in its callback. The result is one LabConfig stored under ``state.CONFIG``. The loss
list, its labels and each loss's output activation come from the engine's LOSSES table.
"""
import math

import streamlit as st

from ...engine import ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS, SCHEDULES
from ...lab.config import (BATCH_CHOICES, FLOAT_RANGES, INT_RANGES, LR_CHOICES, MAX_HIDDEN_LAYERS, MAX_UNITS,
                           NEW_LAYER, LabConfig, loss_for_task, spec_mismatch)
from ...lab.describe import layer_label
from ...lab.presets import CUSTOM, PRESETS
from .. import state


def loss_label(name):
    """The loss as the sidebar names it, e.g. "softmax cross-entropy"."""
    return LOSSES[name].label if name in LOSSES else name


def _widget_values(cfg):
    """LabConfig -> the sidebar's session-state keys."""
    values = {"sb_dataset": cfg.dataset, "sb_n_samples": cfg.n_samples, "sb_noise": cfg.noise,
              "sb_n_hidden": len(cfg.hidden), "sb_loss": cfg.loss, "sb_output": cfg.output, "sb_init": cfg.init,
              "sb_sigma": cfg.sigma, "sb_seed": cfg.seed, "sb_optimizer": cfg.optimizer, "sb_lr": cfg.lr,
              "sb_schedule": cfg.schedule, "sb_batch": cfg.batch_size, "sb_epochs": cfg.epochs, "sb_l2": cfg.l2,
              "sb_dropout": cfg.dropout, state.SPEC: cfg.spec, state.PRESET_WEIGHTS: cfg.initial_params}
    for i, (units, act) in enumerate(zip(cfg.hidden, cfg.activations)):
        values[f"sb_units_{i}"], values[f"sb_act_{i}"] = units, act
    return values


def apply_config(cfg, message=None):
    """Put a whole config into the widgets (used by presets, uploads of models, the compare page)."""
    for key, value in _widget_values(cfg).items():
        st.session_state[key] = value
    st.session_state[state.CONFIG] = cfg
    state.reset_model(message)


def set_learning_rate(lr):
    """Set the sidebar's learning rate to its choice nearest ``lr`` (on a log scale) and return that choice.
    Call it from a widget's callback: the sidebar draws its widgets before a page's own code runs."""
    chosen = min(LR_CHOICES, key=lambda v: abs(math.log(v) - math.log(lr)))
    st.session_state.sb_lr = chosen
    return chosen


def _on_preset():
    name = st.session_state.sb_preset
    if name in PRESETS:
        apply_config(PRESETS[name], f"Loaded the preset “{name}”: a fresh, untrained model.")
    elif st.session_state.get(state.SPEC) is not None:
        _drop_spec()


def _on_dataset_change():
    ss = st.session_state
    ss[state.PRESET_WEIGHTS] = None
    cfg = LabConfig(dataset=ss.sb_dataset, n_samples=int(ss.sb_n_samples), noise=float(ss.sb_noise),
                    loss=ss.sb_loss, output=ss.sb_output)
    data = state.get_dataset(cfg)
    follows = loss_for_task(cfg, data)
    if (follows.loss, follows.output) != (cfg.loss, cfg.output):
        ss.sb_loss, ss.sb_output = follows.loss, follows.output
        state.notice(f"“{data.name}” is a {data.task} dataset, so the loss is now {loss_label(follows.loss)} "
                     f"with a {follows.output} output.")
    # A fixed architecture (CNN / attention preset, loaded model) takes one input size: keep it only if the
    # new data fits, else fall back to the editable layers, saying so.
    problem = spec_mismatch(ss[state.SPEC], data) if ss[state.SPEC] is not None else None
    if problem:
        _drop_spec()
        state.notice(f"{problem} The layers are back to the editable hidden layers below.")


def _drop_spec():
    """Leave a fixed architecture for the editable hidden layers (the default MLP's)."""
    ss = st.session_state
    ss[state.SPEC] = ss[state.PRESET_WEIGHTS] = None
    ss.sb_preset = CUSTOM
    default = LabConfig()
    ss.sb_n_hidden = len(default.hidden)
    for i, (units, act) in enumerate(zip(default.hidden, default.activations)):
        ss[f"sb_units_{i}"], ss[f"sb_act_{i}"] = units, act


def _on_structure_change():
    # Editing layers by hand leaves any preset's fixed architecture or initial weights behind.
    st.session_state[state.SPEC] = None
    st.session_state[state.PRESET_WEIGHTS] = None
    st.session_state.sb_preset = CUSTOM


def draw() -> LabConfig:
    """Draw the builder in the sidebar and return (and store) the resulting config."""
    state.init()
    ss = st.session_state
    for key, value in _widget_values(ss[state.CONFIG]).items():
        ss.setdefault(key, value)
    ss.setdefault("sb_preset", CUSTOM)
    sb = st.sidebar
    sb.selectbox("Preset", [CUSTOM] + list(PRESETS), key="sb_preset", on_change=_on_preset,
                 help="Load a ready-made network and training settings. Resets training.")
    names = state.dataset_names()
    if ss.sb_dataset not in names:
        ss.sb_dataset = names[0]
    sb.selectbox("Dataset", names, key="sb_dataset", on_change=_on_dataset_change)
    if state.dataset_kind(ss.sb_dataset) == "2d":
        c1, c2 = sb.columns(2)
        c1.number_input("Samples", *INT_RANGES["n_samples"], step=50, key="sb_n_samples")
        c2.number_input("Noise", *FLOAT_RANGES["noise"], step=0.05, key="sb_noise")

    with sb.expander("Layers", expanded=True):
        if ss[state.SPEC] is not None:
            st.caption("This architecture is fixed (its layers are not plain hidden layers): "
                       + " → ".join(layer_label(layer) for layer in ss[state.SPEC]["layers"])
                       + ". Pick “(custom)” under Preset to edit layers again.")
            hidden, acts = (), ()
        else:
            n = st.number_input("Hidden layers", 0, MAX_HIDDEN_LAYERS, key="sb_n_hidden",
                                on_change=_on_structure_change)
            hidden, acts = [], []
            for i in range(int(n)):
                ss.setdefault(f"sb_units_{i}", NEW_LAYER[0])
                ss.setdefault(f"sb_act_{i}", NEW_LAYER[1])
                c1, c2 = st.columns([1, 1.3])
                hidden.append(int(c1.number_input(f"Layer {i + 1} units", 1, MAX_UNITS, key=f"sb_units_{i}",
                                                  on_change=_on_structure_change)))
                acts.append(c2.selectbox(f"Layer {i + 1} activation", list(ACTIVATIONS), key=f"sb_act_{i}",
                                         on_change=_on_structure_change))
        if ss[state.SPEC] is not None:  # the fixed architecture brings its own loss and output layer
            loss = ss.sb_loss = ss[state.SPEC].get("loss", ss.sb_loss)
            ss.sb_output = ss[state.SPEC]["layers"][-1].get("activation", ss.sb_output)
            st.caption(f"Loss: **{loss_label(loss)}**, output {ss.sb_output} (part of the architecture)")
        else:
            loss = st.selectbox("Loss", list(LOSSES), format_func=loss_label, key="sb_loss")
            if LOSSES[loss].fused:
                ss.sb_output = LOSSES[loss].fused
                st.caption(f"Output activation: **{ss.sb_output}** (paired with {loss_label(loss)})")
            else:
                st.selectbox("Output activation", list(ACTIVATIONS), key="sb_output")
        c1, c2 = st.columns(2)
        c1.selectbox("Initialiser", list(INITIALIZERS), key="sb_init")
        c2.number_input("Seed", *INT_RANGES["seed"], key="sb_seed")
        if ss.sb_init == "normal":
            st.number_input("σ of normal init", *FLOAT_RANGES["sigma"], format="%.4f", key="sb_sigma")
        if ss[state.SPEC] is None:
            st.slider("Dropout after hidden layers", *FLOAT_RANGES["dropout"], step=0.05, key="sb_dropout")

    with sb.expander("Training", expanded=False):
        c1, c2 = st.columns(2)
        c1.selectbox("Optimiser", list(OPTIMIZERS), key="sb_optimizer")
        c2.selectbox("LR schedule", list(SCHEDULES), key="sb_schedule")
        if ss.sb_lr not in LR_CHOICES:
            ss.sb_lr = min(LR_CHOICES, key=lambda v: abs(v - ss.sb_lr))
        st.select_slider("Learning rate", LR_CHOICES, key="sb_lr")
        c1, c2 = st.columns(2)
        c1.selectbox("Batch size", BATCH_CHOICES, key="sb_batch")
        c2.number_input("Epochs", *INT_RANGES["epochs"], key="sb_epochs")
        st.number_input("L2 weight decay", *FLOAT_RANGES["l2"], step=1e-4, format="%.4f", key="sb_l2")

    cfg = LabConfig(
        dataset=ss.sb_dataset, n_samples=int(ss.sb_n_samples), noise=float(ss.sb_noise), hidden=tuple(hidden),
        activations=tuple(acts), loss=loss, output=ss.sb_output, init=ss.sb_init, sigma=float(ss.sb_sigma),
        seed=int(ss.sb_seed), optimizer=ss.sb_optimizer, lr=float(ss.sb_lr), schedule=ss.sb_schedule,
        batch_size=int(ss.sb_batch), epochs=int(ss.sb_epochs), l2=float(ss.sb_l2), dropout=float(ss.sb_dropout),
        spec=ss[state.SPEC], initial_params=ss[state.PRESET_WEIGHTS])
    ss[state.CONFIG] = cfg
    return cfg
