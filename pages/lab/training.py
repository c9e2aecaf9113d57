"""Training: train the sidebar's network on its dataset and watch it learn — live curves, gradient flow
with a diagnosis in words, how the weights moved, and what the trained network gets wrong."""
import streamlit as st

from nnlab.diagnosis import diagnose
from nnlab.ui import state, training_run
from nnlab.ui.model_io import model_io_section
from nnlab.viz import gradient_flow, results, weights

st.title("Training")
cfg = state.config()
try:
    data = state.get_dataset(cfg)
    net = state.model()
except ValueError as exc:
    st.error(f"This network cannot be built from the sidebar's settings: {exc}")
    st.stop()
hist = state.history()
st.caption(f"**{data.name}** · {len(data.x_train):,} training samples · {training_run.describe(net, cfg)}")

training_run.check_interrupted(hist)
train_clicked = training_run.controls(hist, cfg)
view = training_run.LiveView(data)
if train_clicked:
    training_run.run(net, data, cfg, hist, view)
else:
    training_run.show_outcome(hist, view.outcome)
    view.draw(hist, net)
with st.expander("Save this model, or load one you saved"):
    model_io_section()
if not hist.steps:
    st.stop()

tab_flow, tab_weights, tab_results = st.tabs(["Gradient flow & diagnosis", "Weights", "Results on the test set"])

with tab_flow:
    show = {"error": st.error, "warning": st.warning, "info": st.info, "ok": st.success}
    for finding in diagnose(hist):
        show[finding.severity](finding.message)
    frame = gradient_flow.layer_stats_frame(hist)
    c1, c2 = st.columns(2)
    c1.altair_chart(gradient_flow.grad_norm_chart(frame), width="stretch")
    c2.altair_chart(gradient_flow.update_ratio_chart(frame), width="stretch")
    st.caption("‖∂L/∂W‖: how strongly the loss pulls on each layer's weights. ‖ΔW‖/‖W‖: how much one step "
               "changes them, relative to their size; about 1e-3 (dashed) is a common sign of a healthy "
               "learning rate. Gaps in a curve are steps where the value was exactly 0 (nothing to draw on a "
               "log scale).")
    c1, c2 = st.columns(2)
    c1.altair_chart(gradient_flow.activation_chart(frame), width="stretch")
    health = gradient_flow.unit_health_chart(frame)
    if health is not None:
        c2.altair_chart(health, width="stretch")

with tab_weights:
    epochs = sorted(hist.snapshots)
    if not epochs:
        st.info("No weight snapshots yet: they are taken at initialisation and after every epoch.")
    else:
        # Initialisation, the middle and the latest epoch; follow new epochs unless the user chose others.
        default = sorted({epochs[0], epochs[len(epochs) // 2], epochs[-1]})
        ss = st.session_state
        chosen = ss.get("tr_hist_epochs")
        if chosen is None or chosen == ss.get("tr_hist_default") or not set(chosen) <= set(epochs):
            ss.tr_hist_epochs = default
        ss.tr_hist_default = default
        chosen = st.multiselect("Epochs to compare (0 = initialisation)", epochs, key="tr_hist_epochs")
        if chosen:
            st.altair_chart(weights.weight_hist_chart(weights.weight_hist_frame(hist.snapshots, chosen)))
        first = net.param_layers()[0]
        W = first.params.get("W")
        shape = data.image_shape
        if shape is not None and W is not None and W.ndim == 2 and W.shape[0] == shape[0] * shape[1]:
            mode = st.radio("Show", ["change since initialisation", "weights"], horizontal=True, key="tr_tile_mode")
            W0 = hist.snapshots.get(0, {}).get(first.name) if mode != "weights" else None
            if mode != "weights" and W0 is None:
                st.info("The initial weights of this model were not kept (it was uploaded); showing the weights.")
            st.altair_chart(weights.weight_tiles(W, shape, reference=W0))
            st.caption("Each tile is one hidden unit of the first layer, one square per input pixel. "
                       + ("Red: training raised that weight; blue: lowered it. The random start is subtracted, "
                          "so the strokes the unit learned to look for stand out." if W0 is not None else
                          "Red pixels push the unit up, blue ones down."))

with tab_results:
    if data.task == "classification":
        pred, conf = results.predict_labels(net, data.x_test)
        acc = float((pred == data.y_test).mean())
        st.metric("Test accuracy", f"{acc:.2%}", help=f"{int((pred == data.y_test).sum()):,} of {len(pred):,} "
                                                       "test samples classified correctly")
        c1, c2 = st.columns([1.2, 1])
        c1.altair_chart(results.confusion_chart(results.confusion_frame(data.y_test, pred, data.class_names)))
        c2.altair_chart(results.per_class_chart(results.per_class_frame(data.y_test, pred, data.class_names)),
                        width="stretch")
        if data.image_shape is not None:
            grid, n_wrong = results.misclassified_grid(data.x_test, data.y_test, pred, conf, data.image_shape,
                                                       data.class_names)
            if grid is None:
                st.success("Every test image is classified correctly.")
            else:
                st.altair_chart(grid)
    else:
        pred = net.predict(data.x_test)
        st.altair_chart(results.regression_chart(results.regression_frame(data.y_test, pred)))
