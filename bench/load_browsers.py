"""A class in real browsers: N Playwright contexts (N sessions) in one Debian Chromium against one nnlab URL —
``bench/load.py --browsers N`` runs it.

N − 1 sessions open the Training page from a link (Moons, 2-8-8-1 tanh, ``--epochs`` epochs, each its own
seed), press Train at about the same moment and wait for "Trained … epochs"; one idle session switches pages
(Architecture, Forward pass, Home, in turn) until every run has finished. A page switch is timed from the
click to the first moment the new page's title is drawn and Streamlit is idle (confirmed idle 0.3 s later).
The server's memory is the resident set of the ``streamlit run`` processes listening on ``ports`` (found by
their command line), sampled every 0.2 s: MB per session is (peak − after one warm-up visit) / N. The load
average at the start and the end says how busy the machine was.

``draw=False`` (``bench/load.py --trainers-draw-nothing``): the N − 1 training browsers do not load the chart
library (its scripts are refused), so they draw no chart, while the server does the same work for them (every
live update is sent as before). In a class each student's browser draws on the student's own computer; on
the bench machine the N − 1 renderers would otherwise compete with the server for its cores. The idle session
always draws everything.

``protocol=True`` (``bench/load.py --protocol-trainers``): the N − 1 training sessions are clients of
Streamlit's websocket protocol without a browser (``bench/load_protocol.py``): the server runs their scripts and
sends them everything as to a browser, and no renderer competes for the bench machine's cores; the idle
session is Chromium as always. This is the class as the server sees it.

Without ``url`` the bench starts its own server (the browser tests' ``streamlit_server``); with one (e.g. an
nginx in front of two replicas) pass the replicas' ports to see their memory.
"""
import asyncio
import contextlib
import os
import re
import statistics
import threading
import time
from pathlib import Path

LINK = "dataset=Moons&n_samples=400&noise=0.2&hidden=8,8&activations=tanh,tanh&lr=0.03&batch_size=16"
IDLE_PAGES = (("Architecture", "Architecture"), ("Forward pass", "Forward pass"), ("Home", "nnlab"))  # link, h1
BUSY = '[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-stale="true"]'
IDLE_CONFIRM_S = 0.3
RUN_TIMEOUT_S = 1200
PAGE_TIMEOUT_MS = 300_000  # a loaded machine: a page may take minutes to open
CHART_SCRIPTS = re.compile(r"/static/js/(ArrowVegaLiteChart|embed|vega-interpreter)\.")  # Streamlit's chart chunks


def server_pids(ports):
    """PIDs of the processes whose command line names ``--server.port P`` for a P in ``ports``."""
    wanted = {str(p) for p in ports}
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in args]
        if any(w == "--server.port" and i + 1 < len(words) and words[i + 1] in wanted for i, w in enumerate(words)):
            pids.append(int(proc.name))
    return pids


def rss_mb(pids):
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class PeakRss:
    """The peak summed RSS of ``pids`` while the ``with`` block runs, sampled in a thread."""

    def __init__(self, pids):
        self.pids, self.peak = pids, rss_mb(pids)
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, rss_mb(self.pids))

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


async def _idle_now(page):
    return await page.locator(BUSY).count() == 0


async def _settled(page, title, timeout_s=300):
    """Wait until ``title`` is the page's h1 and Streamlit is idle; returns the moment it first was."""
    deadline = time.perf_counter() + timeout_s
    await page.get_by_test_id("stMain").locator("h1").filter(has_text=title).first.wait_for(timeout=timeout_s * 1000)
    while time.perf_counter() < deadline:
        if await _idle_now(page):
            first = time.perf_counter()
            await asyncio.sleep(IDLE_CONFIRM_S)
            if await _idle_now(page):
                return first
        await asyncio.sleep(0.05)
    raise TimeoutError(f"the {title} page was still running after {timeout_s} s")


@contextlib.asynccontextmanager
async def _session(browser, url, path, title, draw=True):
    """A new browser session (context) on ``url/path``, settled on the page titled ``title``; closed after."""
    context = await browser.new_context()
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    if not draw:
        await context.route(CHART_SCRIPTS, lambda route: route.abort())
    try:
        page = await context.new_page()
        await page.goto(f"{url}/{path}")
        await _settled(page, title)
        yield page
    finally:
        await context.close()


