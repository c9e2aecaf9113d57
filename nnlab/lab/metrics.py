"""Regression metrics in the target's own units, so a learner reads "off by 3.2 kg on average" rather than
a loss on a z-scored target.

``prepare`` z-scores a regression target for training (``Dataset.target_mean`` / ``target_std``); these
numbers are computed after mapping both the true values and the predictions back with
``Dataset.to_target_units``. The formulas are scikit-learn's.
"""
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

from ..i18n import _

PARTS = ("train", "validation", "test")


@dataclass(frozen=True)
class RegressionMetrics:
    """rmse and mae in the target's units; r2 without units: 1 is perfect, 0 is no better than always
    predicting the mean of the true values, below 0 is worse; NaN for fewer than 2 samples. Several target
    columns: the plain average over them. n: how many samples."""
    rmse: float
    mae: float
    r2: float
    n: int


def regression_metrics(y_true, y_pred):
    """RMSE, MAE and R² of predictions against true values, both in the target's units.

    Parameters
    ----------
    y_true, y_pred : array-like (n_samples,) or (n_samples, n_targets), finite, the same shape.
    """
    y_true, y_pred = _column_array(y_true, "y_true"), _column_array(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(_("y_true has shape {true} but y_pred has {pred}; give one prediction per true value",
                           true=y_true.shape, pred=y_pred.shape))
    n = len(y_true)
    r2 = float(r2_score(y_true, y_pred)) if n >= 2 else float("nan")
    return RegressionMetrics(float(root_mean_squared_error(y_true, y_pred)),
                             float(mean_absolute_error(y_true, y_pred)), r2, n)


def metrics_in_target_units(dataset, pred, part="test"):
    """``regression_metrics`` of the network's outputs for one part of a regression ``Dataset``.

    pred : the network's outputs for the part's x (``dataset.x_test`` for "test"), (n_samples, n_targets),
        in the z-scored units it was trained on; both they and the part's y are mapped to the target's units.
    part : "train", "validation" or "test".
    """
    if dataset.task != "regression":
        raise ValueError(_("dataset '{name}' is a classification dataset; RMSE, MAE and R² are for regression",
                           name=dataset.name))
    if part not in PARTS:
        raise ValueError(_("part={part!r} is not known; use one of {parts}", part=part, parts=", ".join(PARTS)))
    y = {"train": dataset.y_train, "validation": dataset.y_val, "test": dataset.y_test}[part]
    return regression_metrics(dataset.to_target_units(y), dataset.to_target_units(pred))


def _column_array(values, name):
    values = np.asarray(values, dtype=np.float64)
    if values.ndim not in (1, 2) or not len(values):
        raise ValueError(_("{name} must be a non-empty (n_samples,) or (n_samples, n_targets) array, got shape "
                           "{shape}", name=name, shape=values.shape))
    if not np.isfinite(values).all():
        raise ValueError(_("{name} holds NaN or infinite values; metrics need finite numbers", name=name))
    return values
