"""Picking a dataset in the sidebar makes the loss follow its task (and says so)."""
import numpy as np
from streamlit.testing.v1 import AppTest

from nnlab.data.dataset import Dataset
from tests.pages.apptest_helpers import APP


def regression_set():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5], dtype=np.float32))[:, None]
    return Dataset("prices", "a regression upload", x[:40], y[:40], x[50:], y[50:], x_val=x[40:50], y_val=y[40:50],
                   feature_names=("a", "b", "c"))


def test_switching_to_a_regression_set_and_back_switches_the_loss():
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["user_datasets"] = {"prices": regression_set()}
    at.run()
    assert at.session_state["sb_loss"] == "softmax_ce"
    at.selectbox(key="sb_dataset").select("prices").run()
    assert not at.exception
    assert (at.session_state["sb_loss"], at.session_state["sb_output"]) == ("mse", "identity")
    assert any("regression dataset" in i.value for i in at.info)
    assert at.session_state["config"].loss == "mse"
    at.selectbox(key="sb_dataset").select("Iris").run()
    assert (at.session_state["sb_loss"], at.session_state["sb_output"]) == ("softmax_ce", "softmax")
    assert not at.exception
