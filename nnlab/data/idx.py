"""IDX files, the format MNIST and Fashion-MNIST are distributed in, raw or gzipped.

Layout (big-endian): two zero bytes, a type code (0x08 = uint8 …), the number of dimensions, one
uint32 per dimension, then the values row by row. Everything is checked against the file's length
before a single value is read, so a truncated download or a wrong file fails with a message that
says which and what to do, never with a strange array.
"""
import gzip
import os
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..i18n import N_, _
from .dataset import DataError

GZIP_MAGIC = b"\x1f\x8b"
# type code -> big-endian dtype
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
# What a file of ndim dimensions is expected to hold, for the message of a file with another number.
_EXPECTED = {3: N_("images (n, rows, cols)"), 1: N_("labels (n,)")}
_CODE_OF = {np.dtype(t).newbyteorder("="): code for code, t in IDX_TYPES.items()}

FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
# the four files of an MNIST-style folder, by role
MNIST_FILE_STEMS = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


class ImageSplit(NamedTuple):
    """Images uint8 (n, rows, cols) and labels uint8 (n,) of a dataset's own train/test files."""
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _read_source(source):
    """(bytes, name for messages) of a path or an in-memory file."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "<in-memory IDX data>"
    if not isinstance(source, (str, os.PathLike)):
        raise ValueError(f"source must be a file path or bytes, got {type(source).__name__}")
    path = Path(source)
    try:
        return path.read_bytes(), str(path)
    except FileNotFoundError:
        raise DataError(_("IDX file {path} does not exist", path=path)) from None
    except OSError as exc:
        raise DataError(_("IDX file {path} could not be read: {reason}", path=path, reason=exc)) from exc


def _header(data, name, ndim=None):
    """(dtype, shape, header size in bytes) from the start of an IDX file's (decompressed) bytes, checked."""
    if len(data) < 4:
        raise DataError(_("{name} is too short to be an IDX file: {size} bytes, the header alone needs 4", name=name,
                          size=len(data)))
    if data[0] != 0 or data[1] != 0:
        raise DataError(_("{name} is not an IDX file: bad magic number 0x{magic} (an IDX file starts with two zero "
                          "bytes, e.g. 0x00000803 for uint8 images)", name=name, magic=data[:4].hex()))
    code, dims_n = data[2], data[3]
    if code not in IDX_TYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_TYPES)
        raise DataError(_("{name} has unknown IDX type code 0x{code:02X} in its magic number; expected one of {known}",
                          name=name, code=code, known=known))
    if dims_n == 0:
        raise DataError(_("{name} declares 0 dimensions in its magic number; an IDX file has at least 1", name=name))
    if ndim is not None and dims_n != ndim:
        what = _(_EXPECTED[ndim]) if ndim in _EXPECTED else _("check the file")
        raise DataError(_("{name} has {found} dimensions but {ndim} were expected ({what}); is it the right file?",
                          name=name, found=dims_n, ndim=ndim, what=what))
    header = 4 + 4 * dims_n
    if len(data) < header:
        raise DataError(_("{name} is truncated: its header needs {header} bytes but the file has {size}", name=name,
                          header=header, size=len(data)))
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=dims_n, offset=4))
    return np.dtype(IDX_TYPES[code]), shape, header


def read_idx(source, ndim=None):
    """Read an IDX file, raw or gzip-compressed (recognised by its content, not its name).

    Parameters
    ----------
    source : str, os.PathLike or bytes
    ndim : int, optional
        The number of dimensions the caller needs (3 for images, 1 for labels); a file with another
        number raises ``DataError``.

    Returns
    -------
    numpy array in native byte order, shape as given by the file's header (e.g. uint8 (n, 28, 28)).
    """
    data, name = _read_source(source)
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            raise DataError(_("{name} is a damaged or truncated gzip file ({reason}); download it again", name=name,
                              reason=exc)) from exc
    dtype, shape, header = _header(data, name, ndim)
    n_values = int(np.prod(shape, dtype=object))
    expected = n_values * dtype.itemsize
    found = len(data) - header
    if found < expected:
        raise DataError(_("{name} is truncated: its header promises shape {shape} ({expected} bytes of data) but only "
                          "{found} bytes follow; download it again", name=name, shape=shape, expected=expected,
                          found=found))
    if found > expected:
        raise DataError(_("{name} is corrupt: {extra} bytes more than its header's shape {shape} accounts for",
                          name=name, extra=found - expected, shape=shape))
    values = np.frombuffer(data, dtype, count=n_values, offset=header)
    return values.astype(dtype.newbyteorder("="), copy=True).reshape(shape)


