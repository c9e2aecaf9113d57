"""The dataset registry the UI lists, and load_dataset's splits, scaling and metadata."""
import numpy as np
import pytest

from nnlab.data import Dataset, DataError
from nnlab.data import builtin
from nnlab.data.builtin import (DATASETS, DEFAULT_DATASET, available_datasets, carve_validation, label_facts,
                                load_dataset, split_70_15_15)
from nnlab.data.idx import fashion_mnist_dir, write_idx
from nnlab.data.mnist import mnist_split

ALWAYS = ["MNIST subset (10k digits)", "Digits 8×8", "Iris", "Wine", "Breast cancer",
          "Moons", "Circles", "Blobs", "Two blobs", "Spirals", "XOR"]
SMALL = ALWAYS[1:]  # all but the MNIST subset, whose split starts from mnist_split's 8000/2000


@pytest.fixture(autouse=True)
def _empty_cache(monkeypatch, tmp_path):
    # the user's real download cache must not change what these tests see
    monkeypatch.setenv("NNLAB_DATA", str(tmp_path / "nnlab-data"))


def test_registry_order_and_entries():
    names = list(available_datasets())
    assert names[: len(ALWAYS)] == ALWAYS and names[0] == DEFAULT_DATASET
    assert set(names) - set(ALWAYS) <= {"Fashion-MNIST", "MNIST (full)"}
    assert ("Fashion-MNIST" in names) == (fashion_mnist_dir() is not None)
    assert "MNIST (full)" not in names
    assert list(DATASETS)[: len(ALWAYS)] == ALWAYS
    for name, info in available_datasets().items():
        assert info.name == name and info.kind in ("image", "2d", "table")
        assert info.description and "\n" not in info.description


def test_mnist_subset_dataset():
    ds = load_dataset(DEFAULT_DATASET)
    assert isinstance(ds, Dataset) and ds.name == DEFAULT_DATASET
    assert (ds.x_train.shape, ds.x_val.shape, ds.x_test.shape) == ((7000, 784), (1000, 784), (2000, 784))
    assert ds.class_names == tuple("0123456789") and ds.image_shape == (28, 28)
    assert len(ds.feature_names) == 784 and ds.task == "classification" and ds.n_outputs == 10
    x_val, y_val, label = ds.held_out()
    assert label == "validation" and x_val is ds.x_val and y_val is ds.y_val
    assert "stratified split, seed 0: 7000 train / 1000 validation / 2000 test" in ds.notes


def test_mnist_subset_validation_comes_from_the_training_digits_and_test_is_unchanged():
    x_tr, y_tr, x_te, y_te = mnist_split(seed=0)  # what bench/ and the engine tests train on, unchanged
    assert x_tr.shape == (8000, 784) and x_te.shape == (2000, 784)
    ds = load_dataset(DEFAULT_DATASET, seed=0)
    np.testing.assert_array_equal(ds.x_test, x_te)
    np.testing.assert_array_equal(ds.y_test, y_te)
    train_rows = {r.tobytes(): k for k, r in enumerate(x_tr)}
    parts = [[train_rows[r.tobytes()] for r in part] for part in (ds.x_train, ds.x_val)]
    assert sorted(parts[0] + parts[1]) == list(range(8000))  # train + validation = the 8000, each once
    np.testing.assert_array_equal(y_tr[parts[1]], ds.y_val)
    share = np.bincount(ds.y_val, minlength=10) - np.bincount(y_tr, minlength=10) / 8
    assert np.abs(share).max() <= 1  # stratified: an eighth of each digit, to within rounding


def test_carve_validation_is_stratified_and_seeded():
    y = np.repeat([0, 1], [80, 20])
    x = np.arange(100.0)[:, None]
    x_tr, y_tr, x_va, y_va = carve_validation(x, y, 10, seed=3)
    assert np.bincount(y_va).tolist() == [8, 2] and len(y_tr) == 90
    assert sorted(np.concatenate([x_tr, x_va]).ravel().tolist()) == list(range(100))
    np.testing.assert_array_equal(y[x_va.ravel().astype(int)], y_va)
    np.testing.assert_array_equal(carve_validation(x, y, 10, seed=3)[2], x_va)
    assert not np.array_equal(carve_validation(x, y, 10, seed=4)[2], x_va)


@pytest.mark.parametrize("name", SMALL)
def test_70_15_15_stratified_split(name):
    ds = load_dataset(name)
    y = np.concatenate([ds.y_train, ds.y_val, ds.y_test])
    n = len(y)
    assert len(ds.y_test) == round(0.15 * n) and len(ds.y_val) == round(0.15 * n)
    assert len(ds.y_train) == n - 2 * round(0.15 * n)
    for part in (ds.x_train, ds.x_val, ds.x_test):
        assert part.dtype == np.float32 and part.ndim == 2 and part.shape[1] == ds.n_features
    for part in (ds.y_train, ds.y_val, ds.y_test):
        assert part.dtype == np.int64
    # stratified: each part holds each class in proportion, to within rounding
    total = np.bincount(y)
    for part, frac in ((ds.y_train, len(ds.y_train) / n), (ds.y_val, 0.15), (ds.y_test, 0.15)):
        assert np.all(np.abs(np.bincount(part, minlength=len(total)) - frac * total) <= 1.5)
    assert ds.held_out()[2] == "validation"
    assert len(ds.class_names) == len(total) == ds.n_outputs


