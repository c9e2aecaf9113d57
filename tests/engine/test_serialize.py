"""Save / load: exact round trips, and clear refusals of anything that is not an nnlab model."""
import io
import json
import pickle

import numpy as np
import pytest

from nnlab.engine import ModelFileError, Network, load_model, mlp_spec, model_to_bytes, save_model
from nnlab.engine.serialize import SPEC_KEY


@pytest.fixture(params=["float32", "float64"])
def net(request):
    spec = mlp_spec([6, 5, 4, 3], activation=["tanh", "relu"], seed=3, dtype=request.param)
    spec["layers"].insert(1, {"type": "dropout", "rate": 0.25})
    net = Network(spec)
    rng = np.random.default_rng(0)
    for i, layer in enumerate(net.layers):  # non-trivial biases, so a lost bias would show
        if layer.params:
            net.set_params(i, b=rng.normal(size=layer.params["b"].shape))
    return net


X = np.random.default_rng(1).normal(size=(7, 6)).astype(np.float32)


def assert_same_network(a, b):
    assert b.spec == a.spec
    assert b.dtype == a.dtype
    for la, lb in zip(a.layers, b.layers):
        assert la.params.keys() == lb.params.keys()
        for k in la.params:
            assert lb.params[k].dtype == la.params[k].dtype
            np.testing.assert_array_equal(lb.params[k], la.params[k])
    np.testing.assert_array_equal(b.predict(X), a.predict(X))


def test_round_trip_through_a_path(net, tmp_path):
    path = tmp_path / "model.npz"
    save_model(net, path)
    assert_same_network(net, load_model(path))
    assert_same_network(net, load_model(str(path)))


def test_path_is_used_exactly_as_given(net, tmp_path):
    path = tmp_path / "digits.model"  # no .npz suffix: must not become digits.model.npz
    save_model(net, str(path))
    assert [p.name for p in tmp_path.iterdir()] == ["digits.model"]
    assert_same_network(net, load_model(path))


def test_round_trip_through_bytes_and_file_objects(net):
    data = model_to_bytes(net)
    assert data[:2] == b"PK"  # a plain zip (.npz), readable by any NumPy
    assert_same_network(net, load_model(data))
    assert_same_network(net, load_model(io.BytesIO(data)))


def test_loaded_model_is_independent_of_the_original(net):
    copy = load_model(model_to_bytes(net))
    net.layers[0].params["W"] += 1
    assert not np.array_equal(copy.layers[0].params["W"], net.layers[0].params["W"])


def test_saved_file_holds_no_object_arrays(net):
    with np.load(io.BytesIO(model_to_bytes(net)), allow_pickle=False) as data:
        assert all(data[k].dtype != object for k in data.files)
        spec = json.loads(data[SPEC_KEY].tobytes().decode("utf-8"))
    assert spec["layers"][1] == {"type": "dropout", "rate": 0.25}


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def arrays_of(net):
    with np.load(io.BytesIO(model_to_bytes(net)), allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


class _Exploit:
    """Unpickling this would create a file; a safe loader never unpickles."""
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_npz_carrying_an_object_array_is_refused(net, tmp_path):
    marker = tmp_path / "pwned"
    arrays = arrays_of(net)
    arrays["0.W"] = np.array([_Exploit(str(marker))], dtype=object)
    with pytest.raises(ModelFileError, match="pickle"):
        load_model(npz_bytes(**arrays))
    assert not marker.exists()


def test_raw_pickle_file_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.npz"
    path.write_bytes(pickle.dumps(_Exploit(str(marker))))
    with pytest.raises(ModelFileError, match="pickle"):
        load_model(path)
    assert not marker.exists()


def test_truncated_file_is_refused(net):
    data = model_to_bytes(net)
    for cut in (10, len(data) // 2, len(data) - 30):
        with pytest.raises(ModelFileError, match="truncated|not a readable"):
            load_model(data[:cut])


def test_empty_and_foreign_files_are_refused(tmp_path):
    with pytest.raises(ModelFileError):
        load_model(b"")
    with pytest.raises(ModelFileError):
        load_model(b"hello, this is not a model")
    npy = io.BytesIO()
    np.save(npy, np.zeros(3))
    with pytest.raises(ModelFileError, match=".npy"):
        load_model(npy.getvalue())


def test_wrong_shapes_are_refused(net):
    arrays = arrays_of(net)
    arrays["0.W"] = np.zeros((6, 99), dtype=arrays["0.W"].dtype)
    with pytest.raises(ModelFileError, match=r"0\.W.*\(6, 99\)"):
        load_model(npz_bytes(**arrays))


def test_missing_or_extra_parameters_are_refused(net):
    arrays = arrays_of(net)
    del arrays["2.b"]
    with pytest.raises(ModelFileError, match="2.b"):
        load_model(npz_bytes(**arrays))
    arrays = arrays_of(net)
    arrays["9.W"] = np.zeros(2)
    with pytest.raises(ModelFileError, match="9.W"):
        load_model(npz_bytes(**arrays))


def test_bad_json_is_refused(net):
    arrays = arrays_of(net)
    arrays[SPEC_KEY] = np.frombuffer(b'{"input_shape": [6], "layers": [', dtype=np.uint8)
    with pytest.raises(ModelFileError, match="JSON"):
        load_model(npz_bytes(**arrays))


def test_missing_architecture_wrong_format_and_invalid_spec_are_refused(net):
    arrays = arrays_of(net)
    spec = json.loads(arrays[SPEC_KEY].tobytes())
    with pytest.raises(ModelFileError, match="architecture"):
        load_model(npz_bytes(**{k: v for k, v in arrays.items() if k != SPEC_KEY}))
    arrays[SPEC_KEY] = np.frombuffer(json.dumps({**spec, "format": "other"}).encode(), dtype=np.uint8)
    with pytest.raises(ModelFileError, match="format"):
        load_model(npz_bytes(**arrays))
    bad = {**spec, "layers": [{"type": "dense", "units": 0, "activation": "relu"}]}
    arrays[SPEC_KEY] = np.frombuffer(json.dumps(bad).encode(), dtype=np.uint8)
    with pytest.raises(ModelFileError, match="units=0"):
        load_model(npz_bytes(**arrays))


def test_non_finite_or_non_float_parameters_are_refused(net):
    arrays = arrays_of(net)
    arrays["0.W"] = arrays["0.W"].copy()
    arrays["0.W"][0, 0] = np.nan
    with pytest.raises(ModelFileError, match="NaN"):
        load_model(npz_bytes(**arrays))
    arrays = arrays_of(net)
    arrays["0.b"] = np.zeros(arrays["0.b"].shape, dtype=np.int64)
    with pytest.raises(ModelFileError, match="dtype"):
        load_model(npz_bytes(**arrays))


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)
