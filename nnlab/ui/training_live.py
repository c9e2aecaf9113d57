"""The live training loop of the Training page: buttons, progress, and charts redrawn as records arrive.

How Stop works in Streamlit: clicking any button while the script runs makes Streamlit interrupt the
running script at its next ``st.*`` call and start it again. So the loop never keeps anything only in
local variables: the network is trained in place (it lives in ``st.session_state``), the
TrainingSession appends every record to the History the moment it arrives, and a ``state.RUNNING`` flag
marks a run in progress. The next run finds the flag still set, knows the loop was interrupted, and says so; the
model and the curves so far are kept. Training only ever starts on a Train click, never on a rerun.
This relies on ``runner.fastReruns = false`` (.streamlit/config.toml): with fast reruns Streamlit would
start the next run at once while the interrupted thread could still take one more step.

Streamlit's own Stop (the header's) ends the script without a rerun, which would leave the last progress
line ("about 81 s left") on the page; a small fragment drawn with the run reruns the page a moment later
when it finds the flag still set, so that Stop ends the run exactly like the page's own. A run that finishes
reruns the page too, which draws its outcome and clears the fragment's timer.

Live updates are one moment each: every tick writes the progress line, the headline numbers, the curves
and the decision boundary from the history as it is at that instant. The first tick comes ``FIRST_TICK_S``
into the run, the next every ``EVERY_S``, or further apart when drawing would take more than ``MAX_SHARE`` of
the training time (judged by the cheaper of the last two ticks). A tick sends rows, not charts: the curves' specs
are made once per run and the browser updates their data in place.
"""
import time
from functools import partial

import numpy as np
import streamlit as st

from ..data.augment import make_augmenter
from ..engine import ErrorRecord, batch_process
from ..i18n import _, language, ngettext
from ..lab.history import epoch_long_frame
from ..lab.inspect import decision_grid
from ..viz import boundary, curves
from . import state, workers
from ..viz.network_diagram import can_draw
from .widgets import unit_map_view
from .run_slot import run_slot
from . import kept_run
from .widgets.charts import show_model_chart, show_model_chart_rows
from .widgets.vega_spec import vega_lite_spec

FIRST_TICK_S = 0.1  # the first live update: soon after the click, but not for a run that is over by then
EVERY_S = 0.5  # live updates twice a second (0.4 s drew 2.4 a second, but a browser on the same two cores
# then slowed training to 1.5–1.6 × a run without a page, against 1.3 × at 0.5 s: bench/ui_latency.py) ...
MAX_SHARE = 0.1  # ... unless drawing would then take more than a tenth of the run
LIVE_ROWS = 600  # rows of the live batch-loss chart (raw + smoothed); the browser redraws it on every tick
FINAL_ROWS = 1200  # ... and once the run is over (a third of the page wide: more rows add nothing visible)
STOP_CHECK_S = 1.0  # how soon after the header's Stop the page says the run stopped


def _thinning_note(hist):
    """The batch-loss chart's subtitle once a long run's steps are thinned (``lab.step_log``), else None."""
    log = hist.step_log
    if not log.thinned:
        return None
    return _("{kept:,} of {n:,} batches shown: one in {every}, each stretch's lowest and highest, the last {tail}; "
             "the smoothed curve averages them all.", kept=len(hist), n=log.n_added, every=log.stride,
             tail=log.tail.maxlen)


def _set_outcome(hist, kind, message, notes=()):
    """``message``: its text, or a function that writes it in the language of the moment (the outcome stays on the
    page when the user switches language); ``notes``: (kind, text or such a function) pairs said of the run itself
    (its augmentation), shown under the outcome."""
    st.session_state[state.OUTCOME] = {"history": hist, "kind": kind, "message": message, "notes": tuple(notes)}


