"""Attention: inside the current model's self-attention for one digit — each head's 49×49 attention matrix,
one query patch's attention over the digit, each head on average, and how attention changed with training."""
import streamlit as st

from nnlab.layer_probe import attention_weights, with_params
from nnlab.ui import attention_views as views
from nnlab.ui import state
from nnlab.ui.digit_input import choose_digit
from nnlab.viz.attention import attention_layer_indices, patch_grid
from nnlab.walkthrough import clone, training_status

st.title("Attention")
data = state.get_dataset()
net = clone(state.model())  # traces fill layer caches; the user's model is never touched here
layers = attention_layer_indices(net)
if not layers:
    st.info("The current model has no self-attention layer, so there is no attention to show. Pick "
            "**MNIST patch attention** under *Preset* in the sidebar (the digit cut into 49 patches of 4×4 "
            "pixels that attend to each other), then come back.", icon=":material/visibility:")
    st.stop()
index = layers[0]
if len(layers) > 1:
    index = st.selectbox("Attention layer", layers, format_func=lambda i: net.layers[i].name, key="at_layer")
grid = patch_grid(net, index)
if grid is None:
    st.warning(f"{net.layers[index].name} attends over tokens that are not image patches, so they cannot be "
               "drawn over the digit.")
    st.stop()
hist = state.history()
initial = state.initial_params()
st.caption(f"{data.name} · {training_status(hist)} · {net.layers[index].name}: {net.layers[index].heads} heads over "
           f"{grid[0] * grid[1]} patches of {grid[2]}×{grid[2]} pixels ({grid[0]}×{grid[1]}, numbered row by row). "
           "Each patch (a query) spreads one unit of attention over all patches (the keys) and takes in their "
           "values in those proportions.")

x, caption, _ = choose_digit(data, "at")
A = attention_weights(clone(net), x, index)[0]  # (heads, tokens, tokens) for this digit
out = net.predict(x)[0]
if data.class_names is not None and out.size == len(data.class_names):
    st.markdown(f"Looking inside for **{caption}** · the model says **{data.class_names[int(out.argmax())]}** "
                f"({out.max():.0%}).")

st.header("1 · Each head's attention matrix")
query = views.choose_query(grid, "at")
st.caption("Row = a query patch, column = a key patch; each row sums to 1. Ticks mark the first patch of each "
           "row of the patch grid. Hover a cell for its weight.")
views.head_matrices(A, grid, query, "at")

st.header("2 · Where the query patch looks, over the digit")
st.caption("The query's row of each head's matrix, laid over the digit: the more orange a patch, the more "
           "attention it gets (relative to the head's largest weight, given in the title). Click a patch to make it "
           "the query.")
views.query_over_digit(x.reshape(grid[0] * grid[2], grid[1] * grid[2]), A, grid, query, "at")

st.header("3 · Each head on average")
start_net = with_params(net, initial) if initial is not None else None
views.head_averages(net, start_net, data, index, grid)

st.header("4 · How training changed the attention")
if start_net is None:
    st.info("The initial weights of this model are not known (it was uploaded), so there is no start to compare "
            "with. Build or reset a model in the sidebar to compare.")
    st.stop()
st.caption(f"The same digit ({caption}) through the model as it was built and as it is now.")
A_start = attention_weights(start_net, x, index)[0]
views.change_since_start(A, A_start, grid, query, bool(len(hist)), "at")
