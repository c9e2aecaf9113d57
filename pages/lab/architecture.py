"""Architecture: the current network drawn unit by unit for one sample, and its layer table."""
import streamlit as st

from nnlab.ui import state
from nnlab.ui.sample_picker import pick_sample
from nnlab.viz.network_diagram import can_draw, layer_table, network_diagram
from nnlab.walkthrough import clone, sample, training_status

st.title("Architecture")
data = state.get_dataset()
net = clone(state.model())  # the trace below fills layer caches; the user's model is never touched here
status = training_status(state.history())
st.caption(f"{data.name} · {net.n_inputs} inputs → {net.n_outputs} outputs · loss {net.spec['loss']} · {status}. "
           "Change the layers in the sidebar.")

table = layer_table(net)
left, right = st.columns([4, 1])
with left:
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"parameters": st.column_config.NumberColumn(format="%d")})
with right:
    st.metric("Parameters", f"{net.n_params:,}")
    st.metric("Layers with weights", len(net.param_layers()))
st.caption("Each dense layer has a weight W (inputs × units) and a bias b (one per unit): "
           "parameters = inputs·units + units.")

st.subheader("The network, unit by unit")
if not can_draw(net):
    st.info("The unit-by-unit drawing is for fully connected networks; this one has convolution or attention "
            "layers, so see the table above and the Forward-pass page for what each layer computes.")
    st.stop()
index = pick_sample(data, "ar")
x, _, _ = sample(data, net, index)
trace = net.forward_trace(x)
c1, c2, c3 = st.columns(3)
max_units = c1.slider("Units drawn per layer", 4, 24, 12, key="ar_units",
                      help="Layers with more units show the first ones and an ellipsis node.")
top_edges = c2.slider("Edges drawn per pair of layers", 5, 300, 40, step=5, key="ar_edges",
                      help="Only the strongest connections (largest |w|) between the drawn units are drawn.")
pick = c3.radio("Which units of big layers", ["first", "active"], key="ar_pick", horizontal=True,
                format_func={"first": "the first k", "active": "the k most active"}.get)
st.altair_chart(network_diagram(net, trace, max_units, top_edges, pick), width="stretch")
st.caption(f"Only the {top_edges} strongest edges between each pair of drawn layers are drawn. Edge colour: "
           "the weight's sign (blue negative, red positive), its strength relative to the largest |w| of its "
           "layer pair; thickness: |w| likewise. "
           "Unit fill: its activation a for the sample above, from white (0) to black (the layer's largest); "
           "hover a unit for its bias, z and a.")
