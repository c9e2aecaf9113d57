"""Compare: train 2–4 architectures on the same data, split, seed and epochs, and put the results side by side."""
import streamlit as st

from nnlab.i18n import _
from nnlab.ui import compare, state

st.title(_("Compare architectures"))
base, data = state.config(), state.get_dataset()
x_val, _y_val, held_label = data.held_out()
st.markdown(_(
    "Every architecture trains on **{data}** — the same {train:,} training samples, the same {held_label} set of "
    "{held:,}, the same seed and number of epochs — one after another. Results are kept per architecture, so "
    "changing one retrains only that one.", data=data.name, train=len(data.x_train),
    held_label=compare.held_name(held_label), held=len(x_val)))

n, epochs, seed = compare.settings(base)
configs, problem = compare.slots_section(n, base, data, epochs, seed)
keys = compare.train_button(configs, data, problem, epochs, seed)

shown = compare.shown_comparison(keys, data)
if shown is None:
    st.stop()
results, shown_data = shown["results"], shown["data"]
compare.verdict_section(shown, held_label)

st.subheader(_("Metrics"))
compare.metrics_section(results, held_label)

st.subheader(_("Learning curves"))
compare.curves_section(results, shown_data)
compare.boundaries_section(results, shown_data)

st.subheader(_("Per-layer gradient norms"))
compare.grad_norms_section(results)
