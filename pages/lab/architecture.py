"""Architecture: the current network drawn unit by unit for one sample, and its layer table."""
import streamlit as st

from nnlab.ui import state
from nnlab.ui.sample_picker import pick_sample
from nnlab.viz.block_diagram import block_diagram
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
kinds = {layer.kind for layer in net.layers}
st.caption("Each dense layer has a weight W (inputs × units) and a bias b (one per unit): "
           "parameters = inputs·units + units."
           + (" A convolution has one k×k kernel per filter and input channel, plus a bias per filter: "
              "filters·channels·k·k + filters — the same small kernels slide over the whole image, so far fewer "
              "weights than a dense layer." if "conv2d" in kinds else "")
           + (" Self-attention has four D×D projections (query, key, value, output) with biases: 4·(D·D + D)."
              if "self_attention" in kinds else ""))

if not can_draw(net):
    st.subheader("The network, block by block")
    st.altair_chart(block_diagram(net), width="content")
    st.caption("One block per tensor, as in the LeNet drawing: the input, then what each layer outputs "
               "(channels × height × width for images, tokens × features for attention, a flat vector for "
               "dense layers). Block height follows the spatial size, width the number of channels or features; "
               "stacked sheets mean several channels. Hover a block for its parameters. The Feature-maps and "
               "Attention pages show what the blocks hold.")
    st.stop()
st.subheader("The network, unit by unit")
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
