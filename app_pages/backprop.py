"""Backprop: the seed neuron's gradients by the chain rule, then the current network's δ, ∂L/∂W, ∂L/∂b for
one sample, checked against finite differences, and one SGD step on a copy."""
import streamlit as st

from nnlab.lab.inspect import sample
from nnlab.ui import backprop, state
from nnlab.ui.widgets.sample_picker import pick_sample

st.title("Backprop")

st.header("1 · One neuron, every gradient")
st.caption("The seed article's §4 example with loss L = ½(y − t)². The chain rule gives δ = ∂L/∂z = (y − t)·f′(z), "
           "then ∂L/∂W = δ·x and ∂L/∂b = δ.")
backprop.neuron_section()

st.header("2 · Your network, for one sample")
data = state.get_dataset()
net = state.model_copy()
index = pick_sample(data, backprop.PREFIX)
x, t, y = sample(data, net, index)
bt = net.backward_trace(x, t)
backprop.loss_section(net, bt, data, y)
backprop.layer_section(bt, data)

st.subheader("Check: backprop against finite differences")
backprop.check_section(net, bt, x, t)

st.subheader("One SGD step on this sample")
backprop.sgd_section(net, x, t)
