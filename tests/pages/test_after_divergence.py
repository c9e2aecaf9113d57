"""After training diverges, the pages that look inside the model say so and compute without a single
overflow RuntimeWarning (each would be a line in the server log): warnings are errors in this test."""
import pytest

from tests.pages.apptest_helpers import open_page, texts

PAGES = ("app_pages/architecture.py", "app_pages/forward.py", "app_pages/backprop.py", "app_pages/training.py")


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_pages_after_a_divergence_show_the_message_and_log_no_warning():
    at = open_page("app_pages/training.py")
    for kind, key, value in (("selectbox", "sb_dataset", "Iris"), ("selectbox", "sb_loss", "mse"),
                             ("selectbox", "sb_output", "identity"), ("selectbox", "sb_optimizer", "sgd"),
                             ("select_slider", "sb_lr", 3.0)):
        widget = getattr(at, kind)(key=key)
        (widget.select(value) if kind == "selectbox" else widget.set_value(value)).run()
    at.button(key="tr_train").click().run()
    (error,) = at.session_state["history"].errors
    expected = f"This model's last training run diverged at step {error.step} (epoch {error.epoch})."
    for page in PAGES:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        if page != "app_pages/training.py":  # the Training page has the run's own error message
            assert any(t.startswith(expected) for t in texts(at.warning)), page
    assert any(t.startswith("Training diverged at step") for t in texts(at.error))
    # The last finite weights are already huge (training on from them at lr 1e-3 diverges again): after
    # Reset weights and a run at a learning rate that works, the warning goes.
    at.select_slider(key="sb_lr").set_value(1e-3).run()
    at.button(key="tr_reset").click().run()
    at.button(key="tr_train").click().run()
    assert not at.session_state["history"].errors
    at.switch_page("app_pages/forward.py")
    at.run()
    assert not any("diverged" in t for t in texts(at.warning))