async def _trainer(browser, url, epochs, seed, start, results, draw):
    async with _session(browser, url, f"training?{LINK}&epochs={epochs}&seed={seed}", "Training", draw) as page:
        button = page.get_by_role("button", name=f"Train {epochs} epochs")
        await start.wait()
        t0 = time.perf_counter()
        await button.click()
        await page.get_by_text(f"Trained {epochs} epochs in").wait_for(timeout=RUN_TIMEOUT_S * 1000)
        results.append(time.perf_counter() - t0)


async def _protocol_trainer(url, epochs, seed, start, results):
    from bench import load_protocol

    client = f"127.0.{seed}.1" if "//127." in url else None  # a computer of its own for nginx's ip_hash
    seconds, _text = await load_protocol.train(url, f"{LINK}&epochs={epochs}&seed={seed}", epochs, start, client)
    results.append(seconds)


async def _idle(browser, url, trainers, switches):
    async with _session(browser, url, f"?{LINK}&seed=0", "nnlab") as page:
        i = 0
        while not all(t.done() for t in trainers):
            link, title = IDLE_PAGES[i % len(IDLE_PAGES)]
            i += 1
            t0 = time.perf_counter()
            await page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
            switches.append((title, await _settled(page, title) - t0))


async def _warm_up(browser, url):
    """One session opens Training and leaves: the server's imports and caches are then paid."""
    async with _session(browser, url, f"training?{LINK}&epochs=1&seed=0", "Training"):
        pass


async def _round(url, n, epochs, chromium, args, warmed, draw, protocol):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium), args=args)
        try:
            await _warm_up(browser, url)
            warmed()
            start, results, switches = asyncio.Event(), [], []
            trainers = [asyncio.create_task(_protocol_trainer(url, epochs, seed, start, results) if protocol
                                            else _trainer(browser, url, epochs, seed, start, results, draw))
                        for seed in range(1, n)]
            await asyncio.sleep(0)
            idle = asyncio.create_task(_idle(browser, url, trainers, switches))
            await asyncio.sleep(5 + n)  # every session opened its page first
            t0 = time.perf_counter()
            start.set()
            outcomes = await asyncio.gather(*trainers, return_exceptions=True)
            await idle
            wall = time.perf_counter() - t0
        finally:
            await browser.close()
    return results, switches, wall, [repr(o) for o in outcomes if isinstance(o, BaseException)]


def run(n, epochs, url=None, ports=(), draw=True, protocol=False):
    """One round with ``n`` sessions; returns its figures (a dict). ``draw``, ``protocol``: see the module doc."""
    from contextlib import nullcontext

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, streamlit_server

    with (nullcontext(url) if url else streamlit_server("load.log")) as address:
        if not url:
            ports = (int(address.rsplit(":", 1)[1]),)
        pids, before = server_pids(ports), []
        load = os.getloadavg()[0]
        with PeakRss(pids) as rss:
            results, switches, wall, errors = asyncio.run(_round(address, n, epochs, CHROMIUM, CHROMIUM_ARGS,
                                                                 lambda: before.append(rss_mb(pids)), draw,
                                                                 protocol))
        before = before[0]
    by_page = {title: round(statistics.median(s for t, s in switches if t == title), 3)
               for title in sorted({t for t, _s in switches})}
    switches = sorted(s for _t, s in switches)
    return {"browsers": n, "url": url or "own server", "epochs": epochs,
            "trainers": "protocol clients" if protocol else "Chromium" if draw else "Chromium drawing nothing",
            "all_finished": len(results) == n - 1 and not errors, "errors": errors[:3],
            "idle_switches": len(switches),
            "idle_p50_s": round(statistics.median(switches), 3) if switches else None,
            "idle_p95_s": round(switches[min(len(switches) - 1, int(0.95 * len(switches)))], 3) if switches else None,
            "idle_p50_by_page_s": by_page,
            "run_mean_s": round(statistics.mean(results), 2) if results else None, "wall_s": round(wall, 1),
            "server_processes": len(pids), "rss_before_mb": round(before, 1), "peak_rss_mb": round(rss.peak, 1),
            "mb_per_session": round((rss.peak - before) / n, 1) if pids else None,
            "load_average": [round(load, 1), round(os.getloadavg()[0], 1)]}