def check_interrupted(hist):
    """If the previous script run was training when it was interrupted (Stop, or any other click),
    record that; the model and history already hold everything up to the last finished step."""
    running = st.session_state.pop(state.RUNNING, None)
    if running is None or running["history"] is not hist:
        return
    notes = running.get("notes", ())
    if hist.steps:
        last = hist.steps[-1]
        _set_outcome(hist, "stopped", partial(_stopped_text, hist.last_epoch, last.epoch, last.step), notes)
    else:
        _set_outcome(hist, "stopped", lambda: _("Stopped before the first step; the model is unchanged."), notes)


def _stopped_text(epochs_done, epoch, step):
    return ngettext("Stopped at epoch {epoch}, step {step:,}; the model keeps what it learned ({n} epoch completed in "
                    "all). Press Train to continue.",
                    "Stopped at epoch {epoch}, step {step:,}; the model keeps what it learned ({n} epochs completed in "
                    "all). Press Train to continue.", epochs_done, epoch=epoch, step=step)


@st.fragment(run_every=STOP_CHECK_S)
def _watch_for_header_stop():
    """Drawn with a run, before its flag is set. Its timed reruns never run while the page's script does, so
    finding the running flag then means the run ended without a rerun (the header's Stop): rerun the page,
    which then says so."""
    if st.session_state.get(state.RUNNING) is not None:
        st.rerun(scope="app")


def show_outcome(hist, where):
    """The last run's result (stopped / diverged / finished) in the placeholder ``where``, while it
    still belongs to this history."""
    outcome = st.session_state.get(state.OUTCOME)
    if not outcome or outcome["history"] is not hist:
        where.empty()
        return
    box = where.container()
    show = {"stopped": box.warning, "error": box.error, "done": box.success}[outcome["kind"]]
    show(_text(outcome["message"]), icon={"stopped": ":material/pause_circle:", "error": ":material/error:",
                                   "done": ":material/check_circle:"}[outcome["kind"]])
    _notes(box, outcome.get("notes", ()))


def _notes(box, notes):
    for kind, text in notes:
        (box.warning if kind == "warning" else box.caption)(_text(text))


def _text(message):
    return message() if callable(message) else message


def controls(cfg):
    """Train / Stop / Reset buttons in one row; returns True when Train was clicked."""
    c1, c2, c3, c4 = st.columns([1.3, 0.8, 1.2, 3])
    clicked = c1.button(ngettext("Train {n} epoch", "Train {n} epochs", cfg.epochs), key="tr_train",
                        type="primary", icon=":material/play_arrow:",
                        help=_("Train from the current weights with the sidebar's settings (epochs, optimiser, "
                               "learning rate, batch size). A second click continues training."))
    c2.button(_("Stop"), key="tr_stop", icon=":material/stop:",
              help=_("Stop training; the model keeps what it has learned so far."))
    c3.button(_("Reset weights"), key="tr_reset", icon=":material/restart_alt:", on_click=state.reset_model,
              args=(_("Training reset: a fresh, untrained model with the same settings."),),
              help=_("Forget the training so far and start again from freshly initialised weights."))
    c4.caption(_("Each click trains from the current weights, so a second click continues; **Reset weights** "
                 "starts again from a fresh initialisation."))
    return clicked


def boundary_title(hist):
    """The decision boundary's moment in its title: after whole epochs, or at a step inside one."""
    if not hist.steps:
        return _("Decision boundary (untrained)")
    last = hist.steps[-1]
    if hist.epochs and hist.epochs[-1].step == last.step:
        return ngettext("Decision boundary after {n} epoch", "Decision boundary after {n} epochs", hist.last_epoch)
    return _("Decision boundary at step {step:,} (during epoch {epoch})", step=last.step, epoch=last.epoch)


