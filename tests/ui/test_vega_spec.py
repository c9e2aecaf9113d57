"""The app's own chart conversion (no schema validation, nnlab/ui/widgets/vega_spec.py) gives exactly the spec
Streamlit's validated conversion gives, for every chart the model pages draw — an MLP's pages, a trained 2-D
model's Training page (curves, decision boundary), the CNN's feature maps and the attention views — and every
one of those charts passes the Vega-Lite schema."""
import copy

import pytest
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from nnlab.ui.widgets import charts
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
    assert made
    for chart, spec in made:
        assert spec == _convert_altair_to_vega_lite_spec(chart)  # validates: raises on a schema error


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
    _same_as_streamlit(drawn)
