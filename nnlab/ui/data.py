"""Sections of the Data page: the current dataset's summary, every built-in dataset with its numbers, a closer
look at any dataset, and the one way the current dataset is switched (so input/output sizes and the loss
always follow the data). The upload flow and the image augmentation are ``data_upload`` and ``data_augment``.
"""
from dataclasses import replace

import numpy as np
import streamlit as st

from ..data.builtin import DATASETS, KIND_LABELS, label_facts, load_dataset, shown_description
from ..lab.config import config_for_dataset, output_units
from ..i18n import N_, _
from ..viz import data_views as dv
from . import state
from .widgets import sidebar
from .widgets.charts import show_chart
from .widgets.worked_table import worked_table

TASK_NAMES = {"classification": N_("classification"), "regression": N_("regression")}
N_SAMPLE = 200  # samples kept per dataset for the sample views
N_COLUMNS = 3


def intro_section(data):
    """The page's title and what the current dataset is for."""
    st.title(_("Data"))
    st.markdown(_("Every page works on the **current dataset: {name}**. Switching it rebuilds the network (inputs and "
                  "outputs follow the data, and the loss follows the task) and resets training.", name=data.name))


def tab_labels():
    """The page's tabs: built-in datasets, the upload, image augmentation."""
    return [_("Built-in datasets"), _("Upload a CSV"), _("Image augmentation")]


def about_section(data):
    """The current dataset's sizes and the notes on how it was prepared."""
    with st.expander(_("About “{name}”", name=data.name), expanded=False):
        c1, c2 = st.columns([1, 2])
        worked_table(dv.summary_frame(data), where=c1)
        c2.markdown("\n".join(f"- {note}" for note in data.notes) or _("No preprocessing notes."))


def add_user_dataset(name, dataset):
    """Keep ``dataset`` among the user's own and make it current (from a callback)."""
    state.user_datasets()[name] = dataset
    make_current(name, dataset)


def make_current(name, dataset):
    """Make ``dataset`` current on every page. Sets the sidebar's widgets, so call it from a callback."""
    cfg = config_for_dataset(state.config(), name, dataset)
    loss = sidebar.loss_label(cfg.loss)
    sidebar.apply_config(cfg, _(
        "“{name}” is now the current dataset ({task}): the network takes {inputs:,} inputs and gives {outputs} "
        "output(s) with the {loss} loss. It was rebuilt, untrained.", name=name, task=_(TASK_NAMES[dataset.task]),
        inputs=dataset.n_features, outputs=output_units(cfg, dataset), loss=loss))


def _use_builtin(name):
    cfg = replace(state.config(), dataset=name)
    make_current(name, state.get_dataset(cfg))


def dataset_facts(dataset, n_sample=N_SAMPLE):
    """The small numbers and samples the catalogue shows, so big datasets need not stay in memory."""
    parts = [dataset.y_train, dataset.y_test] + ([dataset.y_val] if dataset.y_val is not None else [])
    y_all = np.concatenate(parts)
    counts = None if dataset.class_names is None else np.bincount(y_all, minlength=len(dataset.class_names))
    return {"n": len(y_all), "train": len(dataset.y_train), "test": len(dataset.y_test),
            "val": 0 if dataset.y_val is None else len(dataset.y_val), "features": dataset.n_features,
            "task": dataset.task, "classes": dataset.class_names, "counts": counts, "all_y": y_all,
            "x": dataset.x_train[:n_sample].copy(), "y": dataset.y_train[:n_sample].copy(),
            "image_shape": dataset.image_shape, "feature_names": tuple(dataset.feature_names[:12]),
            "description": dataset.description}


@st.cache_data(show_spinner=False, max_entries=64)
def _builtin_facts(name, n_samples, noise):
    return dataset_facts(load_dataset(name, seed=state.DATA_SEED, n_samples=n_samples, noise=noise))


def facts_for(name):
    """Facts of a built-in (cached) or uploaded dataset, for the current config's 2-D sample size and noise."""
    user = state.user_datasets()
    if name in user:
        return dataset_facts(user[name])
    cfg = state.config()
    two_d = state.dataset_kind(name) == "2d"
    return _builtin_facts(name, cfg.n_samples if two_d else None, cfg.noise if two_d else None)


def card_facts(name):
    """The numbers of a catalogue card: from the label files alone for a dataset that has them (a few ms, not
    cached: reading and scaling its 70,000 images would make the first visit of this page wait seconds), else
    ``facts_for``."""
    found = None if name in state.user_datasets() else label_facts(name)
    return facts_for(name) if found is None else found


def balance_text(facts):
    if facts["counts"] is None:
        return _("regression target")
    share = facts["counts"] / max(facts["n"], 1)
    spread = f"{share.min():.1%}" if np.isclose(share.min(), share.max(), atol=5e-4) else \
        f"{share.min():.1%}–{share.max():.1%}"
    return _("**{n}** classes ({spread} each)", n=len(facts["classes"]), spread=spread)


def catalog_section():
    """One card per built-in dataset with its numbers and a **Use** button (one click makes it current)."""
    current = state.config().dataset
    with st.spinner(_("Reading the built-in datasets…")):
        facts = {name: card_facts(name) for name in DATASETS}
    columns = st.columns(N_COLUMNS)
    for i, (name, info) in enumerate(DATASETS.items()):
        f = facts[name]
        with columns[i % N_COLUMNS].container(border=True):
            st.markdown(f"**{name}** · {_(KIND_LABELS[info.kind])}")
            st.caption(_(info.description))
            st.markdown(_("**{n:,}** samples · **{features:,}** features · {balance}", n=f["n"],
                          features=f["features"], balance=balance_text(f)))
            st.caption(_("{train:,} train / {val:,} validation / {test:,} test", train=f["train"], val=f["val"],
                         test=f["test"]))
            st.button(_("✓ current") if name == current else _("Use"), key=f"dt_use_{i}", disabled=name == current,
                      on_click=_use_builtin, args=(name,), type="secondary" if name == current else "primary")


def look_section():
    """Class balance and a sample view of any dataset (the current one first)."""
    st.subheader(_("A closer look"))
    names = state.dataset_names()
    current = state.config().dataset
    names = [current] + [n for n in names if n != current] if current in names else names
    name = st.selectbox(_("Look at"), names, key=f"dt_look_{current}",  # a new current dataset starts the view on it
                        format_func=lambda n: _("{name} (current)", name=n) if n == current else n)
    f = facts_for(name)
    st.caption(shown_description(name, f["description"]))
    c1, c2 = st.columns([2, 3])
    if f["counts"] is not None:
        show_chart(c1, dv.class_balance_chart(f["all_y"], f["classes"], title=_("Samples per class (all parts)")),
                        width="stretch")
    else:
        show_chart(c1, dv.target_histogram(f["all_y"], _("Target values (all parts)")), width="stretch")
    with c2:
        if f["image_shape"] is not None:
            show_chart(st, dv.image_samples(f["x"], f["y"], f["image_shape"], f["classes"], n=20,
                                             title=_("The first 20 training samples")), width="content")
        elif f["features"] == 2:
            show_chart(st, dv.scatter_chart(f["x"], f["y"], f["classes"], f["feature_names"] or ("x1", "x2"),
                                             title=_("{n} training samples", n=len(f["x"]))), width="stretch")
        else:
            st.markdown(_("The first 10 training samples"))
            st.dataframe(dv.sample_rows(f["x"], f["y"], f["feature_names"], f["classes"]), hide_index=True)
