"""nnlab entry point: routes to the pages and draws the shared sidebar model builder."""
import streamlit as st

from nnlab.ui import sidebar, state

st.set_page_config(page_title="nnlab — see inside a neural network", page_icon="🧠", layout="wide")

PAGES = {
    "Lab": [
        st.Page("pages/lab/home.py", title="Home", icon="🏠", default=True),
        st.Page("pages/lab/architecture.py", title="Architecture", icon="🕸️"),
        st.Page("pages/lab/forward.py", title="Forward pass", icon="➡️"),
        st.Page("pages/lab/backprop.py", title="Backprop", icon="⬅️"),
        st.Page("pages/lab/training.py", title="Training", icon="📉"),
    ],
    "Your data": [
        st.Page("pages/lab/data.py", title="Data", icon="🗂️"),
        st.Page("pages/lab/compare.py", title="Compare", icon="⚖️"),
    ],
}
page = st.navigation(PAGES)
sidebar.draw()
state.show_notices()
page.run()
