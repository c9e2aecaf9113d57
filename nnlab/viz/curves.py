"""Learning curves: the loss of every batch (raw and smoothed) and train/held-out loss and accuracy per epoch.

Frames are built from a History's records (the epoch frame by ``nnlab.lab.history.epoch_long_frame``);
charts take those frames, so tests can check the numbers a
chart carries. Long runs are thinned before they reach a chart (Altair embeds every row in the page).
"""
import copy
import functools

import altair as alt
import numpy as np
import pandas as pd

from ..i18n import N_, _
from .axes import epoch_axis, percent_axis
from .rows import MAX_ROWS, thin_indices
from .wrap import wrapped

RAW, SMOOTH = N_("batch loss"), N_("smoothed (EMA)")  # the two series, named in the language shown
# The parts of a dataset as the epoch frames name them (``split``), and as a legend shows them.
SPLITS = {"train": N_("train"), "validation": N_("validation"), "test": N_("test")}
LARGE_POINTS_UP_TO = 60  # epochs: up to this many, each epoch's point is drawn large


def shown_splits(frame):
    """``frame`` with its ``split`` codes ("train", "validation", "test") in the language shown."""
    return frame.assign(split=[_(SPLITS[s]) if s in SPLITS else s for s in frame["split"]])


def auto_beta(n_steps, stride=1):
    """EMA factor that averages over roughly n/50 steps (5 … 100): smooth for long runs, responsive for short.
    For a series of means over ``stride`` steps each, the same span counted in means (at least 1)."""
    span = max(int(np.clip(n_steps // 50, 5, 100)) / stride, 1)
    return 1 - 2 / (span + 1)


def ema(values, beta):
    """Bias-corrected exponential moving average (as TensorBoard smooths): the first points are not
    dragged towards zero. values : (n,) -> (n,)."""
    if not 0 <= beta < 1:
        raise ValueError(f"beta={beta!r}: the smoothing factor must be in [0, 1)")
    values = np.asarray(values, dtype=np.float64)
    out = np.empty_like(values)
    acc = 0.0
    for i, v in enumerate(values):
        acc = beta * acc + (1 - beta) * v
        out[i] = acc / (1 - beta ** (i + 1))
    return out


def batch_loss_frame(history, beta=None, max_rows=MAX_ROWS):
    """Long frame (step, epoch, series, loss): the batch losses the history kept and their EMA, each thinned
    to ``max_rows // 2`` rows. The EMA runs over every batch: over each step's loss while the history keeps
    them all, over the mean loss of each stretch of ``stride`` steps (``History.loss_means``) once it thins
    them, with its span counted in stretches. Made as arrays and turned into one DataFrame at the end: a live
    view makes it on every tick, and a frame per part cost it several milliseconds."""
    steps = history.steps
    cols = ["step", "epoch", "series", "loss"]
    if not steps:
        return pd.DataFrame(columns=cols)
    step = np.fromiter((r.step for r in steps), dtype=np.int64, count=len(steps))
    epoch = np.fromiter((r.epoch for r in steps), dtype=np.int64, count=len(steps))
    loss = np.fromiter((r.loss for r in steps), dtype=np.float64, count=len(steps))
    finite = np.isfinite(loss)
    means = history.loss_means()
    m_step = np.fromiter((m[0] for m in means), dtype=np.int64, count=len(means))
    m_epoch = np.fromiter((m[1] for m in means), dtype=np.int64, count=len(means))
    m_loss = np.fromiter((m[2] for m in means), dtype=np.float64, count=len(means))
    n_batches = int(sum(m[3] for m in means))
    smooth = ema(m_loss, auto_beta(n_batches, history.step_log.stride) if beta is None else beta)
    raw = _thinned((step[finite], epoch[finite], loss[finite]), max_rows // 2)
    smooth = _thinned((m_step, m_epoch, smooth), max_rows // 2)
    columns = {name: np.concatenate([r, s]) for name, r, s in zip(("step", "epoch", "loss"), raw, smooth)}
    columns["series"] = np.array([_(RAW)] * len(raw[0]) + [_(SMOOTH)] * len(smooth[0]), dtype=object)
    return pd.DataFrame(columns, columns=cols)


def _thinned(columns, max_rows):
    """The same evenly spread rows (``thin_indices``) of each of the equally long arrays ``columns``."""
    keep = thin_indices(len(columns[0]), max_rows)
    return [c[keep] for c in columns]


def batch_loss_chart(frame, title=None, height=300, note=None):
    """Raw batch losses as a faint line, the smoothed curve bold on top (``title``: default "Loss of each
    training batch"; ``note`` a subtitle, e.g. that a long run's batches are a sample)."""
    names = [_(RAW), _(SMOOTH)]
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=["#9ecae1", "#08519c"]),
                      legend=alt.Legend(orient="top", direction="horizontal"))
    title = title or _("Loss of each training batch")
    title = alt.TitleParams(title, subtitle=wrapped(note)) if note else title  # in lines: Vega would cut it
    return alt.Chart(frame, title=title).mark_line().encode(
        x=alt.X("step:Q", title=_("training step (batch)"), axis=epoch_axis(frame["step"])),
        y=alt.Y("loss:Q", title=_("loss"), scale=alt.Scale(zero=False)),
        color=color,
        strokeWidth=alt.StrokeWidth("series:N", scale=alt.Scale(domain=names, range=[1, 2.5]), legend=None),
        tooltip=[alt.Tooltip("series:N", title=_("series")), alt.Tooltip("step:Q", title=_("step")),
                 alt.Tooltip("epoch:Q", title=_("epoch")), alt.Tooltip("loss:Q", title=_("loss"), format=".4f")],
    ).properties(height=height)


def epoch_rows(frame, metric):
    """The rows ``epoch_chart`` draws: ``frame``'s ``metric`` ("loss" or "accuracy"), its splits as shown."""
    if metric not in ("loss", "accuracy"):
        raise ValueError(f"metric={metric!r}: choose 'loss' or 'accuracy'")
    return shown_splits(frame[frame["metric"] == metric])


def epoch_chart_shape(rows):
    """What of ``epoch_chart``'s spec depends on its rows besides the epoch ticks: while it stays the same, a live
    view may keep one spec and send new rows (``spec_up_to``)."""
    return tuple(dict.fromkeys(rows["split"])), rows["epoch"].nunique() <= LARGE_POINTS_UP_TO


def without_data(spec):
    """A chart's spec without its rows: the template a live view keeps, sending new rows beside it."""
    return {k: v for k, v in spec.items() if k not in ("data", "datasets")}


def spec_up_to(template, last):
    """``template`` (a curve's spec ``without_data``: ``batch_loss_chart``'s, or ``epoch_chart``'s for rows of the same
    ``epoch_chart_shape``) with its x axis fixed from 0 to ``last`` (step or epoch), whole-number ticks. A live
    view gives it the run's planned end, so the spec stays the same all run long and the browser only updates the
    rows sent beside it; the finished run's chart, drawn up to where it ended, is the same spec. The spec shares
    nothing with the template, which stays as it was: the live view keeps templates for every session, and
    Streamlit edits the spec it is given (a legend title of null becomes " ")."""
    values = _axis_values(int(last))
    spec = copy.deepcopy(template)
    for view in spec.get("layer", [spec]):  # the copy is this call's own: fixed in place
        x = view["encoding"]["x"]
        x["axis"]["values"] = None if values is None else list(values)
        x["scale"] = {**x.get("scale", {}), "domain": [0, int(last)], "nice": False}
    return spec


@functools.lru_cache(maxsize=256)
def _axis_values(last):
    """``epoch_axis``'s tick values for 1 … ``last``, made once per ``last``: a live view asks on every tick, and
    building and checking an Altair axis costs a millisecond. A tuple, so no caller can change the kept one."""
    values = epoch_axis(range(1, last + 1)).to_dict().get("values")
    return None if values is None else tuple(values)


def epoch_chart(frame, metric, height=300):
    """Train vs held-out ``metric`` ("loss" or "accuracy") per epoch, lines with points."""
    data = epoch_rows(frame, metric)
    is_acc = metric == "accuracy"
    y_title = _("accuracy") if is_acc else _("loss")
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False),
              axis=percent_axis() if is_acc else alt.Axis())
    sets = list(dict.fromkeys(data["split"]))
    n_epochs = data["epoch"].nunique()
    base = alt.Chart(data).encode(
        x=alt.X("epoch:Q", title=_("epoch"), axis=epoch_axis(data["epoch"])),
        y=y,
        color=alt.Color("split:N", title=None, sort=sets, scale=alt.Scale(domain=sets, range=["#1f77b4", "#ff7f0e"]),
                        legend=alt.Legend(orient="top", direction="horizontal")),
        tooltip=[alt.Tooltip("split:N", title=_("set")), alt.Tooltip("epoch:Q", title=_("epoch")),
                 alt.Tooltip("value:Q", title=y_title, format=".2%" if is_acc else ".4f")],
    )
    points = base.mark_point(filled=True, size=40 if n_epochs <= LARGE_POINTS_UP_TO else 10)
    title = _("Accuracy per epoch") if is_acc else _("Loss per epoch")
    return alt.layer(base.mark_line(), points, title=title).properties(height=height)
