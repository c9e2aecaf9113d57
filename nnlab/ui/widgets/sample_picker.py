"""Choose one test sample — index slider plus a "Random" button — and show it (the digit, or its feature
values). The chosen index lives under ``state.SAMPLE_INDEX`` so the architecture, forward and backprop
pages all show the same sample; each page's widgets have their own keys (``prefix``).
"""
import numpy as np
import pandas as pd
import streamlit as st

from ...i18n import _
from ...lab.inspect import split_arrays, split_name
from ...viz.images import image_grid
from ..state import SAMPLE_DRAWS as DRAWS_KEY
from ..state import SAMPLE_INDEX as SAMPLE_KEY
from .charts import show_chart


def _from_slider(widget_key):
    st.session_state[SAMPLE_KEY] = int(st.session_state[widget_key])


def _random(n):
    ss = st.session_state
    draws = int(ss.get(DRAWS_KEY, 0))
    ss[DRAWS_KEY] = draws + 1
    ss[SAMPLE_KEY] = int(np.random.default_rng(draws).integers(n))


def label_text(dataset, y):
    """The stored label or target of one sample, in words."""
    y = np.asarray(y)
    if dataset.class_names is not None:
        return _("class {name}", name=dataset.class_names[int(y.reshape(-1)[0])])
    return _("target {values}", values=", ".join(f"{v:.4g}" for v in y.reshape(-1)))


def pick_sample(dataset, prefix):
    """Draw the picker and the chosen sample; return its index into the test split (or train, if the
    dataset has no test split)."""
    ss = st.session_state
    x_all, y_all, split = split_arrays(dataset)
    n = len(x_all)
    if n == 0:
        st.error(_("The dataset “{name}” has no samples to show; pick another dataset in the sidebar.",
                   name=dataset.name))
        st.stop()
    index = min(max(int(ss.get(SAMPLE_KEY, 0)), 0), n - 1)
    ss[SAMPLE_KEY] = index
    widget_key = f"{prefix}_sample_slider"
    ss[widget_key] = index  # the shared index wins over this page's last slider position
    left, right = st.columns([3, 2] if dataset.image_shape else [2, 3], vertical_alignment="center")
    with left:
        if n > 1:
            st.slider(_("Sample of the {split} set (0 … {last})", split=split_name(split), last=n - 1), 0, n - 1,
                      key=widget_key, on_change=_from_slider, args=(widget_key,))
        st.button(_("🎲 Random sample"), key=f"{prefix}_sample_random", on_click=_random, args=(n,))
        st.markdown(_("**{split} sample {i}** · {stored}", split=split_name(split).capitalize(), i=index,
                      stored=label_text(dataset, y_all[index:index + 1])))
    with right:
        x = x_all[index]
        if dataset.image_shape is not None:
            show_chart(st, _image_chart(np.array(x), tuple(dataset.image_shape),
                                         label_text(dataset, y_all[index:index + 1])),
                            width="content")
        else:
            names = list(dataset.feature_names) or [f"x{i + 1}" for i in range(x.size)]
            feature = _("feature")
            frame = pd.DataFrame({feature: names, _("value"): x.astype(np.float64)})
            st.dataframe(frame if x.size > 8 else frame.set_index(feature).T, hide_index=x.size > 8,
                         height=min(300, 36 * (x.size + 1)) if x.size > 8 else "auto")
    return index


@st.cache_data(max_entries=64, show_spinner=False)
def _image_chart(x, shape, caption):
    """The sample's image; cached on its pixels (an immutable copy), saving ~20 ms of Altair per rerun."""
    return image_grid(np.asarray(x)[None, :], shape, captions=[caption], ncols=1, size=112)
