"""The live training loop of the Training page: buttons, progress, and charts redrawn as records arrive.

How Stop works in Streamlit: clicking any button while the script runs makes Streamlit interrupt the
running script at its next ``st.*`` call and start it again. So the loop never keeps anything only in
local variables: the network is trained in place (it lives in ``st.session_state``), the
TrainingSession appends every record to the History the moment it arrives, and a ``state.RUNNING`` flag
marks a run in progress. The next run finds the flag still set, knows the loop was interrupted, and says so; the
model and the curves so far are kept. Training only ever starts on a Train click, never on a rerun.
This relies on ``runner.fastReruns = false`` (.streamlit/config.toml): with fast reruns Streamlit would
start the next run at once while the interrupted thread could still take one more step.
"""
import time

import numpy as np
import streamlit as st

from ..data.augment import make_augmenter
from ..engine import EpochRecord, ErrorRecord
from ..i18n import _
from ..lab.history import epoch_long_frame
from ..lab.inspect import decision_grid
from ..viz import boundary, curves
from . import state
from ..viz.network_diagram import can_draw
from .widgets import unit_map_view
from .run_slot import run_slot
from .widgets.charts import show_chart

EPOCH_REDRAW_S = 1.0  # redraw the charts at the end of an epoch at most once a second …
STEP_REDRAW_S = 2.0  # … and within a long epoch every two seconds (browsers re-render every chart)
PROGRESS_S = 0.25
BOUNDARY_FRAMES = 30  # 2-D data: redraw the decision boundary about this often per run, to watch it form


def _epochs(n):
    return f"{n} epoch" if n == 1 else f"{n} epochs"


def _thinning_note(hist):
    """The batch-loss chart's subtitle once a long run's steps are thinned (``lab.step_log``), else None."""
    log = hist.step_log
    if not log.thinned:
        return None
    return _("{kept:,} of {n:,} batches shown: one in {every}, each stretch's lowest and highest, the last {tail}; "
             "the smoothed curve averages them all.", kept=len(hist), n=log.n_added, every=log.stride,
             tail=log.tail.maxlen)


def _set_outcome(hist, kind, message):
    st.session_state[state.OUTCOME] = {"history": hist, "kind": kind, "message": message}


def check_interrupted(hist):
    """If the previous script run was training when it was interrupted (Stop, or any other click),
    record that; the model and history already hold everything up to the last finished step."""
    running = st.session_state.pop(state.RUNNING, None)
    if running is None or running["history"] is not hist:
        return
    if hist.steps:
        last = hist.steps[-1]
        _set_outcome(hist, "stopped", f"Stopped at epoch {last.epoch}, step {last.step}; the model keeps what it "
                                      f"learned ({_epochs(hist.last_epoch)} completed in all). Press Train to "
                                      "continue.")
    else:
        _set_outcome(hist, "stopped", "Stopped before the first step; the model is unchanged.")


def show_outcome(hist, where):
    """The last run's result (stopped / diverged / finished) in the placeholder ``where``, while it
    still belongs to this history."""
    outcome = st.session_state.get(state.OUTCOME)
    if not outcome or outcome["history"] is not hist:
        where.empty()
        return
    show = {"stopped": where.warning, "error": where.error, "done": where.success}[outcome["kind"]]
    show(outcome["message"], icon={"stopped": ":material/pause_circle:", "error": ":material/error:",
                                   "done": ":material/check_circle:"}[outcome["kind"]])


def controls(cfg):
    """Train / Stop / Reset buttons in one row; returns True when Train was clicked."""
    c1, c2, c3, c4 = st.columns([1.3, 0.8, 1.2, 3])
    clicked = c1.button(f"Train {_epochs(cfg.epochs)}", key="tr_train", type="primary",
                        icon=":material/play_arrow:",
                        help="Train from the current weights with the sidebar's settings (epochs, optimiser, "
                             "learning rate, batch size). A second click continues training.")
    c2.button("Stop", key="tr_stop", icon=":material/stop:",
              help="Stop training; the model keeps what it has learned so far.")
    c3.button("Reset weights", key="tr_reset", icon=":material/restart_alt:", on_click=state.reset_model,
              args=("Training reset: a fresh, untrained model with the same settings.",),
              help="Forget the training so far and start again from freshly initialised weights.")
    c4.caption("Each click trains from the current weights, so a second click continues; **Reset weights** "
               "starts again from a fresh initialisation.")
    return clicked


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

    def draw(self, hist, net):
        self.draw_curves(hist)
        self.draw_boundary(hist, net)

    def draw_curves(self, hist):
        self._metrics(hist)
        epochs = epoch_long_frame(hist.epochs, self.held_label)
        if hist.steps:
            show_chart(self.batch, curves.batch_loss_chart(curves.batch_loss_frame(hist), note=_thinning_note(hist)),
                       width="stretch")
        else:
            self.batch.info("No training yet: press **Train** to start. The curves draw themselves as the "
                            "network learns.")
        if len(epochs):
            show_chart(self.loss, curves.epoch_chart(epochs, "loss"), width="stretch")
            if (epochs["metric"] == "accuracy").any():
                show_chart(self.acc, curves.epoch_chart(epochs, "accuracy"), width="stretch")

    def draw_boundary(self, hist, net):
        if self.boundary is not None:
            x, y = self.data.x_train, self.data.y_train
            cells = boundary.boundary_frame(*decision_grid(net, x), self.data.class_names)
            title = f"Decision boundary after {_epochs(hist.last_epoch)}" if hist.epochs else \
                "Decision boundary (untrained)"
            show_chart(self.boundary, boundary.boundary_chart(
                cells, boundary.points_frame(x, y, self.data.class_names), self.data.class_names,
                self.data.feature_names, title=title), width="content")
            if can_draw(net):
                unit_map_view.draw(self.units, net, self.data)

    def _metrics(self, hist):
        if not hist.epochs:
            for slot in self.metrics:
                slot.empty()
            return
        last, prev = hist.epochs[-1], (hist.epochs[-2] if len(hist.epochs) > 1 else None)
        items = [("Epochs trained", f"{last.epoch}", None, "normal"),
                 ("Train loss", f"{last.train_loss:.4f}", prev and f"{last.train_loss - prev.train_loss:+.4f}",
                  "inverse")]
        if last.val_loss is not None:
            items.append((f"{self.held_label.capitalize()} loss", f"{last.val_loss:.4f}",
                          prev and prev.val_loss is not None and f"{last.val_loss - prev.val_loss:+.4f}", "inverse"))
        if last.val_acc is not None:
            items.append((f"{self.held_label.capitalize()} accuracy", f"{last.val_acc:.2%}",
                          prev and prev.val_acc is not None and f"{100 * (last.val_acc - prev.val_acc):+.2f} pp",
                          "normal"))
        for slot, (label, value, delta, color) in zip(self.metrics, items):
            slot.metric(label, value, delta or None, delta_color=color)