def test_parts_do_not_overlap():
    ds = load_dataset("Wine")  # rows are distinct in the source, so shared rows would mean a leak
    rows = {r.tobytes() for r in ds.x_train}
    assert not any(r.tobytes() in rows for r in np.concatenate([ds.x_val, ds.x_test]))
    assert len({r.tobytes() for r in np.concatenate([ds.x_train, ds.x_val, ds.x_test])}) == 178


@pytest.mark.parametrize("name, n_features, classes", [
    ("Iris", 4, ("setosa", "versicolor", "virginica")),
    ("Wine", 13, ("class_0", "class_1", "class_2")),
    ("Breast cancer", 30, ("malignant", "benign")),
])
def test_tables_are_z_scored_on_train_only(name, n_features, classes):
    ds = load_dataset(name)
    assert ds.n_features == n_features == len(ds.feature_names) and ds.class_names == classes
    assert all(type(f) is str for f in ds.feature_names)
    np.testing.assert_allclose(ds.x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(ds.x_train.std(axis=0), 1, atol=1e-4)
    # held-out parts use the training statistics, so they are not exactly standardised themselves
    assert np.abs(ds.x_test.mean(axis=0)).max() > 1e-3
    assert ds.image_shape is None


def test_digits_are_scaled_images():
    ds = load_dataset("Digits 8×8")
    assert ds.image_shape == (8, 8) and ds.n_features == 64 and ds.class_names == tuple("0123456789")
    x = np.concatenate([ds.x_train, ds.x_test])
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(np.round(x * 16) / 16, x)


@pytest.mark.parametrize("name", ["Moons", "Circles", "Blobs", "Spirals", "XOR"])
def test_toys_take_n_samples_and_noise(name):
    ds = load_dataset(name, seed=2, n_samples=200, noise=0.3)
    assert ds.feature_names == ("x1", "x2") and ds.n_features == 2
    assert len(ds.y_train) + len(ds.y_val) + len(ds.y_test) == 200
    assert ds.class_names == (("0", "1", "2") if name == "Blobs" else ("0", "1"))
    default = load_dataset(name)
    assert len(default.y_train) + len(default.y_val) + len(default.y_test) == 400


@pytest.mark.parametrize("name", SMALL + [DEFAULT_DATASET])
def test_deterministic_per_seed(name):
    a, b, c = load_dataset(name, seed=5), load_dataset(name, seed=5), load_dataset(name, seed=6)
    for field in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        u, v = getattr(a, field), getattr(b, field)
        if u is None:
            assert v is None
        else:
            np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a.x_train, c.x_train)


def test_bad_requests_are_refused_by_name():
    with pytest.raises(ValueError, match=r"unknown dataset 'MNIST'; choose one of: MNIST subset \(10k digits\), "
                                         "Digits 8×8, Iris"):
        load_dataset("MNIST")
    with pytest.raises(ValueError, match="n_samples only apply to the 2-D toy sets, not to 'Iris'"):
        load_dataset("Iris", n_samples=100)
    with pytest.raises(ValueError, match="noise must be between 0 and 1.0, got 2"):
        load_dataset("Moons", noise=2)
    with pytest.raises(ValueError, match="seed must be a whole number"):
        load_dataset("Moons", seed=0.5)


def test_split_70_15_15_on_its_own():
    y = np.repeat([0, 1, 2, 3], [50, 30, 15, 5])
    x = np.arange(len(y), dtype=float)[:, None]
    x_tr, y_tr, x_va, y_va, x_te, y_te = split_70_15_15(x, y, seed=0)
    assert (len(y_tr), len(y_va), len(y_te)) == (70, 15, 15)
    assert sorted(np.concatenate([x_tr, x_va, x_te]).ravel().tolist()) == list(range(100))
    np.testing.assert_array_equal(y[x_te.ravel().astype(int)], y_te)


