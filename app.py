"""nnlab entry point: routes to the pages and draws the shared sidebar model builder."""
import streamlit as st

from nnlab.i18n import _
from nnlab.ui import kept_run, state, threads
from nnlab.ui.widgets import charts, share, sidebar, vega_spec
from nnlab.ui.widgets.language import language_switch

threads.one_blas_thread()  # why: nnlab/ui/threads.py
vega_spec.skip_schema_checks()  # why: nnlab/ui/widgets/vega_spec.py
with st.sidebar:
    language_switch()  # first: the page title, the navigation and every page below speak the chosen language
st.set_page_config(page_title=_("nnlab — see inside a neural network"), page_icon="🧠", layout="wide")

# Titles and group names are translated; the URL paths (given, or taken from the file name) and so links never are.

PAGES = {
    _("Lab"): [
        st.Page("app_pages/home.py", title=_("Home"), icon=":material/home:", default=True),
        st.Page("app_pages/architecture.py", title=_("Architecture"), icon=":material/hub:"),
        st.Page("app_pages/forward.py", title=_("Forward pass"), icon=":material/arrow_forward:"),
        st.Page("app_pages/backprop.py", title=_("Backprop"), icon=":material/arrow_back:"),
        st.Page("app_pages/training.py", title=_("Training"), icon=":material/monitoring:"),
    ],
    _("Lessons"): [st.Page("app_pages/lessons.py", title=_("Lessons"), icon=":material/school:", url_path="lessons")],
    _("Inside the network"): [
        st.Page("app_pages/feature_maps.py", title=_("Feature maps"), icon=":material/grid_on:",
                url_path="feature_maps"),
        st.Page("app_pages/attention.py", title=_("Attention"), icon=":material/visibility:", url_path="attention"),
        st.Page("app_pages/interventions.py", title=_("Interventions"), icon=":material/science:",
                url_path="interventions"),
    ],
    _("Your data"): [
        st.Page("app_pages/data.py", title=_("Data"), icon=":material/table_view:"),
        st.Page("app_pages/compare.py", title=_("Compare"), icon=":material/compare_arrows:"),
    ],
    _("Explain"): [
        st.Page("app_pages/attributions.py", title=_("Attributions"), icon=":material/ads_click:",
                url_path="attributions"),
        st.Page("app_pages/feature_vis.py", title=_("What a unit sees"), icon=":material/center_focus_strong:",
                url_path="feature_vis"),
        st.Page("app_pages/hidden_space.py", title=_("Hidden space"), icon=":material/scatter_plot:",
                url_path="hidden_space"),
        st.Page("app_pages/landscape.py", title=_("Loss landscape"), icon=":material/landscape:",
                url_path="landscape"),
        st.Page("app_pages/lr_finder.py", title=_("LR finder"), icon=":material/speed:", url_path="lr_finder"),
        st.Page("app_pages/replay.py", title=_("Replay a run"), icon=":material/replay:", url_path="replay"),
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
