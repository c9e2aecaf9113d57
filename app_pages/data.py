"""Data: the built-in datasets, your own CSV, and image padding/augmentation — one click makes a dataset current."""
import streamlit as st

from nnlab.ui import data as sections
from nnlab.ui import state
from nnlab.ui.data_augment import augment_section
from nnlab.ui.data_upload import upload_section

st.title("Data")
data = state.get_dataset()
st.markdown(f"Every page works on the **current dataset: {data.name}**. Switching it rebuilds the network "
            "(inputs and outputs follow the data, and the loss follows the task) and resets training.")
sections.about_section(data)

# Only the open tab runs (the others cost nothing); its choice is kept across reruns.
builtin, upload, images = st.tabs(["Built-in datasets", "Upload a CSV", "Image augmentation"], key="dt_tab",
                                  on_change="rerun")
if builtin.open:
    with builtin:
        sections.catalog_section()
        st.subheader("A closer look")
        sections.look_section()
if upload.open:
    with upload:
        upload_section()
if images.open:
    with images:
        augment_section(data)
