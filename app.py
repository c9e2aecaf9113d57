"""nnlab entry point: routes to the pages and draws the shared sidebar model builder."""
import streamlit as st

from nnlab.ui import sidebar, state

st.set_page_config(page_title="nnlab — see inside a neural network", page_icon="🧠", layout="wide")

PAGES = {
    "Lab": [
        st.Page("pages/lab/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/lab/architecture.py", title="Architecture", icon=":material/hub:"),
        st.Page("pages/lab/forward.py", title="Forward pass", icon=":material/arrow_forward:"),
        st.Page("pages/lab/backprop.py", title="Backprop", icon=":material/arrow_back:"),
        st.Page("pages/lab/training.py", title="Training", icon=":material/monitoring:"),
    ],
    "Inside CNNs & attention": [
        st.Page("pages/lab/feature_maps.py", title="Feature maps", icon=":material/grid_on:", url_path="feature_maps"),
        st.Page("pages/lab/attention.py", title="Attention", icon=":material/visibility:", url_path="attention"),
    ],
    "Your data": [
        st.Page("pages/lab/data.py", title="Data", icon=":material/table_view:"),
        st.Page("pages/lab/compare.py", title="Compare", icon=":material/compare_arrows:"),
    ],
}
page = st.navigation(PAGES)
sidebar.draw()
state.show_notices()
page.run()
