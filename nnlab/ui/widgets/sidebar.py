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
from ...lab.describe import layer_label, schedule_name
from ...i18n import _
from ...lab.presets import CUSTOM, PRESETS, preset_of
from .. import state


def loss_label(name):
    """The loss as the sidebar names it, e.g. "softmax cross-entropy" (in the session's language)."""
    return _(LOSSES[name].label) if name in LOSSES else name


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
    """A preset loads its settings (a fresh model); "(custom)" keeps what the user has."""
    name = st.session_state.sb_preset
    if name in PRESETS:
        apply_config(PRESETS[name], _("Loaded the preset “{name}”: a fresh, untrained model.", name=name))


def _on_dataset_change():
    ss = st.session_state
    ss[state.PRESET_WEIGHTS] = None
    cfg = LabConfig(dataset=ss.sb_dataset, n_samples=int(ss.sb_n_samples), noise=float(ss.sb_noise),
                    loss=ss.sb_loss, output=ss.sb_output)
    data = state.get_dataset(cfg)
    follows = loss_for_task(cfg, data)
    if (follows.loss, follows.output) != (cfg.loss, cfg.output):
        ss.sb_loss, ss.sb_output = follows.loss, follows.output
        values = dict(name=data.name, loss=loss_label(follows.loss), output=follows.output)
        state.notice(_("“{name}” is a classification dataset, so the loss is now {loss} with a {output} output.",
                       **values) if data.task == "classification" else
                     _("“{name}” is a regression dataset, so the loss is now {loss} with a {output} output.",
                       **values))
    # A fixed architecture (CNN / attention preset, loaded model) takes one input size: keep it only if the
    # new data fits, else fall back to the editable layers, saying so.
    problem = spec_mismatch(ss[state.SPEC], data) if ss[state.SPEC] is not None else None
    if problem:
        _drop_spec()
        state.notice(_("{problem} The layers are back to the editable hidden layers below.", problem=problem))


def _drop_spec():
    """Leave a fixed architecture for the editable hidden layers (the default MLP's)."""
    ss = st.session_state
    ss[state.SPEC] = ss[state.PRESET_WEIGHTS] = None
    default = LabConfig()
    ss.sb_n_hidden = len(default.hidden)
    for i, (units, act) in enumerate(zip(default.hidden, default.activations)):
        ss[f"sb_units_{i}"], ss[f"sb_act_{i}"] = units, act


def _on_structure_change():
    # Editing layers by hand leaves any preset's fixed architecture or initial weights behind.
    st.session_state[state.SPEC] = None
    st.session_state[state.PRESET_WEIGHTS] = None


def _hidden_layers(ss):
    """(units, activations) of the editable hidden layers as the widgets hold them; () for a fixed spec."""
    if ss[state.SPEC] is not None:
        return (), ()
    n = int(ss.sb_n_hidden)
    for i in range(n):
        ss.setdefault(f"sb_units_{i}", NEW_LAYER[0])
        ss.setdefault(f"sb_act_{i}", NEW_LAYER[1])
    return tuple(int(ss[f"sb_units_{i}"]) for i in range(n)), tuple(ss[f"sb_act_{i}"] for i in range(n))


def _config(ss):
    """The LabConfig the widgets' values make. The widgets are drawn with exactly these values (their
    callbacks have run before the script), so the Preset box, drawn first, can name it."""
    if ss[state.SPEC] is not None:  # the fixed architecture brings its own loss and output layer
        ss.sb_loss = ss[state.SPEC].get("loss", ss.sb_loss)
        ss.sb_output = ss[state.SPEC]["layers"][-1].get("activation", ss.sb_output)
    elif LOSSES[ss.sb_loss].fused:
        ss.sb_output = LOSSES[ss.sb_loss].fused
    hidden, acts = _hidden_layers(ss)
    return LabConfig(
        dataset=ss.sb_dataset, n_samples=int(ss.sb_n_samples), noise=float(ss.sb_noise), hidden=hidden,
        activations=acts, loss=ss.sb_loss, output=ss.sb_output, init=ss.sb_init, sigma=float(ss.sb_sigma),
        seed=int(ss.sb_seed), optimizer=ss.sb_optimizer, lr=float(ss.sb_lr), schedule=ss.sb_schedule,
        batch_size=int(ss.sb_batch), epochs=int(ss.sb_epochs), l2=float(ss.sb_l2), dropout=float(ss.sb_dropout),
        spec=ss[state.SPEC], initial_params=ss[state.PRESET_WEIGHTS])


