"""Interventions: experiments on the current model without retraining, on a copy — switch off units,
channels or heads and see the prediction and the test accuracy change, rank what hurts most when removed,
and edit one weight to see the output move."""
import streamlit as st

from nnlab.i18n import _
from nnlab.lab.describe import training_status
from nnlab.ui import interventions, state
from nnlab.ui.widgets.digit_input import choose_digit, say_prediction

st.title(_("Interventions"))
data = state.get_dataset()
net = state.model_copy()
hist = state.history()
st.caption(_("{data} · {status}. Change the model without retraining it: switch parts off, or set one "
             "weight, and see what follows. Everything happens on a copy; your model stays as it is.",
             data=data.name, status=training_status(hist)))
if not len(hist):
    st.info(_("The model is untrained, so switching its random units off shows little. Train it on the Training "
              "page first (one epoch is enough) and come back."), icon=":material/info:")

x, caption, _label = choose_digit(data, interventions.PREFIX)
say_prediction(data, caption, net.predict(x)[0])

st.header(_("1 · Switch off units, channels or heads"))
interventions.switch_off_section(net, data, x)

st.header(_("2 · Which ones matter most"))
interventions.ranking_section(net, data)

st.header(_("3 · Edit one weight"))
st.caption(_("Set one weight or bias to a new value and see how far each layer's output moves for this sample, "
             "from the edited layer to the output."))
interventions.edit_section(net, data, x)
