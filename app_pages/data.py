"""Data: the built-in datasets, your own CSV, and image padding/augmentation — one click makes a dataset current."""
import streamlit as st

from nnlab.ui import data as sections
from nnlab.ui import state
from nnlab.ui.data_augment import augment_section
from nnlab.ui.data_upload import upload_section

data = state.get_dataset()
sections.intro_section(data)
sections.about_section(data)

# Only the open tab runs (the others cost nothing); its choice is kept across reruns.
builtin, upload, images = st.tabs(sections.tab_labels(), key="dt_tab", on_change="rerun")
if builtin.open:
    with builtin:
        sections.catalog_section()
        sections.look_section()
if upload.open:
    with upload:
        upload_section()
if images.open:
    with images:
        augment_section(data)
