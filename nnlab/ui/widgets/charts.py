"""Every chart of a page is drawn through ``show_chart``: one place that knows which charts a page showed.

Pages and sections call ``show_chart(where, chart, ...)`` instead of ``where.altair_chart(chart, ...)``
(``where`` is ``st``, a column, a container or a placeholder). Besides drawing, it notes the chart in this
run's list, so features that act on "the charts of this page" need no change in the sections. The list
lives in the session (each user's own) and is started afresh by the router before every page run.

Charts for slides: the first chart of a page run also draws the "Charts for slides" control in the
sidebar, so it is there on every page that shows a chart, also one that stops early (``st.stop``). Its
button renders the charts on screen — the previous run's list, complete when the button is pressed — as
PNG and SVG in the slide theme (``viz.export``, on the server), and the next run offers them one by one
and as one zip. Rendering takes about 0.3–2 s a chart, so it happens only on that press, cached by the
chart's Vega-Lite JSON and the language.
"""
import hashlib
import json
import pickle
import threading
from collections import OrderedDict

import streamlit as st
from .vega_spec import vega_lite_spec

from ...i18n import _, language, ngettext
from ...viz import export
from ..state import CHART_PAGE, CHART_SLOTS, PAGE_CHARTS, SLIDE_FILES, model_version, remember


def start_page(page=None):
    """Forget the previous run's charts; app.py calls this before running the page ``page`` (its name)."""
    st.session_state[PAGE_CHARTS] = {}
    st.session_state[CHART_SLOTS] = {}
    st.session_state[CHART_PAGE] = page


def show_chart(where, chart, **kwargs):
    """Draw an Altair chart in ``where`` (``st.altair_chart``'s keyword arguments pass through) and note it
    under ``name`` (default: the chart's title, else a running number). A chart drawn into a placeholder
    (``st.empty``) replaces the one drawn there before, as on screen: live training curves and a decision
    boundary whose title counts the epochs stay one entry each, the newest."""
    _note(where, chart, kwargs.pop("name", None))
    return where.vega_lite_chart(spec=converted(chart), **kwargs)


SPEC_CACHE_BYTES = 64 * 2**20  # the specs kept, by the size of the charts they came from
_specs = OrderedDict()  # digest of a pickled chart -> (its Vega-Lite spec, size)
_specs_lock = threading.Lock()


def converted(chart):
    """The chart's Vega-Lite spec (what ``st.altair_chart`` sends), converted once per distinct chart.

    Altair's conversion (schema validation, data to Arrow) is most of a chart's cost — about 40 ms for a
    small heatmap — and a rerun draws the same charts again. The key is the digest of the pickled chart
    (~1 ms), which holds its data and its translated words, so only an identical chart finds the entry; the
    spec is never changed after it is made (Streamlit copies it), so sessions may share it. Least recently
    used entries go first beyond ``SPEC_CACHE_BYTES``."""
    try:
        raw = pickle.dumps(chart, protocol=5)
    except Exception:  # an unpicklable chart (none of ours): converted every time
        return vega_lite_spec(chart)
    digest = hashlib.blake2b(raw, digest_size=16).digest()
    with _specs_lock:
        hit = _specs.get(digest)
        if hit is not None:
            _specs.move_to_end(digest)
            return hit[0]
    spec = vega_lite_spec(chart)
    with _specs_lock:
        _specs[digest] = (spec, len(raw))
        total = sum(size for _spec, size in _specs.values())
        while total > SPEC_CACHE_BYTES and len(_specs) > 1:
            total -= _specs.popitem(last=False)[1][1]
    return spec


def show_model_chart(where, memo_key, build, *, version=(), **kwargs):
    """``show_chart(where, build())`` for a chart of the user's model or history: built and converted to its
    Vega-Lite spec once per state of the model (``state.model_version``, plus ``version`` for the chart's own
    choices), then drawn from the kept spec — on a rerun that trained nothing this costs no chart work, and
    the browser, given the same element, redraws nothing. ``memo_key`` names the chart in the session's memo;
    ``build`` may return None (nothing to draw)."""
    def built():
        chart = build()
        return None if chart is None else (chart, None, vega_lite_spec(chart))

    return _show_remembered(where, memo_key, built, version, kwargs)


