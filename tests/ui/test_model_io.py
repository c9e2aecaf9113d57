"""The model download/upload section: a saved model round-trips into the session; bad files and models
that do not fit the current data are refused with a message while the current model stays."""
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnlab.engine import Network, load_model, mlp_spec, model_to_bytes
from nnlab.lab.config import LabConfig

SCRIPT = """
from nnlab.ui import state
from nnlab.ui.widgets import sidebar
from nnlab.ui.widgets.model_io import model_io_section
state.show_notices()
sidebar.draw()
model_io_section()
"""
IRIS = LabConfig(dataset="Iris", hidden=(8,), activations=("relu",), epochs=1)


def _app(script=SCRIPT):
    at = AppTest.from_string(script, default_timeout=60)
    at.session_state["config"] = IRIS
    at.run()
    assert not at.exception
    return at


def _saved(sizes, seed=7, **kw):
    net = Network(mlp_spec(sizes, seed=seed, **kw))
    return net, model_to_bytes(net)


def _upload(at, name, data):
    at.file_uploader(key="mio_upload").set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception


def test_upload_replaces_the_model_and_sidebar_follows():
    at = _app()
    saved, data = _saved([4, 5, 3], activation="tanh")
    _upload(at, "mine.npz", data)
    net = at.session_state["model"]
    np.testing.assert_array_equal(net.get_params(0)["W"], saved.get_params(0)["W"])
    np.testing.assert_array_equal(net.get_params(1)["b"], saved.get_params(1)["b"])
    cfg = at.session_state["config"]
    assert (cfg.hidden, cfg.activations, cfg.seed, cfg.spec) == ((5,), ("tanh",), 7, None)
    assert at.session_state["sb_units_0"] == 5 and at.session_state["sb_act_0"] == "tanh"
    # a notice at the top, on the run of the upload itself
    assert any("Loaded “mine.npz”" in i.value and "43 parameters" in i.value for i in at.info)
    # a rerun keeps the loaded model (the sidebar's config now describes it exactly)
    at.run()
    assert at.session_state["model"] is net
    assert not any("reset" in i.value for i in at.info)


def test_corrupt_file_is_refused_and_the_model_stays():
    at = _app()
    before = at.session_state["model"]
    w = before.get_params(0)["W"].copy()
    _upload(at, "broken.npz", b"PK\x03\x04 not really a zip file")
    assert any("cannot be loaded" in e.value and "unchanged" in e.value for e in at.error)
    assert at.session_state["model"] is before
    np.testing.assert_array_equal(at.session_state["model"].get_params(0)["W"], w)


def test_model_for_other_data_is_refused_with_sizes():
    at = _app()
    before = at.session_state["model"]
    _, data = _saved([784, 10, 10])
    _upload(at, "mnist.npz", data)
    assert any("expects 784 inputs" in e.value and "4 features" in e.value for e in at.error)
    assert at.session_state["model"] is before
    assert at.session_state["config"].hidden == (8,)


def test_pickle_inside_npz_is_refused():
    import io
    buf = io.BytesIO()
    np.savez(buf, evil=np.array([{"a": 1}], dtype=object))
    at = _app()
    _upload(at, "evil.npz", buf.getvalue())
    assert any("pickle" in e.value for e in at.error)


def _dropout_spec(rate, **kw):
    return {"input_shape": [4], "loss": "softmax_ce", "dtype": "float32", **kw,
            "layers": [{"type": "dense", "units": 5, "activation": "relu"}, {"type": "dropout", "rate": rate},
                       {"type": "dense", "units": 3, "activation": "softmax"}]}


def _trained_looking(spec):
    """A network whose arrays are not what its seed would build (as after training)."""
    net = Network(spec)
    rng = np.random.default_rng(123)
    for i, layer in enumerate(net.layers):
        for name, value in layer.params.items():
            net.set_params(i, **{name: rng.normal(size=value.shape)})
    return net