class LiveView:
    """The placeholders the loop redraws: progress, headline numbers, learning curves, and for 2-D
    data the decision boundary. ``draw`` fills them from a History; the loop and a plain rerun share it."""

    def __init__(self, dataset):
        self.data = dataset
        self.held_label = dataset.held_out()[2]
        self.is_2d = dataset.n_features == 2 and dataset.task == "classification"
        self.outcome = st.empty()
        self.progress = st.empty()
        self.metrics = [col.empty() for col in st.columns(4)]  # fixed slots: no layout rebuilt on redraw
        if self.is_2d:
            left, right = st.columns([1, 1.15])
            self.boundary = left.empty()
            self.batch = right.empty()
            r1, r2 = right.columns(2)
            self.loss, self.acc = r1.empty(), r2.empty()
            self.units = st.empty()  # the network with each unit's map over the plane (unit_map_view)
        else:
            c1, c2, c3 = st.columns(3)
            self.batch, self.loss, self.acc = c1.empty(), c2.empty(), c3.empty()
            self.boundary = self.units = None
        self._epochs_drawn = None  # epochs the per-epoch curves show (a live tick redraws them only when new)
        self.planned = None  # (last step, last epoch) the running run will reach: the live curves' x axes end there

    def draw(self, hist, net, live=False):
        """Everything from ``hist`` and ``net`` as they are now: one moment on every element. The curves are
        drawn in one form live and after the run — a spec kept without data, the rows sent beside it — so that the
        browser updates their data in place rather than building each chart anew on every tick and at the end."""
        self._metrics(hist)
        if hist.steps and live:
            self._live_batch(hist)
        elif hist.steps and _thinning_note(hist) is None:
            show_model_chart_rows(self.batch, "tr_batch", lambda: _batch_parts(hist), width="stretch")
        elif hist.steps:  # a long run's thinned steps: the note in the subtitle makes it another chart
            show_model_chart(self.batch, "tr_batch", lambda: curves.batch_loss_chart(
                curves.batch_loss_frame(hist, max_rows=FINAL_ROWS), note=_thinning_note(hist)), width="stretch")
        else:
            self.batch.info(_("No training yet: press **Train** to start. The curves draw themselves as the "
                              "network learns."))
        if not (live and self._epochs_drawn == len(hist.epochs)):
            self._epoch_curves(hist, live)
        self._boundary(net, hist)

    def _live_batch(self, hist):
        """A live tick's batch-loss chart: this moment's rows (thinned to LIVE_ROWS) in the kept spec, so a tick
        costs no Altair work and the browser gets the same chart with new data."""
        frame = curves.batch_loss_frame(hist, max_rows=LIVE_ROWS)
        self.batch.vega_lite_chart(frame, spec=curves.spec_up_to(_batch_template(frame), self.planned[0]),
                                   width="stretch")

    def _epoch_curves(self, hist, live):
        self._epochs_drawn = len(hist.epochs)
        if not hist.epochs:
            return
        frame = epoch_long_frame(hist.epochs, self.held_label)
        for slot, metric, key in ((self.loss, "loss", "tr_loss"), (self.acc, "accuracy", "tr_acc")):
            if metric == "loss" or (frame["metric"] == metric).any():
                if live:  # no Altair chart at all on a tick
                    rows = curves.epoch_rows(frame, metric)
                    spec = curves.spec_up_to(_epoch_template(frame, metric, rows), self.planned[1])
                    slot.vega_lite_chart(rows, spec=spec, width="stretch")
                else:
                    show_model_chart_rows(slot, key, partial(_epoch_parts, frame, metric), width="stretch")

    def _boundary(self, net, hist):
        if self.boundary is None:
            return
        x, y, names = self.data.x_train, self.data.y_train, self.data.class_names
        show_model_chart(self.boundary, "tr_boundary", lambda: boundary.boundary_chart(
            boundary.boundary_frame(*decision_grid(net, x), names), boundary.points_frame(x, y, names), names,
            self.data.feature_names, title=boundary_title(hist)), width="content")
        if can_draw(net):
            unit_map_view.draw(self.units, net, self.data)

    def _metrics(self, hist):
        if not hist.epochs:
            for slot in self.metrics:
                slot.empty()
            return
        last, prev = hist.epochs[-1], (hist.epochs[-2] if len(hist.epochs) > 1 else None)
        items = [(_("Epochs trained"), f"{last.epoch}", None, "normal"),
                 (_("Train loss"), f"{last.train_loss:.4f}", prev and f"{last.train_loss - prev.train_loss:+.4f}",
                  "inverse")]
        if last.val_loss is not None:  # the held-out part watched during training is the validation set
            items.append((_("Validation loss"), f"{last.val_loss:.4f}",
                          prev and prev.val_loss is not None and f"{last.val_loss - prev.val_loss:+.4f}", "inverse"))
        if last.val_acc is not None:
            items.append((_("Validation accuracy"), f"{last.val_acc:.2%}",
                          prev and prev.val_acc is not None and f"{100 * (last.val_acc - prev.val_acc):+.2f} pp",
                          "normal"))
        for slot, (label, value, delta, color) in zip(self.metrics, items):
            slot.metric(label, value, delta or None, delta_color=color)

    def show_progress(self, hist, run_step, run_steps, run_epoch, run_epochs, elapsed):
        """The progress line, counted like the history (and so like the numbers and charts beside it)."""
        left = elapsed / run_step * (run_steps - run_step) if run_step else 0
        last = hist.steps[-1]
        text = _("Epoch {epoch} ({run_epoch} of {run_epochs} in this run) · step {step:,} ({run_step:,} of "
                 "{run_steps:,} in this run) · {elapsed:.1f} s elapsed · about {left:.0f} s left",
                 epoch=last.epoch, run_epoch=run_epoch, run_epochs=run_epochs, step=last.step, run_step=run_step,
                 run_steps=run_steps, elapsed=elapsed, left=left)
        self.progress.progress(min(run_step / run_steps, 1.0), text=text)


