"""AppTest of the Forward-pass page: the seed neuron's numbers (and the article's slip), editing them,
the softmax steps for the current network, every sidebar setting, before and after training."""
import numpy as np
import pytest

from nnlab.engine import train
from tests.pages import apptest_helpers as helpers
from tests.pages.apptest_helpers import page_dataset

PAGE = "app_pages/forward.py"


def open_page(preset=None, **widgets):
    return helpers.open_page(PAGE, preset, **widgets)


def frames(at):
    return helpers.tables(at)


def overview(at):
    return helpers.table_with(at, "z max")


def chart_data(at, title):
    for shown, _, frames in helpers.vega_charts(at):
        if shown == title:
            return frames
    raise AssertionError(f"no chart titled {title!r}")


def test_seed_neuron_shows_the_correct_numbers_and_the_article_slip():
    at = open_page()
    md = " ".join(m.value for m in at.markdown)
    assert "z = 0.02" in md and "y = f(z) ≈ 0.5050" in md
    warning = at.warning[0].value
    assert "z = 0.35" in warning and "y ≈ 0.59" in warning and "arithmetic slip" in warning and "= 0.02" in warning
    assert "0.3\\cdot0.5 + 0.7\\cdot0.1 - 0.2" in at.latex[0].value
    table = frames(at)[0]
    np.testing.assert_allclose(table["value"], [0.15, 0.07, 0.22, 0.02, 0.505000], atol=1e-12)  # shown to 6 decimals
    assert 1 / (1 + np.exp(-0.02)) == pytest.approx(0.505000, abs=5e-7)


def test_editing_the_neuron_recomputes_and_drops_the_article_note():
    at = open_page()
    at.number_input(key="fw_x1").set_value(1.0).run()
    md = " ".join(m.value for m in at.markdown)
    assert "z = 0.17" in md  # 0.3·1 + 0.7·0.1 − 0.2
    assert not any("article prints" in w.value for w in at.warning)
    assert at.session_state["seed_neuron"]["x1"] == 1.0
    at.selectbox(key="fw_activation").select("relu").run()
    assert "y = f(z) ≈ 0.1700" in " ".join(m.value for m in at.markdown)
    at.button(key="fw_neuron_reset").click().run()
    assert "z = 0.02" in " ".join(m.value for m in at.markdown)


def test_softmax_steps_match_the_model_for_the_chosen_sample():
    at = open_page()
    at.slider(key="fw_sample_slider").set_value(7).run()
    assert at.session_state["sample_index"] == 7
    steps = next(f for f in frames(at) if "p = exp ÷ sum" in f.columns)
    model = at.session_state["model"]
    data_x = model_input(at, 7)
    np.testing.assert_allclose(steps["p = exp ÷ sum"], model.predict(data_x)[0], rtol=5e-4)  # shown: 4 digits
    assert steps["z − max"].max() == 0.0
    probs = chart_data(at, "Output probabilities")[0]
    assert probs["p"].sum() == pytest.approx(1.0, abs=1e-6)


def model_input(at, index):
    from nnlab.ui.state import _cached_dataset  # the same cached data the page used
    data = _cached_dataset(at.session_state["config"].dataset, None, None)
    return data.x_test[index:index + 1]


def test_every_layer_can_be_opened():
    at = open_page()
    for name in ("L1 dense", "L2 dense", "L3 dense"):
        at.segmented_control(key="fw_layer").set_value(name).run()
        assert not at.exception
        assert any(h.value.startswith(name) for h in at.subheader)
    at.radio(key="fw_W_2_view").set_value("histogram").run()  # the last layer's 64×10 weights
    assert not at.exception


def test_first_layer_weights_as_tiles_and_windowed_heatmap():
    at = open_page()
    assert at.radio(key="fw_W_0_view").value == "image tiles"
    at.radio(key="fw_W_0_view").set_value("heatmap").run()
    at.slider(key="fw_W_0_r0").set_value(300).run()
    titles = [spec.get("title") for _, spec, _ in helpers.vega_charts(at)]
    assert any(isinstance(t, str) and "rows 300–349" in t and "of 784×128" in t for t in titles)


@pytest.mark.parametrize("preset", ["Seed example (2→1 sigmoid)", "Spirals 2-8-8-1 tanh",
                                    "Vanishing gradients (8 sigmoid layers)"])
def test_presets(preset):
    at = open_page(preset)
    assert "Your network" in " ".join(h.value for h in at.header)
    assert not at.error


@pytest.mark.parametrize("widgets", [
    {"sb_dataset": "Iris"},
    {"sb_dataset": "Digits 8×8", "sb_n_hidden": 0},
    {"sb_dataset": "Moons", "sb_loss": "bce"},
    {"sb_dataset": "Digits 8×8", "sb_loss": "mse", "sb_output": "sigmoid"},
])
def test_datasets_losses_and_no_hidden_layer(widgets):
    at = open_page(**widgets)
    assert not at.error
    assert len(at.session_state["model"].layers) >= 1


def test_after_training_the_page_shows_the_trained_model():
    at = open_page("Seed example (2→1 sigmoid)")
    before = overview(at)
    model = at.session_state["model"]
    data = page_dataset(at)
    for _ in train(model, data.x_train, data.y_train, epochs=3, batch_size=16, seed=0):
        pass
    at.run()
    assert not at.exception
    after = overview(at)
    assert not np.allclose(before["z max"], after["z max"])



def test_the_unit_worked_out_is_outlined_from_the_first_run():
    """A fresh session: the layer's z/a chart outlines the unit the panel below works out (the most active
    one, |a| largest), before any click — it used to be outlined only from the second run on."""
    from nnlab.ui.forward import PREFIX

    at = helpers.open_link({"dataset": "Moons", "hidden": "8,8", "activations": "tanh,tanh", "seed": "0",
                            "page": "forward"})
    worked = at.number_input(key=f"{PREFIX}_unit_0_0").value
    units = [frames for _title, spec, frames in helpers.vega_charts(at)
             if frames and "outline" in frames[0] and "a = f(z)" in set(frames[0]["row"])]
    assert len(units) == 1
    cells = units[0][0]
    outlined = cells[cells["outline"] == "black"]
    assert outlined[["row", "c"]].values.tolist() == [["a = f(z)", worked]]
    a = at.session_state["model"].forward_trace(page_dataset(at).x_test[:1])[0].a[0]
    assert worked == int(np.argmax(np.abs(a)))
