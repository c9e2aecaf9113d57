"""Save and load networks as one ``.npz``: the parameter arrays plus the JSON spec as UTF-8 bytes.

Never pickle: loading uses ``allow_pickle=False``, so a file carrying Python objects is refused instead
of executed, and every array is checked against the shape and dtype the spec implies.
"""
import io
import json
import os
import zipfile

import numpy as np

from .network import Network

SPEC_KEY = "__architecture__"
FORMAT = "nnlab-model-1"


class ModelFileError(ValueError):
    """A model file that cannot be loaded; the message says why and what to do."""


def save_model(net, file):
    """Write ``net`` to a path or a binary file object."""
    spec = {"format": FORMAT, **net.spec}
    arrays = {f"{i}.{name}": p for i, layer in enumerate(net.layers) for name, p in layer.params.items()}
    arrays[SPEC_KEY] = np.frombuffer(json.dumps(spec).encode("utf-8"), dtype=np.uint8)
    if isinstance(file, (str, os.PathLike)):
        # Open it ourselves: given a path, np.savez would append ".npz" to any other name.
        with open(file, "wb") as f:
            np.savez(f, **arrays)
    else:
        np.savez(file, **arrays)


def model_to_bytes(net):
    buf = io.BytesIO()
    save_model(net, buf)
    return buf.getvalue()


def load_model(file):
    """Read a network saved by ``save_model`` from a path, bytes or a binary file object."""
    if isinstance(file, (bytes, bytearray)):
        file = io.BytesIO(file)
    try:
        data = np.load(file, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):  # a bare .npy gives an ndarray, not a context manager
            raise ModelFileError("this is a single .npy array, not an nnlab model (.npz with an architecture)")
        with data:
            arrays = {k: data[k] for k in data.files}
    except ModelFileError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise ModelFileError("the file is not an nnlab model: reading it would mean unpickling Python "
                                 "objects, and nnlab never loads pickles because they can run code. "
                                 "Save the model with nnlab instead.") from None
        raise ModelFileError(f"the file is not a readable .npz model ({exc})") from None
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelFileError(f"the file is not a readable .npz model ({exc}); it may be truncated or "
                             "of another format") from None
    if SPEC_KEY not in arrays:
        raise ModelFileError("the .npz has no architecture; it was not saved by nnlab")
    try:
        spec = json.loads(arrays.pop(SPEC_KEY).astype(np.uint8).tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"the architecture JSON is corrupt ({exc})") from None
    if not isinstance(spec, dict) or spec.pop("format", None) != FORMAT:
        raise ModelFileError(f"the architecture is not in the {FORMAT} format")
    try:
        net = Network(spec)
    except (ValueError, TypeError, KeyError) as exc:
        raise ModelFileError(f"the architecture is invalid: {exc}") from None
    expected = {f"{i}.{n}": p for i, layer in enumerate(net.layers) for n, p in layer.params.items()}
    if set(arrays) != set(expected):
        raise ModelFileError(f"the parameters do not match the architecture: missing "
                             f"{sorted(set(expected) - set(arrays))}, unexpected {sorted(set(arrays) - set(expected))}")
    for key, target in expected.items():
        value = arrays[key]
        if value.shape != target.shape:
            raise ModelFileError(f"parameter {key} has shape {value.shape}, the architecture needs {target.shape}")
        if not np.issubdtype(value.dtype, np.floating):
            raise ModelFileError(f"parameter {key} has dtype {value.dtype}; expected floating point")
        if not np.all(np.isfinite(value)):
            raise ModelFileError(f"parameter {key} contains NaN or infinite values")
        target[...] = value
    return net
