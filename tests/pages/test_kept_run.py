"""AppTest of a run kept over a browser refresh: a session trains; a new session whose URL carries the same
``resume`` token is offered the run and restores a copy of it; an unknown token gets a notice (and a new
token); a session with another token never sees it; the Share box's link never carries the token."""
import numpy as np

from nnlab.ui.kept_run import STORE
from tests.pages.apptest_helpers import open_link, texts

TINY = {"dataset": "Moons", "n_samples": "100", "hidden": "4", "activations": "tanh", "epochs": "2",
        "batch_size": "32", "seed": "5", "page": "training"}
OFFER = "Your run from before the refresh"


def offers(at):
    return [m.value for m in at.markdown if OFFER in m.value]


def test_a_new_session_with_the_token_restores_the_run_and_no_other_session_sees_it():
    first = open_link(TINY)
    token = first.query_params["resume"]
    assert len(token) == 32 and not offers(first)
    assert "resume" not in first.sidebar.code[0].value  # the Share box's link leaves the token out
    first.button(key="tr_train").click().run()
    assert not first.exception, [e.value for e in first.exception]
    trained = first.session_state["model"]
    steps = first.session_state["history"].n_steps
    assert first.session_state["history"].last_epoch == 2 and STORE.get(token).epochs == 2 and steps > 2

    other = open_link(TINY)  # another browser: its own token, no offer
    assert other.query_params["resume"] != token and not offers(other)
    assert other.session_state["history"].last_epoch == 0

    again = open_link({**TINY, "resume": token})  # the refresh: the same address
    assert offers(again) == [f"**Your run from before the refresh**: 2 epochs ({steps} steps) on Moons. Restore it?"]
    assert again.query_params["resume"] == token
    again.button(key="kr_restore").click().run()
    assert not again.exception, [e.value for e in again.exception]
    assert f"Restored your run from before the refresh: 2 epochs ({steps} steps) on Moons." in texts(again.info)
    assert not offers(again)
    net, hist = again.session_state["model"], again.session_state["history"]
    assert hist.last_epoch == 2 and hist.n_steps == steps
    assert net is not trained and hist is not first.session_state["history"]
    for mine, theirs in zip(net.layers, trained.layers):
        for name in mine.params:
            np.testing.assert_array_equal(mine.params[name], theirs.params[name])
            assert mine.params[name] is not theirs.params[name]
    assert "Epochs trained" in [m.label for m in again.metric]  # the page draws the restored run
    again.run()
    assert again.session_state["model"] is net  # kept, not rebuilt by the sidebar


def test_an_unknown_token_is_said_and_replaced():
    at = open_link({**TINY, "resume": "made-up-or-expired"})
    assert any("this server keeps none for it" in t for t in texts(at.info))
    assert not offers(at)
    assert at.query_params["resume"] != "made-up-or-expired" and len(at.query_params["resume"]) == 32
