"""The Training page applies the Data page's augmentation and offers model save/load."""
from streamlit.testing.v1 import AppTest

from nnlab.data.augment import AugmentConfig
from nnlab.engine import batch_process
from nnlab.engine.trainer import AHEAD
from tests.pages.apptest_helpers import APP


def digits_page():
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("app_pages/training.py")
    at.run()
    at.selectbox(key="sb_dataset").select("Digits 8×8").run()
    at.number_input(key="sb_epochs").set_value(1).run()
    return at


def first_loss(at):
    return at.session_state["history"].steps[0].loss


def test_augmentation_changes_the_training_batches_and_says_so():
    plain = digits_page()
    plain.button(key="tr_train").click().run()
    aug = digits_page()
    aug.session_state["augment"] = AugmentConfig(rotation_degrees=20, shift_pixels=1)
    aug.run()
    aug.button(key="tr_train").click().run()
    assert not aug.exception
    assert any("Augmenting each training batch" in c.value for c in aug.caption)
    # Same model, seed and batch order: only the augmented pixels can change the first batch's loss.
    assert first_loss(aug) != first_loss(plain)
    assert not any("Augmenting" in c.value for c in plain.caption)


def test_a_shift_too_big_for_the_images_is_a_warning_not_a_crash():
    at = digits_page()
    at.session_state["augment"] = AugmentConfig(shift_pixels=10)  # fine for 28×28, not for 8×8
    at.run()
    at.button(key="tr_train").click().run()
    assert not at.exception
    assert any("Augmentation is off" in w.value for w in at.warning)
    assert at.session_state["history"].epochs  # trained anyway, without augmentation


def test_model_save_and_load_is_offered_before_training():
    at = digits_page()
    assert any("Save this model" in e.label for e in at.expander)


def test_an_augmenting_worker_that_dies_is_a_message_and_the_steps_so_far_are_kept(monkeypatch):
    """The page augments in a worker process; killed mid-run (out of memory, say), the run ends with words
    instead of a traceback or a hang, and keeps what it trained."""
    real = batch_process._received

    def killing_after_three(conn, slots, x, batch_size, proc):
        for k, item in enumerate(real(conn, slots, x, batch_size, proc)):
            yield item
            if k == 2:
                proc.kill()
    monkeypatch.setattr(batch_process, "_received", killing_after_three)
    at = digits_page()
    at.session_state["augment"] = AugmentConfig(rotation_degrees=20)
    at.run()
    at.button(key="tr_train").click().run()
    assert not at.exception
    assert any("the process augmenting its batches ended unexpectedly (exit code -9)" in e.value for e in at.error)
    steps = at.session_state["history"].steps
    # Killed after the third batch: at most the AHEAD batches it had made already come after it (of 20 in the epoch).
    assert 3 <= len(steps) <= 3 + AHEAD

