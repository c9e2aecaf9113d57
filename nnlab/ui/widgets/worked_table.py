"""The small tables of a worked example, drawn as static tables (``st.table``) rather than interactive grids.

Why: every row of a worked example is there to be read, so none should hide behind a grid's inner scroll;
and a static table costs the browser about half as much to draw as the grid, whose canvas is laid out and
measured cell by cell (~80 ms a grid in headless Chromium on 2 cores). With these tables in place of the grids,
``python -m bench.ui_latency --rounds 2`` measured the switches to Architecture 0.73 → 0.41–0.43 s, Forward
0.88 → 0.61 s and Backprop 0.91 → 0.64–0.70 s.
"""
import functools
import math
import numbers

import streamlit as st

DEFAULT_FLOAT = "%.6g"  # six significant digits, as the engine's numbers are given in the sentences around them


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


def worked_table(frame, formats=None, where=st):
    """Draw ``frame`` without its index; ``formats`` maps a column to its printf-style float format (the rest
    use ``DEFAULT_FLOAT``). The data stays the frame's own values: only their display is formatted."""
    formats = formats or {}
    shown = {c: functools.partial(cell_text, fmt=formats.get(c, DEFAULT_FLOAT)) for c in frame.columns}
    styled = frame.style.format(shown)
    where.table(styled, hide_index=True)
