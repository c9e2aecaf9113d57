"""Save and load networks as one ``.npz``: the parameter arrays plus the JSON spec as UTF-8 bytes.

Loading treats the file as hostile. It never unpickles, and it spends memory only on what a valid model
of the stated architecture needs, in this order: the zip directory's size and member list (only
``__architecture__.npy`` and the ``{layer}.{parameter}.npy`` arrays, stored or deflated, unencrypted);
the architecture JSON (read with a byte budget, then checked against the caps in ``model_limits``
without building anything); each member's declared size against the shape the architecture implies;
then the network is built and each array is read into it, at most its declared size. Every failure
is a ``ModelFileError`` whose message names the problem.
"""
import io
import json
import os
import re
import struct
import zipfile
import zlib

import numpy as np

from ..i18n import _
from .model_limits import (MAX_JSON_DEPTH, MAX_LAYERS, MAX_PARAMS, MAX_SPEC_BYTES, SpecError, check_spec, clip,
                           json_depth)
from .network import DEFAULTS, Network

SPEC_KEY = "__architecture__"
FORMAT = "nnlab-model-1"
MAX_NPY_HEADER = 4096                    # bytes of one member's .npy header (NumPy writes 128)
MAX_MEMBERS = 1 + 8 * MAX_LAYERS         # the architecture and ≤ 8 arrays a layer (self-attention has 8)
MAX_DIRECTORY_BYTES = 256 * 2**10        # the zip's central directory (about 100 bytes per member)
MAX_FILE_BYTES = 8 * MAX_PARAMS + MAX_SPEC_BYTES + MAX_MEMBERS * (MAX_NPY_HEADER + 200)
_MEMBER = re.compile(r"\d{1,3}\.[A-Za-z_]\w{0,15}\.npy")
_EOCD = b"PK\x05\x06"  # the zip's end-of-central-directory record


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
    """Read a network saved by ``save_model`` from a path, bytes or a binary file object.

    The returned network's ``spec`` is the file's architecture exactly (absent settings take
    ``network.DEFAULTS``) and its parameters are the file's arrays bit for bit: a model is kept exactly
    or refused. Raises ``ModelFileError`` for anything else, whatever the bytes.
    """
    try:
        return _load(_read_capped(file))
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ModelFileError(_("the zip archive is damaged ({detail}); download the model again",
                               detail=clip(str(exc)))) from None
    except MemoryError:
        raise ModelFileError(_("the model needs more memory than the server can give it")) from None
    except Exception as exc:  # the last line of defence: a hostile file must never become a traceback
        raise ModelFileError(_("the file could not be read as an nnlab model ({kind}: {detail})",
                               kind=type(exc).__name__, detail=clip(str(exc)))) from None


def _read_capped(file):
    if isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
    else:
        try:
            if isinstance(file, (str, os.PathLike)):
                with open(file, "rb") as f:
                    data = f.read(MAX_FILE_BYTES + 1)
            else:
                data = file.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise ModelFileError(_("the file cannot be read ({detail})", detail=clip(str(exc)))) from None
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError(_("the file is over {mb:.0f} MB, more than a model within the limit of {most:,} "
                               "parameters can take", mb=MAX_FILE_BYTES / 2**20, most=MAX_PARAMS))
    return data


def _describe(data):
    """What a file that is not a zip archive looks like it is, in words."""
    if not data:
        return _("the file is empty (0 bytes)")
    if data.startswith(b"\x93NUMPY"):
        return _("this is a single .npy array, not an nnlab model (.npz with an architecture)")
    if len(data) > 2 and data[0] == 0x80 and 2 <= data[1] <= 5 and data.endswith(b"."):
        return _("the file is a Python pickle, not an nnlab model: nnlab never loads pickles because they can run "
                 "code. Save the model with nnlab instead")
    if data.startswith(b"\x1f\x8b"):
        return _("the file is a gzip archive, not an nnlab model (.npz)")
    text = _text_start(data[:200])
    if text is not None:
        return _("the file is text (it begins “{start}”), not an nnlab model (.npz)",
                 start=clip(" ".join(text.split()), 40))
    return _("the file is not an nnlab model but unknown binary data (it starts with the bytes {start}; an .npz "
             "model is a zip archive, which starts with PK)", start=data[:4].hex(" "))


