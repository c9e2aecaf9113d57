"""The sidebar's widgets take their choices and limits from lab.config, the table a link is checked against:
what a link may carry is exactly what the sidebar can show."""
from streamlit.testing.v1 import AppTest

from nnlab.lab.config import BATCH_CHOICES, FLOAT_RANGES, INT_RANGES, LR_CHOICES, MAX_HIDDEN_LAYERS, MAX_UNITS
from nnlab.lab.link import DEFAULTS

SCRIPT = """
from nnlab.ui.widgets import sidebar
sidebar.draw()
"""


def test_widgets_use_the_shared_limits():
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.run()
    at.session_state["sb_init"] = "normal"  # shows the σ input
    at.session_state["sb_dataset"] = "Moons"  # shows samples and noise
    at.run()
    assert not at.exception
    for key, (low, high) in {**INT_RANGES, **FLOAT_RANGES}.items():
        widget = next(w for w in list(at.number_input) + list(at.slider) if w.key == f"sb_{key}")
        assert (widget.min, widget.max) == (low, high), key
    assert (at.number_input(key="sb_n_hidden").max, at.number_input(key="sb_units_0").max) == (MAX_HIDDEN_LAYERS,
                                                                                               MAX_UNITS)
    assert tuple(at.select_slider(key="sb_lr").options) == tuple(str(v) for v in LR_CHOICES)
    assert tuple(at.selectbox(key="sb_batch").options) == tuple(str(v) for v in BATCH_CHOICES)
    cfg = at.session_state["config"]
    assert all(getattr(cfg, key) == value for key, value in DEFAULTS.items()
               if key not in ("preset", "page", "dataset", "init")), "the link's defaults are the sidebar's"
