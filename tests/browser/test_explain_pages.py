"""The Explain pages in the browser, after a short training run (the default MLP on Digits 8×8, 3 epochs): each
page draws its charts, its on-request computations run from their buttons, and a screenshot of each is kept
(screenshots/explain_*.png). The LR finder's button changes the sidebar's learning rate; a Replay branch
reaches the Compare page. Grad-CAM is shown on the (untrained) MNIST CNN preset.
"""
import re

from tests.browser.routing import need_page
from tests.browser.test_cnn_pages import open_by_path

EPOCHS = 3


def train_digits(lab):
    lab.open("training", "Training")
    lab.choose("Dataset", "Digits 8×8", within=lab.sidebar)
    lab.set_sidebar_epochs(EPOCHS)
    lab.click(f"Train {EPOCHS} epochs")
    lab.wait_text(re.compile(rf"Trained {EPOCHS} epochs in .* \({EPOCHS} in all\)"))
    lab.settle()


def visit(lab, url_path, charts):
    open_by_path(lab, url_path)
    lab.wait_until(lambda: lab.drawn_charts() >= charts, f"{charts} charts drawn on /{url_path}")
    lab.assert_clean()


def run_button(lab, name, charts):
    lab.button(re.compile(name)).first.click()
    lab.settle()
    lab.wait_until(lambda: lab.drawn_charts() >= charts, f"{charts} charts after pressing {name!r}")
    lab.assert_clean()


@need_page("replay")
def test_each_explain_page_after_a_short_run(lab):
    train_digits(lab)

    visit(lab, "attributions", 6)
    lab.wait_text("Grad-CAM does not apply to this model")
    lab.shoot("explain_attributions_mlp")

    visit(lab, "feature_vis", 1)
    run_button(lab, "^Run .* steps of gradient ascent$", 3)
    lab.shoot("explain_feature_vis")

    visit(lab, "hidden_space", 2)
    point = lab.main.locator('[data-testid="stVegaLiteChart"] svg .mark-symbol path').nth(40)
    lab.shoot("explain_hidden_space", hover=point)

    visit(lab, "landscape", 0)
    run_button(lab, "^Compute the landscape", 2)
    lab.shoot("explain_landscape")

    visit(lab, "lr_finder", 0)
    run_button(lab, "^Run the range test", 1)
    run_button(lab, r"^Estimate λmax", 2)
    lab.shoot("explain_lr_finder")
    use = lab.button(re.compile(r"^Use this learning rate \((.+)\) in the sidebar$"))
    if use.count():
        use.click()
        lab.wait_text("The sidebar's learning rate is now")
        lab.settle()

    visit(lab, "replay", 1)  # the other tabs draw when opened
    lab.click(f"Train again from epoch {EPOCHS}")
    lab.wait_text(re.compile(r"Branch:"))
    lab.settle()
    lab.assert_clean()
    lab.shoot("explain_replay")
    lab.click("Compare the two branches on the Compare page")
    lab.expect_title("Compare architectures")
    lab.wait_text("sent from the Replay page")
    lab.settle()
    lab.wait_until(lambda: lab.drawn_charts() >= 2, "the branches' curves drawn")
    lab.assert_clean()
    lab.shoot("explain_replay_compare")


@need_page("attributions")
def test_grad_cam_on_the_cnn(lab):
    lab.open("attributions", "Attributions")
    lab.choose("Preset", "MNIST CNN", within=lab.sidebar)
    lab.wait_text("Channel weights")
    lab.wait_until(lambda: lab.drawn_charts() >= 8, "the attribution charts drawn")
    lab.assert_clean()
    lab.shoot("explain_attributions_cnn")