def _text_start(head):
    """``head`` decoded, if it reads as UTF-8 text (a character cut at the end allowed); else None."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return None
        text = head[:exc.start].decode("utf-8")
    return text if text.strip() and all(c.isprintable() or c in "\t\r\n" for c in text) else None


def _open_zip(data):
    if not data.startswith((b"PK\x03\x04", _EOCD)):
        raise ModelFileError(_describe(data))
    end = data.rfind(_EOCD, max(0, len(data) - 22 - 65535))
    if end < 0 or len(data) < end + 22:
        raise ModelFileError(_("the file is a damaged or truncated zip archive (its directory at the end is "
                               "missing); download the model again"))
    if data[max(0, end - 20):end].startswith(b"PK\x06\x07"):
        raise ModelFileError(_("the zip archive uses ZIP64 directory records, which an nnlab model never needs"))
    entries, size = struct.unpack_from("<HI", data, end + 10)
    if entries > MAX_MEMBERS or size > MAX_DIRECTORY_BYTES:
        raise ModelFileError(_("the zip archive lists {entries:,} members in a {size:,}-byte directory; an nnlab "
                               "model has at most {most} members and a {limit:,}-byte directory", entries=entries,
                               size=size, most=MAX_MEMBERS, limit=MAX_DIRECTORY_BYTES))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error) as exc:
        raise ModelFileError(_("the file is a damaged or truncated zip archive ({detail}); download the model "
                               "again", detail=clip(str(exc)))) from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ModelFileError(_("the zip archive has {n:,} members; an nnlab model has at most {most}",
                               n=len(members), most=MAX_MEMBERS))
    seen = set()
    for m in members:
        shown = clip(m.filename, 40)
        if m.filename in seen:
            raise ModelFileError(_("the zip archive holds two members named “{name}”", name=shown))
        seen.add(m.filename)
        if m.filename == SPEC_KEY:
            raise ModelFileError(_("the architecture “{key}” is stored as raw bytes, not as a NumPy array "
                                   "({key}.npy); it was not saved by nnlab", key=SPEC_KEY))
        if m.flag_bits & 0x1:
            raise ModelFileError(_("the member “{name}” is encrypted; nnlab models are never encrypted", name=shown))
        if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFileError(_("the member “{name}” uses zip compression method {method}; nnlab reads only "
                                   "stored or deflated members (as NumPy writes them)", name=shown,
                                   method=m.compress_type))
        if m.filename != SPEC_KEY + ".npy" and not _MEMBER.fullmatch(m.filename):
            if m.filename.endswith(".npy") and m.file_size >= 10:
                with _open_member(archive, m) as stream:  # a pickle says more than "unknown": say that
                    _read_header(stream, m.filename[:-4])
            raise ModelFileError(_("the zip archive holds an unknown member “{name}”; an nnlab model holds only "
                                   "{key}.npy and one .npy array per layer parameter, such as 0.W.npy", name=shown,
                                   key=SPEC_KEY))
    return archive, {m.filename[:-4]: m for m in members}


def _open_member(archive, info):
    try:
        return archive.open(info)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error) as exc:
        raise ModelFileError(_("the zip archive is damaged at member “{name}” ({detail}); download the model again",
                               name=clip(info.filename, 40), detail=clip(str(exc)))) from None


def _read_header(stream, key):
    """(shape, fortran_order, dtype, header length) of one .npy member, reading only its header."""
    try:
        version = np.lib.format.read_magic(stream)
        read = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}[version]
        shape, fortran, dtype = read(stream, max_header_size=MAX_NPY_HEADER)
    except (ValueError, KeyError, SyntaxError, TypeError, EOFError) as exc:
        raise ModelFileError(_("the member {key}.npy is not a readable NumPy array ({detail})", key=key,
                               detail=clip(str(exc)))) from None
    if dtype.hasobject:
        raise ModelFileError(_("the member {key}.npy holds Python objects: reading it would mean unpickling, "
                               "and nnlab never loads pickles because they can run code. Save the model with "
                               "nnlab instead", key=key))
    return shape, fortran, dtype, stream.tell()


def _check_member(archive, info, key, shape, dtype):
    """Read one member's .npy header only and check it, and the size the zip directory declares, against
    the ``shape`` and ``dtype`` the architecture implies. Returns (fortran order, dtype, header bytes)."""
    with _open_member(archive, info) as stream:
        found, fortran, found_dtype, header = _read_header(stream, key)
    if found != shape:
        raise ModelFileError(_("parameter {key} has shape {found}, the architecture needs {shape}", key=key,
                               found=found, shape=shape))
    if found_dtype.kind != "f" or found_dtype.itemsize != dtype.itemsize:
        raise ModelFileError(_("parameter {key} has dtype {found}; this {dtype} model needs {dtype} arrays "
                               "(a conversion would change the weights)", key=key, found=found_dtype, dtype=dtype))
    n_bytes = int(np.prod(shape)) * dtype.itemsize
    if info.file_size != header + n_bytes:
        raise ModelFileError(_("the member {key}.npy declares {declared:,} bytes, but its {shape} {dtype} array "
                               "takes {needed:,}", key=key, declared=info.file_size, shape=shape, dtype=dtype,
                               needed=header + n_bytes))
    return fortran, found_dtype, header


def _read_array(archive, info, key, checked, shape):
    """The member's array, reading no more than the size ``_check_member`` accepted."""
    fortran, dtype, header = checked
    n_bytes = info.file_size - header
    with _open_member(archive, info) as stream:
        stream.read(header)
        raw = stream.read(n_bytes)
        if len(raw) != n_bytes or stream.read(1):  # the last read also makes zipfile check the CRC
            raise ModelFileError(_("the member {key}.npy is truncated", key=key))
    value = np.frombuffer(raw, dtype=dtype)
    return value.reshape(shape[::-1]).T if fortran else value.reshape(shape)


