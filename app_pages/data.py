"""Data: the built-in datasets, your own CSV, and image padding/augmentation — one click makes a dataset current."""
import streamlit as st

from nnlab.i18n import _

from nnlab.ui import data as sections
from nnlab.ui import state
from nnlab.ui.data_augment import augment_section
from nnlab.ui.data_upload import upload_section

st.title(_("Data"))
data = state.get_dataset()
st.markdown(_("Every page works on the **current dataset: {name}**. Switching it rebuilds the network (inputs and "
              "outputs follow the data, and the loss follows the task) and resets training.", name=data.name))
sections.about_section(data)

# Only the open tab runs (the others cost nothing); its choice is kept across reruns.
builtin, upload, images = st.tabs([_("Built-in datasets"), _("Upload a CSV"), _("Image augmentation")], key="dt_tab",
                                  on_change="rerun")
if builtin.open:
    with builtin:
        sections.catalog_section()
        st.subheader(_("A closer look"))
        sections.look_section()
if upload.open:
    with upload:
        upload_section()
if images.open:
    with images:
        augment_section(data)
