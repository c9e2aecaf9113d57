"""The bundled 10,000-digit MNIST subset and its fixed train/test split.

The subset ships inside the package so the app works offline and every run starts from the same
digits; see ``bundled/NOTICE.md`` for where it comes from and under which licences.
"""
from functools import lru_cache
from pathlib import Path

import numpy as np

from .dataset import DataError

BUNDLED_MNIST = Path(__file__).resolve().parent / "bundled" / "mnist10k.npz"
N_TRAIN, N_TEST = 8000, 2000


def check_seed(seed, name="seed"):
    """Return ``seed`` as an int in [0, 2**32 - 1], the range NumPy and scikit-learn both accept."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number such as 0, got {seed!r}")
    if not 0 <= int(seed) < 2**32:
        raise ValueError(f"{name} must be between 0 and 4294967295, got {seed}")
    return int(seed)


@lru_cache(maxsize=1)
def load_mnist_subset():
    """The bundled digits, sorted by label, exactly as stored.

    Cached, so the arrays are shared: they are returned read-only to keep one caller from
    changing what every other caller sees.

    Returns
    -------
    images : uint8 (10000, 28, 28), 0 = background, 255 = ink
    labels : uint8 (10000,), digit 0-9
    """
    try:
        with np.load(BUNDLED_MNIST, allow_pickle=False) as npz:
            images, labels = npz["images"], npz["labels"]
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"the bundled MNIST subset {BUNDLED_MNIST} could not be read ({exc}); "
                        "reinstall nnlab to restore it") from exc
    if images.shape != (10000, 28, 28) or images.dtype != np.uint8 or labels.shape != (10000,):
        raise DataError(f"the bundled MNIST subset {BUNDLED_MNIST} has unexpected arrays "
                        f"images {images.dtype}{images.shape}, labels {labels.dtype}{labels.shape}; "
                        "reinstall nnlab to restore it")
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def mnist_split(seed=0):
    """The fixed, stratified 8,000 / 2,000 split of the bundled subset.

    Stratified so each digit keeps its share in both parts; seeded so the same seed always gives the
    same split (a fair basis for comparing models).

    Returns
    -------
    x_train : float32 (8000, 784) in [0, 1], rows are images flattened row by row
    y_train : int64 (8000,)
    x_test : float32 (2000, 784)
    y_test : int64 (2000,)
    """
    from sklearn.model_selection import train_test_split

    seed = check_seed(seed)
    images, labels = load_mnist_subset()
    index = np.arange(len(labels))
    train_idx, test_idx = train_test_split(index, test_size=N_TEST, train_size=N_TRAIN,
                                           stratify=labels, random_state=seed)
    flat = images.reshape(len(images), -1)

    def x(idx):
        return flat[idx].astype(np.float32) / np.float32(255.0)

    return x(train_idx), labels[train_idx].astype(np.int64), x(test_idx), labels[test_idx].astype(np.int64)
