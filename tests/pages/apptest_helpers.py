"""Shared AppTest helpers for the page tests: open a page, read its charts and data back.

One copy, so every page test reads Vega-Lite specs and Arrow data from the element protos the same way.
"""
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from PIL import Image, ImageDraw
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(page, preset=None, *, preset_first=False, timeout=120, epochs=None, **widgets):
    """Run the app, switch to ``page`` and choose ``preset``, then set ``epochs`` and ``widgets``.

    ``preset_first`` chooses the preset on the home page before switching (the CNN and attention pages
    need the fixed architecture in place when they first run).
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if preset and preset_first:
        at.selectbox(key="sb_preset").select(preset).run()
    at.switch_page(page)
    at.run()
    if preset and not preset_first:
        at.selectbox(key="sb_preset").select(preset).run()
    if epochs:
        at.number_input(key="sb_epochs").set_value(epochs).run()
    for key, value in widgets.items():
        at.session_state[key] = value
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_link(params, timeout=120):
    """A fresh session whose first request carries ``params`` (as a link opened in a new browser)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_title(spec):
    """A spec's title text (titles may be a string or a {"text": ...} dict), or None."""
    t = spec.get("title")
    return t.get("text") if isinstance(t, dict) else t


def vega_charts(at):
    """(title or "", spec, [data frames]) of every Vega-Lite chart on the page, read from the protos."""
    out = []
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in el.proto.datasets]
        if el.proto.HasField("data"):  # rows sent beside the spec (the Training page's curves: training_live)
            frames.insert(0, pa.ipc.open_stream(el.proto.data.data).read_all().to_pandas())
        out.append((chart_title(spec) or "", spec, frames))
    return out


def charts_by_title(at):
    """title -> (spec, [data frames]); a later chart with the same title replaces an earlier one."""
    return {title: (spec, frames) for title, spec, frames in vega_charts(at)}


def chart(at, start):
    """First data frame of the first chart whose title starts with ``start``."""
    shown = vega_charts(at)
    found = [frames[0] for title, _, frames in shown if title.startswith(start)]
    assert found, f"no chart titled {start!r}… among {[t for t, _, _ in shown]}"
    return found[0]


def texts(elements):
    return [e.value for e in elements]


def tables(at):
    """The data of every table on the page: interactive grids, then the Markdown tables of worked examples
    (``ui/widgets/worked_table``) read back into frames."""
    return [el.value for el in at.dataframe] + [frame for el in at.markdown
                                                 if (frame := markdown_frame(el.value)) is not None]


_ESCAPE = re.compile(r"\\(.)")


def markdown_frame(text):
    """A Markdown table (header, alignment rule, rows, as ``worked_table`` writes it) as a DataFrame of its cells'
    texts unescaped, each column of numbers as numbers and an empty cell as NaN; None for any other Markdown."""
    lines = text.split("\n")
    if len(lines) < 2 or not re.fullmatch(r"\|(:?-+:?\|)+", lines[1]):
        return None
    rows = [[_ESCAPE.sub(r"\1", cell.strip()) for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]
    frame = pd.DataFrame(rows[2:], columns=rows[0])
    frame = frame.where(frame != "", np.nan)
    for column in frame.columns:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.notna().sum() == frame[column].notna().sum():
            frame[column] = numbers
    return frame


def table_with(at, column):
    """The first table on the page that has ``column``."""
    return next(frame for frame in tables(at) if column in frame.columns)


def page_dataset(at):
    """The Dataset the page's config names (built-ins only), as the app's cache builds it."""
    from nnlab.ui.state import _cached_dataset, dataset_kind
    cfg = at.session_state["config"]
    if dataset_kind(cfg.dataset) == "2d":
        return _cached_dataset(cfg.dataset, cfg.n_samples, cfg.noise)
    return _cached_dataset(cfg.dataset, None, None)


def digit_png(stroke, size=120):
    """PNG bytes of a dark polyline ``stroke`` [(x, y), ...] on light paper, like a photo of a digit."""
    img = Image.new("L", (size, size), 235)
    draw = ImageDraw.Draw(img)
    draw.line(stroke, fill=20, width=12)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
