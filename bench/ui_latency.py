"""Benchmark: the app's own latency in a real browser — how long a person waits after each click.

Starts ``streamlit run app.py`` on 127.0.0.1 (the browser tests' server, ``tests/browser/conftest.py``) and
drives Debian's Chromium with Playwright through these journeys, each in a fresh tab (a fresh session):

- first load: a new session opens the home page.
- train: the default MNIST MLP (784-128-64-10), Train 3 epochs — the first chart after the click, the
  training time the page reports, and how long after that the whole page (every tab and chart) is
  complete (``…_after_training_s``: click to complete less the training time; ``…_after_loop_s`` also less the
  time from the click to its first change of the page, which the page's training time does not count);
  then a 30-epoch run (about 3 s: the page gives its seconds to 2 digits, so a 1-s run would read ± 5 %) for the
  live update rate (progress texts and chart redraws a second) and
  the price of the live view: the page's training time against the same training without a page
  (``TrainingSession`` in this process, same settings, one BLAS thread as the server has); and the BLAS
  policy's effect: that headless training with the BLAS library's default thread count against one thread.
- augment: 1 epoch with the Data page's augmentation on against 1 plain epoch (the page's reported times).
- compare: MLP + CNN + patch attention for 1 epoch on the Compare page, click to complete page.
- page switches (Training, Architecture, Forward pass, Backprop, Feature maps, Attention, Data, Compare,
  Home) with a trained MLP, and Feature maps / Attention again with their own presets; preset switches
  (MNIST CNN, MNIST MLP) on the Training page. Beside each, ``…_server_s``: the click to the end of the
  server's last script run for it (the server is started through ``bench/timed_server.py``, which notes its
  runs); the rest of the wait is the browser's.

"Complete" is measured inside the page: a MutationObserver stamps the last change of the app's DOM
(script output, Vega's SVG, stale markers) and the bench waits until Streamlit is idle and nothing has
changed for ``QUIET_S``; the time is that last change minus the click. The machine is shared, so every
figure is noisy: compare runs made one after the other. No figure is asserted.

The last line printed is one JSON object of seconds (counts a second for the rates, and the load average at
the start and the end). The server inherits the environment: ``OPENBLAS_NUM_THREADS=1`` gives it one BLAS
thread from the start.

Run from the repository root: ``python -m bench.ui_latency [--rounds 2]``
"""
import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time

from bench.timed_server import server_seconds
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_S, VIEWPORT, Lab, streamlit_server

QUIET_S = 1.5
MLP_PRESET = "MNIST MLP 784-128-64-10"
TRAINED = re.compile(r"Trained (\d+) epochs? in ([\d.e+-]+) s")

# Installed in every document before the app's own scripts: stamps DOM changes of the app (not of the header,
# whose running-man icon animates while a script runs) and notes progress texts and chart redraws.
OBSERVER = """
(() => {
  const nn = window.__nn = {t0: 0, last: 0, first: null, firstChart: null, progress: [], charts: []};
  nn.reset = () => {
    nn.t0 = nn.last = performance.now(); nn.first = nn.firstChart = null; nn.progress = []; nn.charts = [];
  };
  const watch = () => {
    const root = document.querySelector('[data-testid=stAppViewContainer]');
    if (!root) { setTimeout(watch, 20); return; }
    let lastProgress = null;
    new MutationObserver(muts => {
      const now = performance.now();
      nn.last = now;
      if (nn.first === null) nn.first = now;
      for (const m of muts) {
        const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
        if (!el) continue;
        if (el.closest('[data-testid=stVegaLiteChart] svg') && !(nn.charts.length && now - nn.charts.at(-1) < 30))
          nn.charts.push(now);
      }
      // The progress element may be replaced rather than edited: read its text after every batch of changes.
      const bar = root.querySelector('[data-testid=stProgress]');
      if (bar && bar.innerText !== lastProgress) { lastProgress = bar.innerText; nn.progress.push(now); }
      if (nn.firstChart === null && root.querySelector('[data-testid=stVegaLiteChart] :is(svg .role-mark, canvas)'))
        nn.firstChart = now;
    }).observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  };
  watch();
})();
"""
BUSY = '[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-stale="true"]'
IDLE = "busy => [!!document.querySelector(busy), performance.now() - window.__nn.last]"


def mark(lab):
    lab.clicked = time.time()  # the server notes its runs on the wall clock (bench/timed_server.py)
    lab.page.evaluate("() => window.__nn.reset()")


def server_part(lab):
    """Seconds from the last ``mark`` to the end of the server's last script run since (None: no run)."""
    return server_seconds(os.environ["NNLAB_RUN_TIMES"], lab.clicked)


def put_medians(out, key, totals, servers):
    """``out[key_s]``: the median wait; ``out[key_server_s]``: the median server part, where there was a run."""
    out[f"{key}_s"] = statistics.median(totals)
    servers = [s for s in servers if s is not None]
    if servers:
        out[f"{key}_server_s"] = statistics.median(servers)


