"""The small tables of a worked example, drawn as Markdown tables rather than interactive grids.

Why: every row of a worked example is there to be read, so none should hide behind a grid's inner scroll, and a
Markdown table is the cheapest table for the browser to draw. In headless Chromium on a 2-core machine, a grid
costs ~80 ms (its canvas is laid out and measured cell by cell) and a static ``st.table`` ~17 ms, while a Markdown
table costs next to nothing. The grids → ``st.table`` step took the switches to Architecture 0.73 → 0.41–0.43 s,
Forward 0.88 → 0.61 s and Backprop 0.91 → 0.64–0.70 s (``python -m bench.ui_latency --rounds 2``); ``st.table``
→ Markdown took Forward 0.44 → 0.38 s and Backprop 0.56 → 0.50 s (untrained MLP, 4 switches each).

Every cell is escaped, so a value is shown as it is, never read as Markdown, a formula or an icon.
"""
import math
import numbers

import streamlit as st

DEFAULT_FLOAT = "%.6g"  # six significant digits, as the engine's numbers are given in the sentences around them
SPECIAL = set("\\`*_{}[]()#+-.!|$<>~:&=")  # read as Markdown, a $formula$, an :icon: or HTML, unless escaped


def cell_text(value, fmt=DEFAULT_FLOAT):
    """One cell as the table shows it: floats by the printf-style ``fmt``, integers whole, a gap (NaN or None)
    empty, anything else as its text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return fmt % float(value)
    return str(value)


def escaped(text):
    """``text`` as one literal table cell: every Markdown character escaped, line breaks as spaces."""
    return "".join("\\" + ch if ch in SPECIAL else ch for ch in " ".join(str(text).split()))


def markdown_table(frame, formats=None):
    """The Markdown of ``frame`` without its index; ``formats`` maps a column to its printf-style float format
    (the rest use ``DEFAULT_FLOAT``). Number columns are aligned right, the others left."""
    formats = formats or {}
    columns = list(frame.columns)
    header = "| " + " | ".join(escaped(c) for c in columns) + " |"
    rule = "|" + "|".join("--:" if frame[c].dtype.kind in "fiu" else ":--" for c in columns) + "|"
    rows = ["| " + " | ".join(escaped(cell_text(value, formats.get(c, DEFAULT_FLOAT)))
                              for c, value in zip(columns, row)) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def worked_table(frame, formats=None, where=st):
    """Draw ``frame`` as a Markdown table in ``where`` (see ``markdown_table``)."""
    where.markdown(markdown_table(frame, formats))