def write_idx(path, array, compress=None):
    """Write ``array`` as an IDX file; gzip it when ``compress`` is true (default: when path ends in .gz).

    gzip's timestamp is fixed at 0, so the same array always gives the same bytes (and checksum).
    """
    array = np.asarray(array)
    code = _CODE_OF.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"array dtype {array.dtype} has no IDX type; "
                         "use uint8, int8, int16, int32, float32 or float64")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"array must have 1 to 255 dimensions for IDX, got {array.ndim}")
    path = Path(path)
    raw = (bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
           + np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes())
    if path.name.endswith(".gz") if compress is None else compress:
        raw = gzip.compress(raw, mtime=0)
    path.write_bytes(raw)
    return path


def load_idx_pair(images_path, labels_path):
    """Read an images file and its labels file and check that they belong together.

    Returns
    -------
    images : uint8 (n, rows, cols)
    labels : uint8 (n,)
    """
    images = read_idx(images_path, ndim=3)
    labels = read_idx(labels_path, ndim=1)
    if images.dtype != np.uint8:
        raise DataError(_("images file {path} holds {dtype} values; MNIST-style images are uint8 (0-255)",
                          path=images_path, dtype=images.dtype))
    if labels.dtype != np.uint8:
        raise DataError(_("labels file {path} holds {dtype} values; MNIST-style labels are uint8", path=labels_path,
                          dtype=labels.dtype))
    if len(images) != len(labels):
        raise DataError(_("images file {images_path} has {images} images but labels file {labels_path} has {labels} "
                          "labels; they must have one label per image", images_path=images_path, images=len(images),
                          labels_path=labels_path, labels=len(labels)))
    return images, labels


def find_mnist_files(folder):
    """Paths of the four standard files in ``folder`` (each named with or without .gz; either
    ``train-images-idx3-ubyte`` or ``train-images.idx3-ubyte``), or ``DataError`` naming the missing ones."""
    folder = Path(folder)
    found, missing = {}, []
    for role, stem in MNIST_FILE_STEMS.items():
        dotted = stem.replace("-idx", ".idx")
        candidates = [folder / f"{s}{ext}" for s in (stem, dotted) for ext in (".gz", "")]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            missing.append(stem + "[.gz]")
        else:
            found[role] = path
    if missing:
        raise DataError(_("folder {folder} lacks the MNIST-format file(s) {missing}; it needs train-images, "
                          "train-labels, t10k-images and t10k-labels", folder=folder, missing=", ".join(missing)))
    return found


def load_mnist_folder(folder):
    """The four standard MNIST-format files of a folder (MNIST, Fashion-MNIST, KMNIST …).

    Returns
    -------
    ImageSplit(x_train uint8 (n_train, rows, cols), y_train uint8 (n_train,), x_test, y_test)
    """
    paths = find_mnist_files(folder)
    x_train, y_train = load_idx_pair(paths["x_train"], paths["y_train"])
    x_test, y_test = load_idx_pair(paths["x_test"], paths["y_test"])
    if x_train.shape[1:] != x_test.shape[1:]:
        raise DataError(_("folder {folder}: train images are {train} but test images {test}; both sets must have the "
                          "same image size", folder=folder, train=x_train.shape[1:], test=x_test.shape[1:]))
    return ImageSplit(x_train, y_train, x_test, y_test)


def idx_shape(path):
    """The shape an IDX file's header declares, reading only its first bytes (gzipped or raw): what a
    catalogue needs to know of a 47 MB images file. ``read_idx`` checks the rest when the data is used."""
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
    try:
        with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as f:
            head = f.read(4)
            head += f.read(4 * head[3]) if len(head) == 4 else b""
    except (EOFError, OSError, zlib.error) as exc:
        raise DataError(_("{name} is a damaged or truncated gzip file ({reason}); download it again", name=path,
                          reason=exc)) from exc
    return _header(head, str(path))[1]


def mnist_folder_labels(folder):
    """(train labels, test labels, image (rows, cols)) of an MNIST-format folder, without reading its images."""
    paths = find_mnist_files(folder)
    return read_idx(paths["y_train"], ndim=1), read_idx(paths["y_test"], ndim=1), idx_shape(paths["x_train"])[1:]


def fashion_mnist_dir(root=FASHION_MNIST_DIR):
    """The Fashion-MNIST folder of Debian's ``dataset-fashion-mnist`` package, or None if not installed."""
    try:
        find_mnist_files(root)
    except DataError:
        return None
    return Path(root)


def load_fashion_mnist(root=FASHION_MNIST_DIR):
    """Fashion-MNIST's own 60,000 / 10,000 split as an ``ImageSplit`` (see ``FASHION_MNIST_CLASSES``)."""
    folder = fashion_mnist_dir(root)
    if folder is None:
        raise DataError(_("Fashion-MNIST was not found in {root}; install it with "
                          "`apt-get install dataset-fashion-mnist`", root=root))
    return load_mnist_folder(folder)