_TEMPLATES = {}  # (chart, its shape, language) -> its spec without data: words and structure only, never changed once
# made, so every session may use them (a handful of entries)


def _template(key, build):
    template = _TEMPLATES.get(key)
    if template is None:
        template = _TEMPLATES[key] = curves.without_data(vega_lite_spec(build()))
    return template


def _batch_template(frame):
    """The batch-loss chart's spec without data (without a note: a live view's and a short run's)."""
    return _template(("batch", language()), lambda: curves.batch_loss_chart(frame))


def _epoch_template(frame, metric, rows):
    return _template(("epoch", metric, curves.epoch_chart_shape(rows), language()),
                     lambda: curves.epoch_chart(frame, metric))


def _batch_parts(hist):
    """(chart, rows, spec) of a finished short run's batch-loss chart, in its live form (``show_model_chart_rows``)."""
    frame = curves.batch_loss_frame(hist, max_rows=FINAL_ROWS)
    return curves.batch_loss_chart(frame), frame, curves.spec_up_to(_batch_template(frame), hist.n_steps)


def _epoch_parts(frame, metric):
    rows = curves.epoch_rows(frame, metric)
    last = int(rows["epoch"].max())
    return curves.epoch_chart(frame, metric), rows, curves.spec_up_to(_epoch_template(frame, metric, rows), last)


def _augmenter(dataset):
    """The Data page's on-the-fly augmentation for image datasets, or None; and what to say of it, as
    (kind, text) notes: a caption when it is on, a warning if it cannot apply to this dataset's image size."""
    config = st.session_state.get(state.AUGMENT)
    if config is None or config.is_identity or dataset.image_shape is None:
        return None, []
    try:
        augment = make_augmenter(config, dataset.image_shape)
    except ValueError as exc:
        return None, [("warning", lambda error=exc: _("Augmentation is off for this run: {error}", error=error))]
    workers.warm_up()  # started on the Data page already, unless the server restarted meanwhile
    return augment, [("caption", lambda: _("Augmenting each training batch on the fly: {how}", how=config.describe()))]


