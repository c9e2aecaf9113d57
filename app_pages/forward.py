"""Forward pass: the seed article's neuron worked by hand, then the current network layer by layer."""
import streamlit as st

from nnlab.i18n import _
from nnlab.lab.describe import training_status
from nnlab.ui import forward, state
from nnlab.ui.widgets.digit_input import choose_sample
from nnlab.ui.widgets.worked_table import worked_table
from nnlab.viz.forward import layer_overview

st.title(_("Forward pass"))

st.header(_("1 · One neuron, every number"))
st.caption(_("The seed article's §4 example: a single unit y = f(wᵀx + b). Edit any number; the engine "
           "recomputes everything below."))
forward.neuron_section()

st.header(_("2 · Your network, layer by layer"))
data = state.get_dataset()
net = state.model_copy()
st.caption(_("{data} · {status} · each kind of layer applies its own rule (a dense layer z = x·W + b and "
             "a = f(z), a convolution slides kernels, pooling keeps a window's largest value …; each layer's formula "
             "is shown with it) and passes its output on as the next layer's input.", data=data.name,
             status=training_status(state.history())))
x, t, y, _caption = choose_sample(data, net, forward.PREFIX)
trace = net.forward_trace(x)
overview = layer_overview(trace)
worked_table(overview, {c: "%.4g" for c in overview.columns[5:9]})  # the ranges of z and a
layer = forward.layer_section(net, trace, data)
forward.worked_section(net, trace, layer)

st.subheader(_("The output"))
forward.output_section(trace[-1], data, y, t)
