"""Save and load the user's model: download it (.npz + JSON architecture) and its history (CSV); upload a
saved model to inspect or keep training it.

The upload is handled in the uploader's ``on_change`` callback, which runs before the script: only
there may the sidebar's widgets be set to the loaded architecture, and it runs once per file, so a
loaded model is not re-loaded (and its training reset) on every rerun.
"""
from dataclasses import replace

import streamlit as st

from ..config import MAX_HIDDEN_LAYERS, MAX_UNITS, output_units
from ..engine import ModelFileError, load_model, model_to_bytes
from . import sidebar, state

KEY = "mio_upload"
MESSAGE = "mio_message"  # (kind, text) of the last upload, shown under the uploader


def check_fits(net, dataset):
    """None if ``net`` can run on ``dataset``; else a message saying what differs and what to do."""
    if net.n_inputs != dataset.n_features:
        return (f"The model expects {net.n_inputs} inputs, but the current dataset “{dataset.name}” has "
                f"{dataset.n_features} features. Choose a dataset with {net.n_inputs} features in the sidebar "
                f"or on the Data page, then upload the model again.")
    loss = net.spec["loss"]
    if dataset.task == "regression":
        if loss != "mse":
            return (f"The model was trained for classification (loss {loss}), but “{dataset.name}” is a "
                    "regression dataset. Choose a classification dataset, then upload the model again.")
        if net.n_outputs != dataset.n_outputs:
            return (f"The model has {net.n_outputs} outputs, but “{dataset.name}” has {dataset.n_outputs} "
                    "target column(s). Choose a matching dataset, then upload the model again.")
        return None
    n_classes = len(dataset.class_names)
    allowed = {n_classes} | ({1} if n_classes == 2 else set())
    if net.n_outputs not in allowed:
        return (f"The model has {net.n_outputs} outputs, but “{dataset.name}” has {n_classes} classes. "
                f"Choose a dataset with {net.n_outputs} classes, then upload the model again.")
    return None


def _mlp_layout(spec):
    """(hidden, activations, dropout) if ``spec`` is exactly what the sidebar builds, else None."""
    layers = spec["layers"]
    dense = [layer for layer in layers if layer["type"] == "dense"]
    rates = {layer.get("rate") for layer in layers if layer["type"] == "dropout"}
    if spec.get("dtype") != "float32" or not dense or len(rates) > 1 or len(dense) - 1 > MAX_HIDDEN_LAYERS:
        return None
    rate = rates.pop() if rates else 0.0
    expected = []
    for layer in dense[:-1]:
        expected.append({"type": "dense", "units": layer["units"], "activation": layer["activation"]})
        if rate:
            expected.append({"type": "dropout", "rate": rate})
    expected.append({"type": "dense", "units": dense[-1]["units"], "activation": dense[-1]["activation"]})
    if expected != layers or any(layer["units"] > MAX_UNITS for layer in dense[:-1]):
        return None
    return tuple(d["units"] for d in dense[:-1]), tuple(d["activation"] for d in dense[:-1]), float(rate)


def config_for_network(config, net, dataset):
    """The LabConfig (on the current data) whose model is ``net``: the sidebar's layer builder for a
    plain MLP, a fixed spec for anything else (convolutions, attention, float64)."""
    spec = net.spec
    common = dict(loss=spec["loss"], output=spec["layers"][-1].get("activation", "identity"), init=spec["init"],
                  sigma=float(spec["sigma"]), seed=int(spec["seed"]), initial_params=None)
    layout = _mlp_layout(spec)
    if layout is not None:
        hidden, acts, rate = layout
        cfg = replace(config, hidden=hidden, activations=acts, dropout=rate, spec=None, **common)
        if output_units(cfg, dataset) == net.n_outputs:
            return cfg
    fixed = {k: v for k, v in spec.items() if k != "seed"}
    return replace(config, hidden=(), activations=(), spec=fixed, **common)


def _on_upload():
    ss = st.session_state
    upload = ss.get(KEY)
    ss[MESSAGE] = None
    if upload is None:
        return
    try:
        net = load_model(upload.getvalue())
    except ModelFileError as exc:
        ss[MESSAGE] = ("error", f"“{upload.name}” cannot be loaded: {exc}. The current model is unchanged.")
        return
    dataset = state.get_dataset()
    problem = check_fits(net, dataset)
    if problem:
        ss[MESSAGE] = ("error", f"{problem} The current model is unchanged.")
        return
    sidebar.apply_config(config_for_network(state.config(), net, dataset))
    state.replace_model(net)
    ss[MESSAGE] = ("success", f"Loaded “{upload.name}”: {len(net.layers)} layers, {net.n_params:,} parameters, "
                              f"on “{dataset.name}”. It is now the current model: inspect it on any page or "
                              "continue training it (its earlier history is not in the file).")


def model_io_section():
    """Draw the download buttons for the current model and history, and the model uploader."""
    st.subheader("Save or load the model")
    net, history = state.model(), state.history()
    c1, c2 = st.columns(2)
    c1.download_button("Download the model (.npz)", lambda: model_to_bytes(net), file_name="nnlab-model.npz",
                       mime="application/octet-stream", key="mio_download_model", on_click="ignore",
                       help="The weights as NumPy arrays plus the architecture as JSON; no pickle.")
    c2.download_button("Download the training history (.csv)", lambda: history.to_csv(),
                       file_name="nnlab-history.csv", mime="text/csv", key="mio_download_history",
                       on_click="ignore", disabled=not len(history),
                       help="One row per step (loss, accuracy, learning rate); epoch columns on each epoch's "
                            "last step." if len(history) else "Train first: the history is empty.")
    st.file_uploader("Upload a saved nnlab model (.npz) to inspect it or continue training", type=["npz"],
                     key=KEY, on_change=_on_upload,
                     help="Checked before use: architecture JSON, parameter shapes and dtypes; pickles are refused.")
    message = st.session_state.get(MESSAGE)
    if message and st.session_state.get(KEY) is not None:
        (st.error if message[0] == "error" else st.success)(message[1])
