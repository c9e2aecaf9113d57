"""The Compare page through the whole app: train two or three architectures on one split, read the
metrics, charts and CSV, and retrain only what changed."""
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnlab.lab.config import LabConfig
from nnlab.data.dataset import Dataset

MOONS = LabConfig(dataset="Moons", n_samples=200, noise=0.1, hidden=(8,), activations=("tanh",), lr=0.03,
                  epochs=3)


def _page(config=MOONS, extra=None):
    at = AppTest.from_file("../../app.py", default_timeout=120)
    at.session_state["config"] = config
    for key, value in (extra or {}).items():
        at.session_state[key] = value
    at.run()
    at.switch_page("app_pages/compare.py")
    at.run()
    assert not at.exception
    return at


def _train(at):
    at.button(key="cmp_run").click()
    at.run()
    assert not at.exception


def _table(at):
    return next(d.value for d in at.dataframe if "parameters" in d.value.columns)


def test_two_architectures_train_and_are_compared():
    at = _page()
    assert at.button(key="cmp_run").label == "Train and compare (2 to train, 0 cached)"
    assert any("Choose the architectures" in i.value for i in at.info)
    _train(at)
    table = _table(at)
    assert list(table.index) == ["A", "B"]
    assert table.loc["A", "parameters"] == 2 * 8 + 8 + 8 * 2 + 2  # the sidebar model 2-8-2
    assert table.loc["B", "parameters"] == 2 * 32 + 32 + 32 * 2 + 2  # the default custom slot 2-32-2
    assert (table["epochs"] == 3).all()
    results = at.session_state["cmp_shown"]["results"]
    for r in results:
        assert table.loc[r.label, "final val loss"] == pytest.approx(r.history.epochs[-1].val_loss)
        assert table.loc[r.label, "best epoch"] == 1 + int(np.argmin([e.val_loss for e in r.history.epochs]))
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4  # loss, accuracy, decision boundaries side by side, gradient norms
    assert '"hconcat"' in charts[2].proto.spec and charts[3].proto.spec.count('"facet"') >= 1
    assert [b.key for b in at.get("download_button")] == ["cmp_download"]
    assert at.button(key="cmp_run").label == "Show the results (all 2 architectures are trained already)"
    assert not any("settings changed" in i.value for i in at.info)
    best = min(results, key=lambda r: min(e.val_loss for e in r.history.epochs))
    other = next(r for r in results if r is not best)
    low = min(best.history.epochs, key=lambda e: e.val_loss)
    other_low = min(other.history.epochs, key=lambda e: e.val_loss)
    texts = [m.value for m in at.markdown]
    assert "2 architectures trained on “Moons” — the same 140 training and 30 validation samples, seed 0. Epochs " \
           "per architecture: 3." in texts
    assert f"Lowest validation loss: **{best.label}**, {low.val_loss:.4f} at epoch {low.epoch} ({other.label}: " \
           f"{other_low.val_loss:.4f} at epoch {other_low.epoch})." in texts


def test_changing_one_slot_retrains_only_that_one():
    at = _page()
    _train(at)
    first = {r.label: r for r in at.session_state["cmp_shown"]["results"]}
    at.text_input(key="cmp_hidden_1").set_value("16, 16")
    at.run()
    assert at.button(key="cmp_run").label == "Train and compare (1 to train, 1 cached)"
    assert any("The settings changed since the last comparison" in i.value for i in at.info)
    assert not at.get("vega_lite_chart") and not any("parameters" in d.value.columns for d in at.dataframe)
    _train(at)
    second = {r.label: r for r in at.session_state["cmp_shown"]["results"]}
    assert second["A"].history is first["A"].history  # reused, not retrained
    assert second["B"].n_params == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2
    assert len(at.session_state["cmp_cache"]) == 3


def test_three_slots_and_a_preset():
    at = _page()
    at.number_input(key="cmp_n").set_value(3)
    at.run()
    at.selectbox(key="cmp_src_2").set_value("Spirals 2-8-8-1 tanh")
    at.run()
    _train(at)
    table = _table(at)
    assert list(table.index) == ["A", "B", "C"]
    # the preset keeps its architecture (one sigmoid output for two classes) but trains on the shared data
    assert table.loc["C", "parameters"] == 2 * 8 + 8 + 8 * 8 + 8 + 8 * 1 + 1
    assert table.loc["C", "layers"] == "2-8-8-1 tanh·tanh→sigmoid, adam lr 0.03, batch 16"
    assert '"vconcat"' in at.get("vega_lite_chart")[2].proto.spec  # two panels per row


def test_bad_slot_input_and_duplicate_names_block_training():
    at = _page()
    at.text_input(key="cmp_hidden_1").set_value("16, lots")
    at.run()
    assert any("'lots' is not a number of units" in e.value for e in at.error)
    assert at.button(key="cmp_run").disabled
    at.text_input(key="cmp_hidden_1").set_value("16")
    at.text_input(key="cmp_label_1").set_value("A")
    at.run()
    assert any("share a name" in w.value for w in at.warning)
    assert at.button(key="cmp_run").disabled


def test_regression_upload_compares_losses_without_accuracy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5], dtype=np.float32)).reshape(-1, 1)
    data = Dataset("linear", "a linear target", x[:60], y[:60], x[70:], y[70:], x[60:70], y[60:70],
                   feature_names=("a", "b", "c"))
    cfg = LabConfig(dataset="linear", hidden=(4,), activations=("tanh",), loss="mse", output="identity", epochs=2)
    at = _page(cfg, {"user_datasets": {"linear": data}})
    _train(at)
    table = _table(at)
    assert table["final val accuracy"].isna().all() and (table["final val loss"] > 0).all()
    assert len(at.get("vega_lite_chart")) == 2  # loss curves and gradient norms: no accuracy, no boundary


def test_results_of_another_dataset_are_not_shown_and_only_fitting_presets_are_offered():
    at = _page()
    assert "MNIST CNN" not in at.selectbox(key="cmp_src_1").options  # Moons has 2 features, not 28×28 pixels
    _train(at)
    at.selectbox(key="sb_dataset").set_value("Iris").run()
    assert not at.exception and at.session_state["config"].dataset == "Iris"
    assert any(i.value == "The last comparison was trained on “Moons”; the current dataset is “Iris”. Press the "
               "button to compare on “Iris”." for i in at.info)
    assert not at.get("vega_lite_chart") and not any("parameters" in d.value.columns for d in at.dataframe)
    assert at.button(key="cmp_run").label == "Train and compare (2 to train, 0 cached)"
