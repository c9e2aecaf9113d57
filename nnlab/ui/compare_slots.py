"""The compare page's architecture slots: each slot is the sidebar's model, a preset, or a small custom
builder (hidden layers, activation, optimiser, learning rate), and yields one LabConfig.

Custom slots keep everything else (loss, initialiser, batch size …) from the sidebar, so the only
differences between a custom slot and the sidebar model are the ones shown in the slot.
"""
from dataclasses import replace

import streamlit as st

from ..config import MAX_HIDDEN_LAYERS, MAX_UNITS, validate
from ..engine import ACTIVATIONS, OPTIMIZERS
from ..presets import PRESETS
from .sidebar import LR_CHOICES

SIDEBAR, CUSTOM = "Sidebar model", "Custom"
LETTERS = "ABCD"
# What a fresh slot shows, so that two slots differ from the start.
DEFAULT_CUSTOM = {1: ("32", "relu"), 2: ("64, 32", "tanh"), 3: ("8", "sigmoid")}


def parse_hidden(text):
    """'64, 32' -> (64, 32); '' -> () (no hidden layer). ValueError naming the bad part otherwise."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    units = []
    for i, part in enumerate(parts, start=1):
        if not part.isdigit() or not 1 <= int(part) <= MAX_UNITS:
            raise ValueError(f"hidden layer {i}: {part!r} is not a number of units between 1 and {MAX_UNITS}; "
                             "write sizes like 64, 32")
        units.append(int(part))
    if len(units) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"{len(units)} hidden layers: use at most {MAX_HIDDEN_LAYERS}")
    return tuple(units)


def fit_task(config, dataset):
    """Regression data needs MSE and an identity output; anything else is left as configured."""
    if dataset.task == "regression" and (config.loss != "mse" or config.output in ("softmax", "sigmoid")):
        return replace(config, loss="mse", output="identity")
    return config


def slot(i, container, base, dataset):
    """Draw slot ``i`` in ``container``; return (label, LabConfig) or None when its input is invalid."""
    ss = st.session_state
    ss.setdefault(f"cmp_src_{i}", SIDEBAR if i == 0 else CUSTOM)
    hidden_default, act_default = DEFAULT_CUSTOM.get(i, ("16", "relu"))
    ss.setdefault(f"cmp_hidden_{i}", hidden_default)
    ss.setdefault(f"cmp_act_{i}", act_default)
    ss.setdefault(f"cmp_opt_{i}", base.optimizer)
    ss.setdefault(f"cmp_lr_{i}", min(LR_CHOICES, key=lambda v: abs(v - base.lr)))
    ss.setdefault(f"cmp_label_{i}", LETTERS[i])
    with container:
        label = st.text_input("Name", key=f"cmp_label_{i}", max_chars=24).strip() or LETTERS[i]
        source = st.selectbox("Architecture", [SIDEBAR, CUSTOM, *PRESETS], key=f"cmp_src_{i}")
        if source == SIDEBAR:
            config = base
        elif source == CUSTOM:
            text = st.text_input("Hidden units per layer", key=f"cmp_hidden_{i}", help="e.g. 64, 32 — empty for none")
            act = st.selectbox("Activation", list(ACTIVATIONS), key=f"cmp_act_{i}")
            c1, c2 = st.columns(2)
            opt = c1.selectbox("Optimiser", list(OPTIMIZERS), key=f"cmp_opt_{i}")
            lr = c2.selectbox("Learning rate", LR_CHOICES, key=f"cmp_lr_{i}")
            try:
                hidden = parse_hidden(text)
            except ValueError as exc:
                st.error(f"{label}: {exc}")
                return None
            config = replace(base, hidden=hidden, activations=(act,) * len(hidden), optimizer=opt, lr=float(lr),
                             spec=None, initial_params=None)
        else:
            config = PRESETS[source]
        config = fit_task(config, dataset)
        try:
            validate(config)
        except ValueError as exc:
            st.error(f"{label}: {exc}")
            return None
    return label, config
