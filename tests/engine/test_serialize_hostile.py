"""Hostile model files (issue 14), made in the test: each is refused with a message that names the problem,
before it costs memory, or loaded exactly."""
import io
import json
import os
import tracemalloc

import numpy as np
import pytest

from nnlab.engine import ModelFileError, Network, load_model, mlp_spec, model_to_bytes
from nnlab.engine.model_limits import MAX_JSON_DEPTH, MAX_LAYERS, MAX_PARAMS, MAX_SPEC_BYTES
from nnlab.engine import serialize
from nnlab.engine.serialize import MAX_MEMBERS
from tests import hostile as h

SPEC = h.tiny_spec()
W = h.stored(h.npy_header((6, 3)) + np.arange(18, dtype=np.float64).tobytes())
B = h.stored(h.npy_header((3,)) + np.ones(3).tobytes())
VALID = {"__architecture__.npy": h.spec_member(SPEC), "0.W.npy": W, "0.b.npy": B}


def with_spec(**changes):
    return h.raw_zip({**VALID, "__architecture__.npy": h.spec_member({**SPEC, **changes})})


def with_json(text):
    return h.raw_zip({**VALID, "__architecture__.npy": h.stored(h.npy_header((len(text),), "|u1") + text.encode())})


def refusal(data):
    """The ModelFileError message for ``data`` and the peak MB traced while loading it."""
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError) as info:
            load_model(data)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return str(info.value), peak


def test_the_hand_made_valid_file_loads_exactly():
    net = load_model(h.raw_zip(VALID))
    np.testing.assert_array_equal(net.layers[0].params["W"], np.arange(18).reshape(6, 3))
    np.testing.assert_array_equal(net.layers[0].params["b"], np.ones(3))
    assert net.spec == {**SPEC, "sigma": 0.01}


@pytest.mark.parametrize("units", [200_000, 10**8, 10**30])
def test_a_huge_layer_is_refused_from_the_json_before_anything_is_allocated(units):
    message, peak = refusal(h.model_asking_for(units))
    assert f"parameter count to {784 * units + units:,}" in message and f"limit is {MAX_PARAMS:,}" in message
    assert peak < 2  # MB; building the 200,000-unit layer took 1.7 GB


@pytest.mark.parametrize("n_members", [1, 3])
def test_a_zip_bomb_is_refused_from_the_member_headers(n_members):
    message, peak = refusal(h.model_zip_bomb(n_members, member_bytes=2**27))
    assert message == "parameter 0.W has shape (16777216,), the architecture needs (6, 3)"
    assert peak < 2


def test_a_member_declaring_more_than_its_shape_is_refused_before_it_is_read():
    bomb = h.deflated_zeros(h.npy_header((6, 3)), 2**27)  # a right header, then 128 MiB of zeros
    message, peak = refusal(h.raw_zip({**VALID, "0.W.npy": bomb}))
    assert message == f"the member 0.W.npy declares {128 + 2**27:,} bytes, but its (6, 3) float64 array takes 272"
    assert peak < 2


def test_a_directory_understating_a_member_is_read_only_as_far_as_declared():
    # The directory says 272 bytes; the stream inflates to 128 MiB: zipfile stops at 272 and the CRC fails.
    bomb = h.deflated_zeros(h.npy_header((6, 3)), 2**27)
    message, peak = refusal(h.raw_zip({**VALID, "0.W.npy": bomb}, declared={"0.W.npy": 272}))
    assert message.startswith("the zip archive is damaged (Bad CRC-32 for file '0.W.npy')")
    assert peak < 2


