"""Attention: inside the current model's self-attention for one digit — each head's 49×49 attention matrix,
one query patch's attention over the digit, each head on average, and how attention changed with training."""
import streamlit as st

from nnlab.i18n import _
from nnlab.lab.inspect import attention_weights, with_params
from nnlab.ui import attention, state
from nnlab.ui.widgets.digit_input import choose_digit, say_prediction
from nnlab.viz.attention import attention_layer_indices, patch_grid

st.title(_("Attention"))
data = state.get_dataset()
net = state.model_copy()
layers = attention_layer_indices(net)
if not layers:
    st.info(_("The current model has no self-attention layer, so there is no attention to show. Pick "
            "**MNIST patch attention** under *Preset* in the sidebar (the digit cut into 49 patches of 4×4 "
            "pixels that attend to each other), then come back."), icon=":material/visibility:")
    st.stop()
index = attention.choose_layer(net, layers)
grid = patch_grid(net, index)
if grid is None:
    st.warning(_("{layer} attends over tokens that are not image patches, so they cannot be drawn over the digit.",
                 layer=net.layers[index].name))
    st.stop()
hist, initial = state.history(), state.initial_params()
attention.intro(data, hist, net.layers[index], grid)

x, caption, _label = choose_digit(data, attention.PREFIX)
A = attention_weights(net, x, index)[0]  # (heads, tokens, tokens) for this digit
say_prediction(data, caption, net.predict(x)[0])

st.header(_("1 · Each head's attention matrix"))
query = attention.choose_query(grid)
attention.head_matrices(A, grid, query)

st.header(_("2 · Where the query patch looks, over the digit"))
attention.query_over_digit(x, A, grid, query)

st.header(_("3 · One query worked by hand: softmax(q·Kᵀ/√d)·V"))
attention.worked_query(net, net.forward_trace(x), index, query)

st.header(_("4 · Each head on average"))
start_net = with_params(net, initial) if initial is not None else None
trained = bool(len(hist))
attention.head_averages(net, start_net if trained else None, data, index, grid)  # untrained: the start is now

st.header(_("5 · How training changed the attention"))
attention.change_since_start(start_net, x, caption, index, A, grid, query, trained)
