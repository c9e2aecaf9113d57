"""Sections of the Replay page: scrub a finished run epoch by epoch — the network rebuilt from that epoch's
weight snapshot, checked against the held-out loss the run recorded then, its test predictions, decision
boundary (2-D data), weight histograms and hidden space — and train again from any epoch with other settings,
the two branches then side by side on the Compare page.

The branch is a ``TrainingSession.branch`` of the user's run: a copy, so the user's model and history stay as
they are. It is kept under ``state.REPLAY_BRANCH`` from the moment it starts, so a click that interrupts its
training keeps what it learned.
"""
from dataclasses import replace

import numpy as np
import streamlit as st

from ..engine import OPTIMIZERS, ErrorRecord, StepRecord
from ..engine.outputs import predict_classes
from ..i18n import _, ngettext
from ..lab import compare
from ..lab.config import LR_CHOICES
from ..lab.describe import config_line
from ..lab.inspect import decision_grid
from ..lab.replay import replay_epoch
from ..viz import boundary, results, weights
from . import explain, hidden_space, state
from .widgets.charts import show_chart

PREFIX = "rp"
PROJECTION_POINTS = 1000


def intro():
    st.title(_("Replay a run"))
    st.markdown(_("Scrub through the run you trained: each stop of the slider rebuilds the network from the "
                  "weights it had after that epoch. Then train again from any epoch with other settings and "
                  "compare the two branches."))


def needs_a_run(hist):
    """True (after saying so) when there is no finished epoch to replay."""
    if hist.epochs and len(hist.snapshots) >= 2:
        return False
    st.info(_("There is no run to replay yet: train the model for at least one epoch on the Training page, then "
              "come back."), icon=":material/info:")
    return True


def choose_epoch(hist):
    stops = sorted(hist.snapshots)
    return st.select_slider(_("Epoch (0 = initialisation)"), stops, value=stops[-1], key=f"{PREFIX}_epoch")


def _weights_by_layer(net):
    """{layer name: its first parameter (the weights)}: what the weight histograms compare."""
    return {layer.name: next(iter(layer.params.values())) for layer in net.param_layers()}


def epoch_section(net, data, hist, epoch, key):
    """The network at ``epoch`` and its check; returns the EpochReplay (or None)."""
    replay = explain.once("replay", (key, epoch), lambda: replay_epoch(net, hist, epoch, data))
    if replay is None:
        return None
    c1, c2, c3 = st.columns(3)
    c1.metric(_("held-out loss recorded at this epoch"),
              "—" if replay.recorded_val_loss is None else f"{replay.recorded_val_loss:.5g}")
    c2.metric(_("recomputed from the snapshot"), f"{replay.val_loss:.5g}")
    if data.task == "classification":
        pred = predict_classes(replay.test_output)[0]
        c3.metric(_("test accuracy at this epoch"), f"{float(np.mean(pred == data.y_test)):.2%}")
    if replay.recorded_val_loss is None:
        st.caption(_("Epoch 0 is the initialisation: nothing was recorded before training began."))
    elif np.isclose(replay.val_loss, replay.recorded_val_loss, rtol=1e-5, atol=1e-7):
        st.caption(_("The run measured the held-out loss at the end of this epoch, on the same weights: the two "
                     "numbers agree, so the replay is the model as it was."))
    elif replay.params_from_current:
        st.caption(_("The two losses differ because the snapshot kept only part of the parameters; the current "
                     "values stood in for the rest."))
    else:
        st.warning(_("The two losses differ by {gap:.2e} although the snapshot holds every parameter.",
                     gap=abs(replay.val_loss - replay.recorded_val_loss)))
    explain.from_current_note(replay.params_from_current)
    return replay


def views_section(net, data, hist, epoch, replay, key):
    """Test predictions, the decision boundary (2-D data), weight histograms and the hidden space at ``epoch``."""
    tab_pred, tab_weights, tab_hidden = st.tabs([_("Test predictions"), _("Weight histograms"), _("Hidden space")])
    with tab_pred:
        if data.n_features == 2 and data.task == "classification":
            cells = boundary.boundary_frame(*decision_grid(replay.net, data.x_train), data.class_names)
            points = boundary.points_frame(data.x_train, data.y_train, data.class_names)
            show_chart(st, boundary.boundary_chart(cells, points, data.class_names, data.feature_names,
                                                   title=_("Decision boundary after epoch {epoch}", epoch=epoch)))
        if data.task == "classification":
            pred = predict_classes(replay.test_output)[0]
            show_chart(st, results.confusion_chart(results.confusion_frame(data.y_test, pred, data.class_names)))
        else:
            show_chart(st, results.regression_chart(results.regression_frame(data.y_test, replay.test_output)))
    with tab_weights:
        start = explain.once("replay", (key, 0), lambda: replay_epoch(net, hist, 0, data)) if epoch != 0 else replay
        if start is not None:
            snaps = {0: _weights_by_layer(start.net), epoch: _weights_by_layer(replay.net)}
            show_chart(st, weights.weight_hist_chart(weights.weight_hist_frame(snaps)))
            st.caption(_("Each layer's weights at initialisation (dark) and after epoch {epoch} (bright).",
                         epoch=epoch))
    with tab_hidden:
        layer = hidden_space.layer_choice(st, net, f"{PREFIX}_layer")
        projection = hidden_space.pca_picture(net, data, hist, layer, PROJECTION_POINTS, epoch, key)
        if projection is not None:
            hidden_space.picture(st, projection, data, _("{layer} after epoch {epoch} (PCA)",
                                                         layer=net.layers[layer].name, epoch=epoch),
                                 hidden_space.image_uris(data, PROJECTION_POINTS))


