"""Sections of the Training page after a run: gradient flow with the diagnosis in words, how the weights
moved, and what the trained network gets right and wrong on the test set. The live loop (buttons,
progress, curves while training) is ``training_live``.

Only the section the user picked is drawn (a segmented control, not tabs: hidden tabs would be computed and
sent on every run), and its charts are kept per state of the model (``show_model_chart``), so a rerun
that trained nothing redraws them from what it already has.
"""
from functools import cache

import numpy as np
import streamlit as st

from ..engine.outputs import predict_classes
from ..engine.trainer import encode_targets
from ..i18n import N_, _
from ..lab.advice import setup_for
from ..lab.diagnosis import GUIDE_RATIO, diagnose
from ..lab.metrics import metrics_in_target_units
from ..viz import gradient_flow, results, weights
from ..viz.matrices import weight_tiles
from . import state
from .widgets.charts import show_model_chart

SHOW = {"error": st.error, "warning": st.warning, "info": st.info, "ok": st.success}
MAX_TILES = 32  # first-layer units drawn as images
FLOW_ROWS = 900  # rows of the per-layer statistics behind each gradient-flow chart
SECTIONS = {"flow": N_("Gradient flow & diagnosis"), "weights": N_("Weights"), "results": N_("Results on the test set")}
SECTION_KEY = "tr_section"
TILE_MODES = {"change since initialisation": N_("change since initialisation"), "weights": N_("weights")}


def choose_section(hist, loaded):
    """The section to draw below the curves, chosen by the user; None when there is nothing to show. A model
    loaded from a file (``loaded``) has results before any training here, but no gradients or snapshots."""
    options = list(SECTIONS) if hist.steps else (["results"] if loaded else [])
    if not options:
        return None
    if st.session_state.get(SECTION_KEY) not in options:
        st.session_state[SECTION_KEY] = options[0]
    return st.segmented_control(_("Section"), options, format_func=lambda code: _(SECTIONS[code]), key=SECTION_KEY,
                                required=True, label_visibility="collapsed")


def draw_section(section, hist, net, data):
    {"flow": lambda: flow_section(hist), "weights": lambda: weights_section(hist, net, data),
     "results": lambda: results_section(net, data)}[section]()


def _setup():
    """What the user has already chosen (the sidebar's settings, the Data page's augmentation), for the advice."""
    augment = st.session_state.get(state.AUGMENT)
    return setup_for(state.config(), state.get_dataset(), augmenting=augment is not None and not augment.is_identity)


def flow_section(hist):
    """The diagnosis's findings, then gradient norms, update ratios, activations and unit health per layer."""
    for finding in diagnose(hist, _setup()):
        SHOW[finding.severity](finding.text())
    frame = cache(lambda: gradient_flow.layer_stats_frame(hist, max_rows=FLOW_ROWS))  # built only if a chart is
    c1, c2 = st.columns(2)
    show_model_chart(c1, "tr_grad_norm", lambda: gradient_flow.grad_norm_chart(frame()), width="stretch")
    show_model_chart(c2, "tr_update_ratio", lambda: gradient_flow.update_ratio_chart(frame(), GUIDE_RATIO),
                     width="stretch")
    st.caption(_("‖∂L/∂W‖: how strongly the loss pulls on each layer's weights. ‖ΔW‖/‖W‖: how much one step "
                 "changes them, relative to their size; about {ratio:g} (dashed) is a common sign of a healthy "
                 "learning rate. Gaps in a curve are steps where the value was exactly 0 (nothing to draw on a "
                 "log scale).", ratio=GUIDE_RATIO))
    # Two more charts on request: every chart costs the browser a good part of a second to draw after a run.
    if st.toggle(_("Show each layer's activations and its dead or saturated units"), key="tr_flow_units"):
        c1, c2 = st.columns(2)
        show_model_chart(c1, "tr_activations", lambda: gradient_flow.activation_chart(frame()), width="stretch")
        show_model_chart(c2, "tr_unit_health", lambda: gradient_flow.unit_health_chart(frame()), width="stretch")