def _progress(view, done, total, epoch, epochs, t0):
    elapsed = time.perf_counter() - t0
    eta = elapsed / done * (total - done) if done else 0
    text = (f"This run: epoch {epoch}/{epochs} · step {done:,}/{total:,} · {elapsed:.1f} s elapsed · "
            f"about {eta:.0f} s left")
    view.progress.progress(min(done / total, 1.0), text=text)


def _augmenter(dataset):
    """The Data page's on-the-fly augmentation for image datasets, or None (with a warning if it
    cannot apply to this dataset's image size)."""
    config = st.session_state.get(state.AUGMENT)
    if config is None or config.is_identity or dataset.image_shape is None:
        return None
    try:
        augment = make_augmenter(config, dataset.image_shape)
    except ValueError as exc:
        st.warning(f"Augmentation is off for this run: {exc}")
        return None
    st.caption(f"Augmenting each training batch on the fly: {config.describe()}")
    return augment


def run(session, dataset, cfg, view):
    """Train the session's network in place for ``cfg.epochs`` more epochs (its history numbering on from
    earlier runs), redrawing ``view`` as records arrive."""
    ss = st.session_state
    hist = session.history
    ss.pop(state.OUTCOME, None)
    held = dataset.held_out()[2]
    augment = _augmenter(dataset)
    total = -(-len(dataset.x_train) // cfg.batch_size) * cfg.epochs
    ss[state.RUNNING] = {"history": hist}
    try:
        with run_slot(view.progress):  # at most a few runs at once on the server; the others wait in line
            _consume(session, session.run(dataset, cfg, augment=augment), cfg, view, total, held)
    except ValueError as exc:  # the optimiser's settings, or the trainer's checks of its inputs
        _set_outcome(hist, "error", f"Cannot train: {exc}")
    # Not reached when Stop interrupts the loop: the flag then tells the next run (see the module doc).
    ss.pop(state.RUNNING, None)
    view.progress.empty()
    show_outcome(hist, view.outcome)
    view.draw(hist, session.net)


def _consume(session, records, cfg, view, total, held):
    """Take the session's records as they come (already numbered and kept): report progress, redraw
    (throttled), and say how the run ended."""
    hist, net = session.history, session.net
    t0 = last_progress = time.perf_counter()
    last_draw = t0 - EPOCH_REDRAW_S  # draw at the first epoch's end, however quick it is
    frame_every = -(-cfg.epochs // BOUNDARY_FRAMES)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported as an ErrorRecord
        for record in records:
            if isinstance(record, ErrorRecord):
                _set_outcome(hist, "error", record.message)
                break
            done, epoch = session.in_run(record)
            now = time.perf_counter()
            if now - last_progress >= PROGRESS_S:
                _progress(view, done, total, epoch, cfg.epochs, t0)
                last_progress = now
            epoch_end = isinstance(record, EpochRecord)
            gap = now - last_draw
            if gap >= STEP_REDRAW_S or (epoch_end and gap >= EPOCH_REDRAW_S):
                view.draw(hist, net)
                last_draw = time.perf_counter()
            elif epoch_end and epoch % frame_every == 0:
                view.draw_boundary(hist, net)  # cheap for 2-D data; nothing otherwise
        else:
            last = hist.epochs[-1]
            acc = f", {held} accuracy {last.val_acc:.2%}" if last.val_acc is not None else ""
            secs = time.perf_counter() - t0
            _set_outcome(hist, "done",
                         f"Trained {_epochs(cfg.epochs)} in {secs:.2g} s ({hist.last_epoch} in all){acc}.")
