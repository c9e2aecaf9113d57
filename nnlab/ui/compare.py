"""Sections of the Compare page: the shared settings, the architecture slots, training them, and the
results side by side (metrics, learning curves, decision boundaries, gradient norms).

Each slot is the sidebar's model, a preset, or a small custom builder (hidden layers, activation,
optimiser, learning rate), and yields one LabConfig. Custom slots keep everything else (loss, initialiser,
batch size …) from the sidebar, so the only differences between a custom slot and the sidebar model are the
ones shown in the slot. Trained results are kept per user under ``state.COMPARE_CACHE``.
"""
from dataclasses import replace

import streamlit as st

from ..engine import ACTIVATIONS, OPTIMIZERS
from ..lab import compare
from ..lab.config import LR_CHOICES, fit_task, parse_hidden, validate
from ..lab.describe import config_line
from ..lab.presets import PRESETS
from ..viz import boundary
from ..viz import compare as vc
from . import state
from .widgets.charts import show_chart


SIDEBAR, CUSTOM = "Sidebar model", "Custom"
LETTERS = "ABCD"
# What a fresh slot shows, so that two slots differ from the start.
DEFAULT_CUSTOM = {1: ("32", "relu"), 2: ("64, 32", "tanh"), 3: ("8", "sigmoid")}


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


def settings(base):
    """How many architectures, and the epochs and seed they all share."""
    c1, c2, c3 = st.columns(3)
    n = int(c1.number_input("Architectures", 2, 4, value=2, key="cmp_n"))
    epochs = int(c2.number_input("Epochs (all)", 1, 500, value=min(base.epochs, 20), key="cmp_epochs"))
    seed = int(c3.number_input("Seed (all)", 0, 2**31 - 1, value=base.seed, key="cmp_seed"))
    return n, epochs, seed


def slots_section(n, base, data, epochs, seed):
    """Draw the slots side by side; return the (label, config) pairs to train, and the problem (a sentence)
    that keeps them from training, or None."""
    columns = st.columns(n)
    slots = [slot(i, col, base, data) for i, col in enumerate(columns)]
    configs = [(label, compare.shared_config(cfg, base, epochs, seed)) for label, cfg in filter(None, slots)]
    for col, item in zip(columns, slots):
        if item is not None:
            col.caption(config_line(compare.shared_config(item[1], base, epochs, seed), data))
    labels = [label for label, _ in configs]
    problem = None
    if len(configs) < len(slots):
        problem = "Fix the architecture marked in red first."
    elif len(set(labels)) < len(labels):
        problem = f"Two architectures share a name ({', '.join(labels)}): give each its own."
    if problem:
        st.warning(problem)
    return configs, problem


def train_button(configs, data, problem):
    """The button that trains what is not cached yet and stores the comparison to show; returns the
    configs' result keys."""
    ss = st.session_state
    cache = ss.setdefault(state.COMPARE_CACHE, {})
    keys = [compare.result_key(cfg, data) for _, cfg in configs]
    todo = sum(k not in cache for k in keys)
    button = f"Train and compare ({todo} to train, {len(keys) - todo} cached)" if todo else "Show the comparison"
    if st.button(button, type="primary", disabled=problem is not None, key="cmp_run"):
        bar = st.progress(0.0, text="Starting…")
        results = compare.run_comparison(configs, data, cache, progress=lambda f, t: bar.progress(f, text=t))
        ss[state.COMPARE_SHOWN] = {"keys": keys, "results": results, "data": data}
        st.rerun()  # redraw the button and the results from the stored comparison
    return keys


def shown_comparison(keys):
    """(results, data) of the comparison on show, saying so when the settings changed since; None before the
    first one."""
    shown = st.session_state.get(state.COMPARE_SHOWN)
    if not shown:
        st.info("Choose the architectures above, then press **Train and compare**.")
        return None
    if shown.get("origin"):  # already-trained results another page sent (the Replay page's branches)
        st.caption(shown["origin"])
    elif shown["keys"] != keys:  # the keys include a fingerprint of the data
        st.caption("⚠️ The settings changed since these results were trained: press the button to update them.")
    for r in shown["results"]:
        if r.error:
            st.warning(r.error)
    return shown["results"], shown["data"]


def metrics_section(results, held_label):
    """One row per architecture, and the whole comparison as a CSV download."""
    table = compare.metrics_table(results)
    shown_columns = [c for c in compare.METRIC_LABELS if c != "problem" or table["problem"].any()]
    st.dataframe(table.set_index("architecture"), width="stretch", column_order=shown_columns, column_config={
        c: st.column_config.NumberColumn(label, help=c, format="%.4f" if "loss" in c or "accuracy" in c else None)
        for c, label in compare.METRIC_LABELS.items() if c != "problem"})
    st.caption(f"Final: after the last epoch; best: over all epochs; val: the {held_label} set; best epoch: the one "
               "with the lowest val loss. The CSV below has every column, with full names.")
    st.download_button("Download the comparison (CSV)", compare.comparison_csv(results),
                       file_name="nnlab-compare.csv", mime="text/csv", key="cmp_download", on_click="ignore")


def curves_section(results, data):
    """Train and held-out curves of every architecture, loss (and accuracy for classes)."""
    curves = compare.epoch_frame(results)
    labels = [r.label for r in results]
    metrics = ["loss"] + (["accuracy"] if data.task == "classification" else [])
    for col, metric in zip(st.columns(len(metrics)), metrics):
        show_chart(col, vc.curves_chart(curves, metric, labels), width="stretch")
    st.caption("Solid: training set; dashed: held-out set. A gap that widens while the training loss keeps falling "
               "is overfitting.")


def boundaries_section(results, data):
    """For 2-D data, each network's decision boundary over the same training points."""
    grids = [(r.label, boundary.boundary_frame(*r.boundary, data.class_names)) for r in results
             if r.boundary is not None]
    if data.n_features != 2 or not grids:
        return
    st.subheader("Decision boundaries")
    show_chart(st, vc.boundaries_row(grids, data.x_train, data.y_train, data.class_names))
    st.caption("Background: each network's prediction at that point — for two classes the probability of class 1 "
               "(white on the boundary), for more classes the predicted class, paler where it is unsure. Dots: the "
               "training samples in their true class's colour.")


def grad_norms_section(results):
    """Each architecture's mean gradient norm per layer and epoch."""
    norms = compare.grad_norm_frame(results)
    if len(norms):
        show_chart(st, vc.grad_norm_chart(norms, [r.label for r in results]))
        st.caption("Mean norm of each layer's weight gradient per epoch. Layers whose gradient is orders of "
                   "magnitude below the others learn slowly (vanishing gradients).")
