"""Home: what nnlab is, the datasets it has, a look at the digits, and where to go next."""
import pandas as pd
import streamlit as st

from nnlab.data.builtin import DATASETS
from nnlab.ui import state
from nnlab.viz.images import image_grid

st.title("nnlab — see inside a neural network")
st.markdown(
    "Build a network in the sidebar, then look inside it: its **architecture**, every number of a "
    "**forward pass**, every gradient of **backprop**, and how **training** moves the weights. "
    "Everything comes from one small NumPy engine, so every number on these pages can be checked by hand.")

data = state.get_dataset()
st.subheader(f"Current dataset: {data.name}")
st.caption(data.description)
if data.image_shape is not None:
    n = 30
    st.altair_chart(image_grid(data.x_train[:n], data.image_shape,
                               captions=[f"label {data.class_names[y]}" for y in data.y_train[:n]], ncols=10,
                               title=f"The first {n} training images"), width="content")

st.subheader("Datasets")
st.dataframe(pd.DataFrame([{"dataset": name, "kind": info.kind, "description": info.description}
                           for name, info in DATASETS.items()]), hide_index=True, width="stretch")
