"""Compare: train 2–4 architectures on the same data, split, seed and epochs, and put the results side by side."""
import streamlit as st

from nnlab.ui import compare, state

base, data = state.config(), state.get_dataset()
held_label = compare.intro_section(data)

n, epochs, seed = compare.settings(base)
configs, problem = compare.slots_section(n, base, data, epochs, seed)
keys = compare.train_button(configs, data, problem, epochs, seed)

shown = compare.shown_comparison(keys, data)
if shown is None:
    st.stop()
results, shown_data = shown["results"], shown["data"]
compare.verdict_section(shown, held_label)
compare.metrics_section(results, held_label)
compare.curves_section(results, shown_data)
compare.boundaries_section(results, shown_data)
compare.grad_norms_section(results)
