"""Feature maps: what each convolution layer of the current model looks for (its kernels), what it finds
in one digit (its feature maps, then pooled), and which test digits excite a chosen channel most."""
import streamlit as st

from nnlab.ui import state
from nnlab.ui.digit_input import choose_digit
from nnlab.ui.feature_views import conv_block, strongest_digits
from nnlab.viz.feature_maps import conv_layer_indices
from nnlab.walkthrough import clone, training_status

st.title("Feature maps")
data = state.get_dataset()
net = clone(state.model())  # traces fill layer caches; the user's model is never touched here
convs = conv_layer_indices(net)
if not convs:
    st.info("The current model has no convolution layer, so it has no feature maps. Pick **MNIST CNN** under "
            "*Preset* in the sidebar (two convolution + pooling blocks and a dense head), then come back.",
            icon=":material/grid_on:")
    st.stop()

hist = state.history()
status = training_status(hist)
st.caption(f"{data.name} · {status}. A convolution slides each small kernel over its input and writes one "
           "feature map per kernel: bright where the input looks like the kernel.")
if not len(hist):
    st.info("This model is **untrained**: its kernels are random, so the feature maps are noisy copies of the digit. "
            "Train it on the Training page (one epoch is enough) and come back to see edge and stroke detectors.",
            icon=":material/info:")
else:
    st.success(f"This model is **{status}**: compare with an untrained one (Reset weights on the Training page).",
               icon=":material/check_circle:")

x, caption, _ = choose_digit(data, "fm")
trace = net.forward_trace(x)
prediction = trace[-1].a[0]
if data.class_names is not None and prediction.size == len(data.class_names):
    best = int(prediction.argmax())
    st.markdown(f"Looking inside for **{caption}** · the model says **{data.class_names[best]}** "
                f"({prediction[best]:.0%}).")
show_z = st.toggle("Show z, before the activation (otherwise a, after it)", key="fm_show_z")
for index in convs:
    conv_block(net, trace, index, show_z, "fm")

st.header("Which test digits excite a channel most")
st.caption("Each channel is one detector. Ranking a few hundred test digits by how strongly the channel responds "
           "shows what it detects; its feature maps show where.")
strongest_digits(net, data, convs, "fm")
