"""AppTest of the Training page: training fills the history and the charts carry its numbers; the
vanishing preset is diagnosed; divergence shows an error, not a traceback; an interrupted run keeps its
model and curves; nothing trains on a plain rerun."""
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from nnlab.viz import curves
from tests.pages import apptest_helpers as helpers
from tests.pages.apptest_helpers import APP
from tests.pages.apptest_helpers import charts_by_title as charts
from tests.pages.apptest_helpers import texts

PAGE = "app_pages/training.py"


def open_page(preset=None, epochs=None):
    return helpers.open_page(PAGE, preset, timeout=180, epochs=epochs)


def show(at, section):
    """Pick a section below the curves ("flow", "weights", "results"): only the chosen one is drawn."""
    at.segmented_control(key="tr_section").set_value(section).run()
    assert not at.exception, [e.value for e in at.exception]
    return charts(at)


def train(at):
    at.button(key="tr_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at.session_state["history"]


def test_before_training_invites_a_click_and_draws_no_curves():
    at = open_page()
    assert [b.label for b in at.button][:3] == ["Train 10 epochs", "Stop", "Reset weights"]
    assert any("No training yet" in t for t in texts(at.info))
    assert len(at.session_state["history"]) == 0
    assert not charts(at) and not at.tabs
    assert any("784 → 128 relu → 64 relu → 10 softmax" in c.value for c in at.caption)


def test_spirals_two_epochs_fill_history_and_charts_with_its_numbers():
    at = open_page("Spirals 2-8-8-1 tanh", epochs=2)
    hist = train(at)
    assert hist.last_epoch == 2 and len(hist.steps) == 2 * 18  # 280 training points, batches of 16
    assert any(t.startswith("Trained 2 epochs") for t in texts(at.success))
    shown = charts(at)
    _, (batch,) = shown["Loss of each training batch"]
    raw = batch[batch.series == curves.RAW]
    assert raw["step"].tolist() == [r.step for r in hist.steps]
    assert raw["loss"].to_numpy() == pytest.approx([r.loss for r in hist.steps])
    _, (loss,) = shown["Loss per epoch"]
    train_loss = loss[loss.split == "train"].sort_values("epoch")
    assert train_loss["value"].to_numpy() == pytest.approx([e.train_loss for e in hist.epochs])
    val = loss[loss.split == "validation"].sort_values("epoch")
    assert val["value"].to_numpy() == pytest.approx([e.val_loss for e in hist.epochs])
    _, (acc,) = shown["Accuracy per epoch"]
    assert acc[acc.split == "validation"].sort_values("epoch")["value"].to_numpy() == pytest.approx(
        [e.val_acc for e in hist.epochs])
    spec, frames = shown["Decision boundary after 2 epochs"]
    assert sorted(len(f) for f in frames) == [280, 3600]  # the points over a 60 × 60 grid
    for title in ("Gradient norm per layer ‖∂L/∂W‖ (log scale)", "Update / weight ratio per layer (log scale)"):
        assert title in shown  # the first section, gradient flow, is open
    assert "Weight histograms per layer, by epoch" not in shown and "Confusion matrix (test set)" not in shown
    _, (grads,) = shown["Gradient norm per layer ‖∂L/∂W‖ (log scale)"]
    last = grads[grads.step == hist.n_steps].set_index("layer")["grad_norm"]
    assert last.to_dict() == pytest.approx({k: v["grad_norm"] for k, v in hist.steps[-1].layers.items()})
    metric = {m.label: m.value for m in at.metric}
    assert metric["Epochs trained"] == "2" and metric["Validation accuracy"] == f"{hist.epochs[-1].val_acc:.2%}"

    # A plain rerun draws the same curves and never trains again; so does opening another section.
    at.run()
    assert at.session_state["history"] is hist and len(hist.steps) == 36
    assert charts(at)["Loss per epoch"][1][0]["value"].tolist() == loss["value"].tolist()
    assert "Weight histograms per layer, by epoch" in show(at, "weights")
    assert at.multiselect(key="tr_hist_epochs").value == [0, 1, 2]  # every epoch of a short run, none skipped
    assert "Confusion matrix (test set)" in show(at, "results")
    assert at.session_state["history"] is hist and len(hist.steps) == 36


def test_a_second_click_continues_from_the_current_weights():
    at = open_page("Spirals 2-8-8-1 tanh", epochs=2)
    hist = train(at)
    w = at.session_state["model"].get_params(0)["W"]
    assert any("a second click continues" in c.value for c in at.caption)
    train(at)
    assert at.session_state["history"] is hist
    assert [e.epoch for e in hist.epochs] == [1, 2, 3, 4]
    steps = [r.step for r in hist.steps]
    assert steps == list(range(1, 73))
    assert not np.allclose(at.session_state["model"].get_params(0)["W"], w)
    assert any("(4 in all)" in t for t in texts(at.success))
    # the weight histograms follow the new epochs: initialisation, the middle one, the latest
    _, (hists,) = show(at, "weights")["Weight histograms per layer, by epoch"]
    assert sorted(hists["epoch"].unique()) == [0, 2, 4]


def test_default_mnist_one_epoch_results_and_weights():
    at = open_page(epochs=1)
    hist = train(at)
    assert hist.last_epoch == 1 and len(hist.steps) == 110  # 7000 training images, batches of 64
    net, data = at.session_state["model"], None
    from nnlab.ui.state import _cached_dataset  # the same cached split the page used
    data = _cached_dataset("MNIST subset (10k digits)", None, None)
    pred = net.predict(data.x_test).argmax(axis=1)
    shown = show(at, "results")
    metric = {m.label: m.value for m in at.metric}
    assert metric["Test accuracy"] == f"{(pred == data.y_test).mean():.2%}"
    _, (confusion,) = shown["Confusion matrix (test set)"]
    assert confusion["count"].sum() == 2000
    assert confusion[confusion.correct]["count"].sum() == int((pred == data.y_test).sum())
    wrong = [t for t in shown if t and t.startswith("Misclassified test images")]
    assert wrong and f"{int((pred != data.y_test).sum())} in all" in wrong[0]
    shown = show(at, "weights")
    tiles = [t for t in shown if t and t.startswith("First layer:")]
    assert tiles and len(shown[tiles[0]][1][0]) == 32
    _, (hists,) = shown["Weight histograms per layer, by epoch"]
    assert sorted(hists["epoch"].unique()) == [0, 1] and set(hists["layer"]) == {"L1 dense", "L2 dense", "L3 dense"}
    assert sorted(hist.snapshots) == [0, 1]


def test_vanishing_preset_is_diagnosed_in_words():
    at = open_page("Vanishing gradients (8 sigmoid layers)", epochs=1)
    hist = train(at)
    message = next(t for t in texts(at.warning) if t.startswith("Vanishing gradients"))
    window = hist.steps[-10:]  # 40 steps: the diagnosis looks at the last 10
    ratio = np.median([r.layers["L1 dense"]["grad_norm"] for r in window]) / \
        np.median([r.layers["L9 dense"]["grad_norm"] for r in window])
    from nnlab.i18n.numbers import sig
    assert ratio < 1e-3
    assert f"layer 1 gets {sig(ratio)} of the last layer's gradient" in message


def test_divergence_shows_the_error_and_keeps_finite_weights():
    at = open_page()
    at.selectbox(key="sb_dataset").select("Iris").run()
    at.selectbox(key="sb_loss").select("mse").run()
    at.selectbox(key="sb_output").select("identity").run()
    at.selectbox(key="sb_optimizer").select("sgd").run()
    at.select_slider(key="sb_lr").set_value(3.0).run()
    hist = train(at)
    assert len(hist.errors) == 1
    errors = texts(at.error)
    assert any(t.startswith("Training diverged at step") and "Lower the learning rate" in t for t in errors)
    assert not any("Traceback" in t for t in errors)
    net = at.session_state["model"]
    assert all(np.isfinite(p).all() for layer in net.param_layers() for p in layer.params.values())


def test_an_interrupted_run_keeps_its_model_and_curves():
    at = open_page("Spirals 2-8-8-1 tanh", epochs=2)
    hist = train(at)
    w = at.session_state["model"].get_params(0)["W"]
    # What Stop leaves behind: the loop was cut off with its running flag still set.
    at.session_state["tr_running"] = {"history": hist}
    at.run()
    assert not at.exception
    assert any(t.startswith(f"Stopped at epoch 2, step {hist.n_steps}; the model keeps what it learned")
               for t in texts(at.warning))
    assert at.session_state["history"] is hist and len(hist.steps) == 36
    assert np.array_equal(at.session_state["model"].get_params(0)["W"], w)
    _, (batch,) = charts(at)["Loss of each training batch"]
    assert batch[batch.series == curves.RAW]["step"].max() == 36


def test_reset_weights_forgets_the_training():
    at = open_page("Spirals 2-8-8-1 tanh", epochs=1)
    train(at)
    at.button(key="tr_reset").click().run()
    assert not at.exception
    assert len(at.session_state["history"]) == 0
    assert any("Training reset" in t for t in texts(at.info))
    assert [b.label for b in at.button][0] == "Train 1 epoch"


def test_regression_upload_shows_metrics_and_points_in_the_targets_units():
    """A price-like target (hundreds to thousands) is z-scored for training; the page's RMSE, MAE and R² and the
    predicted-vs-true points are in prices, checked against sklearn.metrics on values computed here."""
    from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

    from nnlab.data.tabular import prepare

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 3))
    price = lambda f: 1000 + 300 * f[:, 0] - 200 * f[:, 1] + 50 * f[:, 2]  # noqa: E731 (the truth, by hand)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "price": price(x)})
    table = prepare(frame, "price", scaling="none", name="My regression").dataset
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.session_state["user_datasets"] = {"My regression": table}
    at.switch_page(PAGE)
    at.run()
    at.selectbox(key="sb_dataset").select("My regression").run()
    at.selectbox(key="sb_loss").select("mse").run()
    at.selectbox(key="sb_output").select("identity").run()
    at.number_input(key="sb_epochs").set_value(3).run()
    hist = train(at)
    assert hist.last_epoch == 3 and hist.epochs[-1].val_acc is None
    shown = show(at, "results")
    assert "Accuracy per epoch" not in shown
    # independently: the truth from the features, the network's z-scored outputs mapped back with the training
    # rows' mean and standard deviation of the price
    train_price = price(table.x_train.astype(np.float64))
    truth = price(table.x_test.astype(np.float64))
    pred = at.session_state["model"].predict(table.x_test).ravel() * train_price.std() + train_price.mean()
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test RMSE"]) == pytest.approx(root_mean_squared_error(truth, pred), rel=1e-3)
    assert float(metrics["Test MAE"]) == pytest.approx(mean_absolute_error(truth, pred), rel=1e-3)
    assert float(metrics["Test R²"]) == pytest.approx(r2_score(truth, pred), abs=1e-3)
    assert float(metrics["Test RMSE"]) > 1  # prices, not z-scores (the price's spread is about 370)
    spec, frames = [v for k, v in shown.items() if k and k.startswith("Predicted vs true")][0]
    points = max(frames, key=len)
    assert points["true"].to_numpy() == pytest.approx(truth, rel=1e-5)
    assert points["predicted"].to_numpy() == pytest.approx(pred, rel=1e-4)
