"""Backprop: the seed neuron's gradients by the chain rule, then the current network's δ, ∂L/∂W, ∂L/∂b for
one sample, checked against finite differences, one SGD step on a copy, the chain worked by hand from the
output back, and the gradient of a batch as the mean of the samples' own gradients."""
import streamlit as st

from nnlab.i18n import _
from nnlab.ui import backprop, backprop_chain, state
from nnlab.ui.widgets.digit_input import choose_sample

st.title(_("Backprop"))

st.header(_("1 · One neuron, every gradient"))
st.caption(_("The seed article's §4 example with loss L = ½(y − t)². The chain rule gives δ = ∂L/∂z = (y − t)·f′(z), "
           "then ∂L/∂W = δ·x and ∂L/∂b = δ."))
backprop.neuron_section()

st.header(_("2 · Your network, for one sample"))
data = state.get_dataset()
net = state.model_copy()
x, t, y, _caption = choose_sample(data, net, backprop.PREFIX)
bt = net.backward_trace(x, t)
backprop.loss_section(net, bt, data, y)
backprop.layer_section(net, bt, data)

st.subheader(_("Check: backprop against finite differences"))
backprop.check_section(net, bt, x, t)

st.subheader(_("One SGD step on this sample"))
backprop.sgd_section(net, x, t)

st.header(_("3 · The chain rule by hand, from the output back"))
st.caption(_("Backprop computes δ = ∂L/∂z of every unit from the δ of the layer after it: "
             "δᵢ = (Σⱼ δⱼ·Wᵢⱼ)·f′(zᵢ). Start at the output and follow δ back, one layer at a time."))
step = backprop_chain.chain_section(net, bt)
if step is not None:
    st.subheader(_("One weight's gradient, and its SGD step"))
    weight = backprop_chain.weight_section(net, bt, step)
    if any(layer.kind == "conv2d" for layer in net.layers):
        st.header(_("4 · Convolution and pooling, backwards"))
        backprop_chain.conv_section(net, bt)
    st.header(_("The gradient of a batch"))
    backprop_chain.batch_section(net, data, *weight)
