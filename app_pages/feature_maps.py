"""Feature maps: what each convolution layer of the current model looks for (its kernels), what it finds
in one digit (its feature maps, then pooled), and which test digits excite a chosen channel most."""
import streamlit as st

from nnlab.i18n import _
from nnlab.ui import feature_maps, feature_maps_worked, state
from nnlab.ui.widgets.digit_input import choose_digit, say_prediction
from nnlab.viz.feature_maps import conv_layer_indices

st.title(_("Feature maps"))
data = state.get_dataset()
net = state.model_copy()
convs = conv_layer_indices(net)
if not convs:
    st.info(_("The current model has no convolution layer, so it has no feature maps. Pick **MNIST CNN** under "
            "*Preset* in the sidebar (two convolution + pooling blocks and a dense head), then come back."),
            icon=":material/grid_on:")
    st.stop()
feature_maps.status_section(data, state.history())

x, caption, _label = choose_digit(data, feature_maps.PREFIX)
trace = net.forward_trace(x)
say_prediction(data, caption, trace[-1].a[0])
feature_maps.conv_blocks(net, trace, convs)

st.header(_("One position worked by hand"))
st.caption(_("Each number of a feature map is one small sum: the kernel laid over a window of the input, "
             "multiplied cell by cell, added up with the bias, then the activation. Click a position to see it."))
feature_maps_worked.worked_position(net, trace, convs)

st.header(_("Which test digits excite a channel most"))
st.caption(_("Each channel is one detector. Ranking a few hundred test digits by how strongly the channel responds "
           "shows what it detects; its feature maps show where."))
feature_maps.strongest_digits(net, data, convs)
