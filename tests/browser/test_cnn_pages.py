"""Inside CNNs and attention, in the browser: the MNIST CNN preset trained for one epoch, then the
Feature-maps page (and the architecture, forward and backprop pages on the same model); the attention
preset trained for one epoch, then the Attention page.

Each test skips, naming what is missing, while its page (app_pages/<name>.py, routed in app.py) or its
preset is not there yet.
"""
import re

import pytest

from tests.browser.routing import need_page

TRAIN_TIMEOUT_S = 240  # one epoch of 8,000 digits through convolutions, on two slow cores


def train_preset_one_epoch(lab, preset):
    lab.open("training", "Training")
    lab.sidebar.get_by_role("combobox", name="Preset", exact=True).click()
    options = lab.page.get_by_role("option").all_inner_texts()
    lab.page.keyboard.press("Escape")
    if preset not in options:
        pytest.skip(f"the sidebar has no preset {preset!r} yet (presets: {options})")
    lab.choose("Preset", preset, within=lab.sidebar)
    lab.wait_text(f"Loaded the preset “{preset}”")
    lab.set_sidebar_epochs(1)
    lab.click("Train 1 epoch")
    lab.wait_text(re.compile(r"Trained 1 epoch in .* \(1 in all\)"), timeout_s=TRAIN_TIMEOUT_S)
    lab.settle()
    assert lab.metric("Epochs trained") == "1"
    lab.assert_clean()


def open_by_path(lab, url_path):
    """Click the sidebar link to ``/url_path`` (same session, so the trained model stays)."""
    lab.page.get_by_test_id("stSidebarNav").locator(f'a[href$="/{url_path}"]').click()
    lab.page.wait_for_url(re.compile(rf"/{url_path}(\?.*)?$"))  # the query is the configuration
    lab.main.locator("h1").first.wait_for()
    lab.settle()


@need_page("feature_maps")
def test_feature_maps_of_a_trained_cnn(lab):
    train_preset_one_epoch(lab, "MNIST CNN")
    open_by_path(lab, "feature_maps")
    lab.wait_until(lambda: lab.drawn_charts() >= 2, "kernels and feature maps drawn")
    lab.assert_clean()
    lab.shoot("feature_maps_cnn")
    # The other pages handle the convolution layers of the same trained model too.
    for link, shot, status in (("Architecture", "architecture_cnn", True), ("Forward pass", "forward_cnn", True),
                               ("Backprop", "backprop_cnn", False)):
        lab.nav(link)
        if status:  # these two say how far the model has trained
            lab.wait_text("trained for 1 epoch")
        lab.wait_until(lambda: lab.drawn_charts() >= 1, f"a chart drawn on {link}")
        lab.assert_clean()
        lab.shoot(shot)


@need_page("attention")
def test_attention_of_a_trained_attention_model(lab):
    train_preset_one_epoch(lab, "MNIST patch attention")
    open_by_path(lab, "attention")
    lab.wait_until(lambda: lab.drawn_charts() >= 2, "attention matrices and overlay drawn")
    lab.assert_clean()
    lab.shoot("attention_trained")
