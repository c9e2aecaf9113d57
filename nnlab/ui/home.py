"""Sections of the Home page: a suggested path through the pages, a look at the current dataset's images, and
the table of every built-in dataset."""
from pathlib import Path

import pandas as pd
import streamlit as st

from ..data.builtin import DATASETS, KIND_LABELS, shown_description
from ..i18n import N_, _
from ..viz.images import image_grid
from .widgets.charts import show_chart

N_IMAGES = 30
# The suggested route: (pages, what to look for there). One step may offer two pages.
ROUTE = (
    ((("app_pages/architecture.py", N_("Architecture")),),
     N_("How the layers connect, the shape of every tensor, and how many weights each layer has.")),
    ((("app_pages/forward.py", N_("Forward pass")),),
     N_("Follow one sample through the network: z = W·x + b, then the activation, layer by layer, up to the "
        "output probabilities.")),
    ((("app_pages/backprop.py", N_("Backprop")),),
     N_("The gradient of every weight for that sample by the chain rule, checked against finite differences.")),
    ((("app_pages/training.py", N_("Training")),),
     N_("Train, then read the curves and the diagnosis: is the loss falling, do gradients reach the first layer, "
        "does the validation loss turn up (overfitting)?")),
    ((("app_pages/feature_maps.py", N_("Feature maps")), ("app_pages/attention.py", N_("Attention"))),
     N_("With the MNIST CNN or MNIST patch attention preset: what the filters respond to, and where each head looks.")),
    ((("app_pages/data.py", N_("Data")), ("app_pages/compare.py", N_("Compare"))),
     N_("Bring your own CSV, then train several architectures on the same data and compare their curves.")),
)
LESSONS_PAGE = "app_pages/lessons.py"  # the guided lessons, once that page exists: Home then links to it first
ROOT = Path(__file__).resolve().parents[2]


def route_section():
    """A short numbered route through the pages, each step with one sentence on what to look for."""
    st.subheader(_("A path through the pages"))
    lessons_link()
    for number, (pages, look_for) in enumerate(ROUTE, start=1):
        with st.container(border=True):
            columns = st.columns([1] * len(pages) + [4 - len(pages)])
            for column, (path, title) in zip(columns, pages):
                column.page_link(path, label=f"{number}. {_(title)}")
            columns[-1].caption(_(look_for))


def lessons_link():
    """Where the lessons begin — shown as soon as the Lessons page is routed (``LESSONS_PAGE``)."""
    if (ROOT / LESSONS_PAGE).exists():
        st.page_link(LESSONS_PAGE, label=_("Start the lessons"), icon=":material/school:")


def digits_section(data):
    """The first training images of an image dataset, each captioned with its class (nothing for other data)."""
    if data.image_shape is None:
        return
    n = N_IMAGES
    show_chart(st, image_grid(data.x_train[:n], data.image_shape,
                              captions=[str(data.class_names[y]) for y in data.y_train[:n]], ncols=10,
                              title=_("The first {n} training images, each with its class", n=n)), width="content")


def description_caption(data):
    """The current dataset's one-line description, in the session's language for a built-in."""
    st.caption(shown_description(data.name, data.description))


def datasets_frame():
    """Every built-in dataset with its kind and a one-line description (one row each)."""
    return pd.DataFrame([{_("dataset"): name, _("kind"): _(KIND_LABELS[info.kind]),
                          _("description"): _(info.description)}
                         for name, info in DATASETS.items()])


def datasets_section():
    """The datasets as a static table: every row shows, none hides behind a scrollbar."""
    st.table(datasets_frame().set_index(_("dataset")))