def show_model_chart_rows(where, memo_key, build, *, version=(), **kwargs):
    """``show_model_chart`` for a chart a live view also draws, in the live view's form: ``build()`` returns
    (chart, rows, spec) — the spec without data, the rows sent beside it. The browser, which already shows that
    spec from the last live tick, then only updates the chart's data instead of building the chart anew."""
    return _show_remembered(where, memo_key, build, version, kwargs)


def _show_remembered(where, memo_key, build, version, kwargs):
    """Draw (chart, rows or None, spec) from ``build``, kept per state of the model, and note the chart."""
    model, keep = model_version()
    made = remember(f"chart:{memo_key}", (model, version), build, keep)
    if made is None:
        return None
    chart, rows, spec = made
    _note(where, chart, kwargs.pop("name", None))
    return where.vega_lite_chart(rows, spec=spec, **kwargs)


def _note(where, chart, name):
    """Note the chart in this page run's list (see the module doc); the first one also draws the slides control."""
    name = name or _title(chart)
    ss = st.session_state
    charts = ss.setdefault(PAGE_CHARTS, {})
    slots = ss.setdefault(CHART_SLOTS, {})
    if not charts:
        _slides_control()
    name = name or _("chart {n}", n=len(charts) + 1)
    slot = _placeholder(where)
    if slot is not None:
        previous = slots.get(slot)
        if previous is not None and previous != name:
            charts.pop(previous, None)
        slots[slot] = name
    charts[name] = chart


def _placeholder(where):
    """Where on the page a placeholder (``st.empty()``) sits, or None for anything that adds elements.
    Streamlit marks a placeholder by a locked cursor (no public API says so; anything else reads as None)."""
    cursor = getattr(where, "_provided_cursor", None)
    if cursor is None or not getattr(cursor, "is_locked", False):
        return None
    return tuple(cursor.delta_path)


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


@st.cache_data(max_entries=128, show_spinner=False)
def _rendered(spec_json, lang):
    """``(png, svg)`` of one chart's Vega-Lite JSON (the language is in the key: the text was translated)."""
    return export.chart_files(json.loads(spec_json))


def slide_files(charts):
    """{name: (png, svg)} of the charts ``{name: chart}``, each rendered once per distinct chart."""
    lang = language()
    return {name: _rendered(json.dumps(chart.to_dict(), sort_keys=True), lang) for name, chart in charts.items()}


def _prepare(page):
    """The button's callback: render the charts on screen (the run that drew the button, finished by now)."""
    charts = page_charts()
    with st.spinner(ngettext("Rendering {n} chart for slides…", "Rendering {n} charts for slides…", len(charts))):
        files = slide_files(charts)
    st.session_state[SLIDE_FILES] = {"page": page, "files": files, "zip": export.files_to_zip(files)}


def _slides_control():
    """The sidebar's "Charts for slides" popover: prepare, then download each chart or all of them."""
    ss = st.session_state
    page = ss.get(CHART_PAGE)
    prepared = ss.get(SLIDE_FILES)
    ready = prepared is not None and prepared["page"] == page
    box = st.sidebar.popover(_("Charts for slides"), icon=":material/download:", width="stretch")
    box.caption(_("Every chart of this page as PNG (for slides) and SVG (to edit): white background, large "
                  "fonts. Rendering takes a moment per chart, so it starts when you press the button."))
    box.button(_("Prepare again") if ready else _("Prepare the files"), key="slides_prepare", on_click=_prepare,
               args=(page,), icon=":material/photo_library:")
    if not ready:
        return
    files = prepared["files"]
    box.caption(_("These files show the charts as they were when you pressed the button."))
    box.download_button(ngettext("Download {n} chart (zip)", "Download {n} charts (zip)", len(files)), prepared["zip"],
                        file_name=f"{page or 'nnlab'}-charts.zip", mime="application/zip", key="slides_zip",
                        on_click="ignore", icon=":material/folder_zip:", type="primary")
    for i, (name, stem) in enumerate(export.file_stems(files).items()):
        png, svg = files[name]
        label, left, right = box.columns([4, 1, 1], vertical_alignment="center")
        label.caption(name)
        left.download_button("PNG", png, file_name=f"{stem}.png", mime="image/png", key=f"slides_png_{i}",
                             on_click="ignore")
        right.download_button("SVG", svg, file_name=f"{stem}.svg", mime="image/svg+xml", key=f"slides_svg_{i}",
                              on_click="ignore")
