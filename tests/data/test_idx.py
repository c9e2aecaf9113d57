"""IDX reading and writing: round trips, and a clear DataError for every way a file can be wrong."""
import gzip
import tempfile
from pathlib import Path

import numpy as np
import pytest

from nnlab.data import DataError
from nnlab.data.idx import (FASHION_MNIST_CLASSES, fashion_mnist_dir, find_mnist_files, idx_shape,
                            load_fashion_mnist, load_idx_pair, load_mnist_folder, read_idx, write_idx)

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
LABELS = RNG.integers(0, 10, size=7, dtype=np.uint8)


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("array", [
    IMAGES, LABELS,
    np.arange(-6, 6, dtype=np.int16).reshape(3, 4),
    np.linspace(-1, 1, 10, dtype=np.float32),
    np.linspace(-1, 1, 12).reshape(2, 3, 2),
    np.array([-5, 0, 2**30], dtype=np.int32),
])
def test_round_trip_raw_and_gzip(tmp_path, array, suffix):
    path = write_idx(tmp_path / f"a-idx{suffix}", array)
    back = read_idx(path)
    assert back.dtype == array.dtype and back.dtype.isnative and back.flags.writeable
    np.testing.assert_array_equal(back, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == (suffix == ".gz")


def test_header_layout_matches_the_mnist_spec(tmp_path):
    raw = write_idx(tmp_path / "img", IMAGES).read_bytes()
    assert raw[:4] == bytes.fromhex("00000803")  # the magic number of MNIST image files
    assert raw[4:16] == bytes.fromhex("00000007 00000005 00000004")
    assert len(raw) == 16 + IMAGES.size


def test_gzip_is_detected_by_content_not_name(tmp_path):
    gz_named_raw = write_idx(tmp_path / "raw.gz", LABELS, compress=False)
    raw_named_gz = write_idx(tmp_path / "labels-idx1-ubyte", LABELS, compress=True)
    np.testing.assert_array_equal(read_idx(gz_named_raw), LABELS)
    np.testing.assert_array_equal(read_idx(raw_named_gz), LABELS)
    np.testing.assert_array_equal(read_idx(raw_named_gz.read_bytes()), LABELS)  # bytes work too


def test_gzip_output_is_reproducible(tmp_path):
    a = write_idx(tmp_path / "a.gz", IMAGES).read_bytes()
    b = write_idx(tmp_path / "b.gz", IMAGES).read_bytes()
    assert a == b


def _raw(array):
    """The bytes write_idx produces, for building damaged copies."""
    with tempfile.TemporaryDirectory() as d:
        return write_idx(Path(d) / "x", array).read_bytes()


@pytest.mark.parametrize("data, message", [
    (b"\x00\x00", "too short to be an IDX file: 2 bytes"),
    (b"\x12\x34\x08\x01" + b"\x00" * 8, "bad magic number 0x12340801"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "unknown IDX type code 0x07"),
    (b"\x00\x00\x08\x00", "declares 0 dimensions"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x07\x00\x00", "truncated: its header needs 16 bytes but the file has 10"),
    (_raw(IMAGES)[:-1], r"truncated: its header promises shape \(7, 5, 4\) \(140 bytes of data\) but only 139"),
    (_raw(IMAGES) + b"\x00\x00", r"corrupt: 2 bytes more than its header's shape \(7, 5, 4\)"),
    (gzip.compress(_raw(IMAGES))[:-10], "damaged or truncated gzip file"),
    (b"\x1f\x8b" + b"not really gzip", "damaged or truncated gzip file"),
])
def test_bad_files_raise_clear_data_errors(tmp_path, data, message):
    path = tmp_path / "bad-idx"
    path.write_bytes(data)
    with pytest.raises(DataError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_idx(tmp_path / "nope")


def test_wrong_number_of_dimensions(tmp_path):
    labels = write_idx(tmp_path / "labels.gz", LABELS)
    with pytest.raises(DataError, match=r"has 1 dimensions but 3 were expected \(images"):
        read_idx(labels, ndim=3)


def test_pair_loads_and_checks(tmp_path):
    img = write_idx(tmp_path / "img.gz", IMAGES)
    lab = write_idx(tmp_path / "lab.gz", LABELS)
    images, labels = load_idx_pair(img, lab)
    np.testing.assert_array_equal(images, IMAGES)
    np.testing.assert_array_equal(labels, LABELS)
    with pytest.raises(DataError, match="has 1 dimensions but 3 were expected"):
        load_idx_pair(lab, img)  # swapped
    short = write_idx(tmp_path / "short.gz", LABELS[:6])
    with pytest.raises(DataError, match="has 7 images but labels file .*short.gz has 6 labels"):
        load_idx_pair(img, short)
    floats = write_idx(tmp_path / "floats", IMAGES.astype(np.float32))
    with pytest.raises(DataError, match="holds float32 values; MNIST-style images are uint8"):
        load_idx_pair(floats, lab)


def _mnist_folder(folder, gz=True, dotted=False, n_train=6, n_test=4):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    for stem, a in arrays.items():
        name = stem.replace("-idx", ".idx") if dotted else stem
        write_idx(folder / (name + (".gz" if gz else "")), a)
    return arrays


@pytest.mark.parametrize("gz, dotted", [(True, False), (False, False), (False, True)])
def test_load_mnist_folder(tmp_path, gz, dotted):
    arrays = _mnist_folder(tmp_path / "m", gz=gz, dotted=dotted)
    split = load_mnist_folder(tmp_path / "m")
    np.testing.assert_array_equal(split.x_train, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(split.y_train, arrays["train-labels-idx1-ubyte"])
    np.testing.assert_array_equal(split.x_test, arrays["t10k-images-idx3-ubyte"])
    np.testing.assert_array_equal(split.y_test, arrays["t10k-labels-idx1-ubyte"])


def test_incomplete_folder_names_the_missing_files(tmp_path):
    _mnist_folder(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match=r"lacks the MNIST-format file\(s\) t10k-labels-idx1-ubyte\[.gz\]"):
        find_mnist_files(tmp_path)
    assert fashion_mnist_dir(tmp_path) is None
    with pytest.raises(DataError, match="apt-get install dataset-fashion-mnist"):
        load_fashion_mnist(tmp_path)


def test_fashion_mnist_dir_finds_a_complete_folder(tmp_path):
    _mnist_folder(tmp_path)
    assert fashion_mnist_dir(tmp_path) == tmp_path


def test_write_idx_refuses_unsupported_dtype(tmp_path):
    with pytest.raises(ValueError, match="dtype uint16 has no IDX type"):
        write_idx(tmp_path / "x", np.zeros(3, np.uint16))


@pytest.mark.skipif(fashion_mnist_dir() is None,
                    reason="Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
def test_reads_the_real_fashion_mnist():
    split = load_fashion_mnist()
    assert split.x_train.shape == (60000, 28, 28) and split.x_test.shape == (10000, 28, 28)
    assert split.x_train.dtype == np.uint8 and split.x_train.max() == 255
    # Fashion-MNIST is exactly balanced: 6000 train and 1000 test images per class
    assert np.bincount(split.y_train).tolist() == [6000] * 10
    assert np.bincount(split.y_test).tolist() == [1000] * 10
    assert len(FASHION_MNIST_CLASSES) == 10


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_idx_shape_reads_only_the_header(tmp_path, name):
    path = tmp_path / name
    write_idx(path, np.zeros((3, 5, 7), dtype=np.uint8))
    assert idx_shape(path) == (3, 5, 7)
    data = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    cut = tmp_path / "cut-idx3-ubyte"
    cut.write_bytes(data[:16])  # the header without its values: the shape is there, read_idx would refuse
    assert idx_shape(cut) == (3, 5, 7)
    with pytest.raises(DataError, match="truncated"):
        read_idx(cut)
    bad = tmp_path / "bad"
    bad.write_bytes(b"\x01\x02\x08\x03" + data[4:16])
    with pytest.raises(DataError, match="not an IDX file"):
        idx_shape(bad)
