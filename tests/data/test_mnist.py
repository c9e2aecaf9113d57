"""The bundled MNIST subset and its fixed stratified split."""
import numpy as np
import pytest

from nnlab.data.mnist import load_mnist_subset, mnist_split

README_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


def test_subset_shapes_dtypes_and_label_counts():
    images, labels = load_mnist_subset()
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and labels.dtype == np.uint8
    assert np.bincount(labels).tolist() == README_COUNTS
    # real digits: full grey range, ink in the centre, empty corners
    assert images.min() == 0 and images.max() == 255
    assert images[:, 10:18, 10:18].mean() > 4 * images[:, :4, :4].mean()


def test_subset_is_cached_and_read_only():
    images, labels = load_mnist_subset()
    assert load_mnist_subset()[0] is images
    assert not images.flags.writeable and not labels.flags.writeable
    with pytest.raises(ValueError):
        images[0, 0, 0] = 1


def test_split_sizes_dtypes_and_range():
    x_tr, y_tr, x_te, y_te = mnist_split(0)
    assert x_tr.shape == (8000, 784) and x_te.shape == (2000, 784)
    assert x_tr.dtype == x_te.dtype == np.float32
    assert y_tr.shape == (8000,) and y_te.shape == (2000,) and y_tr.dtype == y_te.dtype == np.int64
    assert x_tr.min() == 0.0 and x_tr.max() == 1.0 and x_te.min() == 0.0 and x_te.max() == 1.0
    # 8-bit grey levels survive the scaling exactly
    np.testing.assert_array_equal(np.round(x_tr * 255) / 255, x_tr)


def test_split_is_stratified_and_a_partition():
    x_tr, y_tr, x_te, y_te = mnist_split(0)
    counts = np.array(README_COUNTS)
    assert np.all(np.abs(np.bincount(y_te, minlength=10) - counts * 0.2) <= 1)
    assert np.all(np.abs(np.bincount(y_tr, minlength=10) - counts * 0.8) <= 1)
    # every bundled image is used exactly once: the multiset of rows matches the source
    images, labels = load_mnist_subset()
    together = np.concatenate([x_tr, x_te])
    src = images.reshape(10000, -1).astype(np.float32) / 255
    key = lambda a: np.sort(a @ np.arange(1, 785, dtype=np.float64))  # noqa: E731  (order-free fingerprint)
    np.testing.assert_allclose(key(together), key(src))
    np.testing.assert_array_equal(np.sort(np.concatenate([y_tr, y_te])), np.sort(labels))


def test_same_seed_same_split_other_seed_differs():
    a, b = mnist_split(0), mnist_split(0)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    c = mnist_split(1)
    assert not np.array_equal(a[1], c[1])
    assert not np.array_equal(a[0], c[0])


def test_split_shuffles_the_sorted_labels():
    _, y_tr, _, _ = mnist_split(0)
    assert np.count_nonzero(np.diff(y_tr)) > 5000  # sorted input would give 9 changes


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True, 2**32])
def test_bad_seed_is_refused_by_name(seed):
    with pytest.raises(ValueError, match="seed"):
        mnist_split(seed)
