"""Hostile uploads, made on the fly and never committed: used by the tests and by bench/hostile_files.py.

Zip archives are written by hand (``raw_zip``) so that what a directory declares — sizes, compression
method, flags — can differ from what a member holds, and so that a 2 GiB bomb is made in a second:
a deflate block of zeros repeats byte for byte after a full flush, so it is compressed once and copied.
"""
import gc
import io
import json
import struct
import zlib

import numpy as np
from PIL import Image

BLOCK = 2**24  # zeros compressed once for a bomb


def npy_header(shape, descr="<f8"):
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": tuple(shape)})
    return buf.getvalue()


def stored(payload):
    """(method, data as written, CRC-32, size) of a member stored as is."""
    return 0, payload, zlib.crc32(payload), len(payload)


def deflated_zeros(header, n_zeros):
    """A deflated member: ``header`` then ``n_zeros`` zero bytes (a multiple of BLOCK), made fast."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(header) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(bytes(BLOCK)) + c.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(header)
    zeros = bytes(BLOCK)
    for _ in range(n_zeros // BLOCK):
        crc = zlib.crc32(zeros, crc)
    return 8, head + block * (n_zeros // BLOCK) + c.flush(), crc, len(header) + n_zeros


def raw_zip(members, flags=0, declared=None):
    """A zip archive of ``{name: (method, data, crc, size)}``. ``flags`` go into every header;
    ``declared`` (name -> size) overrides the sizes the directory states."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, (method, data, crc, size) in members.items():
        size = (declared or {}).get(name, size)
        fields = struct.pack("<HHHHHIII", 20, flags, method, 0, 0x21, crc, len(data), size)
        offset = out.tell()
        out.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name.encode() + data)
        directory.write(b"PK\x01\x02" + struct.pack("<H", 20) + fields
                        + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset) + name.encode())
    start, listing = out.tell(), directory.getvalue()
    out.write(listing + b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(listing),
                                                      start, 0))
    return out.getvalue()


def spec_member(spec):
    text = json.dumps({"format": "nnlab-model-1", **spec}).encode()
    return stored(npy_header((len(text),), "|u1") + text)


def tiny_spec(units=3):
    return {"input_shape": [6], "loss": "softmax_ce", "init": "he", "seed": 0, "dtype": "float64",
            "layers": [{"type": "dense", "units": units, "activation": "softmax"}]}


def model_asking_for(units, n_inputs=784):
    """A file of a few hundred bytes whose architecture asks for a ``units``-wide dense layer."""
    spec = {**tiny_spec(), "input_shape": [n_inputs],
            "layers": [{"type": "dense", "units": units, "activation": "relu"},
                       {"type": "dense", "units": 10, "activation": "softmax"}]}
    return raw_zip({"__architecture__.npy": spec_member(spec)})


def model_zip_bomb(n_members=1, member_bytes=2**31):
    """A valid 6→3 architecture whose parameter members each inflate to ``member_bytes`` of zeros."""
    names = ["0.W.npy", "0.b.npy", "1.W.npy"][:n_members]
    bomb = deflated_zeros(npy_header((member_bytes // 8,)), member_bytes)
    return raw_zip({"__architecture__.npy": spec_member(tiny_spec()), **{name: bomb for name in names}})


def csv_one_line(pairs):
    """``1,`` repeated, one line without a newline: as many columns as pairs."""
    return b"1," * pairs


def csv_wide(columns, rows):
    return (",".join(["1"] * columns) + "\n").encode() * rows


def csv_long_line(n_bytes):
    """One line of letters without a separator."""
    return b"x" * n_bytes


def png_bytes(width, height, mode="L", fmt="PNG"):
    """A white image with a black block in the middle third (the "ink"): a 16,000,000 × 1 PNG compresses
    to about 16 KB."""
    img = Image.new(mode, (width, height), "white")
    img.paste("black", (width // 3, height // 3, max(width // 3 + 1, 2 * width // 3),
                        max(height // 3 + 1, 2 * height // 3)))
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def status_mb(field):
    """A field of /proc/self/status (VmRSS: now; VmHWM: peak) in MB (Linux)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def reset_peak():
    """Collect garbage, reset the peak (VmHWM) to the current RSS and return that RSS in MB."""
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return status_mb("VmRSS")


def peak_rss_mb(call):
    """(what ``call()`` returned or raised, MB the process's resident memory peaked above its level before)."""
    base = reset_peak()
    try:
        outcome = call()
    except Exception as exc:  # noqa: BLE001 -- the caller checks what came out
        outcome = exc
    return outcome, status_mb("VmHWM") - base


def csv_mnist_like(rows, seed=0):
    """(file bytes, values): a legitimate big table shaped like Kaggle's mnist_test.csv — a header
    ``label,1x1,…,28x28``, then per row a label 0–9 and 784 pixels 0–255, most of them 0."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 256, size=(rows, 785))
    values[:, 0] %= 10
    values[:, 1:][rng.random((rows, 784)) < 0.8] = 0
    header = ",".join(["label"] + [f"{r}x{c}" for r in range(1, 29) for c in range(1, 29)])
    body = "\n".join(",".join(row) for row in values.astype(str))
    return f"{header}\n{body}\n".encode(), values
