"""nnlab entry point: routes to the pages and draws the shared sidebar model builder."""
import streamlit as st

from nnlab.ui import kept_run, state, threads
from nnlab.ui.widgets import charts, share, sidebar
from nnlab.ui.widgets.language import language_switch

threads.one_blas_thread()  # why: nnlab/ui/threads.py
st.set_page_config(page_title="nnlab — see inside a neural network", page_icon="🧠", layout="wide")
with st.sidebar:
    language_switch()

PAGES = {
    "Lab": [
        st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("app_pages/architecture.py", title="Architecture", icon=":material/hub:"),
        st.Page("app_pages/forward.py", title="Forward pass", icon=":material/arrow_forward:"),
        st.Page("app_pages/backprop.py", title="Backprop", icon=":material/arrow_back:"),
        st.Page("app_pages/training.py", title="Training", icon=":material/monitoring:"),
    ],
    "Lessons": [st.Page("app_pages/lessons.py", title="Lessons", icon=":material/school:", url_path="lessons")],
    "Inside the network": [
        st.Page("app_pages/feature_maps.py", title="Feature maps", icon=":material/grid_on:", url_path="feature_maps"),
        st.Page("app_pages/attention.py", title="Attention", icon=":material/visibility:", url_path="attention"),
        st.Page("app_pages/interventions.py", title="Interventions", icon=":material/science:",
                url_path="interventions"),
    ],
    "Your data": [
        st.Page("app_pages/data.py", title="Data", icon=":material/table_view:"),
        st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    ],
    "Explain": [
        st.Page("app_pages/attributions.py", title="Attributions", icon=":material/ads_click:",
                url_path="attributions"),
        st.Page("app_pages/feature_vis.py", title="What a unit sees", icon=":material/center_focus_strong:",
                url_path="feature_vis"),
        st.Page("app_pages/hidden_space.py", title="Hidden space", icon=":material/scatter_plot:",
                url_path="hidden_space"),
        st.Page("app_pages/landscape.py", title="Loss landscape", icon=":material/landscape:", url_path="landscape"),
        st.Page("app_pages/lr_finder.py", title="LR finder", icon=":material/speed:", url_path="lr_finder"),
        st.Page("app_pages/replay.py", title="Replay a run", icon=":material/replay:", url_path="replay"),
    ],
}
page = st.navigation(PAGES, expanded=True)  # every page listed: no “View more” hiding the last groups
state.show_notices()  # first: a notice made later in this run (the sidebar, the page) is drawn in its box
share.follow_link(PAGES, page)  # a session's first run: the URL's settings into the sidebar
kept_run.follow_token()  # after a link's page switch: the URL's ?resume= token, a run kept over a refresh
kept_run.offer()
sidebar.draw()
share.share_box(share.keep_in_url(page))
charts.start_page(share.page_name(page))
page.run()