def complete(lab, timeout_s=TIMEOUT_S * 3):
    """Seconds from the last ``mark`` to the last DOM change, once the app is idle and quiet for QUIET_S."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(0.1)
        # One native query a poll: Playwright's own locator engine costs the page's main thread milliseconds a
        # call, which the measured page would pay (~0.1 s over a switch, seen in a CPU profile).
        busy, quiet = lab.page.evaluate(IDLE, BUSY)
        if not busy and quiet >= QUIET_S * 1000:
            return lab.page.evaluate("() => (window.__nn.last - window.__nn.t0) / 1000")
    raise AssertionError(f"the page was still changing after {timeout_s} s")


def observed(lab):
    return lab.page.evaluate("() => ({t0: __nn.t0, first: __nn.first, firstChart: __nn.firstChart, "
                             "progress: __nn.progress, charts: __nn.charts})")


def new_lab(context, url):
    page = context.new_page()
    return Lab(page, url)


def first_load(context, url):
    lab = new_lab(context, url)
    lab.page.goto(url)  # the observer's clock starts with the document
    lab.expect_title("nnlab")
    lab.page.evaluate("() => { window.__nn.t0 = 0; }")  # since navigation start
    seconds = complete(lab)
    return lab, seconds


def switch_page(lab, link, title=None):
    mark(lab)
    lab.page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    lab.expect_title(title or link)
    return complete(lab)


def switch_preset(lab, preset):
    mark(lab)
    box = lab.sidebar.get_by_role("combobox", name="Preset", exact=True)
    box.click()
    lab.page.get_by_role("option", name=preset, exact=True).click()
    lab.wait_text(f"Loaded the preset “{preset}”")
    return complete(lab)


def train(lab, epochs):
    """Click Train ``epochs``; returns (click → complete, the page's training seconds, what the observer saw)."""
    before = lab.main.get_by_text(TRAINED).all_text_contents()
    mark(lab)
    lab.click(re.compile(rf"^Train {epochs} epochs?$"))
    lab.wait_until(lambda: lab.main.get_by_text(TRAINED).all_text_contents() not in ([], before),
                   "the run's outcome", timeout_s=TIMEOUT_S * 5)
    text = lab.main.get_by_text(TRAINED).first.text_content()
    total = complete(lab)
    return total, float(TRAINED.search(text).group(2)), observed(lab)


def headless_seconds(epochs, blas_threads=None):
    """The sidebar's default model trained ``epochs`` epochs without a page, as the page trains it, with
    ``blas_threads`` BLAS threads (None: the library's default, as a process that sets no policy gets)."""
    from threadpoolctl import threadpool_limits

    from nnlab.lab.config import LabConfig, build_network
    from nnlab.lab.session import TrainingSession
    from nnlab.ui.state import DATA_SEED
    from nnlab.data.builtin import load_dataset

    cfg = LabConfig(epochs=epochs)
    data = load_dataset(cfg.dataset, seed=DATA_SEED)
    session = TrainingSession.start(build_network(cfg, data))
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        t0 = time.perf_counter()
        for _record in session.run(data, cfg):
            pass
        return time.perf_counter() - t0


def rate(stamps, t0, seconds):
    """Stamps a second within the ``seconds`` after ``t0`` (ms): the run's updates over its training time."""
    return sum(t0 <= t <= t0 + 1000 * seconds for t in stamps) / seconds


def train_journey(context, url, out, live_epochs):
    lab = new_lab(context, url)
    lab.open("training", "Training")
    lab.set_sidebar_epochs(3)
    total, secs, seen = train(lab, 3)
    out["train3_click_to_complete_s"] = total
    out["train3_training_s"] = secs
    out["train3_complete_after_training_s"] = total - secs
    # The page's training seconds start when its loop does, after the click has reached the server and the page
    # has drawn down to the loop: the click's first change of the page marks that start (a little early).
    if seen["first"] is not None:
        out["train3_click_to_first_change_s"] = start = (seen["first"] - seen["t0"]) / 1000
        out["train3_complete_after_loop_s"] = total - start - secs
    if seen["firstChart"] is not None:
        out["train3_first_chart_s"] = (seen["firstChart"] - seen["t0"]) / 1000
    # Live updates: a run long enough to see several.
    lab.set_sidebar_epochs(live_epochs)
    # The server runs with one BLAS thread (nnlab/ui/threads.py); the same here, then the library's default.
    headless = headless_seconds(live_epochs, blas_threads=1)
    total, secs, seen = train(lab, live_epochs)
    headless = min(headless, headless_seconds(live_epochs, blas_threads=1))  # before and after the page's run
    default_blas = headless_seconds(live_epochs)
    out["live_progress_updates_per_s"] = rate(seen["progress"], seen["t0"], secs)
    out["live_chart_redraws_per_s"] = rate(seen["charts"], seen["t0"], secs)
    out["live_training_s"] = secs
    out["live_headless_training_s"] = headless
    out["live_page_vs_headless"] = secs / headless
    out["headless_default_blas_threads_s"] = default_blas
    out["blas_default_vs_one_thread"] = default_blas / headless
    out["live_complete_after_training_s"] = total - secs
    if seen["first"] is not None:
        out["live_complete_after_loop_s"] = total - (seen["first"] - seen["t0"]) / 1000 - secs
    return lab


def page_switches(lab, rounds, out):
    pages = [("Architecture", None), ("Forward pass", None), ("Backprop", None), ("Feature maps", None),
             ("Attention", None), ("Data", None), ("Compare", "Compare architectures"),
             ("Home", "nnlab"), ("Training", None)]
    times = {}
    for _round in range(rounds):
        for link, title in pages:
            total = switch_page(lab, link, title)
            times.setdefault(link, []).append((total, server_part(lab)))
    for link, values in times.items():
        put_medians(out, f"switch_{link.lower().replace(' ', '_')}", *zip(*values))


def preset_journeys(lab, rounds, out):
    """Preset switches on the Training page, and the CNN / attention pages with their own models."""
    cnn, mlp, att = [], [], []
    for _round in range(rounds):
        cnn.append((switch_preset(lab, "MNIST CNN"), server_part(lab)))
        mlp.append((switch_preset(lab, MLP_PRESET), server_part(lab)))
    put_medians(out, "preset_cnn", *zip(*cnn))
    put_medians(out, "preset_mlp", *zip(*mlp))
    for preset, page, key in (("MNIST CNN", "Feature maps", "switch_feature_maps_cnn"),
                              ("MNIST patch attention", "Attention", "switch_attention_attention")):
        seconds = []
        att.append((switch_preset(lab, preset), server_part(lab)))
        for _round in range(rounds):
            seconds.append((switch_page(lab, page), server_part(lab)))
            switch_page(lab, "Training")
        put_medians(out, key, *zip(*seconds))
    put_medians(out, "preset_attention", *zip(*att))


def augment_journey(context, url, out):
    lab = new_lab(context, url)
    lab.open("training", "Training")
    lab.set_sidebar_epochs(1)
    _total, plain, _seen = train(lab, 1)
    lab.nav("Data")
    lab.main.get_by_role("tab", name="Image augmentation").click()
    lab.settle()
    thumb = lab.main.get_by_role("slider", name="Random rotation, up to ± degrees")
    thumb.focus()
    for _press in range(10):
        thumb.press("ArrowRight")
    lab.settle()
    lab.main.get_by_text("Augment every training batch on the fly").click()
    lab.settle()
    lab.nav("Training")
    _total, augmented, _seen = train(lab, 1)
    out["augment_plain_epoch_s"], out["augment_epoch_s"] = plain, augmented
    out["augment_ratio"] = augmented / plain
    lab.page.close()


def compare_journey(context, url, out):
    lab = new_lab(context, url)
    lab.open("compare", "Compare architectures")
    lab.set_number("Architectures", 3)
    lab.set_number("Epochs (all)", 1)
    for i, preset in ((1, "MNIST CNN"), (2, "MNIST patch attention")):
        box = lab.main.get_by_role("combobox", name="Architecture", exact=True).nth(i)
        box.click()
        lab.page.get_by_role("option", name=preset, exact=True).click()
        lab.settle()
    mark(lab)
    lab.click(re.compile(r"^Train and compare"))
    lab.main.get_by_text("Metrics", exact=True).wait_for(timeout=TIMEOUT_S * 10 * 1000)
    out["compare_3_archs_1_epoch_s"] = complete(lab)
    lab.page.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2, help="rounds of each page and preset switch (median)")
    ap.add_argument("--live-epochs", type=int, default=30, help="epochs of the run that measures live updates")
    ap.add_argument("--skip", nargs="*", default=[], choices=["switches", "augment", "compare"],
                    help="journeys to leave out")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    out = {"load_average_start": os.getloadavg()[0]}
    runs = tempfile.NamedTemporaryFile(prefix="nnlab-runs-", suffix=".txt", delete=False)
    runs.close()
    os.environ["NNLAB_RUN_TIMES"] = runs.name  # the server inherits it
    try:
        with streamlit_server("bench-ui.log", launcher=("bench/timed_server.py",)) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=dict(VIEWPORT))
            context.set_default_timeout(TIMEOUT_S * 1000)
            context.add_init_script(OBSERVER)
            try:
                warm, _seconds = first_load(context, url)  # the server's first run imports everything
                warm.page.close()
                lab, out["first_load_s"] = first_load(context, url)
                lab.page.close()
                lab = train_journey(context, url, out, a.live_epochs)
                if "switches" not in a.skip:
                    page_switches(lab, a.rounds, out)
                    preset_journeys(lab, a.rounds, out)
                lab.page.close()
                if "augment" not in a.skip:
                    augment_journey(context, url, out)
                if "compare" not in a.skip:
                    compare_journey(context, url, out)
            finally:
                context.close()
                browser.close()
    finally:
        os.unlink(runs.name)
    out["load_average_end"] = os.getloadavg()[0]
    for key, value in out.items():
        print(f"{key:40s} {value:8.2f}", file=sys.stderr)
    print(json.dumps({k: round(v, 3) for k, v in out.items()}))


if __name__ == "__main__":
    main()