def run(session, dataset, cfg, view):
    """Train the session's network in place for ``cfg.epochs`` more epochs (its history numbering on from
    earlier runs), redrawing ``view`` as records arrive."""
    ss = st.session_state
    hist = session.history
    ss.pop(state.OUTCOME, None)
    augment, notes = _augmenter(dataset)
    _notes(view.outcome.container(), notes)  # where the outcome will be: said during the run too
    total = -(-len(dataset.x_train) // cfg.batch_size) * cfg.epochs
    view.planned = (hist.n_steps + total, hist.last_epoch + cfg.epochs)
    _watch_for_header_stop()  # before the flag: the fragment's first run is now, inline
    ss[state.RUNNING] = {"history": hist, "notes": notes}
    try:
        with run_slot(view.progress):  # at most a few runs at once on the server; the others wait in line
            records = kept_run.following(session, session.run(dataset, cfg, augment=augment), cfg)
            _consume(session, records, cfg, view, total, notes)
    except ValueError as exc:  # the optimiser's settings, or the trainer's checks of its inputs
        _set_outcome(hist, "error", lambda error=exc: _("Cannot train: {error}", error=error), notes)
    except batch_process.WorkerDied as exc:  # its words are in the language of the run
        _set_outcome(hist, "error", lambda error=exc: str(error), notes)
    finally:  # also when Stop or a closed tab interrupts the loop: the run is kept over a refresh
        kept_run.keep(session, cfg)
    # Not reached when Stop interrupts the loop: the flag then tells the next run (see the module doc).
    ss.pop(state.RUNNING, None)
    # A fresh run of the page draws the outcome and the final charts. It also ends the Stop watcher: the browser
    # keeps a fragment's timer until the next full run, and would otherwise rerun it every second, flashing
    # "running" in the header of a page that has finished.
    st.rerun(scope="app")


def _consume(session, records, cfg, view, total, notes):
    """Take the session's records as they come (already numbered and kept): redraw the view on every tick,
    and say how the run ended."""
    hist, net = session.history, session.net
    t0 = time.perf_counter()
    next_tick = t0 + FIRST_TICK_S
    costs = [0.0]  # the last ticks' drawing times: the smaller of the last two sets the pace, so one slow tick (the
    # first per-epoch curves, made once per run) does not hold back the next update
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported as an ErrorRecord
        for record in records:
            if isinstance(record, ErrorRecord):
                _set_outcome(hist, "error", record.message, notes)
                break
            now = time.perf_counter()
            if now < next_tick:
                continue
            done, epoch = session.in_run(record)
            view.show_progress(hist, done, total, epoch, cfg.epochs, now - t0)
            view.draw(hist, net, live=True)
            costs = [costs[-1], time.perf_counter() - now]
            next_tick = next_tick_at(now, costs)
        else:
            last = hist.epochs[-1]
            _set_outcome(hist, "done", partial(_trained_text, cfg.epochs, time.perf_counter() - t0, hist.last_epoch,
                                               last.val_acc), notes)


def next_tick_at(now, costs):
    """When the next live update is due after one at ``now``: ``EVERY_S`` later, or later still when drawing (the
    cheaper of the last two ticks' ``costs``) would take more than ``MAX_SHARE`` of the time between ticks."""
    return now + max(EVERY_S, min(costs) / MAX_SHARE)


def _trained_text(epochs, secs, total, acc):
    if acc is None:
        return ngettext("Trained {n} epoch in {secs:.2g} s ({total} in all).",
                        "Trained {n} epochs in {secs:.2g} s ({total} in all).", epochs, secs=secs, total=total)
    return ngettext("Trained {n} epoch in {secs:.2g} s ({total} in all), validation accuracy {acc:.2%}.",
                    "Trained {n} epochs in {secs:.2g} s ({total} in all), validation accuracy {acc:.2%}.",
                    epochs, secs=secs, total=total, acc=acc)