def _read_spec(archive, members):
    info = members.get(SPEC_KEY)
    if info is None:
        raise ModelFileError(_("the .npz has no architecture; it was not saved by nnlab"))
    if info.file_size > MAX_SPEC_BYTES + MAX_NPY_HEADER:
        raise ModelFileError(_("the architecture is {size:,} bytes; the limit is {limit:,}", size=info.file_size,
                               limit=MAX_SPEC_BYTES))
    with _open_member(archive, info) as stream:
        shape, _order, dtype, header = _read_header(stream, SPEC_KEY)
        if dtype != np.uint8 or len(shape) != 1:
            raise ModelFileError(_("the architecture is a {shape} {dtype} array; nnlab stores it as UTF-8 bytes "
                                   "(uint8)", shape=shape, dtype=dtype))
        if shape[0] > MAX_SPEC_BYTES or info.file_size != header + shape[0]:
            raise ModelFileError(_("the architecture is {size:,} bytes in a member of {member:,}; the limit is "
                                   "{limit:,}", size=shape[0], member=info.file_size, limit=MAX_SPEC_BYTES))
        raw = stream.read(shape[0])
        if len(raw) != shape[0] or stream.read(1):
            raise ModelFileError(_("the member {key}.npy is truncated", key=SPEC_KEY))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFileError(_("the architecture JSON is corrupt (not UTF-8 at byte {at})", at=exc.start)) from None
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ModelFileError(_("the architecture JSON nests {depth:,} levels deep; the limit is {limit}", depth=depth,
                               limit=MAX_JSON_DEPTH))
    try:
        spec = json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:
        raise ModelFileError(_("the architecture JSON is corrupt ({detail})", detail=clip(str(exc)))) from None
    if not isinstance(spec, dict) or spec.pop("format", None) != FORMAT:
        raise ModelFileError(_("the architecture is not in the {name} format", name=FORMAT))
    return spec


def _no_constant(name):
    raise ValueError(_("{name} is not a number JSON allows", name=name))


def _load(data):
    archive, members = _open_zip(data)
    spec = _read_spec(archive, members)
    try:
        shapes = check_spec(spec)
    except SpecError as exc:
        raise ModelFileError(_("the architecture is invalid: {detail}", detail=exc)) from None
    dtype = np.dtype(spec.get("dtype", DEFAULTS["dtype"]))
    checked = {key: _check_member(archive, members[key], key, shape, dtype)  # before anything is built
               for key, shape in shapes.items() if key in members}
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # initial weights; the file's replace them
            net = Network(spec)
    except (ValueError, TypeError, KeyError) as exc:
        raise ModelFileError(_("the architecture is invalid: {detail}", detail=clip(str(exc)))) from None
    expected = {f"{i}.{n}": p for i, layer in enumerate(net.layers) for n, p in layer.params.items()}
    arrays = set(members) - {SPEC_KEY}
    if set(expected) != arrays:
        raise ModelFileError(_("the parameters do not match the architecture: missing {missing}, unexpected "
                               "{unexpected}", missing=clip(str(sorted(set(expected) - arrays))),
                               unexpected=clip(str(sorted(arrays - set(expected))))))
    for key, target in expected.items():
        info = members[key]
        value = _read_array(archive, info, key, checked.get(key) or _check_member(archive, info, key, target.shape,
                                                                                  net.dtype), target.shape)
        if not np.all(np.isfinite(value)):
            raise ModelFileError(_("parameter {key} contains NaN or infinite values", key=key))
        target[...] = value
    return net
