"""Compare: train 2–4 architectures on the same data, split, seed and epochs, and put the results side by side."""
import streamlit as st

from nnlab.ui import compare, state

st.title("Compare architectures")
base, data = state.config(), state.get_dataset()
x_val, _, held_label = data.held_out()
st.markdown(
    f"Every architecture trains on **{data.name}** — the same {len(data.x_train):,} training samples, the same "
    f"{held_label} set of {len(x_val):,}, the same seed and number of epochs — one after another. Results are "
    "kept per architecture, so changing one retrains only that one.")

n, epochs, seed = compare.settings(base)
configs, problem = compare.slots_section(n, base, data, epochs, seed)
keys = compare.train_button(configs, data, problem)

shown = compare.shown_comparison(keys)
if shown is None:
    st.stop()
results, shown_data = shown

st.subheader("Metrics")
compare.metrics_section(results, held_label)

st.subheader("Learning curves")
compare.curves_section(results, shown_data)
compare.boundaries_section(results, shown_data)

st.subheader("Per-layer gradient norms")
compare.grad_norms_section(results)