def test_full_mnist_appears_once_cached(tmp_path, monkeypatch):
    cache = tmp_path / "nnlab-data" / "mnist"
    cache.mkdir(parents=True)
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (120, 28, 28), dtype=np.uint8)
    y_train = np.arange(120, dtype=np.uint8) % 10
    write_idx(cache / "train-images-idx3-ubyte.gz", x_train)
    write_idx(cache / "train-labels-idx1-ubyte.gz", y_train)
    write_idx(cache / "t10k-images-idx3-ubyte.gz", x_train[:10])
    assert "MNIST (full)" not in available_datasets()
    write_idx(cache / "t10k-labels-idx1-ubyte.gz", y_train[:10])
    assert "MNIST (full)" in available_datasets()
    ds = load_dataset("MNIST (full)")
    # its own 10 test images; a sixth of its 120 training images become validation, two of each digit
    assert (ds.x_train.shape, ds.x_val.shape, ds.x_test.shape) == ((100, 784), (20, 784), (10, 784))
    assert np.bincount(ds.y_val).tolist() == [2] * 10 and ds.held_out()[2] == "validation"
    np.testing.assert_allclose(ds.x_test[3] * 255, x_train[3].ravel(), atol=1e-4)
    images = {r.tobytes(): k for k, r in enumerate(x_train.reshape(120, -1))}
    rows = [images[(np.round(r * 255)).astype(np.uint8).tobytes()] for r in np.concatenate([ds.x_train, ds.x_val])]
    assert sorted(rows) == list(range(120))
    np.testing.assert_array_equal(np.concatenate([ds.y_train, ds.y_val]), y_train[rows])
    assert ds.y_train.dtype == np.int64 and ds.class_names == tuple("0123456789")
    # the cache emptied again: it disappears from the list and loading it says why
    (cache / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(ValueError, match="unknown dataset 'MNIST \\(full\\)'"):
        load_dataset("MNIST (full)")
    with pytest.raises(DataError, match="not in the cache; download it first"):
        builtin._OPTIONAL["MNIST (full)"].loader(0)


def _numbers_of_the_loaded(name):
    """The catalogue's numbers counted on the dataset as ``load_dataset`` splits it."""
    ds = load_dataset(name)
    y_all = np.concatenate([ds.y_train, ds.y_val, ds.y_test])
    return {"n": len(y_all), "train": len(ds.y_train), "val": len(ds.y_val), "test": len(ds.y_test),
            "features": ds.n_features, "classes": ds.class_names,
            "counts": np.bincount(y_all, minlength=len(ds.class_names)).tolist()}


def test_label_facts_are_the_numbers_of_the_loaded_dataset(tmp_path):
    """Read from the label files alone, for a full MNIST in the cache with uneven classes and odd 5×7 images."""
    cache = tmp_path / "nnlab-data" / "mnist"
    cache.mkdir(parents=True)
    rng = np.random.default_rng(1)
    y_test = rng.integers(0, 10, 14).astype(np.uint8)
    # at least two of each class in the training set (the split is stratified), the rest uneven
    y_train = np.concatenate([np.arange(20) % 10, rng.integers(0, 4, 76)]).astype(np.uint8)
    write_idx(cache / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (96, 5, 7), dtype=np.uint8))
    write_idx(cache / "train-labels-idx1-ubyte.gz", y_train)
    write_idx(cache / "t10k-images-idx3-ubyte.gz", rng.integers(0, 256, (14, 5, 7), dtype=np.uint8))
    write_idx(cache / "t10k-labels-idx1-ubyte.gz", y_test)
    facts = label_facts("MNIST (full)")
    expected = _numbers_of_the_loaded("MNIST (full)")
    assert {**facts, "counts": facts["counts"].tolist()} == expected
    assert expected["features"] == 35 and expected["val"] == 16
    assert label_facts("Iris") is None
    # a new version of a file (written beside it, then renamed over it, as a download does) is read again
    write_idx(cache / "new.gz", np.full(14, 9, dtype=np.uint8))
    (cache / "new.gz").replace(cache / "t10k-labels-idx1-ubyte.gz")
    assert label_facts("MNIST (full)")["counts"].tolist() == \
        np.bincount(np.concatenate([y_train, np.full(14, 9)]), minlength=10).tolist()


@pytest.mark.skipif(fashion_mnist_dir() is None,
                    reason="Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
def test_fashion_label_facts_are_the_numbers_of_the_loaded_dataset():
    facts = label_facts("Fashion-MNIST")
    assert {**facts, "counts": facts["counts"].tolist()} == _numbers_of_the_loaded("Fashion-MNIST")


@pytest.mark.skipif(fashion_mnist_dir() is None,
                    reason="Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
def test_fashion_mnist_dataset():
    ds = load_dataset("Fashion-MNIST")
    assert (ds.x_train.shape, ds.x_val.shape, ds.x_test.shape) == ((50000, 784), (10000, 784), (10000, 784))
    assert np.bincount(ds.y_val).tolist() == [1000] * 10  # stratified; Fashion-MNIST has 6,000 of each class
    assert ds.x_train.dtype == np.float32 and 0.0 == ds.x_train.min() and ds.x_train.max() == 1.0
    assert ds.class_names[0] == "T-shirt/top" and ds.class_names[9] == "Ankle boot"
    assert ds.image_shape == (28, 28)
