"""Replay a run: scrub a finished run epoch by epoch (the network rebuilt from its weight snapshot and checked
against the recorded held-out loss; test predictions, decision boundary, weight histograms, hidden space), and
train again from any epoch with other settings."""
import streamlit as st

from nnlab.ui import explain, replay, state

replay.intro()
cfg, data, net, hist = state.current_model()
explain.status(data, hist)
if replay.needs_a_run(hist):
    st.stop()

epoch = replay.choose_epoch(hist)
key = explain.fingerprint(net, data)
at = replay.epoch_section(net, data, hist, epoch, key)
if at is not None:
    replay.views_section(net, data, hist, epoch, at, key)
replay.branch_section(net, data, cfg, hist, epoch)
