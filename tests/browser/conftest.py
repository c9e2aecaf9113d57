"""Browser tests: a real `streamlit run app.py` server driven by Playwright in Debian's Chromium.

Why a browser on top of AppTest: AppTest runs the scripts but not the frontend, so it cannot see what a
person sees — charts that fail to render, the upload size limit (enforced by the frontend), a Stop
click arriving while a script is running, or state surviving a click on the sidebar navigation.

Set-up: one server per test session on a free 127.0.0.1 port (its log in ``screenshots/server.log``),
one Chromium and one browser context per session, and a new tab — so a fresh Streamlit session — per test. The
``lab`` fixture hands a test a :class:`Lab`: the page plus the few helpers every test needs (wait for a
rerun to finish, pick a selectbox option, click through the sidebar, check for exceptions, screenshot).
The whole folder skips, with the reason, when Chromium or the playwright package is missing.
"""
import contextlib
import importlib.util
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SHOTS = HERE / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1400, "height": 3000}  # tall: Streamlit scrolls inside its own container
MAX_SHOT_HEIGHT = 16000
TIMEOUT_S = 90  # generous: CI has two slow cores, and a first page load imports numpy, pandas, altair
QUIET_S = 1.0  # a rerun has finished when nothing has been running for this long
CHART = '[data-testid="stVegaLiteChart"]'
# Is this chart element drawn? Vega's SVG has a mark in it, or its canvas (large heatmaps: ui/widgets/vega_spec.py)
# holds more than a background colour.
DRAWN = """c => {
  if (c.querySelector('svg .role-mark')) return true;
  const k = c.querySelector('canvas');
  if (!k || !k.width || !k.height) return false;
  const d = k.getContext('2d').getImageData(0, 0, k.width, k.height).data, colours = new Set();
  for (let i = 0; i < d.length && colours.size < 3; i += 4)
    colours.add(d[i] << 24 | d[i + 1] << 16 | d[i + 2] << 8 | d[i + 3]);
  return colours.size >= 3;
}"""
# grids, static tables, and the Markdown tables of worked examples (ui/widgets/worked_table)
TABLE = '[data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stMarkdownContainer"] table'

MISSING = None
if not CHROMIUM.exists():
    MISSING = f"{CHROMIUM} not found: install Debian's Chromium (apt-get install chromium) for the browser tests"
elif importlib.util.find_spec("playwright") is None:
    MISSING = "the playwright package is not installed (pip install -r requirements-dev.txt)"


def pytest_collection_modifyitems(config, items):
    if MISSING:
        for item in items:
            if HERE in Path(str(item.fspath)).resolve().parents:
                item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the ``lab`` fixture can tell that a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@contextlib.contextmanager
