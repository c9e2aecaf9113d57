"""The one shape every data source returns, so pages and the trainer never care where data came from."""
from dataclasses import dataclass, field

import numpy as np


class DataError(ValueError):
    """Bad or unusable data; the message says what was wrong and what to do about it."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """A prepared, split dataset.

    x_* : float32 (n_samples, n_features), always flat (images are flattened row by row).
    y_* : int64 class indices (n_samples,) for classification; float32 (n_samples, n_targets) for regression,
        z-scored with the training part's ``target_mean`` and ``target_std`` (one per target), so the loss does
        not depend on the target's units; ``to_target_units`` maps them, and predictions, back.
    Three parts, always: train to fit the weights, validation to watch during training and choose the best
    epoch, test to report once at the end. The validation part is never empty.
    """
    name: str
    description: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    feature_names: tuple = ()
    class_names: tuple | None = None  # None for regression
    image_shape: tuple | None = None  # (height, width) when each sample is a greyscale image
    notes: tuple = field(default_factory=tuple)  # what preprocessing did, in words, for the page
    target_mean: tuple | None = None  # regression: per target, in its own units; None = not scaled
    target_std: tuple | None = None

    def __post_init__(self):
        if self.x_val is None or self.y_val is None or not len(self.x_val) or len(self.x_val) != len(self.y_val):
            raise DataError(f"dataset '{self.name}' needs a validation part (matching x_val and y_val, at least one "
                            "sample): it chooses the best epoch, so the test part stays unseen until the end")
        if (self.target_mean is None) != (self.target_std is None):
            raise DataError(f"dataset '{self.name}': give both target_mean and target_std, or neither")

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
        """(x, y, "validation"): the part to watch during training; the test part is kept for the end."""
        return self.x_val, self.y_val, "validation"

    def to_target_units(self, values):
        """Targets or predictions (n_samples, n_targets) as the network sees them → float64 in the target's units.

        The inverse of the z-score ``prepare`` applied: ``values * target_std + target_mean``; unchanged when
        the target was not scaled (classification, or a Dataset built without it).
        """
        values = np.asarray(values, dtype=np.float64)
        if self.target_mean is None:
            return values
        return values * np.asarray(self.target_std) + np.asarray(self.target_mean)
