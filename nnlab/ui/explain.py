"""What the Explain pages share: the current model (or a message saying why there is none), each result
computed once per model state and kept in the user's session, progress bars for the computations that
report progress, the note on parameters a weight snapshot did not hold, and the note on a heavy model's
lighter settings.

A result is keyed by (view, fingerprint of the weights and the data, the view's settings): training, a new
model or other data change the fingerprint, so a stale result is never shown, and a rerun (any click)
finds the result it already has. Results live in ``st.session_state`` — each user's own — never in a
global cache, and only the latest ``MAX_RESULTS`` are kept.
"""
import streamlit as st

from ..i18n import _, ngettext
from ..lab.budget import LIGHT_COST, multiply_adds
from ..lab.compare import data_fingerprint
from ..lab.describe import training_status
from ..lab.inspect import weights_fingerprint
from . import state

MAX_RESULTS = 24


def status(data, hist):
    """The data and how trained the model is, in one caption."""
    st.caption(f"**{data.name}** · {training_status(hist)}")


def fingerprint(net, data):
    """Names the model state a result belongs to: the weights (and architecture) and the data."""
    return f"{weights_fingerprint(net)}:{data_fingerprint(data)}"


def _results():
    return st.session_state.setdefault(state.EXPLAIN_RESULTS, {})


def stored(view, key):
    """The result kept for ``view`` with ``key``, or None."""
    return _results().get((view, key))


def remember(view, key, result):
    """Keep ``result`` (newest last), forgetting the oldest beyond MAX_RESULTS; returns it."""
    results = _results()
    results.pop((view, key), None)
    results[(view, key)] = result
    while len(results) > MAX_RESULTS:
        del results[next(iter(results))]
    return result


def _compute(compute, *args):
    try:
        return compute(*args)
    except ValueError as exc:  # the lab refuses a request it cannot serve, by name
        st.warning(_("This view cannot be computed for this model: {problem}", problem=str(exc)))
        return None


def once(view, key, compute):
    """A light result: computed on first need, then served from the session. None if the lab refused."""
    found = stored(view, key)
    if found is not None:
        return found
    result = _compute(compute)
    return None if result is None else remember(view, key, result)


def on_request(view, key, label, compute, help=None, progress=True):
    """A heavy result: the kept one, or a button that computes it — with a progress bar, or a spinner for a
    computation that reports no progress (``progress=False``).

    compute : ``compute(progress)`` where ``progress(done, total)`` moves the bar. Returns the result, or None
    until the button is pressed.
    """
    found = stored(view, key)
    if found is not None:
        return found
    slot = st.empty()  # the button goes once its result is there
    if not slot.button(label, key=f"ex_run_{view}", type="primary", help=help):
        return None
    slot.empty()
    text = _("Computing…")
    if progress:
        bar = st.progress(0.0, text=text)
        result = _compute(compute, lambda done, total: bar.progress(min(1.0, done / max(total, 1)), text=text))
        bar.empty()
    else:
        with st.spinner(text):
            result = _compute(compute, None)
    return None if result is None else remember(view, key, result)


def from_current_note(missing):
    """Say which parameters a weight snapshot did not hold (the current model's values stood in)."""
    if missing:
        st.caption(ngettext(
            "The weight snapshot did not hold {n} parameter, so the current model's value stood in: {names}.",
            "The weight snapshots did not hold {n} parameters, so the current model's values stood in: {names}.",
            len(missing), names=", ".join(missing)))


def budget_note(net, detail):
    """For a model above ``budget.LIGHT_COST``, say that this page works with lighter settings and which
    (``detail``: a translated sentence naming them); nothing for a light model."""
    cost = multiply_adds(net)
    if cost > LIGHT_COST:
        st.caption(_("This model does {cost:,} multiply-adds per sample (more than {limit:,}), so this page uses "
                     "lighter settings to finish in a few seconds: {detail}", cost=cost, limit=LIGHT_COST,
                     detail=detail))
