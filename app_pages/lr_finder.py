"""LR finder: an LR range test on a copy of the model (the suggestion one click from the sidebar), beside the
stability bound η < 2/λmax from the top eigenvalue of the loss's Hessian."""
import streamlit as st

from nnlab.ui import explain, lr_finder, state

lr_finder.intro()
cfg, data, net, hist = state.current_model()
explain.status(data, hist)

key = explain.fingerprint(net, data)
left, right = st.columns([1.4, 1], gap="large")
with left:
    lr_finder.range_test_section(net, data, cfg, key)
with right:
    lr_finder.bound_section(net, data, cfg, key)
