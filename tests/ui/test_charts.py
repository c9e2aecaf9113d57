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


def test_an_identical_chart_is_converted_once_and_the_cache_is_bounded(monkeypatch):
    import altair as alt
    import pandas as pd
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    from nnlab.ui.widgets import charts

    def line(values, title="Loss"):
        return alt.Chart(pd.DataFrame({"x": range(len(values)), "y": values}), title=title).mark_line().encode(
            x="x", y="y")

    monkeypatch.setattr(charts, "_specs", type(charts._specs)())
    first = charts.converted(line([3.0, 2.0, 1.0]))
    assert charts.converted(line([3.0, 2.0, 1.0])) is first  # built again, same content: the kept spec
    assert first == _convert_altair_to_vega_lite_spec(line([3.0, 2.0, 1.0]))  # what st.altair_chart would send
    other = charts.converted(line([3.0, 2.0, 0.5]))  # other numbers: another spec
    assert other is not first and other["datasets"] != first["datasets"]
    assert charts.converted(line([3.0, 2.0, 1.0], title="损失")) is not first  # other words (a language): another
    assert len(charts._specs) == 3
    monkeypatch.setattr(charts, "SPEC_CACHE_BYTES", 1)  # beyond the budget the least recently used go first
    charts.converted(line([9.0]))
    assert len(charts._specs) == 1
