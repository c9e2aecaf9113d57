"""Training: train the sidebar's network on its dataset and watch it learn — live curves, gradient flow
with a diagnosis in words, how the weights moved, and what the trained network gets wrong."""
import streamlit as st

from nnlab.i18n import _
from nnlab.lab.describe import network_line
from nnlab.ui import state, training, training_live
from nnlab.ui.widgets.model_io import model_io_section

st.title(_("Training"))
cfg, data, net, hist = state.current_model()
st.caption(_("**{data}** · {n:,} training samples · {network}", data=data.name, n=len(data.x_train),
             network=network_line(net, cfg)))

training_live.check_interrupted(hist)
train_clicked = training_live.controls(cfg)
view = training_live.LiveView(data)
if train_clicked:
    training_live.run(state.training_session(), data, cfg, view)
else:
    training_live.show_outcome(hist, view.outcome)
    view.draw(hist, net)
with st.expander(_("Save this model, or load one you saved")):
    model_io_section()

section = training.choose_section(hist, loaded=state.initial_params() is None)
if section is not None:
    training.draw_section(section, hist, net, data)
