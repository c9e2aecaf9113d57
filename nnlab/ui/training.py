"""Sections of the Training page after a run: gradient flow with the diagnosis in words, how the weights
moved, and what the trained network gets right and wrong on the test set. The live loop (buttons,
progress, curves while training) is ``training_live``."""
import numpy as np
import streamlit as st

from ..engine.outputs import predict_classes
from ..i18n import _
from ..lab.advice import setup_for
from ..lab.diagnosis import GUIDE_RATIO, diagnose
from ..viz import gradient_flow, results, weights
from ..viz.matrices import weight_tiles
from . import state
from .widgets.charts import show_chart

SHOW = {"error": st.error, "warning": st.warning, "info": st.info, "ok": st.success}
MAX_TILES = 32  # first-layer units drawn as images


def _setup():
    """What the user has already chosen (the sidebar's settings, the Data page's augmentation), for the advice."""
    augment = st.session_state.get(state.AUGMENT)
    return setup_for(state.config(), state.get_dataset(), augmenting=augment is not None and not augment.is_identity)


def flow_section(hist):
    """The diagnosis's findings, then gradient norms, update ratios, activations and unit health per layer."""
    for finding in diagnose(hist, _setup()):
        SHOW[finding.severity](finding.text())
    frame = gradient_flow.layer_stats_frame(hist)
    c1, c2 = st.columns(2)
    show_chart(c1, gradient_flow.grad_norm_chart(frame), width="stretch")
    show_chart(c2, gradient_flow.update_ratio_chart(frame, GUIDE_RATIO), width="stretch")
    st.caption("‖∂L/∂W‖: how strongly the loss pulls on each layer's weights. ‖ΔW‖/‖W‖: how much one step "
               f"changes them, relative to their size; about {GUIDE_RATIO:g} (dashed) is a common sign of a healthy "
               "learning rate. Gaps in a curve are steps where the value was exactly 0 (nothing to draw on a "
               "log scale).")
    c1, c2 = st.columns(2)
    show_chart(c1, gradient_flow.activation_chart(frame), width="stretch")
    health = gradient_flow.unit_health_chart(frame)
    if health is not None:
        show_chart(c2, health, width="stretch")


def _histogram_epochs(epochs):
    """The epochs whose weight histograms to compare: initialisation, the middle and the latest epoch, following
    new epochs unless the user chose others."""
    default = sorted({epochs[0], epochs[len(epochs) // 2], epochs[-1]})
    ss = st.session_state
    chosen = ss.get("tr_hist_epochs")
    if chosen is None or chosen == ss.get(state.HIST_DEFAULT) or not set(chosen) <= set(epochs):
        ss.tr_hist_epochs = default
    ss[state.HIST_DEFAULT] = default
    return st.multiselect("Epochs to compare (0 = initialisation)", epochs, key="tr_hist_epochs")


def weights_section(hist, net, data):
    """Weight histograms per layer at chosen epochs, and for image data the first layer's weights as tiles."""
    epochs = sorted(hist.snapshots)
    if not epochs:
        st.info("No weight snapshots yet: they are taken at initialisation and after every epoch.")
        return
    if hist.snapshots_taken > len(epochs):
        st.caption(_("Weights are kept for {kept} of the {taken} snapshots taken (at initialisation and after each "
                     "epoch): the first, the latest and others evenly spread, so that a long run's memory stays "
                     "bounded.", kept=len(epochs), taken=hist.snapshots_taken))
    chosen = _histogram_epochs(epochs)
    if chosen:
        show_chart(st, weights.weight_hist_chart(weights.weight_hist_frame(hist.weight_snapshots(), chosen)))
    first = net.param_layers()[0]
    W = first.params.get("W")
    shape = data.image_shape
    if shape is None or W is None or W.ndim != 2 or W.shape[0] != shape[0] * shape[1]:
        return
    mode = st.radio("Show", ["change since initialisation", "weights"], horizontal=True, key="tr_tile_mode")
    W0 = hist.snapshots.get(0, {}).get(first.name, {}).get("W") if mode != "weights" else None
    if mode != "weights" and W0 is None:
        st.info("The initial weights of this model were not kept (it was uploaded); showing the weights.")
    units = range(min(MAX_TILES, W.shape[1]))
    what = (f"change since initialisation (largest {np.abs(W - W0).max():.2g})" if W0 is not None
            else "weights")
    show_chart(st, weight_tiles(W, shape, units=units, reference=W0, size=84,
                                 title=f"First layer: {what} into {len(units)} hidden units (blue −, red +)"))
    st.caption("Each tile is one hidden unit of the first layer, one square per input pixel, all on one colour "
               "scale. "
               + ("Red: training raised that weight; blue: lowered it. The random start is subtracted, "
                  "so the strokes the unit learned to look for stand out." if W0 is not None else
                  "Red pixels push the unit up, blue ones down."))


def results_section(net, data):
    """Test accuracy, the confusion matrix, accuracy per class and the misclassified images; predicted
    against true values for regression."""
    out = net.predict(data.x_test)
    if data.task != "classification":
        show_chart(st, results.regression_chart(results.regression_frame(data.y_test, out)))
        return
    pred, conf = predict_classes(out)
    acc = float((pred == data.y_test).mean())
    st.metric("Test accuracy", f"{acc:.2%}", help=f"{int((pred == data.y_test).sum()):,} of {len(pred):,} "
                                                   "test samples classified correctly")
    c1, c2 = st.columns([1.2, 1])
    show_chart(c1, results.confusion_chart(results.confusion_frame(data.y_test, pred, data.class_names)))
    show_chart(c2, results.per_class_chart(results.per_class_frame(data.y_test, pred, data.class_names)),
                    width="stretch")
    if data.image_shape is not None:
        grid, _grid_info = results.misclassified_grid(data.x_test, data.y_test, pred, conf, data.image_shape,
                                             data.class_names)
        if grid is None:
            st.success("Every test image is classified correctly.")
        else:
            show_chart(st, grid)
