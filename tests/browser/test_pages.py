"""Every page opens in Chromium with its title and key elements drawn, and no exception or traceback."""
import re

import pytest

from tests.browser.routing import need_page


def page(path, title, n_charts=0, n_tables=0, texts=(), later=False):
    """One page of the tour. ``later``: a page another helper is adding, skipped until it is routed."""
    marks = [need_page(path)] if later else []
    return pytest.param(path, title, n_charts, n_tables, list(texts), id=path or "home", marks=marks)


# url path, title (h1), at least this many charts drawn, at least this many tables, texts that must show
PAGES = [
    page("", "nnlab — see inside a neural network", 1, 1, ["Current dataset: MNIST subset"]),
    page("architecture", "Architecture", 1, 1, ["The network, unit by unit", "Parameters"]),
    # The seed article's neuron, computed by the engine: z = 0.3·0.5 + 0.7·0.1 − 0.2 = 0.02, y = σ(z).
    page("forward", "Forward pass", 2, 2, ["z = 0.02", "0.5050", "The output"]),
    page("backprop", "Backprop", 1, 3, ["0.043513", "-0.073743", "-0.036871", "Check: backprop against finite"]),
    page("training", "Training", texts=["No training yet"]),
    page("data", "Data", 1, 0, ["current dataset: MNIST subset", "Built-in datasets"]),
    page("compare", "Compare architectures", texts=["Train and compare"]),
    # With the default MLP model: these pages must say what they need, without an error.
    page("feature_maps", "Feature maps", texts=["MNIST CNN"], later=True),
    page("attention", "Attention", texts=["MNIST patch attention"], later=True),
    page("interventions", "Interventions", 1, 1, ["1 · Switch off units, channels or heads",
                                                  "Choose some to switch off", "3 · Edit one weight"]),
]


@pytest.mark.parametrize("path, title, n_charts, n_tables, texts", PAGES)
def test_page_opens_clean(lab, path, title, n_charts, n_tables, texts):
    lab.open(path, title)
    for text in texts:
        lab.wait_text(text)
    if n_charts:
        lab.wait_until(lambda: lab.drawn_charts() >= n_charts, f"{n_charts} drawn chart(s) on /{path}")
    assert lab.tables().count() >= n_tables
    lab.assert_clean()
    lab.shoot(path or "home")


def test_sidebar_links_every_page(lab):
    lab.open()
    links = lab.page.get_by_test_id("stSidebarNav").get_by_role("link")
    hrefs = {re.sub(r"^https?://[^/]+/?", "", h) for h in links.evaluate_all("els => els.map(e => e.href)")}
    assert {p.values[0] for p in PAGES if not p.marks} <= hrefs, hrefs
    # The sidebar model builder is there on every page: the preset list holds the presets.
    lab.sidebar.get_by_role("combobox", name="Preset", exact=True).click()
    options = lab.page.get_by_role("option").all_inner_texts()
    for preset in ("Seed example (2→1 sigmoid)", "MNIST MLP 784-128-64-10", "Vanishing gradients (8 sigmoid layers)",
                   "Dead ReLUs (lr too high)", "Spirals 2-8-8-1 tanh"):
        assert preset in options
    lab.page.keyboard.press("Escape")
    lab.assert_clean()


def test_first_visit_to_a_deep_link_shows_no_page_not_found(fresh_lab):
    """A person whose first visit to a freshly started server is a bookmarked /training sees that page,
    and nothing about a missing page. (Fixed by keeping the page scripts in app_pages/: a folder named
    pages/ made Streamlit's legacy page discovery run first and miss the page.)"""
    fresh_lab.open("training", "Training")
    fresh_lab.wait_text("No training yet")
    fresh_lab.assert_clean()
