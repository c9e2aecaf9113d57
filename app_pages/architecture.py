"""Architecture: the current network drawn unit by unit for one sample, and its layer table."""
import streamlit as st

from nnlab.i18n import _
from nnlab.lab.describe import training_status
from nnlab.lab.inspect import sample
from nnlab.ui import architecture, state
from nnlab.ui.widgets.sample_picker import pick_sample
from nnlab.viz.network_diagram import can_draw

st.title(_("Architecture"))
data = state.get_dataset()
net = state.model_copy()
status = training_status(state.history())
st.caption(_("{data} · {inputs} inputs → {outputs} outputs · loss {loss} · {status}. Change the layers in the "
             "sidebar.", data=data.name, inputs=net.n_inputs, outputs=net.n_outputs, loss=net.spec["loss"],
             status=status))
architecture.table_section(net)

if not can_draw(net):
    st.subheader(_("The network, block by block"))
    architecture.blocks_section(net)
    st.stop()
st.subheader(_("The network, unit by unit"))
index = pick_sample(data, architecture.PREFIX)
x, _target, _label = sample(data, net, index)
architecture.units_section(net, net.forward_trace(x), data)
