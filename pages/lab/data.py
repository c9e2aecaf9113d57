"""Data: the built-in datasets, your own CSV, and image padding/augmentation — one click makes a dataset current."""
import streamlit as st

from nnlab.ui import state
from nnlab.ui.augment_panel import augment_section
from nnlab.ui.csv_upload import upload_section
from nnlab.ui.data_catalog import catalog_section, look_section
from nnlab.viz.data_views import summary_frame

st.title("Data")
data = state.get_dataset()
st.markdown(f"Every page works on the **current dataset: {data.name}**. Switching it rebuilds the network "
            "(inputs and outputs follow the data, and the loss follows the task) and resets training.")
with st.expander(f"About “{data.name}”", expanded=False):
    c1, c2 = st.columns([1, 2])
    c1.dataframe(summary_frame(data), hide_index=True)
    c2.markdown("\n".join(f"- {note}" for note in data.notes) or "No preprocessing notes.")

# Only the open tab runs (the others cost nothing); its choice is kept across reruns.
builtin, upload, images = st.tabs(["Built-in datasets", "Upload a CSV", "Image augmentation"], key="dt_tab",
                                  on_change="rerun")
if builtin.open:
    with builtin:
        catalog_section()
        st.subheader("A closer look")
        look_section()
if upload.open:
    with upload:
        upload_section()
if images.open:
    with images:
        augment_section(data)