def test_the_six_exception_types_of_the_issue_become_clear_messages():
    raw_json = json.dumps({"format": "nnlab-model-1", **SPEC}).encode()
    cases = {  # what used to escape -> the file that raised it
        "AttributeError": h.raw_zip({"__architecture__": h.stored(raw_json), "0.W.npy": W, "0.b.npy": B}),
        "RuntimeError": h.raw_zip(VALID, flags=1),
        "NotImplementedError": h.raw_zip({k: (98,) + v[1:] for k, v in VALID.items()}),
        "RecursionError": with_json("[" * 30_000 + "]" * 30_000),
        "ValueError": with_spec(sigma="x"),
        "ArrayMemoryError": h.model_asking_for(10**8),
    }
    messages = {kind: refusal(data)[0] for kind, data in cases.items()}
    assert messages["AttributeError"].startswith("the architecture “__architecture__” is stored as raw bytes")
    member = "the member “__architecture__.npy”"
    assert messages["RuntimeError"] == f"{member} is encrypted; nnlab models are never encrypted"
    assert messages["NotImplementedError"].startswith(f"{member} uses zip compression method 98")
    assert messages["RecursionError"] == (f"the architecture JSON nests 30,000 levels deep; the limit is "
                                          f"{MAX_JSON_DEPTH}")
    assert messages["ValueError"].startswith("the architecture is invalid: sigma='x'")
    assert "parameter count to 78,500,000,000" in messages["ArrayMemoryError"]


def test_random_bytes_text_and_other_formats_are_named_for_what_they_are():
    random_bytes = bytes([0x7C, 0x10, 0xE1, 0x9B]) + os.urandom(996)
    assert refusal(random_bytes)[0].startswith("the file is not an nnlab model but unknown binary data (it starts "
                                               "with the bytes 7c 10 e1 9b")
    assert "pickle" not in refusal(random_bytes)[0]
    assert refusal(b"x,y\n1,2\n")[0] == "the file is text (it begins “x,y 1,2”), not an nnlab model (.npz)"
    assert refusal(b"\x1f\x8b\x08\x00rest")[0] == "the file is a gzip archive, not an nnlab model (.npz)"
    assert refusal(b"")[0] == "the file is empty (0 bytes)"


@pytest.mark.parametrize("name", ["notes.txt", "evil.npy", "0.W.npy/", "../0.W.npy"])
def test_unknown_members_are_refused(name):
    message = refusal(h.raw_zip({**VALID, name: h.stored(b"x")}))[0]
    assert message.startswith(f"the zip archive holds an unknown member “{name}”")


def test_a_member_listed_twice_is_refused():
    data = h.raw_zip(VALID)
    twice = data.replace(b"0.b.npy", b"0.W.npy")
    assert refusal(twice)[0] == "the zip archive holds two members named “0.W.npy”"


def test_a_directory_listing_too_many_members_is_refused_before_it_is_parsed():
    members = {f"{i}.W.npy": h.stored(b"") for i in range(MAX_MEMBERS + 1)}
    message, _ = refusal(h.raw_zip(members))
    assert message.startswith(f"the zip archive lists {MAX_MEMBERS + 1:,} members")


@pytest.mark.parametrize("change, words", [
    ({"seed": 2**64}, "seed=18446744073709551616; give a whole number from 0 to 2**63 - 1"),
    ({"seed": "1"}, "seed='1'"),
    ({"seed": True}, "seed=True"),
    ({"sigma": -1}, "sigma=-1"),
    ({"init": "orthogonal"}, "init='orthogonal' is unknown"),
    ({"dtype": "float16"}, "dtype='float16' is unknown"),
    ({"input_shape": [6, 0]}, "input_shape=[6, 0]"),
    ({"input_shape": [300, 300]}, "input_shape=[300, 300] has 90,000 values per sample; the limit is 65,536"),
    ({"layers": []}, "layers is missing or empty"),
    ({"layers": [{"type": "dense", "units": 3, "activation": "softmax"}] * (MAX_LAYERS + 1)},
     f"65 layers; the limit is {MAX_LAYERS}"),
    ({"layers": [{"type": "dense", "units": [3]}]}, "layer 1 (dense): units=[3]; each setting is one finite number"),
    ({"layers": [{"type": "dropout", "rate": "x"}]}, "layer 1 (dropout): layer type='dropout': bad settings"),
    ({"layers": [{"type": "conv2d", "filters": 4096, "kernel": 8}], "input_shape": [64, 8, 8]},
     "layer 1 (conv2d) brings the parameter count to 16,781,312; the limit is 16,000,000"),
    ({"layers": [{"type": "conv2d", "filters": 4, "kernel": 501, "padding": "same"}], "input_shape": [1, 28, 28]},
     "layer 1 (conv2d) works on 3,717,826,812 values per sample (output (4, 28, 28)); the limit is 2,097,152"),
    ({"optimizer": "adam"}, "unknown setting(s) 'optimizer'"),
])
def test_settings_outside_what_the_engine_can_keep_exactly_are_refused_by_name(change, words):
    message = refusal(with_spec(**change))[0]
    assert message.startswith("the architecture is invalid: ") and words in message


