"""A chart's Vega-Lite spec exactly as ``st.altair_chart`` sends it, made without Altair's schema validation.

Why: validating a spec against the Vega-Lite JSON schema is a third to a half of a page's first rerun (the
Forward page's unit vectors: ~110 of ~300 ms), is done under a process-wide lock (Altair's theme and data
transformer are global), and only ever finds a programming mistake — our charts' structure is fixed in code
and validated by the viz tests (``chart.to_dict()``), and tests/ui/test_vega_spec.py checks that this spec
equals Streamlit's own, validated, conversion. Data goes as Streamlit's Arrow datasets, through Streamlit's
own transformer and lock, so both conversions can run in one process at once.
"""
from contextlib import nullcontext

import altair as alt
from altair.utils import schemapi
from streamlit.elements.vega_charts import _altair_globals_lock, _to_arrow_dataset


alt.data_transformers.register("to_arrow_dataset", _to_arrow_dataset)  # once: the same name Streamlit registers


def skip_schema_checks():
    """The app process builds charts without Altair's checks of each part as it is made (its "debug mode",
    another fifth of the Forward page's first rerun). A process-wide switch: once a test has run the app, later
    tests in that process build charts without them too — their ``chart.to_dict()`` still validates in full."""
    schemapi.disable_debug_mode()


def vega_lite_spec(chart):
    """The spec (a dict) Streamlit's ``_convert_altair_to_vega_lite_spec`` gives, minus the validation."""
    datasets = {}
    with _altair_globals_lock:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with theme, alt.data_transformers.enable("to_arrow_dataset", datasets=datasets):
            spec = chart.to_dict(validate=False)
    own = spec.get("datasets")
    spec["datasets"] = {**own, **datasets} if isinstance(own, dict) else datasets
    return spec
