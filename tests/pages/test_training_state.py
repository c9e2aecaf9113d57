"""State and notices on the Training page: a notice shows on the run of the action that caused it, and a
run ended by Streamlit's own Stop (no rerun) is followed by a rerun that says so."""
import pytest
from streamlit.testing.v1 import AppTest

from nnlab.ui import training_live

from tests.pages import apptest_helpers as helpers
from tests.pages.apptest_helpers import texts

RESET = "The architecture or data changed, so training was reset (the previous model had trained 1 epoch)."


def test_a_reset_notice_shows_on_the_run_that_reset_the_model_and_only_then():
    at = helpers.open_page("app_pages/training.py", "Spirals 2-8-8-1 tanh", timeout=180, epochs=1)
    at.button(key="tr_train").click().run()
    assert at.session_state["history"].last_epoch == 1
    units = at.session_state["sb_units_0"]
    at.number_input(key="sb_units_0").set_value(units + 1).run()  # the page rebuilds the model in this run
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.session_state["history"]) == 0
    assert RESET in texts(at.info)
    at.run()
    assert RESET not in texts(at.info)


WATCHER = """
import streamlit as st
from nnlab.ui import state, training_live
runs = st.session_state["runs"] = st.session_state.get("runs", 0) + 1
if runs > 1:  # what the Training page does first: the next run takes the flag and says the run stopped
    st.session_state.pop(state.RUNNING, None)
training_live._watch_for_header_stop()
"""


def test_a_run_that_ended_with_its_flag_set_is_rerun_at_once():
    at = AppTest.from_string(WATCHER, default_timeout=30)
    at.session_state["tr_running"] = {"history": None}  # what the header's Stop leaves: the flag, no rerun
    at.run()
    assert not at.exception
    assert at.session_state["runs"] == 2 and "tr_running" not in at.session_state


def test_the_watcher_leaves_a_finished_run_alone():
    at = AppTest.from_string(WATCHER, default_timeout=30)
    at.run()
    assert not at.exception and at.session_state["runs"] == 1


def test_live_ticks_send_thinned_rows_of_their_moment_and_the_final_page_all(monkeypatch):
    from tests.pages.apptest_helpers import charts_by_title

    monkeypatch.setattr(training_live, "EVERY_S", 0.0)  # a tick on every record
    monkeypatch.setattr(training_live, "FIRST_TICK_S", 0.0)
    monkeypatch.setattr(training_live, "MAX_SHARE", 1e9)
    monkeypatch.setattr(training_live, "LIVE_ROWS", 20)
    sent = []  # (steps in the history, rows sent, last step sent) of every live batch-loss chart
    frame_of = training_live.curves.batch_loss_frame

    def spy(hist, beta=None, max_rows=None):
        frame = frame_of(hist, beta, max_rows)
        if max_rows == 20:
            sent.append((hist.n_steps, len(frame), int(frame["step"].max())))
        return frame
    monkeypatch.setattr(training_live.curves, "batch_loss_frame", spy)
    at = helpers.open_page("app_pages/training.py", "Spirals 2-8-8-1 tanh", timeout=180, epochs=2)
    at.button(key="tr_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    hist = at.session_state["history"]
    assert sorted({n for n, _rows, _last in sent}) == list(range(1, hist.n_steps + 1))  # every step's moment
    assert [n for n, _rows, _last in sent] == sorted(n for n, _rows, _last in sent)
    assert all(last == n and rows <= 20 for n, rows, last in sent)  # thinned, the latest step kept
    _, (batch,) = charts_by_title(at)["Loss of each training batch"]
    assert batch["step"].max() == hist.n_steps == 36 and len(batch) == 2 * 36  # the final page: every step


def test_the_run_outcome_follows_a_language_switch():
    at = helpers.open_page("app_pages/training.py", "Spirals 2-8-8-1 tanh", timeout=180, epochs=1)
    at.button(key="tr_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Trained 1 epoch in ") for s in at.success)
    at.segmented_control(key="language").set_value("zh").run()
    assert not at.exception, [e.value for e in at.exception]
    outcome = [s.value for s in at.success if "1 轮" in s.value or "Trained" in s.value]
    assert outcome and "Trained" not in outcome[0], [s.value for s in at.success]


def test_live_updates_come_twice_a_second_unless_drawing_would_take_over_a_tenth_of_the_run():
    assert training_live.next_tick_at(10.0, [0.01, 0.04]) == pytest.approx(10.5)
    assert training_live.next_tick_at(10.0, [0.2, 0.3]) == pytest.approx(12.0)  # 0.2 s a tick: one every 2 s
    assert training_live.next_tick_at(10.0, [0.02, 0.3]) == pytest.approx(10.5)  # one slow tick does not hold back
    assert training_live.next_tick_at(10.0, [0.06, 0.07]) == pytest.approx(10.6)  # 60 ms a tick: 0.6 s apart
