"""Fuzzing load_model with mutated valid model files: every outcome is a loaded model that holds exactly
what the file holds, or a ModelFileError with a message, and loading never needs much memory."""
import io
import json
import tracemalloc
import zipfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnlab.engine import ModelFileError, Network, load_model, mlp_spec, model_to_bytes
from nnlab.engine.serialize import SPEC_KEY
from tests import hostile as h

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PEAK_MB = 8  # the file is 2 KB; loading a valid one takes well under 1 MB

_spec = mlp_spec([6, 5, 4, 3], activation=["tanh", "relu"], seed=3)
_spec["layers"].insert(1, {"type": "dropout", "rate": 0.25})
VALID = model_to_bytes(Network(_spec))
with np.load(io.BytesIO(VALID)) as _data:
    ARRAYS = {k: _data[k] for k in _data.files}
SPEC = json.loads(ARRAYS[SPEC_KEY].tobytes())
with zipfile.ZipFile(io.BytesIO(VALID)) as _zip:
    MEMBERS = {info.filename: h.stored(_zip.read(info)) for info in _zip.infolist()}


def outcome(data):
    """Load ``data`` under tracemalloc; check what came back; return 'loaded' or 'refused'."""
    tracemalloc.start()
    try:
        try:
            net = load_model(data)
        except ModelFileError as exc:
            assert str(exc) and len(str(exc)) < 1000
            return "refused"
        finally:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    finally:
        assert peak < PEAK_MB
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        spec = json.loads(stored[SPEC_KEY].tobytes())
        for i, layer in enumerate(net.layers):
            for name, value in layer.params.items():  # kept bit for bit
                np.testing.assert_array_equal(value, stored[f"{i}.{name}"], strict=False)
                assert value.dtype == np.dtype(spec.get("dtype", "float32"))
    spec.pop("format")
    assert net.spec == Network(spec).spec
    return "loaded"


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_flipped_bytes(changes):
    data = bytearray(VALID)
    for pos, byte in changes:
        data[pos] = byte
    outcome(bytes(data))


@FUZZ
@given(st.integers(0, len(VALID)), st.integers(0, 64), st.binary(max_size=64))
def test_cut_and_inserted_bytes(pos, cut, inserted):
    outcome(VALID[:pos] + inserted + VALID[pos + cut:])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20) | st.sampled_from(["relu", "softmax", "dense", "dropout", "conv2d", "float64", "he"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
# Changes that keep the file valid, mixed in so that about half the files load.
valid_changes = st.one_of(
    st.tuples(st.just("seed"), st.integers(0, 2**63 - 1)), st.tuples(st.just("sigma"), st.floats(0, 1e6)),
    st.tuples(st.just("init"), st.sampled_from(["zeros", "normal", "xavier", "he"])),
    st.tuples(st.just((0, "activation")), st.sampled_from(["relu", "tanh", "sigmoid", "identity", "leaky_relu"])),
    st.tuples(st.just((1, "rate")), st.floats(0, 0.99)))
top_keys = st.sampled_from(sorted(SPEC) + ["extra"])
layer_keys = st.sampled_from(["type", "units", "activation", "rate", "init", "filters", "kernel"])


@FUZZ
@given(st.lists(valid_changes | st.tuples(top_keys | st.tuples(st.integers(0, 3), layer_keys), json_values),
                max_size=3), st.booleans())
def test_mutated_architecture(changes, compressed):
    spec = json.loads(json.dumps(SPEC))
    for where, value in changes:
        if isinstance(where, tuple):
            layers = spec["layers"]
            if isinstance(layers, list) and where[0] < len(layers) and isinstance(layers[where[0]], dict):
                spec["layers"][where[0]][where[1]] = value
        else:
            spec[where] = value
    arrays = {**ARRAYS, SPEC_KEY: np.frombuffer(json.dumps(spec).encode(), dtype=np.uint8)}
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    outcome(buf.getvalue())


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(MEMBERS)), st.integers(0, 2**32 - 1), max_size=3),
       st.sampled_from([0, 1, 8, 0x40, 0x800]), st.dictionaries(st.sampled_from(sorted(MEMBERS)),
                                                                st.sampled_from([0, 8, 12, 14, 98, 99]), max_size=2),
       st.sets(st.sampled_from(sorted(MEMBERS)), max_size=2), st.sampled_from([None, "x.npy", "0.W.npy", "9.W.npy"]))
def test_lying_zip_directories(declared, flags, methods, dropped, added):
    members = {name: ((methods.get(name, m[0]),) + m[1:]) for name, m in MEMBERS.items() if name not in dropped}
    if added:
        members[added] = h.stored(h.npy_header((6, 5), "<f4") + bytes(120))
    outcome(h.raw_zip(members, flags=flags, declared=declared))


def test_the_fuzzers_reach_both_outcomes():
    assert outcome(VALID) == "loaded"
    assert outcome(VALID[:-1]) == "refused"
