"""Edit the seed example's single neuron: x₁, x₂, w₁, w₂, b, the activation (and the target t).

The values live under ``state.SEED_NEURON``, shared by the forward and backprop pages, so an edit on one
page carries over to the other; each page's widgets have their own keys (``prefix``).
"""
import streamlit as st

from ...engine import ACTIVATIONS
from ...i18n import N_, _
from ...lab.seed_neuron import SEED_ACTIVATION, SEED_B, SEED_TARGET, SEED_W, SEED_X
from ..state import SEED_NEURON as NEURON_KEY

FIELDS = ("x1", "x2", "w1", "w2", "b", "t")
LABELS = {"x1": "x₁", "x2": "x₂", "w1": "w₁", "w2": "w₂", "b": N_("bias b"), "t": N_("target t")}  # translated


def article_values():
    """The article's neuron as the editor's values."""
    return {"x1": SEED_X[0], "x2": SEED_X[1], "w1": SEED_W[0], "w2": SEED_W[1], "b": SEED_B, "t": SEED_TARGET,
            "activation": SEED_ACTIVATION}


def _store():
    return st.session_state.setdefault(NEURON_KEY, article_values())


def _from_widgets(prefix, fields):
    values = _store()
    for f in fields + ("activation",):
        values[f] = st.session_state[f"{prefix}_{f}"]


def _reset():
    st.session_state[NEURON_KEY] = article_values()


def edit_neuron(prefix, with_target=False):
    """Draw the editor; return dict(x=(x1, x2), w=(w1, w2), b=b, activation=name, target=t)."""
    values = _store()
    fields = FIELDS if with_target else FIELDS[:-1]
    for f in fields + ("activation",):
        st.session_state[f"{prefix}_{f}"] = values[f]  # the shared values win over stale widget state
    cols = st.columns(4) + st.columns(4)  # two rows of four, so every number stays readable
    for col, f in zip(cols, fields):
        col.number_input(_(LABELS[f]), step=0.1, format="%.4f", key=f"{prefix}_{f}", on_change=_from_widgets,
                         args=(prefix, fields))
    elementwise = [name for name, act in ACTIVATIONS.items() if act.elementwise]
    cols[len(fields)].selectbox(_("activation f"), elementwise, key=f"{prefix}_activation", on_change=_from_widgets,
                                args=(prefix, fields))
    with cols[len(fields) + 1]:
        st.space("small")
        st.button(_("↺ The article's numbers"), key=f"{prefix}_neuron_reset", on_click=_reset,
                  help=f"x = {SEED_X}, W = {SEED_W}, b = {SEED_B}, {SEED_ACTIVATION}, t = {SEED_TARGET}")
    return {"x": (values["x1"], values["x2"]), "w": (values["w1"], values["w2"]), "b": values["b"],
            "activation": values["activation"], "target": values["t"]}
