"""Forward pass: the seed article's neuron worked by hand, then the current network layer by layer."""
import streamlit as st

from nnlab.lab.describe import training_status
from nnlab.lab.inspect import sample
from nnlab.ui import forward, state
from nnlab.ui.widgets.sample_picker import pick_sample
from nnlab.viz.forward import layer_overview

st.title("Forward pass")

st.header("1 · One neuron, every number")
st.caption("The seed article's §4 example: a single unit y = f(wᵀx + b). Edit any number; the engine "
           "recomputes everything below.")
forward.neuron_section()

st.header("2 · Your network, layer by layer")
data = state.get_dataset()
net = state.model_copy()
st.caption(f"{data.name} · {training_status(state.history())} · each layer computes z = x·W + b, then a = f(z), "
           "and passes a on as the next layer's input.")
index = pick_sample(data, forward.PREFIX)
x, t, y = sample(data, net, index)
trace = net.forward_trace(x)
st.dataframe(layer_overview(trace), hide_index=True, width="stretch")
forward.layer_section(net, trace, data)

st.subheader("The output")
forward.output_section(trace[-1], data, y, t)
