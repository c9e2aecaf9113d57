"""Sections of the Architecture page: the layer table with parameter counts, and the network drawn — unit by
unit for fully connected networks, block by block (LeNet style) for convolutions and attention."""
import streamlit as st

from ..lab.describe import layer_labels
from ..viz.block_diagram import block_diagram
from ..i18n import N_, _
from ..viz.network_diagram import layer_table
from .widgets import unit_map_view
from .widgets.charts import show_chart
from .widgets.worked_table import worked_table

PREFIX = "ar"
PICKS = {"active": N_("the k most active"), "first": N_("the first k")}


def table_section(net):
    """One row per layer with its shapes and parameters, the totals beside it, and how they are counted."""
    left, right = st.columns([4, 1])
    with left:
        worked_table(layer_table(net))
    with right:
        st.metric(_("Parameters"), f"{net.n_params:,}")
        st.metric(_("Layers with weights"), len(net.param_layers()))
    kinds = {layer.kind for layer in net.layers}
    sentences = [_("Each dense layer has a weight W (inputs × units) and a bias b (one per unit): "
                   "parameters = inputs·units + units.")]
    if "conv2d" in kinds:
        sentences.append(_("A convolution has one k×k kernel per filter and input channel, plus a bias per filter: "
                           "filters·channels·k·k + filters — the same small kernels slide over the whole image, so "
                           "far fewer weights than a dense layer."))
    if "self_attention" in kinds:
        sentences.append(_("Self-attention has four D×D projections (query, key, value, output) with biases: "
                           "4·(D·D + D)."))
    st.caption(" ".join(sentences))


def blocks_section(net):
    """A convolution or attention network as one block per tensor."""
    show_chart(st, block_diagram(net, layer_labels(net)), width="content")
    st.caption(_("One block per tensor, as in the LeNet drawing: the input, then what each layer outputs "
               "(channels × height × width for images, tokens × features for attention, a flat vector for "
               "dense layers). Block height follows the spatial size, width the number of channels or features; "
               "stacked sheets mean several channels. Hover a block for its parameters. The Feature-maps and "
               "Attention pages show what the blocks hold."))


def units_section(net, trace, data):
    """A fully connected network as units and its strongest edges, filled by one sample's activations; for
    2-D data each unit's output over the input plane beside it."""
    c1, c2, c3 = st.columns(3)
    max_units = c1.slider(_("Units drawn per layer"), 4, 24, 12, key=f"{PREFIX}_units",
                          help=_("Layers with more units show the first ones and an ellipsis node."))
    top_edges = c2.slider(_("Edges drawn per pair of layers"), 5, 300, 40, step=5, key=f"{PREFIX}_edges",
                          help=_("Only the strongest connections (largest |w|) between the drawn units are drawn."))
    pick = c3.radio(_("Which units of big layers"), ["active", "first"], key=f"{PREFIX}_pick", horizontal=True,
                    format_func=lambda code: _(PICKS[code]),
                    help=_("The most active for the sample above: MNIST's first pixels are its blank top-left "
                           "corner."))
    unit_map_view.draw(st, net, data, trace, max_units, top_edges, pick)
    st.caption(_("Only the {n} strongest edges between each pair of drawn layers are drawn. Edge colour: the "
                 "weight's sign (blue negative, red positive), its strength relative to the largest |w| of its layer "
                 "pair; thickness: |w| likewise. Unit fill: its activation a for the sample above, from white (0) to "
                 "black (the layer's largest); hover a unit for its bias, z and a.", n=top_edges))
    if unit_map_view.plane_maps(net, data) is not None:
        st.caption(_("Beside each unit: its output over the whole input plane (x₁ across, x₂ up, the box of the "
                     "decision boundary), each on its own scale — blue negative, red positive, or black 0 to white "
                     "the largest. The output unit's map is the decision boundary; the hidden units' maps are the "
                     "pieces it is built from."))
