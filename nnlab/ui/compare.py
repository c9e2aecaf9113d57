"""Sections of the Compare page: the shared settings, the architecture slots, training them, and the
results side by side (metrics, learning curves, decision boundaries, gradient norms).

Each slot is the sidebar's model, a preset, or a small custom builder (hidden layers, activation,
optimiser, learning rate), and yields one LabConfig. Custom slots keep everything else (loss, initialiser,
batch size …) from the sidebar, so the only differences between a custom slot and the sidebar model are the
ones shown in the slot. Trained results are kept per user under ``state.COMPARE_CACHE``.
"""
from contextlib import nullcontext
from dataclasses import replace

import streamlit as st

from ..engine import ACTIVATIONS, OPTIMIZERS
from ..i18n import N_, _, ngettext
from ..lab import compare
from ..lab.config import LR_CHOICES, fit_task, parse_hidden, validate
from ..lab.describe import config_line
from ..lab.presets import PRESETS
from ..viz import boundary
from ..viz import compare as vc
from . import state
from . import workers as worker_processes
from .run_slot import QUEUE, run_slot
from .widgets.charts import show_chart


SIDEBAR, CUSTOM = "Sidebar model", "Custom"  # option codes; shown through SOURCE_LABELS
SOURCE_LABELS = {SIDEBAR: N_("Sidebar model"), CUSTOM: N_("Custom")}
PART_LABELS = {"validation": N_("validation"), "test": N_("test")}  # Dataset.held_out()'s names of its part
LETTERS = "ABCD"
# What a fresh slot shows, so that two slots differ from the start.
DEFAULT_CUSTOM = {1: ("32", "relu"), 2: ("64, 32", "tanh"), 3: ("8", "sigmoid")}


def slot(i, container, base, dataset, presets):
    """Draw slot ``i`` in ``container``; return (label, LabConfig) or None when its input is invalid.
    ``presets``: the preset names that fit ``dataset`` (the only ones offered)."""
    ss = st.session_state
    ss.setdefault(f"cmp_src_{i}", SIDEBAR if i == 0 else CUSTOM)
    unfit = ss[f"cmp_src_{i}"] not in (SIDEBAR, CUSTOM, *presets)
    if unfit:  # chosen for other data
        unfit, ss[f"cmp_src_{i}"] = ss[f"cmp_src_{i}"], CUSTOM
    hidden_default, act_default = DEFAULT_CUSTOM.get(i, ("16", "relu"))
    ss.setdefault(f"cmp_hidden_{i}", hidden_default)
    ss.setdefault(f"cmp_act_{i}", act_default)
    ss.setdefault(f"cmp_opt_{i}", base.optimizer)
    ss.setdefault(f"cmp_lr_{i}", min(LR_CHOICES, key=lambda v: abs(v - base.lr)))
    ss.setdefault(f"cmp_label_{i}", LETTERS[i])
    with container:
        label = st.text_input(_("Name"), key=f"cmp_label_{i}", max_chars=24).strip() or LETTERS[i]
        source = st.selectbox(_("Architecture"), [SIDEBAR, CUSTOM, *presets], key=f"cmp_src_{i}",
                              format_func=lambda c: _(SOURCE_LABELS[c]) if c in SOURCE_LABELS else c)
        if unfit:
            st.caption(_("The preset “{preset}” does not fit “{data}”, so this slot is Custom now.", preset=unfit,
                         data=dataset.name))
        if source == SIDEBAR:
            config = base
        elif source == CUSTOM:
            text = st.text_input(_("Hidden units per layer"), key=f"cmp_hidden_{i}",
                                 help=_("e.g. 64, 32 — empty for none"))
            act = st.selectbox(_("Activation"), list(ACTIVATIONS), key=f"cmp_act_{i}")
            c1, c2 = st.columns(2)
            opt = c1.selectbox(_("Optimiser"), list(OPTIMIZERS), key=f"cmp_opt_{i}")
            lr = c2.selectbox(_("Learning rate"), LR_CHOICES, key=f"cmp_lr_{i}")
            try:
                hidden = parse_hidden(text)
            except ValueError as exc:
                st.error(_("{arch}: {problem}", arch=label, problem=exc))
                return None
            config = replace(base, hidden=hidden, activations=(act,) * len(hidden), optimizer=opt, lr=float(lr),
                             spec=None, initial_params=None)
        else:
            config = PRESETS[source]
        config = fit_task(config, dataset)
        try:
            validate(config)
        except ValueError as exc:
            st.error(_("{arch}: {problem}", arch=label, problem=exc))
            return None
    return label, config


