"""Training in the browser: a tiny preset trains and draws its curves; Stop during a long run keeps the
partial model and curves, and they survive a trip to another page."""
import re


TRAIN = re.compile(r"^Train \d+ epochs?$")
STOPPED = re.compile(r"Stopped at epoch (\d+), step ([\d,]+)")
STATUS = re.compile(r"trained for (\d+) epochs? \(([\d,]+) steps\)")  # the Architecture page's caption


def trained_epochs(lab):
    return int(lab.metric("Epochs trained"))


def test_tiny_preset_trains_and_draws_its_curves(lab):
    lab.open("training", "Training")
    lab.choose("Preset", "Spirals 2-8-8-1 tanh", within=lab.sidebar)
    lab.wait_text("Loaded the preset “Spirals 2-8-8-1 tanh”")
    lab.set_sidebar_epochs(4)
    lab.wait_text("2 → 8 tanh → 8 tanh → 1 sigmoid")  # the caption follows the preset's network
    lab.click("Train 4 epochs")
    lab.wait_text(re.compile(r"Trained 4 epochs in .* \(4 in all\)"))
    lab.settle()
    assert trained_epochs(lab) == 4
    # A finished run leaves nothing rerunning: the header's running sign stays away once the page is drawn.
    lab.page.evaluate("""() => { window.__runs = 0; new MutationObserver(() => {
        if (document.querySelector('[data-testid=stStatusWidget]')) window.__runs++; })
        .observe(document.body, {subtree: true, childList: true, attributes: true}); }""")
    lab.page.wait_for_timeout(3000)
    assert lab.page.evaluate("window.__runs") == 0
    # Decision boundary, batch loss, loss and accuracy per epoch, and the first section's gradient-flow charts.
    lab.wait_until(lambda: lab.drawn_charts() >= 6, "the training charts drawn")
    loss_lines = lab.main.locator('[data-testid="stVegaLiteChart"] svg .mark-line path')
    assert loss_lines.count() >= 3  # batch loss (raw + smoothed) and per-epoch curves have lines
    for section in ("Gradient flow & diagnosis", "Weights", "Results on the test set"):  # a segmented control
        assert lab.main.get_by_test_id("stButtonGroup").get_by_text(section, exact=True).count() == 1
    lab.assert_clean()
    lab.shoot("training_spirals")


def test_stop_keeps_the_partial_model_across_pages(lab):
    lab.open("training", "Training")  # the default: MNIST MLP 784-128-64-10
    requested = 200
    lab.set_sidebar_epochs(requested)
    lab.click(f"Train {requested} epochs")
    lab.main.get_by_test_id("stProgress").wait_for()
    # Let at least one epoch finish, so there are per-epoch curves to keep; then Stop.
    lab.wait_until(lambda: lab.main.get_by_test_id("stMetricLabel").filter(has_text="Epochs trained").count() > 0,
                   "the first epoch to finish")
    lab.click("Stop")
    stopped = lab.wait_text(STOPPED)
    lab.settle()
    stop_step = int(STOPPED.search(stopped).group(2).replace(",", ""))
    epochs = trained_epochs(lab)
    assert 1 <= epochs < requested
    assert f"({epochs} epoch" in stopped
    assert lab.main.get_by_test_id("stProgress").count() == 0
    assert lab.drawn_charts() >= 3  # batch loss, loss and accuracy per epoch
    lab.assert_clean()
    lab.shoot("training_stopped")

    # Another page sees the same, trained model ...
    lab.nav("Architecture")
    status = STATUS.search(lab.wait_text(STATUS))
    kept_epochs, kept_steps = int(status.group(1)), int(status.group(2).replace(",", ""))
    assert epochs <= kept_epochs < requested and kept_steps >= stop_step
    lab.assert_clean()
    # ... and back on Training the curves and the epoch count are as they were (training did not go on).
    lab.nav("Training")
    lab.wait_text(STOPPED)
    assert trained_epochs(lab) == kept_epochs
    assert lab.drawn_charts() >= 3
    assert lab.main.get_by_role("button", name=TRAIN).count() == 1
    lab.assert_clean()
    # Stop ends the training run before the next run reads the model (runner.fastReruns = false):
    # the step the page names is exactly the step the model has.
    assert kept_steps == stop_step
