"""show_chart draws the chart and remembers the page run's charts by name, newest drawing of a name winning."""
import json

from streamlit.testing.v1 import AppTest


def _script():
    import altair as alt
    import pandas as pd
    import streamlit as st

    from nnlab.ui.widgets.charts import page_charts, show_chart, start_page

    start_page()
    frame = pd.DataFrame({"x": [0, 1], "y": [1, 0]})
    show_chart(st, alt.Chart(frame, title="Loss per epoch").mark_line().encode(x="x", y="y"))
    slot = st.empty()
    for value in (1, 2):  # a live placeholder redrawn under one name
        show_chart(slot, alt.Chart(frame.assign(y=value), title="Live").mark_point().encode(x="x", y="y"))
    left, _right = st.columns(2)
    show_chart(left, alt.Chart(frame).mark_bar().encode(x="x", y="y"))  # untitled
    st.session_state["seen"] = {name: chart.to_dict()["data"] for name, chart in page_charts().items()}


def test_charts_are_drawn_and_listed_by_title():
    at = AppTest.from_function(_script, default_timeout=60).run()
    assert not at.exception
    seen = at.session_state["seen"]
    assert list(seen) == ["Loss per epoch", "Live", "chart 3"]
    titles = [json.loads(el.proto.spec).get("title") for el in at.get("vega_lite_chart")]
    assert titles == ["Loss per epoch", "Live", None]  # drawn: the placeholder holds its last chart


def test_a_new_page_run_starts_an_empty_list():
    at = AppTest.from_function(_script, default_timeout=60).run()
    at.run()
    assert list(at.session_state["seen"]) == ["Loss per epoch", "Live", "chart 3"]
