"""AppTest of the Backprop page: the seed neuron's gradients and the article's slips, the current network's
loss and gradients for the chosen sample, finite differences that agree, one SGD step on a copy."""
import numpy as np
import pytest

from nnlab.engine import encode_targets, train
from tests.pages import apptest_helpers as helpers
from tests.pages.apptest_helpers import page_dataset as data_of
from tests.pages.apptest_helpers import table_with, tables

PAGE = "app_pages/backprop.py"


def open_page(preset=None, **widgets):
    return helpers.open_page(PAGE, preset, **widgets)


def metrics(at):
    return {m.label: m.value for m in at.metric}


def test_seed_neuron_gradients_and_the_article_slips():
    at = open_page()
    m = metrics(at)
    assert m["loss L"] == "0.043513"
    assert m["δ = ∂L/∂z"] == "-0.073743"
    assert (m["∂L/∂w1"], m["∂L/∂w2"]) == ("-0.036871", "-0.007374")
    assert m["∂L/∂b"] == "-0.073743"
    warning = at.warning[0].value
    assert "L ≈ 0.0441" in warning and "δ ≈ -0.1148" in warning and "L = 0.043513" in warning
    tex = at.latex[0].value
    assert "0.043513" in tex and "-0.036871" in tex


def test_target_edit_recomputes_the_loss():
    at = open_page()
    at.number_input(key="bp_t").set_value(0.505).run()
    loss = float(metrics(at)["loss L"])
    assert loss == pytest.approx(0.5 * (1 / (1 + np.exp(-0.02)) - 0.505) ** 2, abs=1e-6)
    assert not any("article prints" in w.value for w in at.warning)


def test_network_loss_matches_the_model_and_gradients_check_out():
    at = open_page()
    at.slider(key="bp_sample_slider").set_value(3).run()
    model = at.session_state["model"]
    params_before = [p.copy() for layer in model.param_layers() for p in layer.params.values()]
    data = data_of(at)
    x, y = data.x_test[3:4], data.y_test[3:4]
    expected = model.loss_value(model.predict(x), encode_targets(model, y))
    assert float(metrics(at)["loss (softmax_ce)"]) == pytest.approx(expected, rel=1e-5)
    check = table_with(at, "finite difference")
    assert len(check) == 6 * 2 and (check["agree"] == "✓").all()
    assert (check["relative error"] < 1e-5).all() and (check["backprop ∂L/∂θ"] != 0).all()
    overview = table_with(at, "‖δ‖")
    assert list(overview["layer"]) == ["L1 dense", "L2 dense", "L3 dense"]
    params_after = [p for layer in model.param_layers() for p in layer.params.values()]
    assert all(np.array_equal(a, b) for a, b in zip(params_before, params_after))  # the model is untouched


def test_sgd_step_lowers_the_loss_and_leaves_the_model_alone():
    at = open_page()
    at.select_slider(key="bp_lr").set_value(0.01).run()
    m = metrics(at)
    before, after = float(m["loss before"]), float(m["loss after W ← W − η·∂L/∂W"])
    assert after < before
    moved = table_with(at, "gradient")
    # each number shown to 6 significant digits, so after = before − η·gradient holds to that precision
    np.testing.assert_allclose(moved["after"], moved["before"] - 0.01 * moved["gradient"], rtol=2e-5, atol=1e-9)


def test_every_layer_and_view_opens():
    at = open_page()
    for name in ("L1 dense", "L2 dense", "L3 dense"):
        at.segmented_control(key="bp_layer").set_value(name).run()
        assert not at.exception
    at.segmented_control(key="bp_layer").set_value("L1 dense").run()
    assert at.radio(key="bp_W_0_view").value == "histogram"  # 100,352 gradients: the distribution first
    assert any("entries" in frame.columns for frame in tables(at))  # the summary beside it
    at.radio(key="bp_W_0_view").set_value("image tiles").run()
    assert not at.exception


@pytest.mark.parametrize("preset", ["Seed example (2→1 sigmoid)", "Spirals 2-8-8-1 tanh",
                                    "Vanishing gradients (8 sigmoid layers)", "Dead ReLUs (lr too high)"])
def test_presets(preset):
    at = open_page(preset)
    assert not at.error
    assert (table_with(at, "finite difference")["agree"] == "✓").all()


@pytest.mark.parametrize("widgets", [
    {"sb_dataset": "Iris"},
    {"sb_dataset": "Digits 8×8", "sb_n_hidden": 0},
    {"sb_dataset": "Moons", "sb_loss": "bce"},
    {"sb_dataset": "Digits 8×8", "sb_loss": "mse", "sb_output": "tanh"},
    {"sb_dropout": 0.3, "sb_n_hidden": 1},
])
def test_datasets_losses_dropout_and_no_hidden_layer(widgets):
    at = open_page(**widgets)
    assert not at.error
    assert (table_with(at, "finite difference")["agree"] == "✓").all()


def test_after_training():
    at = open_page("Spirals 2-8-8-1 tanh")
    loss_before = metrics(at)["loss (bce)"]
    data = data_of(at)
    for _ in train(at.session_state["model"], data.x_train, data.y_train, epochs=3, batch_size=16, seed=0):
        pass
    at.run()
    assert not at.exception
    assert metrics(at)["loss (bce)"] != loss_before
    assert (table_with(at, "finite difference")["agree"] == "✓").all()
