"""Click-to-explain, one component for every page: a click on a cell of a chart that shows z, a, δ, a gradient
or an attention weight picks that cell, and a small panel explains it — the value, its rule with the
operands' numbers, and the NumPy lines in ``nnlab/engine`` that computed it, read from the engine's source
(``nnlab.lab.engine_source``), so the code shown is the code that ran.

How a click arrives: the chart carries an Altair point selection (``select=`` of the viz functions); it is
drawn with ``on_select`` and a ``key``, and the callback (run before the rerun) writes the clicked cell into
the session under that key's ``_picked``. Pages keep a cell's index in number inputs, which a click moves
(``index_inputs``), so every cell can also be chosen without a mouse, and tests choose cells the same way.
"""
from functools import partial

import numpy as np
import streamlit as st

from ...i18n import _
from ...lab.engine_source import QUANTITIES, explain_source
from ..state import EXPLAIN_PICKS
from .charts import show_chart, show_model_chart


def _clicked(key, on_pick):
    """The chart's selection event → ``on_pick(point)`` with the first selected point (a dict of fields)."""
    event = st.session_state.get(key) or {}
    for points in (event.get("selection") or {}).values():
        if points:
            on_pick(points[0])
            return


def show_clickable(where, chart, key, on_pick, *, version=None, **kwargs):
    """Draw ``chart`` (with point selections) through ``show_chart``; a click calls ``on_pick(point)``.

    version : for a chart of the session's model, what else it shows (the sample, the picked cell …); then
    ``chart`` is a function that builds it, called only when the model or ``version`` changed
    (``show_model_chart``), so a rerun that changed neither converts no chart."""
    kwargs.setdefault("width", "content")
    if version is not None:
        return show_model_chart(where, key, chart, version=version, key=key,
                                on_select=partial(_clicked, key, on_pick), **kwargs)
    return show_chart(where, chart, key=key, on_select=partial(_clicked, key, on_pick), **kwargs)


def pick(name, what, index):
    """Remember that panel ``name`` explains ``what`` at ``index`` (from a click's callback)."""
    st.session_state.setdefault(EXPLAIN_PICKS, {})[name] = (what, tuple(int(i) for i in index))


def picked(name, default=None):
    """(what, index) panel ``name`` explains: the last cell picked, else ``default``."""
    return st.session_state.get(EXPLAIN_PICKS, {}).get(name, default)


def set_index(key, index):
    """Move the number inputs of ``index_inputs(key, …)`` to ``index`` (call from a click's callback)."""
    for axis, i in enumerate(index):
        st.session_state[f"{key}_{axis}"] = int(i)


def index_inputs(key, shape, names, default=None, where=None):
    """One number input per axis of ``shape`` (labelled by ``names``), returning the chosen index.

    The values live in the session under ``<key>_<axis>``; a value outside a (new) shape is brought inside,
    and ``default`` is the index before anything was chosen."""
    where = where or st
    default = default or (0,) * len(shape)
    cols = where.columns(len(shape))
    out = []
    for axis, (n, name, col) in enumerate(zip(shape, names, cols)):
        k = f"{key}_{axis}"
        value = st.session_state.get(k, int(default[axis]))
        st.session_state[k] = int(np.clip(value, 0, n - 1))
        out.append(int(col.number_input(_("{name} (0 … {last})", name=name, last=n - 1), 0, n - 1, key=k)))
    return tuple(out)


def panel(explanation, where=None):
    """The explanation of one number (``nnlab.lab.explain_cell.Explanation``) in a bordered box."""
    box = (where or st).container(border=True)
    box.markdown(_("**{title}** = {value}", title=explanation.title, value=f"`{explanation.value:.6g}`"))
    for line in explanation.lines:
        box.latex(line)
    if explanation.reproduced is not None:
        box.caption(_("Worked out from the numbers above: {mine:.6g}; the engine's number: {engine:.6g} "
                      "(difference {diff:.1e}).", mine=explanation.reproduced, engine=explanation.value,
                      diff=abs(explanation.reproduced - explanation.value)))
    source(explanation.quantities, box)


def source(quantities, where):
    """The engine's lines for each quantity, as a code block per function, with the file and line numbers."""
    for quantity in quantities:
        try:
            places = explain_source(quantity)
        except LookupError:
            where.caption(_("The engine's code for {what} is not marked yet.", what=_(QUANTITIES[quantity])))
            continue
        for place in places:
            first, last = place.lines[0][0], place.lines[-1][0]
            lines = f"{first}" if first == last else f"{first}–{last}"
            where.caption(_("{what} — `{path}` line {lines}, in `{function}`:", what=_(QUANTITIES[quantity]),
                            path=place.path, lines=lines, function=place.function))
            where.code("\n".join(code.strip() for _n, code in place.lines), language="python")