def intro_section(data):
    """The page's title and what every architecture shares."""
    x_val, _y_val, held_label = data.held_out()
    st.title(_("Compare architectures"))
    st.markdown(_(
        "Every architecture trains on **{data}** — the same {train:,} training samples, the same {held_label} set "
        "of {held:,}, the same seed and number of epochs — each in a process of its own, up to {slots} at a time "
        "on this server. Results are kept per architecture, so changing one retrains only that one.",
        data=data.name, train=len(data.x_train), held_label=held_name(held_label), held=len(x_val),
        slots=QUEUE.slots))
    return held_label


def settings(base):
    """How many architectures, and the epochs and seed they all share."""
    c1, c2, c3 = st.columns(3)
    n = int(c1.number_input(_("Architectures"), 2, 4, value=2, key="cmp_n"))
    epochs = int(c2.number_input(_("Epochs (all)"), 1, 500, value=min(base.epochs, 20), key="cmp_epochs"))
    seed = int(c3.number_input(_("Seed (all)"), 0, 2**31 - 1, value=base.seed, key="cmp_seed"))
    return n, epochs, seed


def slots_section(n, base, data, epochs, seed):
    """Draw the slots side by side; return the (label, config) pairs to train, and the problem (a sentence)
    that keeps them from training, or None."""
    columns = st.columns(n)
    presets = compare.fitting_presets(data)
    slots = [slot(i, col, base, data, presets) for i, col in enumerate(columns)]
    configs = [(label, compare.shared_config(cfg, base, epochs, seed)) for label, cfg in filter(None, slots)]
    for col, item in zip(columns, slots):
        if item is not None:
            col.caption(config_line(compare.shared_config(item[1], base, epochs, seed), data))
    labels = [label for label, _config in configs]
    problem = None
    if len(configs) < len(slots):
        problem = _("Fix the architecture marked in red first.")
    elif len(set(labels)) < len(labels):
        problem = _("Two architectures share a name ({names}): give each its own.", names=", ".join(labels))
    if problem:
        st.warning(problem)
    return configs, problem


def train_button(configs, data, problem, epochs, seed):
    """The button that trains what is not cached yet and stores the comparison to show; returns the
    configs' result keys."""
    ss = st.session_state
    cache = ss.setdefault(state.COMPARE_CACHE, {})
    keys = [compare.result_key(cfg, data) for _label, cfg in configs]
    todo = sum(k not in cache for k in keys)
    if todo > 1 and QUEUE.slots > 1:  # a click would train in worker processes: have their fork server ready
        worker_processes.warm_up()
    if todo:
        button = _("Train and compare ({todo} to train, {cached} cached)", todo=todo, cached=len(keys) - todo)
    else:
        button = ngettext("Show the results (the architecture is trained already)",
                          "Show the results (all {n} architectures are trained already)", len(keys))
    if st.button(button, type="primary", disabled=problem is not None, key="cmp_run"):
        box = st.empty()  # first where this comparison waits for training slots, if all are busy; then its progress
        with run_slot(box, n=todo) if todo else nullcontext(1) as workers:  # one slot per worker process
            bar = box.progress(0.0, text=_("Starting…"))
            results = compare.run_comparison(configs, data, cache, progress=lambda f, t: bar.progress(f, text=t),
                                             workers=workers)
        ss[state.COMPARE_SHOWN] = {"keys": keys, "results": results, "data": data, "epochs": epochs, "seed": seed}
        st.rerun()  # redraw the button and the results from the stored comparison
    return keys


def shown_comparison(keys, data):
    """The comparison on show ({keys, results, data, epochs, seed}) if it is of exactly the current settings and
    data; otherwise None, after saying why (results of other data or other architectures are never shown as
    if they were current)."""
    shown = st.session_state.get(state.COMPARE_SHOWN)
    if not shown:
        st.info(_("Choose the architectures above, then press **Train and compare**."))
        return None
    if compare.data_fingerprint(shown["data"]) != compare.data_fingerprint(data):
        st.info(_("The last comparison was trained on “{old}”; the current dataset is “{new}”. Press the "
                  "button to compare on “{new}”.", old=shown["data"].name, new=data.name))
        return None
    if shown.get("origin"):  # already-trained results another page sent (the Replay page's branches)
        st.caption(shown["origin"])
    elif shown["keys"] != keys:  # the keys include a fingerprint of the data
        st.info(_("The settings changed since the last comparison: press the button to see results for "
                  "these settings (architectures trained before come from the cache)."))
        return None
    for r in shown["results"]:
        if r.error:
            st.warning(r.error)
    return shown


def held_name(held_label):
    """The held-out part's name (``Dataset.held_out()``) in the page's language."""
    return _(PART_LABELS[held_label]) if held_label in PART_LABELS else held_label


def _value(metric, value):
    return f"{value:.1%}" if metric == "val_acc" else f"{value:.4f}"


