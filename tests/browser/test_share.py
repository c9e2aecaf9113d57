"""A link is the configuration, in a real browser: a link copied from one browser and opened in a new
one (no shared session, no shared storage) shows the same network and the same numbers; a deep link
with parameters works on a fresh server's very first request; a page's charts download for slides."""
import io
import re

import zipfile
from urllib.parse import parse_qsl, urlsplit

from PIL import Image

from tests.browser.conftest import CHART, TIMEOUT_S, VIEWPORT, Lab

SEED = 4242


def chart_texts(lab):
    """Every text Vega drew in the page's charts (axis ticks, heatmap cell values), in page order."""
    lab.wait_until(lambda: lab.drawn_charts() == lab.charts().count() > 0, "every chart drawn")
    return lab.main.locator(f"{CHART} svg text").all_text_contents()


def numbers(lab):
    """What the test compares: the Forward page's charts of layer 1 (input, W, b, z, a with their values),
    the Architecture page's parameter count and the Backprop page's loss for the same sample."""
    lab.nav("Forward pass")
    forward = chart_texts(lab)
    lab.nav("Architecture")
    params = lab.metric("Parameters")
    lab.nav("Backprop")
    loss = lab.metric("loss (softmax_ce)")
    return forward, params, loss


def test_a_copied_link_opens_the_same_network_with_the_same_numbers_in_a_new_browser(lab, browser):
    lab.open("", "nnlab")
    lab.choose("Dataset", "Moons", within=lab.sidebar)
    lab.set_number("Layer 1 units", 6, lab.sidebar)
    lab.set_number("Seed", SEED, lab.sidebar)
    mine = numbers(lab)
    assert mine[1] == f"{2 * 6 + 6 + 6 * 64 + 64 + 64 * 2 + 2:,}"  # 2 → 6 → 64 → 2
    lab.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=lab.url)
    lab.open_expander("Share this network", lab.sidebar)
    lab.sidebar.get_by_role("button", name="Copy link", exact=True).click()
    lab.sidebar.get_by_role("button", name="Copied", exact=True).wait_for()
    copied = lab.page.evaluate("navigator.clipboard.readText()")
    assert copied == lab.sidebar.get_by_test_id("stCode").inner_text().strip()
    assert copied.startswith(lab.url + "/backprop?") and f"seed={SEED}" in copied and "hidden=6,64" in copied
    address_bar = dict(parse_qsl(urlsplit(lab.page.url).query))
    assert "resume" in address_bar and "resume" not in copied  # this browser's kept-run token is never shared
    del address_bar["resume"]
    assert dict(parse_qsl(urlsplit(copied).query)) == address_bar  # otherwise the address bar, setting for setting

    fresh = browser.new_context(viewport=dict(VIEWPORT))  # another browser: nothing shared
    fresh.set_default_timeout(TIMEOUT_S * 1000)
    try:
        other = Lab(fresh.new_page(), lab.url)
        other.page.goto(copied)
        other.expect_title("Backprop")
        other.settle()
        other.assert_clean()
        assert other.sidebar.get_by_role("combobox", name="Dataset", exact=True).input_value() == "Moons"
        assert other.sidebar.get_by_label("Seed", exact=True).input_value() == str(SEED)
        theirs = numbers(other)
        other.shoot("share-link-opened-elsewhere")
    finally:
        fresh.close()
    assert theirs == mine
    assert len(mine[0]) > 40 and sum(bool(re.search(r"\d\.\d", t)) for t in mine[0]) > 10  # values drawn


def test_a_deep_link_with_settings_works_on_a_fresh_servers_first_request(fresh_lab):
    """Shared links are deep links: the first request a freshly started server gets may be one."""
    fresh_lab.open("training?dataset=Moons&hidden=8&activations=tanh&seed=4&resume=abc", "Training")
    fresh_lab.wait_text("No training yet")
    fresh_lab.assert_clean()
    assert "2 → 8 tanh → 2 softmax" in fresh_lab.main.get_by_test_id("stCaptionContainer").first.inner_text()
    assert fresh_lab.sidebar.get_by_role("combobox", name="Dataset", exact=True).input_value() == "Moons"
    fresh_lab.wait_until(lambda: "seed=4&" in fresh_lab.page.url and "page=training" in fresh_lab.page.url,
                         "the URL holds every setting")
    assert "resume=" in fresh_lab.page.url and "resume=abc" not in fresh_lab.page.url  # a token of the server's

    # the untrained decision boundary and the network diagram, for slides
    fresh_lab.sidebar.get_by_role("button", name=re.compile("Charts for slides")).click()
    fresh_lab.page.get_by_role("button", name=re.compile("Prepare the files")).click()
    fresh_lab.settle()
    zip_button = fresh_lab.page.get_by_role("button", name=re.compile(r"Download 2 charts \(zip\)"))
    zip_button.wait_for()
    fresh_lab.shoot("share-slides-popover")
    with fresh_lab.page.expect_download() as download:
        zip_button.click()
    assert download.value.suggested_filename == "training-charts.zip"
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:
        assert archive.namelist() == ["Decision_boundary_untrained.png", "Decision_boundary_untrained.svg",
                                      "Network_diagram.png", "Network_diagram.svg"]
        image = Image.open(io.BytesIO(archive.read("Decision_boundary_untrained.png")))
        assert image.format == "PNG" and image.size[0] > 500
        assert archive.read("Decision_boundary_untrained.svg").startswith(b"<svg")
    fresh_lab.assert_clean()
