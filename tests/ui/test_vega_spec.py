"""The app's own chart conversion (no schema validation, nnlab/ui/widgets/vega_spec.py) gives exactly the spec
Streamlit's validated conversion gives, for every chart the model pages draw — an MLP's pages, a trained 2-D
model's Training page (curves, decision boundary), the CNN's feature maps and the attention views — and every
one of those charts passes the Vega-Lite schema — but for one addition: a large heatmap asks to be painted on a
canvas."""
import copy

import altair as alt
import numpy as np
import pandas as pd
import pytest
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from nnlab.ui.widgets import charts
from nnlab.ui.widgets.vega_spec import CANVAS, CANVAS_ROWS, mark_types, vega_lite_spec
from tests.pages.apptest_helpers import open_page


@pytest.fixture
def drawn(monkeypatch):
    """Every chart converted while the test runs, with the spec the app made of it."""
    made = []

    def recording(chart):
        spec = charts_own(chart)
        made.append((chart, copy.deepcopy(spec)))  # as made: Streamlit may fill in a drawn spec's blanks
        return spec

    charts_own = charts.vega_lite_spec
    monkeypatch.setattr(charts, "vega_lite_spec", recording)
    monkeypatch.setattr(charts, "_specs", type(charts._specs)())  # nothing converted before counts as drawn
    return made


def _same_as_streamlit(made):
    """Every spec is Streamlit's (which validates: raises on a schema error) but for the canvas request; returns
    how many asked for a canvas."""
    assert made
    canvases = 0
    for chart, spec in made:
        if spec.get("usermeta") == CANVAS:
            canvases += 1
            del spec["usermeta"]
        assert spec == _convert_altair_to_vega_lite_spec(chart)
    return canvases


@pytest.mark.parametrize("page", ["architecture", "forward", "backprop"])
def test_the_mlp_pages_charts(drawn, page):
    open_page(f"app_pages/{page}.py")
    _same_as_streamlit(drawn)


def test_a_trained_2d_models_training_page(drawn):
    at = open_page("app_pages/training.py", epochs=2, sb_dataset="Moons")
    at.button(key="tr_train").click().run()
    assert not at.exception
    _same_as_streamlit(drawn)
    assert len(drawn) >= 3


@pytest.mark.parametrize("page, preset", [("app_pages/feature_maps.py", "MNIST CNN"),
                                          ("app_pages/attention.py", "MNIST patch attention")])
def test_the_cnn_and_attention_views(drawn, page, preset):
    open_page(page, preset, preset_first=True)
    canvases = _same_as_streamlit(drawn)
    if "attention" in page:  # four heads' 49×49 matrices (untrained: no change since the start to draw)
        assert canvases == 4


def test_the_mlp_forward_page_draws_no_canvas(drawn):
    open_page("app_pages/forward.py")
    assert _same_as_streamlit(drawn) == 0


def _cells(n):
    return pd.DataFrame({"row": np.arange(n) // 50, "col": np.arange(n) % 50, "v": np.linspace(0, 1, n)})


def _heatmap(n):
    return alt.Chart(_cells(n)).mark_rect().encode(x="col:O", y="row:O", color="v:Q")


def test_only_a_heatmap_of_more_cells_than_the_limit_is_painted_on_a_canvas():
    outline = alt.Chart(_cells(1)).mark_rule().encode(x="col:O")
    big, small = _heatmap(CANVAS_ROWS + 1), _heatmap(CANVAS_ROWS)
    assert vega_lite_spec(big)["usermeta"] == {"embedOptions": {"renderer": "canvas"}}
    assert vega_lite_spec(alt.layer(small, outline))["usermeta"] == CANVAS  # rows of every layer count
    assert "usermeta" not in vega_lite_spec(small)
    scatter = alt.Chart(_cells(2000)).mark_circle().encode(x="col:Q", y="row:Q")
    assert "usermeta" not in vega_lite_spec(scatter)  # points stay SVG elements (tests click them)
    labelled = alt.layer(big, alt.Chart(_cells(10)).mark_text().encode(x="col:O", y="row:O", text="v:Q"))
    assert "usermeta" not in vega_lite_spec(labelled)


def test_mark_types_are_found_through_layers_concatenations_and_facets():
    h = _heatmap(4)
    assert mark_types(vega_lite_spec(h)) == {"rect"}
    assert mark_types(vega_lite_spec(alt.hconcat(h, h.mark_image()))) == {"rect", "image"}
    assert mark_types(vega_lite_spec(h.facet(column="row:O"))) == {"rect"}
    assert mark_types(vega_lite_spec(alt.layer(h, h.mark_line()))) == {"rect", "line"}
