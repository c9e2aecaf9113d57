"""AppTest of the Architecture page: the layer table follows the sidebar, the diagram draws the strongest
edges it says it draws, the shared sample, presets, before and after training."""
import numpy as np
import pytest

from nnlab.engine import train
from tests.pages import apptest_helpers as helpers

PAGE = "app_pages/architecture.py"


def open_page(preset=None):
    return helpers.open_page(PAGE, preset)


def layer_table(at):
    return helpers.table_with(at, "parameters")


def diagram(at):
    """(spec, [edges, units, ellipses, headers]) of the network diagram."""
    for _, spec, frames in helpers.vega_charts(at):
        body = spec.get("vconcat", [{}, {}])[-1]
        if "layer" in body and body["layer"][0].get("mark", {}).get("type") == "rule":
            return spec, frames
    raise AssertionError("no network diagram on the page")


def test_default_mnist_table_and_diagram():
    at = open_page()
    table = layer_table(at)
    assert list(table["parameters"]) == [100480, 8256, 650, 109386]
    assert at.metric[0].value == "109,386"
    spec, data = diagram(at)
    assert "the 40 strongest |w|" in spec["title"]["subtitle"][0]
    labels = set().union(*(set(d["label"]) for d in data if "label" in d.columns))
    assert {"… 773 more", "… 117 more", "… 53 more"} <= labels
    edges = next(d for d in data if "w_rel" in d.columns)
    assert len(edges) == 3 * 40


def test_changing_a_hidden_layer_changes_the_parameter_count():
    at = open_page()
    at.number_input(key="sb_units_0").set_value(32).run()
    assert not at.exception
    table = layer_table(at)
    assert list(table["parameters"]) == [784 * 32 + 32, 32 * 64 + 64, 650, 27882]
    at.session_state["sb_units_0"] = 16
    at.run()
    assert layer_table(at)["parameters"].iloc[-1] == 784 * 16 + 16 + 16 * 64 + 64 + 650


def test_edge_slider_and_pick_change_the_drawing():
    at = open_page()
    at.slider(key="ar_edges").set_value(10).run()
    at.slider(key="ar_units").set_value(6).run()
    at.radio(key="ar_pick").set_value("active").run()
    spec, data = diagram(at)
    assert "the 10 strongest" in spec["title"]["subtitle"][0]
    units = next(d for d in data if "fill" in d.columns)
    assert units.groupby("column").size().tolist() == [5, 5, 5, 5]  # every layer > 6 units: 5 + an ellipsis
    edges = next(d for d in data if "w_rel" in d.columns)
    assert len(edges) == 3 * 10


def test_seed_preset_draws_every_weight():
    at = open_page("Seed example (2→1 sigmoid)")
    assert list(layer_table(at)["parameters"]) == [3, 3]
    _, data = diagram(at)
    edges = next(d for d in data if "w_rel" in d.columns)
    np.testing.assert_allclose(sorted(edges["w"]), [0.3, 0.7], rtol=1e-6)  # the preset's article weights


def test_spirals_preset_and_training_changes_the_fill():
    at = open_page("Spirals 2-8-8-1 tanh")
    assert list(layer_table(at)["parameters"]) == [24, 72, 9, 105]
    _, data = diagram(at)
    before = next(d for d in data if "fill" in d.columns)["a"].to_numpy()
    model = at.session_state["model"]
    cfg = at.session_state["config"]
    from nnlab.ui.state import _cached_dataset
    d = _cached_dataset(cfg.dataset, cfg.n_samples, cfg.noise)
    for _ in train(model, d.x_train, d.y_train, epochs=2, batch_size=16, seed=0):
        pass
    at.run()
    assert not at.exception
    _, data = diagram(at)
    after = next(d for d in data if "fill" in d.columns)["a"].to_numpy()
    assert not np.allclose(before[~np.isnan(before)], after[~np.isnan(after)])


def test_sample_is_shared_with_the_other_pages():
    at = open_page()
    at.slider(key="ar_sample_slider").set_value(42).run()
    at.switch_page("app_pages/backprop.py")
    at.run()
    assert at.slider(key="bp_sample_slider").value == 42
    at.button(key="bp_sample_random").click().run()
    chosen = at.session_state["sample_index"]
    at.switch_page("app_pages/forward.py")
    at.run()
    assert at.slider(key="fw_sample_slider").value == chosen
    assert not at.exception


@pytest.mark.parametrize("dataset", ["Iris", "Digits 8×8", "XOR"])
def test_other_datasets(dataset):
    at = open_page()
    at.selectbox(key="sb_dataset").select(dataset).run()
    assert not at.exception and not at.error
    assert layer_table(at)["parameters"].iloc[-1] == at.session_state["model"].n_params
