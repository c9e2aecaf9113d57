"""Home: what nnlab is, a suggested path through the pages, a look at the current data, and every dataset."""
import streamlit as st

from nnlab.i18n import _
from nnlab.ui import home, state

st.title(_("nnlab — see inside a neural network"))
st.markdown(_(
    "Build a network in the sidebar, then look inside it: its **architecture**, every number of a "
    "**forward pass**, every gradient of **backprop**, and how **training** moves the weights. "
    "Everything comes from one small NumPy engine, so every number on these pages can be checked by hand."))
home.route_section()

data = state.get_dataset()
st.subheader(_("Current dataset: {name}", name=data.name))
home.description_caption(data)
home.digits_section(data)

st.subheader(_("Datasets"))
home.datasets_section()