def _histogram_epochs(epochs):
    """The epochs whose weight histograms to compare: all of them up to four, else initialisation, the middle
    and the latest epoch; following new epochs unless the user chose others."""
    default = epochs if len(epochs) <= 4 else sorted({epochs[0], epochs[len(epochs) // 2], epochs[-1]})
    ss = st.session_state
    chosen = ss.get("tr_hist_epochs")
    if chosen is None or chosen == ss.get(state.HIST_DEFAULT) or not set(chosen) <= set(epochs):
        ss.tr_hist_epochs = default
    ss[state.HIST_DEFAULT] = default
    return st.multiselect(_("Epochs to compare (0 = initialisation)"), epochs, key="tr_hist_epochs",
                          placeholder=_("Choose epochs"))


def weights_section(hist, net, data):
    """Weight histograms per layer at chosen epochs, and for image data the first layer's weights as tiles."""
    epochs = sorted(hist.snapshots)
    if not epochs:
        st.info(_("No weight snapshots yet: they are taken at initialisation and after every epoch."))
        return
    if hist.snapshots_taken > len(epochs):
        st.caption(_("Weights are kept for {kept} of the {taken} snapshots taken (at initialisation and after each "
                     "epoch): the first, the latest and others evenly spread, so that a long run's memory stays "
                     "bounded.", kept=len(epochs), taken=hist.snapshots_taken))
    chosen = _histogram_epochs(epochs)
    if chosen:
        show_model_chart(st, "tr_weight_hist", lambda: weights.weight_hist_chart(
            weights.weight_hist_frame(hist.weight_snapshots(), chosen)), version=tuple(chosen))
    first = net.param_layers()[0]
    W = first.params.get("W")
    shape = data.image_shape
    if shape is None or W is None or W.ndim != 2 or W.shape[0] != shape[0] * shape[1]:
        return
    mode = st.radio(_("Show"), list(TILE_MODES), format_func=lambda m: _(TILE_MODES[m]), horizontal=True,
                    key="tr_tile_mode")
    W0 = hist.snapshots.get(0, {}).get(first.name, {}).get("W") if mode != "weights" else None
    if mode != "weights" and W0 is None:
        st.info(_("The initial weights of this model were not kept (it was uploaded); showing the weights."))
    units = range(min(MAX_TILES, W.shape[1]))

    def tiles():
        title = (_("First layer: change since initialisation (largest {largest:.2g}) into {n} hidden units "
                   "(blue −, red +)", largest=np.abs(W - W0).max(), n=len(units)) if W0 is not None else
                 _("First layer: weights into {n} hidden units (blue −, red +)", n=len(units)))
        return weight_tiles(W, shape, units=units, reference=W0, size=84, title=title)
    show_model_chart(st, "tr_tiles", tiles, version=(W0 is not None,))
    st.caption(_("Each tile is one hidden unit of the first layer, one square per input pixel, all on one colour "
                 "scale. Red: training raised that weight; blue: lowered it. The random start is subtracted, so "
                 "the strokes the unit learned to look for stand out.") if W0 is not None else
               _("Each tile is one hidden unit of the first layer, one square per input pixel, all on one colour "
                 "scale. Red pixels push the unit up, blue ones down."))


def _test_outputs(net, data):
    """(outputs, loss) of the current model on the test set, computed once per state of the model."""
    def compute():
        out = net.predict(data.x_test)
        return out, net.loss_value(out.reshape(len(out), -1), encode_targets(net, data.y_test))
    version, keep = state.model_version()
    return state.remember("tr_test_outputs", version, compute, keep)


def results_section(net, data):
    """Test loss and accuracy, the confusion matrix, accuracy per class and the misclassified images; predicted
    against true values for regression."""
    out, loss = _test_outputs(net, data)
    c1, c2, _rest = st.columns([1, 1, 2])
    c1.metric(_("Test loss"), f"{loss:.4f}", help=_("The loss on the {n:,} test samples, which training never "
                                                   "sees.", n=len(out)))
    if data.task != "classification":
        _regression_results(out, data)
        return
    pred, conf = predict_classes(out)
    acc = float((pred == data.y_test).mean())
    c2.metric(_("Test accuracy"), f"{acc:.2%}", help=_("{right:,} of {n:,} test samples classified correctly",
                                                        right=int((pred == data.y_test).sum()), n=len(pred)))
    c1, c2 = st.columns([1.2, 1])
    show_model_chart(c1, "tr_confusion", lambda: results.confusion_chart(
        results.confusion_frame(data.y_test, pred, data.class_names)))
    show_model_chart(c2, "tr_per_class", lambda: results.per_class_chart(
        results.per_class_frame(data.y_test, pred, data.class_names)), width="stretch")
    if data.image_shape is not None:
        grid = show_model_chart(st, "tr_misclassified", lambda: results.misclassified_grid(
            data.x_test, data.y_test, pred, conf, data.image_shape, data.class_names)[0])
        if grid is None:
            st.success(_("Every test image is classified correctly."))


def _regression_results(out, data):
    """RMSE, MAE and R² on the test set and predicted against true, all in the target's own units (the network
    was trained on a z-scored target; ``to_target_units`` maps both back)."""
    m = metrics_in_target_units(data, out.reshape(len(out), -1), "test")
    c1, c2, c3, _rest = st.columns(4)
    c1.metric(_("Test RMSE"), f"{m.rmse:.4g}", help=_("Root mean squared error on the {n:,} test samples, in the "
                                                     "target's units: large errors count more.", n=m.n))
    c2.metric(_("Test MAE"), f"{m.mae:.4g}", help=_("Mean absolute error on the {n:,} test samples, in the "
                                                   "target's units: how far off a prediction is on average.", n=m.n))
    c3.metric(_("Test R²"), f"{m.r2:.3f}", help=_("1 is perfect, 0 is no better than always predicting the mean "
                                                 "test value, below 0 is worse."))
    show_model_chart(st, "tr_regression", lambda: results.regression_chart(
        results.regression_frame(data.to_target_units(data.y_test), data.to_target_units(out))))