@pytest.mark.parametrize("spec, setting", [
    (mlp_spec([4, 5, 3], seed=2**40), "seed is 1,099,511,627,776, outside the sidebar's range of 0 to 2,147,483,647"),
    (mlp_spec([4, 5, 3], init="normal", sigma=100.0), "σ of normal init is 100, outside the sidebar's range of "
                                                      "0.0001 to 10"),
    (_dropout_spec(0.95), "dropout is 0.95, outside the sidebar's range of 0 to 0.9"),
])
def test_a_model_the_sidebar_cannot_hold_is_refused_naming_the_setting(spec, setting):
    at = _app()
    before, config = at.session_state["model"], at.session_state["config"]
    _upload(at, "odd.npz", model_to_bytes(Network(spec)))
    assert any(e.value.startswith("“odd.npz” is not loaded. The model's " + setting) and "unchanged" in e.value
               for e in at.error), [e.value for e in at.error]
    assert not at.success
    at.run()  # the session keeps its model and the sidebar its settings
    assert at.session_state["model"] is before and at.session_state["config"] == config


@pytest.mark.parametrize("spec", [
    mlp_spec([4, 5, 3], seed=2**31 - 1),
    mlp_spec([4, 5, 3], init="normal", sigma=10.0, seed=3),
    mlp_spec([4, 5, 3], init="normal", sigma=0.123456789, seed=3),
    _dropout_spec(0.9, seed=5),
])
def test_a_model_at_the_edges_of_the_sidebar_ranges_is_kept_exactly(spec):
    saved = _trained_looking(spec)
    at = _app()
    _upload(at, "edge.npz", model_to_bytes(saved))
    assert any("Loaded “edge.npz”" in i.value for i in at.info)
    at.run()
    at.run()
    net = at.session_state["model"]
    downloaded = load_model(model_to_bytes(net))  # what the download button hands out
    assert downloaded.spec == saved.spec
    for i, layer in enumerate(saved.layers):
        for name, value in layer.params.items():
            np.testing.assert_array_equal(downloaded.get_params(i)[name], value)
TRAINED = """
import streamlit as st
from nnlab.ui import state
from nnlab.ui.widgets import sidebar
from nnlab.ui.widgets.model_io import model_io_section
state.show_notices()
cfg = sidebar.draw()
state.model()
if not st.session_state.get("trained_once"):  # one epoch, once: the export has a run to write
    st.session_state["trained_once"] = True
    list(state.training_session().run(state.get_dataset(cfg), cfg))
model_io_section()
"""


def _exports(at):
    """The export download buttons (the section also offers the model file and the history)."""
    return [b.proto for b in at.get("download_button") if "NumPy" in b.proto.label or "TensorBoard" in b.proto.label]


def test_before_training_the_tensorboard_export_waits_and_the_script_is_offered():
    at = _app()
    code = _exports(at)
    assert [b.label for b in code] == ["Download as a NumPy script (.py)"] and not code[0].disabled
    assert at.button(key="mio_tensorboard").disabled
    assert any("Train first: there is no run to export yet." in c.value for c in at.caption)


def test_the_tensorboard_zip_is_built_on_request_from_the_run(monkeypatch):
    import io
    import zipfile

    from nnlab.ui.widgets import model_io
    calls = []
    real = model_io.run_to_tensorboard_zip
    monkeypatch.setattr(model_io, "run_to_tensorboard_zip", lambda *a: calls.append(a) or real(*a))
    at = _app(TRAINED)
    at.run()  # reruns build nothing until asked
    assert not calls and [b.label for b in _exports(at)] == ["Download as a NumPy script (.py)"]
    at.button(key="mio_tensorboard").click().run()
    assert not at.exception and len(calls) == 1
    hist = at.session_state["history"]
    assert calls[0][0] is hist.steps and calls[0][1] is hist.epochs
    labels = [b.label for b in _exports(at)]
    assert labels == ["Download as a NumPy script (.py)", "Download for TensorBoard (.zip)"]
    names = zipfile.ZipFile(io.BytesIO(at.session_state["mio_tb_zip"][2])).namelist()
    assert any("tfevents" in n for n in names)
    at.run()  # the zip is kept while the run is unchanged
    assert len(calls) == 1 and len(_exports(at)) == 2


def test_a_failed_tensorboard_export_is_a_message_and_the_model_stays(monkeypatch):
    from nnlab.ui.widgets import model_io

    def broken(*args):
        raise ImportError("No module named 'tensorboardX'")
    monkeypatch.setattr(model_io, "run_to_tensorboard_zip", broken)
    at = _app(TRAINED)
    net, hist = at.session_state["model"], at.session_state["history"]
    at.button(key="mio_tensorboard").click().run()
    assert not at.exception
    assert any(e.value == "The TensorBoard files could not be written: No module named 'tensorboardX'"
               for e in at.error)
    assert at.session_state["model"] is net and at.session_state["history"] is hist and len(hist.epochs) == 1