def test_non_numbers_in_the_json_are_refused():
    text = json.dumps({"format": "nnlab-model-1", **SPEC, "sigma": float("nan")})
    assert refusal(with_json(text))[0] == "the architecture JSON is corrupt (NaN is not a number JSON allows)"


def test_settings_the_sidebar_cannot_show_still_load_exactly_and_spec_reports_them():
    net = load_model(with_spec(seed=2**40, init="normal", sigma=100.0))
    assert net.spec["seed"] == 2**40 and net.spec["sigma"] == 100.0 and net.spec["init"] == "normal"
    np.testing.assert_array_equal(net.layers[0].params["W"], np.arange(18).reshape(6, 3))


def test_messages_quote_a_hostile_value_only_in_part():
    message = refusal(with_spec(loss="=" * 50_000))[0]
    assert len(message) < 300 and message.startswith("the architecture is invalid: loss='=====")


def test_an_oversized_architecture_is_refused_by_its_declared_size():
    text = json.dumps({"format": "nnlab-model-1", **SPEC, "pad": " " * MAX_SPEC_BYTES})
    assert refusal(with_json(text))[0].startswith(f"the architecture is {len(text):,} bytes")


def test_a_parameter_of_another_precision_is_refused_rather_than_converted():
    net = Network(mlp_spec([6, 3], seed=0))  # float32
    with np.load(io.BytesIO(model_to_bytes(net))) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["0.W"] = arrays["0.W"].astype(np.float64)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    assert refusal(buf.getvalue())[0] == ("parameter 0.W has dtype float64; this float32 model needs float32 "
                                          "arrays (a conversion would change the weights)")


def test_compressed_fortran_order_and_big_endian_arrays_load_exactly():
    net = Network(mlp_spec([6, 4, 3], seed=2, dtype="float64"))
    with np.load(io.BytesIO(model_to_bytes(net))) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["0.W"] = np.asfortranarray(arrays["0.W"])
    arrays["1.W"] = arrays["1.W"].astype(">f8")
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    loaded = load_model(buf.getvalue())
    for la, lb in zip(net.layers, loaded.layers):
        for k in la.params:
            np.testing.assert_array_equal(lb.params[k], la.params[k])


def test_an_unknown_member_holding_python_objects_is_named_a_pickle():
    buf = io.BytesIO()
    np.savez(buf, evil=np.array([{"a": 1}], dtype=object))
    assert refusal(buf.getvalue())[0].startswith("the member evil.npy holds Python objects: reading it would mean "
                                                 "unpickling")


def test_a_missing_path_is_a_model_file_error(tmp_path):
    message = refusal(tmp_path / "nothing.npz")[0]
    assert message.startswith("the file cannot be read ([Errno 2] No such file or directory")


def test_a_file_over_the_byte_cap_is_refused_having_read_one_byte_more(monkeypatch):
    monkeypatch.setattr(serialize, "MAX_FILE_BYTES", 1000)
    stream = io.BytesIO(b"PK\x03\x04" + bytes(5000))
    assert refusal(stream)[0].startswith("the file is over 0 MB, more than a model within the limit")
    assert stream.tell() == 1001
