"""Every chart of a page is drawn through ``show_chart``: one place that knows which charts a page showed.

Pages and sections call ``show_chart(where, chart, ...)`` instead of ``where.altair_chart(chart, ...)``
(``where`` is ``st``, a column, a container or a placeholder). Besides drawing, it notes the chart in this
run's list, so features that act on "the charts of this page" (downloading them for slides) need no
change in the sections. The list lives in the session (each user's own) and is started afresh by the
router before every page run.
"""
import streamlit as st
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec as vega_lite_spec

from ..state import PAGE_CHARTS, model_version, remember


def start_page():
    """Forget the previous run's charts; app.py calls this before running the page."""
    st.session_state[PAGE_CHARTS] = {}


def show_chart(where, chart, **kwargs):
    """Draw an Altair chart in ``where`` (``st.altair_chart``'s keyword arguments pass through) and note it
    under ``name`` (default: the chart's title, else a running number). A placeholder redrawn with the same
    name (live training curves) replaces its earlier entry instead of adding one."""
    _note(chart, kwargs.pop("name", None))
    return where.altair_chart(chart, **kwargs)


def show_model_chart(where, key, build, *, version=(), **kwargs):
    """``show_chart(where, build())`` for a chart of the user's model or history: built and converted to its
    Vega-Lite spec once per state of the model (``state.model_version``, plus ``version`` for the chart's own
    choices), then drawn from the kept spec — on a rerun that trained nothing this costs no chart work, and
    the browser, given the same element, redraws nothing. ``key`` names the chart in the session's memo;
    ``build`` may return None (nothing to draw)."""
    model, keep = model_version()

    def built():
        chart = build()
        return None if chart is None else (chart, vega_lite_spec(chart))

    made = remember(f"chart:{key}", (model, version), built, keep)
    if made is None:
        return None
    chart, spec = made
    _note(chart, kwargs.pop("name", None))
    return where.vega_lite_chart(spec=spec, **kwargs)


def _note(chart, name):
    charts = st.session_state.setdefault(PAGE_CHARTS, {})
    name = name or _title(chart)
    charts[name or f"chart {len(charts) + 1}"] = chart


def page_charts():
    """{name: chart} of the charts drawn so far in this page run, in drawing order."""
    return dict(st.session_state.get(PAGE_CHARTS, {}))


def _title(chart):
    title = getattr(chart, "title", None)
    if isinstance(title, str):
        return title
    text = getattr(title, "text", None)
    if isinstance(text, str):
        return text
    if isinstance(text, (list, tuple)):
        return " ".join(map(str, text))
    return None
