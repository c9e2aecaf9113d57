"""A training session without a browser: a client that speaks Streamlit's own websocket protocol to the server,
as the browser does, and draws nothing — ``bench/load.py --browsers N --protocol-trainers`` uses one for each of
the N − 1 training sessions.

Why: on the two-core bench machine, N Chromium renderers take most of the CPU the server needs (about four
fifths at N = 10), so a Chromium-only class measures the bench machine's browsers, not the server. In a class
each student's browser draws on the student's own computer; the server's work is the same either way: it runs
each session's script and sends every element, chart spec and live update over the websocket. This client
receives and parses all of it (so the server's send queue never backs up) and answers like the browser: the
first message asks for the page with the link's query string, a click is the button's trigger value in the
next rerun request, with the query string the server last set.

Each client may connect from its own loopback address (127.0.k.1; Linux routes all of 127/8 to this machine),
so that a load balancer keyed on the client's address sees a class of computers, not one.

What it leaves out: widgets' values other than the click (the server keeps their last values), the timed
fragment reruns a browser sends while a page is idle (the trainers are never idle for long), and rendering.
"""
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState


def _rerun(query, page_name, widgets=()):
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page_name
    msg.rerun_script.widget_states.widgets.extend(widgets)
    return msg.SerializeToString()


def _text(element):
    """The words an element shows, for the kinds the bench waits for ("" for any other)."""
    kind = element.WhichOneof("type")
    if kind in ("markdown", "alert", "text"):
        return getattr(element, kind).body
    return ""


class ProtocolSession:
    """One browser session on ``url`` (http://host:port), opened on ``page`` with ``query``."""

    def __init__(self, ws, page, query):
        self.ws, self.page, self.query = ws, page, query
        self.buttons = {}  # label → widget id, from every button the server sent

    @classmethod
    async def open(cls, url, page, query, client=None):
        """``client``: a loopback source address (127.x.y.z) to connect from, so that a load balancer keyed on
        the client's address (nginx's ip_hash, on its first three bytes) sees several computers."""
        ws = await websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                      origin=url, max_size=None, ping_interval=None,
                                      local_addr=(client, 0) if client else None)
        session = cls(ws, page, query)
        await ws.send(_rerun(query, page))
        await session.until_finished()
        return session

    async def _next(self):
        msg = ForwardMsg()
        msg.ParseFromString(await self.ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "button":
                self.buttons[element.button.label] = element.button.id
            return kind, _text(element)
        return kind, ""

    async def until_finished(self):
        """Read until the script run ends."""
        while (await self._next())[0] != "script_finished":
            pass

    async def until_text(self, words):
        """Read until an element showing ``words`` arrives; returns its whole text."""
        while True:
            kind, text = await self._next()
            if words in text:
                return text

    async def click(self, label):
        await self.ws.send(_rerun(self.query, self.page, [WidgetState(id=self.buttons[label], trigger_value=True)]))

    async def close(self):
        await self.ws.close()


async def train(url, query, epochs, start, client=None):
    """Open Training from the link ``query`` (from the address ``client``), wait for ``start`` (an
    asyncio.Event), click Train and wait for "Trained … epochs in"; returns (the seconds from the click, that
    text)."""
    session = await ProtocolSession.open(url, "training", query, client)
    try:
        await start.wait()
        t0 = time.perf_counter()
        await session.click(f"Train {epochs} epochs")
        text = await session.until_text(f"Trained {epochs} epochs in")
        return time.perf_counter() - t0, text
    finally:
        await session.close()


def train_once(url, query, epochs, client=None):
    """One run at once (for a test): (seconds, the outcome's text). In a thread of its own, so that it works
    beside a running event loop too (Playwright's sync API keeps one in the caller's thread)."""
    async def run():
        start = asyncio.Event()
        start.set()
        return await train(url, query, epochs, start, client)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()