def streamlit_server(log_name="server.log", launcher=("-m", "streamlit")):
    """Run `streamlit run app.py` (headless, file watcher off) on a free 127.0.0.1 port; yield its URL
    once /_stcore/health answers; terminate it on the way out, also when the test failed. ``launcher``: what
    Python runs in place of ``-m streamlit`` (a bench's timed server, bench/timed_server.py)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    cmd = [sys.executable, *launcher, "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    log_path = SHOTS / log_name
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer /_stcore/health within {TIMEOUT_S} s:\n"
                                   f"{log_path.read_text()[-3000:]}")
            time.sleep(0.25)
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def server(browser):
    """The URL of the session's server, warmed up: its very first script run (which differs, see
    ``test_pages.test_first_visit_to_a_deep_link``) is a visit to the home page, so the tests' own
    sessions do not depend on which test happens to run first."""
    with streamlit_server() as url:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_S * 1000)
            page.goto(url)
            page.get_by_test_id("stMain").locator("h1").first.wait_for()
        finally:
            context.close()
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def context(browser):
    """One browser context for the session, so Streamlit's static files are fetched once. Each test opens
    its own tab, and a tab is its own Streamlit session (the session lives on the tab's websocket)."""
    context = browser.new_context(viewport=dict(VIEWPORT))
    context.set_default_timeout(TIMEOUT_S * 1000)
    try:
        yield context
    finally:
        context.close()


def server_log_problems(text):
    """The tracebacks and Python warnings in a piece of the server's log (issue 14: a page may show a message,
    never spill a traceback or an overflow RuntimeWarning into the log)."""
    return [line for line in text.splitlines()
            if line.startswith("Traceback (most recent call last)") or re.search(r"\w+Warning: ", line)]


@pytest.fixture
def lab(request, server, context):
    """A fresh Streamlit session (a new tab) on the app, with helpers; see :class:`Lab`.
    A failing test leaves ``screenshots/FAILED-<test>.png`` of what the page showed; a test whose pages
    wrote a traceback or a warning into the server log fails with those lines."""
    log = SHOTS / "server.log"
    start = log.stat().st_size
    page = context.new_page()
    try:
        yield Lab(page, server)
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            page.screenshot(path=str(SHOTS / f"FAILED-{name}.png"), full_page=True)
    finally:
        page.close()
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        problems = server_log_problems(f.read())
    assert not problems, f"the server log shows (full log in {log}):\n" + "\n".join(problems[:20])


@pytest.fixture
def fresh_lab(browser):
    """Like ``lab``, but on a server of its own that has run no script yet (its log in
    ``screenshots/server-fresh.log``): for what happens on a server's very first run."""
    with streamlit_server("server-fresh.log") as url:
        context = browser.new_context(viewport=dict(VIEWPORT))
        context.set_default_timeout(TIMEOUT_S * 1000)
        try:
            yield Lab(context.new_page(), url)
        finally:
            context.close()


class Lab:
    """A browser page on the app and the actions the tests share.

    Locators use what a person sees — roles with accessible names, labels, visible text — plus
    Streamlit's stable ``data-testid`` attributes; never generated CSS class names.
    """

    def __init__(self, page, url):
        self.page, self.url = page, url

    # ---- getting around --------------------------------------------------------------------------------
    @property
    def main(self):
        return self.page.get_by_test_id("stMain")

    @property
    def sidebar(self):
        return self.page.get_by_test_id("stSidebar")

    def open(self, path="", title=None):
        """Load the app at ``/path`` — a new page load, hence a new session — and wait for it to settle."""
        self.page.goto(f"{self.url}/{path}")
        self.page.get_by_test_id("stApp").wait_for()
        if title:
            self.expect_title(title)
        self.settle()

    def nav(self, link, title=None):
        """Click a page in the sidebar navigation (same session: the model and history stay)."""
        self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
        self.expect_title(title or link)
        self.settle()

    def expect_title(self, title):
        self.main.locator("h1").filter(has_text=title).first.wait_for()

    def settle(self, timeout_s=TIMEOUT_S):
        """Wait until Streamlit has finished rerunning: no running-status widget, no spinner and no stale
        (greyed-out) element for ``QUIET_S`` in a row. A rerun starts asynchronously after a click, so
        callers also wait explicitly for the element they expect."""
        busy = ('[data-testid="stStatusWidget"], [data-testid="stSpinner"], '
                '[data-testid="stSkeleton"], [data-stale="true"]')
        deadline = time.monotonic() + timeout_s
        quiet_since = None
        while time.monotonic() < deadline:
            if self.page.locator(busy).count():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET_S:
                return
            time.sleep(0.1)
        raise AssertionError(f"the app was still running after {timeout_s} s")

    # ---- widgets ---------------------------------------------------------------------------------------
    def choose(self, label, option, within=None):
        """Pick ``option`` in the selectbox labelled ``label`` (in ``within``, default the whole page)."""
        box = (within or self.page).get_by_role("combobox", name=label, exact=True)
        box.click()
        self.page.get_by_role("option", name=option, exact=True).click()
        self.wait_until(lambda: box.input_value() == option, f"selectbox {label!r} shows {option!r}")
        self.settle()

    def open_expander(self, title, within=None):
        expander = (within or self.page).get_by_test_id("stExpander").filter(
            has=self.page.locator("summary", has_text=title))
        if expander.locator("details").get_attribute("open") is None:
            expander.locator("summary").click()
        return expander

    def set_number(self, label, value, within=None):
        """Type ``value`` into the number input labelled ``label`` and commit it with Enter."""
        field = (within or self.page).get_by_label(label, exact=True)
        field.fill(str(value))
        field.press("Enter")
        self.wait_until(lambda: field.input_value() == str(value), f"number input {label!r} = {value}")
        self.settle()

    def set_sidebar_epochs(self, epochs):
        """The sidebar's Training expander → Epochs."""
        self.open_expander("Training", self.sidebar)
        self.set_number("Epochs", epochs, self.sidebar)

    def button(self, name):
        """A button of the page itself (not the sidebar, nor Streamlit's own toolbar)."""
        return self.page.get_by_test_id("stMainBlockContainer").get_by_role("button", name=name)

    def click(self, name):
        self.button(name).click()

    # ---- reading the page ------------------------------------------------------------------------------
    def wait_until(self, condition, what, timeout_s=TIMEOUT_S):
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout_s} s waiting for: {what}")
            time.sleep(0.1)

    def wait_text(self, pattern, timeout_s=TIMEOUT_S):
        """Wait for visible text in the main area matching ``pattern`` (a str is matched literally)."""
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        found = self.main.get_by_text(regex).first
        found.wait_for(timeout=timeout_s * 1000)
        return found.text_content()  # inner_text fails on SVG text (chart labels)

    def metric(self, label):
        """The value of the st.metric labelled ``label`` (the first one, as text)."""
        box = self.main.get_by_test_id("stMetric").filter(
            has=self.page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(rf"^{re.escape(label)}$")))
        return box.first.get_by_test_id("stMetricValue").inner_text().strip()

    def charts(self):
        return self.main.locator(CHART)

    def drawn_charts(self):
        """How many charts Vega actually drew: an SVG with at least one mark in it, or a painted canvas."""
        return self.charts().evaluate_all(f"cs => cs.filter({DRAWN}).length")

    def tables(self):
        return self.main.locator(TABLE)

    def alerts(self):
        return [t.strip() for t in self.main.get_by_test_id("stAlert").all_inner_texts()]

    def assert_clean(self, errors_ok=False):
        """No Streamlit exception box and no Python traceback text anywhere on the page; no st.error
        either unless ``errors_ok``."""
        exceptions = self.page.get_by_test_id("stException").all_inner_texts()
        assert not exceptions, f"exception shown on the page: {exceptions[0][:1500]}"
        body = self.page.locator("body").inner_text()
        assert "Traceback" not in body, f"traceback text on the page: {body[body.index('Traceback'):][:1500]}"
        lost = self.page.get_by_role("dialog").filter(has_text="Page not found")
        assert not lost.count(), f"a “Page not found” dialog is shown: {lost.first.inner_text()!r}"
        if not errors_ok:
            errors = self.page.get_by_test_id("stAlertContentError").all_inner_texts()
            assert not errors, f"error message(s) shown: {errors}"

    def shoot(self, name, hover=None):
        """A full-height PNG of the page in ``screenshots/<name>.png`` (the viewport is stretched to the
        height of Streamlit's scrolling main area, which a plain full-page screenshot would cut off).
        The mouse rests on ``hover`` (a locator, to show its tooltip) or else off the page."""
        self.page.mouse.move(0, 0)  # no tooltip from the last hovered button
        height = self.page.evaluate(
            "() => Math.max(...['stMain', 'stSidebarContent'].map(id => "
            "document.querySelector(`[data-testid=${id}]`)?.scrollHeight || 0))")
        size = self.page.viewport_size
        self.page.set_viewport_size({"width": size["width"],
                                     "height": min(max(size["height"], height), MAX_SHOT_HEIGHT)})
        time.sleep(0.3)  # layout only: the width is unchanged, so no chart redraws and no rerun
        if hover is not None:
            hover.hover()
            time.sleep(0.5)  # the tooltip fades in
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(size)
        return path
