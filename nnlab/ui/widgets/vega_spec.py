"""A chart's Vega-Lite spec exactly as ``st.altair_chart`` sends it, made without Altair's schema validation.

Why: validating a spec against the Vega-Lite JSON schema is a third to a half of a page's first rerun (the
Forward page's unit vectors: ~110 of ~300 ms), is done under a process-wide lock (Altair's theme and data
transformer are global), and only ever finds a programming mistake — our charts' structure is fixed in code
and validated by the viz tests (``chart.to_dict()``), and tests/ui/test_vega_spec.py checks that this spec
equals Streamlit's own, validated, conversion. Data goes as Streamlit's Arrow datasets, through Streamlit's
own transformer and lock, so both conversions can run in one process at once.

One addition: a heatmap of many cells is painted on a canvas. Vega draws SVG by default, a DOM element per
cell, and building those is most of what the browser spends on a page of heatmaps (the Attention page: four
49×49 matrices and three more below, ~17,000 rectangles; its switch 3.8 → 2.8 s on a 2-core machine). Small
charts stay SVG, whose text the browser tests read.
"""
from contextlib import nullcontext

import altair as alt
from altair.utils import schemapi
from streamlit.elements.vega_charts import _altair_globals_lock, _to_arrow_dataset


alt.data_transformers.register("to_arrow_dataset", _to_arrow_dataset)  # once: the same name Streamlit registers
CANVAS_ROWS = 500  # a heatmap of more cells than this is painted on a canvas
CELL_MARKS = frozenset({"rect", "image", "rule"})  # a chart of only these marks is a heatmap (rules outline cells)
CANVAS = {"embedOptions": {"renderer": "canvas"}}  # read by vega-embed from the spec's usermeta


def _counted_arrow_dataset(data, datasets, rows):
    """Streamlit's transformer, adding each table's number of rows to ``rows``."""
    rows.append(len(data) if hasattr(data, "__len__") and not isinstance(data, dict) else 0)
    return _to_arrow_dataset(data, datasets)


alt.data_transformers.register("nnlab_arrow_dataset", _counted_arrow_dataset)


def skip_schema_checks():
    """The app process builds charts without Altair's checks of each part as it is made (its "debug mode",
    another fifth of the Forward page's first rerun). A process-wide switch: once a test has run the app, later
    tests in that process build charts without them too — their ``chart.to_dict()`` still validates in full."""
    schemapi.disable_debug_mode()


def vega_lite_spec(chart):
    """The spec (a dict) Streamlit's ``_convert_altair_to_vega_lite_spec`` gives, minus the validation."""
    datasets, rows = {}, []
    with _altair_globals_lock:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with theme, alt.data_transformers.enable("nnlab_arrow_dataset", datasets=datasets, rows=rows):
            spec = chart.to_dict(validate=False)
    own = spec.get("datasets")
    spec["datasets"] = {**own, **datasets} if isinstance(own, dict) else datasets
    if sum(rows) > CANVAS_ROWS and mark_types(spec) <= CELL_MARKS and "usermeta" not in spec:
        spec["usermeta"] = {"embedOptions": dict(CANVAS["embedOptions"])}  # each spec its own: none shares a dict
    return spec


def mark_types(spec):
    """The set of mark types a Vega-Lite spec draws, through its layers, concatenations and facets."""
    found = set()
    mark = spec.get("mark")
    if mark is not None:
        found.add(mark if isinstance(mark, str) else mark.get("type"))
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in spec.get(key, ()):
            found |= mark_types(part)
    if isinstance(spec.get("spec"), dict):  # facet and repeat
        found |= mark_types(spec["spec"])
    return found