def draw() -> LabConfig:
    """Draw the builder in the sidebar and return (and store) the resulting config."""
    state.init()
    ss = st.session_state
    for key, value in _widget_values(ss[state.CONFIG]).items():
        ss.setdefault(key, value)
    names = state.dataset_names()
    if ss.sb_dataset not in names:
        ss.sb_dataset = names[0]
    if ss.sb_lr not in LR_CHOICES:
        ss.sb_lr = min(LR_CHOICES, key=lambda v: abs(v - ss.sb_lr))
    cfg = _config(ss)
    ss.sb_preset = preset_of(cfg)
    sb = st.sidebar
    sb.selectbox(_("Preset"), [CUSTOM] + list(PRESETS), key="sb_preset", on_change=_on_preset,
                 help=_("Names the preset the settings below are (or “(custom)”). Choosing a preset loads its "
                        "network and training settings and resets training; choosing “(custom)” keeps what you "
                        "have."))
    sb.selectbox(_("Dataset"), names, key="sb_dataset", on_change=_on_dataset_change)
    if state.dataset_kind(ss.sb_dataset) == "2d":
        c1, c2 = sb.columns(2)
        c1.number_input(_("Samples"), *INT_RANGES["n_samples"], step=50, key="sb_n_samples")
        c2.number_input(_("Noise"), *FLOAT_RANGES["noise"], step=0.05, key="sb_noise")

    with sb.expander(_("Layers"), expanded=True):
        if ss[state.SPEC] is not None:
            st.caption(_("This architecture is fixed (its layers are not plain hidden layers): {layers}.",
                         layers=" → ".join(layer_label(layer) for layer in ss[state.SPEC]["layers"])))
            st.button(_("Edit hidden layers instead"), key="sb_edit_layers", on_click=_drop_spec,
                      help=_("Replace this architecture by the default editable hidden layers (a new model)."))
        else:
            n = st.number_input(_("Hidden layers"), 0, MAX_HIDDEN_LAYERS, key="sb_n_hidden",
                                on_change=_on_structure_change)
            for i in range(int(n)):
                c1, c2 = st.columns([1, 1.3])
                c1.number_input(_("Layer {i} units", i=i + 1), 1, MAX_UNITS, key=f"sb_units_{i}",
                                on_change=_on_structure_change)
                c2.selectbox(_("Layer {i} activation", i=i + 1), list(ACTIVATIONS), key=f"sb_act_{i}",
                             on_change=_on_structure_change)
        if ss[state.SPEC] is not None:
            st.caption(_("Loss: **{loss}**, output {output} (part of the architecture)", loss=loss_label(cfg.loss),
                         output=cfg.output))
        else:
            st.selectbox(_("Loss"), list(LOSSES), format_func=loss_label, key="sb_loss")
            if LOSSES[cfg.loss].fused:
                st.caption(_("Output activation: **{output}** (paired with {loss})", output=cfg.output,
                             loss=loss_label(cfg.loss)))
            else:
                st.selectbox(_("Output activation"), list(ACTIVATIONS), key="sb_output")
        c1, c2 = st.columns(2)
        c1.selectbox(_("Initialiser"), list(INITIALIZERS), key="sb_init")
        c2.number_input(_("Seed"), *INT_RANGES["seed"], key="sb_seed")
        if ss.sb_init == "normal":
            st.number_input(_("σ of normal init"), *FLOAT_RANGES["sigma"], format="%.4f", key="sb_sigma")
        if ss[state.SPEC] is None:
            st.slider(_("Dropout after hidden layers"), *FLOAT_RANGES["dropout"], step=0.05, key="sb_dropout")

    with sb.expander(_("Training"), expanded=False):
        # One per row: in two columns the narrow boxes cut their values short ("constan").
        st.selectbox(_("Optimiser"), list(OPTIMIZERS), key="sb_optimizer")
        st.selectbox(_("Learning-rate schedule"), list(SCHEDULES), key="sb_schedule", format_func=schedule_name)
        st.select_slider(_("Learning rate"), LR_CHOICES, key="sb_lr")
        c1, c2 = st.columns(2)
        c1.selectbox(_("Batch size"), BATCH_CHOICES, key="sb_batch")
        c2.number_input(_("Epochs"), *INT_RANGES["epochs"], key="sb_epochs")
        st.number_input(_("L2 weight decay"), *FLOAT_RANGES["l2"], step=1e-4, format="%.4f", key="sb_l2")

    ss[state.CONFIG] = cfg
    return cfg
