"""Axes a person can read: powers of ten on log scales, percentages that never repeat, whole epochs, class names
that all show.

Vega picks ticks by itself, and on some data its choices mislead: a log axis of gradient norms labelled
"1e+1, 4e+0, 2e+0, 5e-1", an accuracy axis "11 %, 10 %, 10 %, 9 %" (ticks 0.5 % apart printed without
decimals), "1.000000" under a single epoch, and band axes whose long class names collide and are hidden
(Streamlit's theme turns ``labelOverlap`` on: three of ten Fashion-MNIST classes were left). Each helper
below takes the data the axis will show and returns an ``alt.Axis`` whose ticks are chosen here.
"""
import math

import altair as alt
import numpy as np

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
MAX_DECADES = 8  # log ticks at most; more decades are labelled every 2nd, 3rd … power
CHAR_PX = 7  # about one character of a 12 px label
MAX_EPOCH_TICKS = 12


def power_labels(exponents):
    """Labels of the powers 10**k, one style per axis: "0.001" … "1,000" when every k is within −3…3, else
    "10⁻⁵" … "10⁰" … "10²" for all of them."""
    if all(-3 <= k <= 3 for k in exponents):
        return [f"{10.0 ** k:,.{max(0, -k)}f}" for k in exponents]
    return ["10" + str(k).translate(SUPERSCRIPT) for k in exponents]


def log_axis(values, **axis):
    """An axis for a log scale with a tick at each power of ten spanning ``values`` (positive, finite ones),
    labelled ``power_labels``; over more than MAX_DECADES decades every k-th power. ``axis``: more
    ``alt.Axis`` settings (title …)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return alt.Axis(**axis)
    lo, hi = math.floor(math.log10(v.min())), math.ceil(math.log10(v.max()))
    step = max(1, math.ceil((hi - lo + 1) / MAX_DECADES))
    exponents = list(range(lo - lo % step, hi + 1, step))
    # Each tick's text is looked up by its exponent, so the printed label is exactly ``power_labels``'s.
    label = " : ".join(f"round(log(datum.value) / LN10) == {k} ? '{text}'"
                       for k, text in zip(exponents, power_labels(exponents))) + " : ''"
    return alt.Axis(values=[10.0 ** k for k in exponents], labelExpr=label, **axis)


def percent_axis(**axis):
    """Percentages with as many decimals as the ticks need ("9.5%, 10%, 10.5%", never "10%, 10%")."""
    return alt.Axis(format="~%", **axis)


def epoch_axis(epochs, **axis):
    """Whole epochs (or training steps): every epoch as a tick up to MAX_EPOCH_TICKS of them (one epoch: "1",
    not "1.000000"; three steps: "1, 2, 3", not "1.0, 1.5 … 3.0"), beyond that every 2nd, 5th, 10th … epoch
    (Vega's own ticks fall on half epochs: ``tickMinStep`` is not honoured under Streamlit's autosize)."""
    epochs = sorted({int(e) for e in epochs})
    if not epochs:
        return alt.Axis(**axis)
    if len(epochs) <= MAX_EPOCH_TICKS:
        return whole_axis(epochs, **axis)
    step = math.ceil((epochs[-1] - epochs[0]) / MAX_EPOCH_TICKS)
    nice = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10**9) if s >= step)
    return whole_axis(list(range(nice * math.ceil(epochs[0] / nice), epochs[-1] + 1, nice)), **axis)


def whole_axis(values, **axis):
    """Ticks at these whole numbers, labelled "1", "2", "1,000". The label is formatted in ``labelExpr``, not by
    ``format="d"``: with explicit ``values`` and ``format="d"`` the Vega in Streamlit's frontend (Chromium) drew
    only "1" and "3" of the ticks 1, 2, 3 (vl-convert drew all three), whatever the width and overlap settings."""
    return alt.Axis(values=values, labelExpr="format(datum.value, ',d')", **axis)


def count_axis(largest, **axis):
    """Counts: whole numbers only. Up to 10, every integer is a tick (Vega would put ticks at 0.5 and print
    them rounded, "0, 1, 1"); beyond, Vega's own ticks are whole numbers already."""
    largest = int(largest)
    if largest <= 10:
        return whole_axis(list(range(largest + 1)), **axis)
    return alt.Axis(format=",d", **axis)


def category_axis(names, step_px, **axis):
    """A band axis where every name shows: horizontal while the longest fits its band of ``step_px`` pixels,
    else at −45° (and, when even that collides, −90°); overlap removal off, names up to 160 px."""
    longest = max((len(str(n)) for n in names), default=0) * CHAR_PX
    angle = 0 if longest <= step_px - 4 else (-45 if step_px >= 16 else -90)
    return alt.Axis(labelAngle=angle, labelOverlap=False, labelLimit=160,
                    labelAlign="center" if angle == 0 else "right", **axis)


def nice_ticks(lo, hi, count=5):
    """``count`` to 2·``count`` round values (steps of 1, 2 or 5 × a power of ten) within [lo, hi], for both axes of a
    chart whose axes must read alike (predicted against true), where Vega would choose each axis's own."""
    if not hi > lo:
        return [lo]
    raw = (hi - lo) / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = max(m * power for m in (1, 2, 5) if m * power <= raw)
    first = math.ceil(lo / step)
    return [round(k * step, 12) for k in range(first, math.floor(hi / step) + 1)]