def branch_settings(cfg, hist, epoch):
    """The other settings for the branch: optimiser, learning rate, epochs. Returns a config."""
    c1, c2, c3 = st.columns(3)
    optimizer = c1.selectbox(_("Optimiser"), list(OPTIMIZERS), index=list(OPTIMIZERS).index(cfg.optimizer),
                             key=f"{PREFIX}_optimizer")
    lr = c2.select_slider(_("Learning rate"), LR_CHOICES, value=min(LR_CHOICES, key=lambda v: abs(v - cfg.lr)),
                          key=f"{PREFIX}_lr")
    epochs = c3.number_input(_("Epochs to train"), 1, 200, max(1, hist.last_epoch - epoch), key=f"{PREFIX}_epochs")
    return replace(cfg, optimizer=optimizer, lr=float(lr), epochs=int(epochs))


def train_branch(session, data, cfg, epoch):
    """Branch ``session`` at ``epoch`` and train the branch with ``cfg``, a progress bar per step."""
    branch, missing = session.branch(epoch)
    entry = {"from_epoch": epoch, "session": branch, "config": cfg, "missing": missing, "parent": session.history,
             "error": None}
    st.session_state[state.REPLAY_BRANCH] = entry  # kept before training: an interruption keeps what it learned
    total = cfg.epochs * -(-len(data.x_train) // cfg.batch_size)
    bar = st.progress(0.0, text=_("Training the branch…"))
    try:
        for record in branch.run(data, cfg, hist_every=0):
            if isinstance(record, StepRecord) and branch.in_run(record)[0] % 10 == 0:
                bar.progress(min(1.0, branch.in_run(record)[0] / total), text=_("Training the branch…"))
            if isinstance(record, ErrorRecord):
                entry["error"] = record.message
    except ValueError as exc:
        entry["error"] = str(exc)
    bar.empty()


def branch_section(net, data, cfg, hist, epoch):
    """The branch's settings and button, then the branch beside the run; a link to compare them."""
    st.subheader(_("Train again from epoch {epoch}", epoch=epoch))
    st.caption(_("A copy of the network starts from the weights of epoch {epoch}, with the run's history up to "
                 "there; the optimiser starts afresh (its state at that epoch was not kept). Your model and its run "
                 "stay as they are.", epoch=epoch))
    branch_cfg = branch_settings(cfg, hist, epoch)
    if st.button(_("Train again from epoch {epoch}", epoch=epoch), key=f"{PREFIX}_train", type="primary"):
        train_branch(state.training_session(), data, branch_cfg, epoch)
    entry = st.session_state.get(state.REPLAY_BRANCH)
    if not entry or entry["parent"] is not hist:
        return
    branch, b_cfg = entry["session"], entry["config"]
    if entry["error"]:
        st.warning(entry["error"])
    done = branch.history.last_epoch - entry["from_epoch"]
    st.markdown(ngettext("**Branch:** from epoch {start}, {done} of {n} epoch trained with {settings}.",
                         "**Branch:** from epoch {start}, {done} of {n} epochs trained with {settings}.", b_cfg.epochs,
                         start=entry["from_epoch"], done=done, settings=config_line(b_cfg, data)))
    explain.from_current_note(entry["missing"])
    run_label = _("run (epochs 1–{last})", last=hist.last_epoch)
    branch_label = _("branch from epoch {epoch}", epoch=entry["from_epoch"])
    shown = [compare.session_result(run_label, state.training_session(), data, config_line(cfg, data)),
             compare.session_result(branch_label, branch, data, config_line(b_cfg, data))]
    st.dataframe(compare.metrics_table(shown).set_index("architecture"), column_order=list(compare.METRIC_LABELS)[3:9])
    if st.button(_("Compare the two branches on the Compare page"), key=f"{PREFIX}_compare"):
        st.session_state[state.COMPARE_SHOWN] = {
            "keys": [r.key for r in shown], "results": shown, "data": data,
            "origin": _("These are your run and its branch from epoch {epoch}, sent from the Replay page; press the "
                        "button above to compare the architectures set here instead.", epoch=entry["from_epoch"])}
        st.switch_page("app_pages/compare.py")
