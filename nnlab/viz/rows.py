"""How many rows a chart may carry, and how long series are thinned to fit.

Altair embeds every row of a chart's data in the page, so every chart stays under ``MAX_ROWS``.
"""
import numpy as np

MAX_ROWS = 5000


def thin_indices(n, max_rows):
    """Indices of about ``max_rows`` of ``n`` rows, evenly spread; the first and the last always kept (so a
    curve reaches the present)."""
    if n <= max_rows:
        return np.arange(n)
    return np.unique(np.r_[np.linspace(0, n - 1, max_rows).astype(int), n - 1])


def downsample(frame, max_rows=MAX_ROWS):
    """Every k-th row of ``frame`` (``thin_indices``), so a chart stays under ``max_rows``."""
    if len(frame) <= max_rows:
        return frame
    return frame.iloc[thin_indices(len(frame), max_rows)]
