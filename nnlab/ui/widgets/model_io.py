"""Save and load the user's model: download it (.npz + JSON architecture) and its history (CSV); upload a
saved model to inspect or keep training it.

The upload is handled in the uploader's ``on_change`` callback, which runs before the script: only
there may the sidebar's widgets be set to the loaded architecture, and it runs once per file, so a
loaded model is not re-loaded (and its training reset) on every rerun. A loaded model is kept exactly
or refused: one whose seed, σ or dropout the sidebar's widgets cannot hold is refused, since the next
rerun would put the widget back in range and so rebuild the model.
"""
import streamlit as st

from ...engine import ModelFileError, load_model, model_to_bytes
from ...i18n import _, ngettext
from ...lab.config import check_fits, config_for_network, outside_sidebar
from ...lab.describe import network_line
from ...lab.export_code import CALLS, network_to_python
from ...lab.tensorboard_export import run_to_tensorboard_zip
from .. import state
from ..state import MODEL_MESSAGE as MESSAGE
from ..state import TENSORBOARD
from . import sidebar

KEY = "mio_upload"


def _on_upload():
    ss = st.session_state
    upload = ss.get(KEY)
    ss[MESSAGE] = None
    if upload is None:
        return
    try:
        net = load_model(upload.getvalue())
    except ModelFileError as exc:
        ss[MESSAGE] = ("error", _("“{name}” cannot be loaded: {error}. The current model is unchanged.",
                                  name=upload.name, error=exc))
        return
    dataset = state.get_dataset()
    problem = check_fits(net, dataset)
    if problem:
        ss[MESSAGE] = ("error", _("{problem} The current model is unchanged.", problem=problem))
        return
    config = config_for_network(state.config(), net, dataset)
    problem = outside_sidebar(config)
    if problem:
        ss[MESSAGE] = ("error", _("“{name}” is not loaded. {problem} The current model is unchanged.",
                                  name=upload.name, problem=problem))
        return
    sidebar.apply_config(config)
    state.replace_model(net)
    # A notice, at the top of the page: the page below changes with the new model, and this section's
    # expander closes with it.
    state.notice(ngettext(
        "Loaded “{name}”: {n} layer, {params:,} parameters, on “{data}”. It is now the current model: inspect it "
        "on any page or continue training it (its earlier history is not in the file).",
        "Loaded “{name}”: {n} layers, {params:,} parameters, on “{data}”. It is now the current model: inspect it "
        "on any page or continue training it (its earlier history is not in the file).",
        len(net.layers), name=upload.name, params=net.n_params, data=dataset.name))


def _history_help(history):
    log = history.step_log
    if log.thinned:
        return _("The dataset and the network, then a row for {kept:,} of the {n:,} steps (loss, accuracy, learning "
                 "rate): a long run keeps an even sample, the lowest and highest loss of each stretch and the last "
                 "{tail} steps. Epoch columns on each epoch's last step.", kept=len(history), n=log.n_added,
                 tail=log.tail.maxlen)
    return _("The dataset and the network, then one row per step (loss, accuracy, learning rate); epoch columns on "
             "each epoch's last step.")


def model_io_section():
    """Draw the download buttons for the current model and history, and the model uploader."""
    st.subheader(_("Save or load the model"))
    net, history = state.model(), state.history()
    c1, c2 = st.columns(2)
    c1.download_button(_("Download the model (.npz)"), lambda: model_to_bytes(net), file_name="nnlab-model.npz",
                       mime="application/octet-stream", key="mio_download_model", on_click="ignore",
                       help=_("The weights as NumPy arrays plus the architecture as JSON; no pickle."))
    about = {"dataset": state.get_dataset().name, "network": network_line(net, state.config())}
    c2.download_button(_("Download the training history (.csv)"), lambda: history.to_csv(about),
                       file_name="nnlab-history.csv", mime="text/csv", key="mio_download_history",
                       on_click="ignore", disabled=not len(history),
                       help=_history_help(history) if len(history) else _("Train first: the history is empty."))
    st.file_uploader(_("Upload a saved nnlab model (.npz) to inspect it or continue training"), type=["npz"],
                     key=KEY, on_change=_on_upload,
                     help=_("Checked before use: architecture JSON, parameter shapes and dtypes; pickles are "
                            "refused."))
    message = st.session_state.get(MESSAGE)
    if message and st.session_state.get(KEY) is not None:
        (st.error if message[0] == "error" else st.success)(message[1])
    _export_buttons(net, history)


def _export_buttons(net, history):
    """The model as a NumPy script, and the run for TensorBoard: each built only when asked for."""
    c1, c2 = st.columns(2)
    writable = all(layer.kind in CALLS for layer in net.layers)
    c1.download_button(_("Download as a NumPy script (.py)"), lambda: network_to_python(net),
                       file_name="nnlab_model.py", mime="text/x-python", key="mio_download_code", on_click="ignore",
                       disabled=not writable, help=_("The file is written when you click."))
    c1.caption(_("One Python file that needs only NumPy: its predict(x) gives this model's outputs, with the "
                 "weights inside.") if writable else
               _("This model has a layer the NumPy script cannot write."))
    version, keep = state.model_version()
    made = st.session_state.get(TENSORBOARD)
    if (made is None or made[0] != version) and c2.button(_("Prepare the run for TensorBoard"), key="mio_tensorboard",
                                                          disabled=not len(history)):
        try:
            with st.spinner(_("Writing the TensorBoard files…")):
                made = (version, keep,
                        run_to_tensorboard_zip(history.steps, history.epochs, history.weight_snapshots()))
        except (ImportError, OSError, ValueError) as exc:  # tensorboardX missing, disk full, a bad record
            c2.error(_("The TensorBoard files could not be written: {error}", error=exc))
            made = None
        st.session_state[TENSORBOARD] = made
    if made is not None and made[0] == version:
        c2.download_button(_("Download for TensorBoard (.zip)"), made[2], file_name="nnlab-tensorboard.zip",
                           mime="application/zip", key="mio_download_tensorboard", on_click="ignore")
    c2.caption(_("The run's losses, accuracies, gradient norms and weight histograms as TensorBoard event files: "
                 "unzip, then run tensorboard --logdir on the folder.") if len(history) else
               _("Train first: there is no run to export yet."))