def _settings_sentence(shown, held_label):
    """What every architecture of a comparison trained here shared, and any run that stopped early."""
    results, data, epochs = shown["results"], shown["data"], shown["epochs"]
    trained = ngettext(
        "{n} architecture trained on “{data}” with seed {seed}.",
        "{n} architectures trained on “{data}” — the same {train:,} training and {held:,} {held_label} "
        "samples, seed {seed}.", len(results), data=data.name, seed=shown["seed"],
        train=len(data.x_train), held=len(data.held_out()[0]), held_label=held_name(held_label))
    st.markdown(trained + " " + _("Epochs per architecture: {epochs}.", epochs=epochs))
    for r in results:
        done = len(r.history.epochs)
        if done != epochs:
            st.markdown(ngettext("**{arch}** completed {done} of {n} epoch.", "**{arch}** completed {done} of {n} "
                                 "epochs.", epochs, arch=r.label, done=done))


def verdict_section(shown, held_label):
    """What was trained, in one sentence, and which architecture did best by which metric (from the table's
    numbers: the best epoch of each)."""
    results, epochs = shown["results"], shown.get("epochs")
    if epochs is not None:  # trained here, with shared settings (not results another page sent)
        _settings_sentence(shown, held_label)
    for leader in compare.leaders(results):
        best = ", ".join(f"**{label}**" for label in leader.labels)
        rest = "; ".join(_("{arch}: {value} at epoch {epoch}", arch=label, value=_value(leader.metric, v),
                           epoch=e) for label, v, e in leader.rest)
        tie = {"best": best, "value": _value(leader.metric, leader.value), "held_label": held_name(held_label)}
        values = {**tie, "epoch": leader.epoch, "rest": rest}
        if leader.metric == "val_loss":
            text = (_("Lowest {held_label} loss: {best}, {value} at epoch {epoch} ({rest}).", **values) if rest
                    else _("Lowest {held_label} loss: a tie between {best} at {value}.", **tie))
        else:
            text = (_("Highest {held_label} accuracy: {best}, {value} at epoch {epoch} ({rest}).", **values)
                    if rest else _("Highest {held_label} accuracy: a tie between {best} at {value}.", **tie))
        st.markdown(text)


def metrics_section(results, held_label):
    """One row per architecture, and the whole comparison as a CSV download."""
    st.subheader(_("Metrics"))
    table = compare.metrics_table(results)
    shown_columns = [c for c in compare.METRIC_LABELS if c != "problem" or table["problem"].any()]
    st.dataframe(table.set_index("architecture"), width="stretch", column_order=shown_columns, column_config={
        "_index": st.column_config.TextColumn(_("architecture")),  # the index's header, in the page's language
        **{c: st.column_config.NumberColumn(_(label), help=c, format="%.4f" if "loss" in c or "accuracy" in c else None)
           for c, label in compare.METRIC_LABELS.items() if c != "problem"}})
    st.caption(_("Final: after the last epoch; best: over all epochs; val: the {held_label} set; best epoch: the "
                 "one with the lowest val loss. The CSV below has every column, with full names.",
                 held_label=held_name(held_label)))
    st.download_button(_("Download the comparison (CSV)"), compare.comparison_csv(results),
                       file_name="nnlab-compare.csv", mime="text/csv", key="cmp_download", on_click="ignore")


def curves_section(results, data):
    """Train and held-out curves of every architecture, loss (and accuracy for classes)."""
    st.subheader(_("Learning curves"))
    curves = compare.epoch_frame(results)
    labels = [r.label for r in results]
    metrics = ["loss"] + (["accuracy"] if data.task == "classification" else [])
    for col, metric in zip(st.columns(len(metrics)), metrics):
        show_chart(col, vc.curves_chart(curves, metric, labels), width="stretch")
    st.caption(_("Solid: training set; dashed: held-out set. A gap that widens while the training loss keeps "
                 "falling is overfitting."))


def boundaries_section(results, data):
    """For 2-D data, each network's decision boundary over the same training points."""
    grids = [(r.label, boundary.boundary_frame(*r.boundary, data.class_names)) for r in results
             if r.boundary is not None]
    if data.n_features != 2 or not grids:
        return
    st.subheader(_("Decision boundaries"))
    show_chart(st, vc.boundaries_row(grids, data.x_train, data.y_train, data.class_names))
    st.caption(_("Background: each network's prediction at that point — for two classes the probability of class "
                 "1 (white on the boundary), for more classes the predicted class, paler where it is unsure. Dots: "
                 "the training samples in their true class's colour."))


def grad_norms_section(results):
    """Each architecture's mean gradient norm per layer and epoch."""
    norms = compare.grad_norm_frame(results)
    if len(norms):
        st.subheader(_("Per-layer gradient norms"))
        show_chart(st, vc.grad_norm_chart(norms, [r.label for r in results]))
        st.caption(_("Mean norm of each layer's weight gradient per epoch. Layers whose gradient is orders of "
                     "magnitude below the others learn slowly (vanishing gradients)."))
