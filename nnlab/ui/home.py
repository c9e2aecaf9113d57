"""Sections of the Home page: a look at the current dataset's images, and the table of datasets."""
import pandas as pd
import streamlit as st

from ..data.builtin import DATASETS
from ..viz.images import image_grid
from .widgets.charts import show_chart

N_IMAGES = 30


def digits_section(data):
    """The first training images of an image dataset, each with its label (nothing for other data)."""
    if data.image_shape is None:
        return
    n = N_IMAGES
    show_chart(st, image_grid(data.x_train[:n], data.image_shape,
                               captions=[f"label {data.class_names[y]}" for y in data.y_train[:n]], ncols=10,
                               title=f"The first {n} training images"), width="content")


def datasets_section():
    """Every built-in dataset with its kind and a one-line description."""
    st.dataframe(pd.DataFrame([{"dataset": name, "kind": info.kind, "description": info.description}
                               for name, info in DATASETS.items()]), hide_index=True, width="stretch")
