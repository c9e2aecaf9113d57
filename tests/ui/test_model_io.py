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
sidebar.draw()
state.show_notices()
model_io_section()
"""
IRIS = LabConfig(dataset="Iris", hidden=(8,), activations=("relu",), epochs=1)


def _app():
    at = AppTest.from_string(SCRIPT, default_timeout=60)
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
    assert any("Loaded “mine.npz”" in s.value and "43 parameters" in s.value for s in at.success)
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
    assert any("Loaded “edge.npz”" in s.value for s in at.success)
    at.run()
    at.run()
    net = at.session_state["model"]
    downloaded = load_model(model_to_bytes(net))  # what the download button hands out
    assert downloaded.spec == saved.spec
    for i, layer in enumerate(saved.layers):
        for name, value in layer.params.items():
            np.testing.assert_array_equal(downloaded.get_params(i)[name], value)
