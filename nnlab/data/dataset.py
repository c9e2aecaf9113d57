"""The one shape every data source returns, so pages and the trainer never care where data came from."""
from dataclasses import dataclass, field

import numpy as np


class DataError(ValueError):
    """Bad or unusable data; the message says what was wrong and what to do about it."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """A prepared, split dataset.

    x_* : float32 (n_samples, n_features), always flat (images are flattened row by row).
    y_* : int64 class indices (n_samples,) for classification; float32 (n_samples, n_targets) for regression.
    x_val / y_val may be None; ``held_out()`` then falls back to the test set.
    """
    name: str
    description: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    feature_names: tuple = ()
    class_names: tuple | None = None  # None for regression
    image_shape: tuple | None = None  # (height, width) when each sample is a greyscale image
    notes: tuple = field(default_factory=tuple)  # what preprocessing did, in words, for the page

    @property
    def task(self):
        return "regression" if self.class_names is None else "classification"

    @property
    def n_features(self):
        return self.x_train.shape[1]

    @property
    def n_outputs(self):
        """Output units a network needs: one per class (one sigmoid unit would also do for two), or per target."""
        if self.class_names is None:
            return 1 if self.y_train.ndim == 1 else self.y_train.shape[1]
        return len(self.class_names)

    def held_out(self):
        """(x, y, label) of the set to watch during training: validation if there is one, else test."""
        if self.x_val is not None and len(self.x_val):
            return self.x_val, self.y_val, "validation"
        return self.x_test, self.y_test, "test"
