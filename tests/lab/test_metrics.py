"""Regression metrics: scikit-learn's numbers agree with a hand computation, and on a prepared upload they
are in the target's own units, not the z-scored ones the network learns."""
import math

import numpy as np
import pandas as pd
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.data.tabular import prepare
from nnlab.lab.metrics import RegressionMetrics, metrics_in_target_units, regression_metrics


def by_hand(y, p):
    """RMSE, MAE, R² from their definitions, in plain NumPy."""
    err = np.asarray(p, float) - np.asarray(y, float)
    y = np.asarray(y, float)
    return (math.sqrt(np.mean(err ** 2)), np.mean(np.abs(err)),
            1 - np.sum(err ** 2) / np.sum((y - y.mean()) ** 2))


def test_a_worked_example():
    # errors 0.5, 0, -1, 1: MSE (0.25 + 0 + 1 + 1) / 4 = 0.5625, so RMSE 0.75; MAE 2.5 / 4 = 0.625;
    # the true values vary by 5 around their mean 2.5, so R² = 1 - 2.25 / 5 = 0.55
    m = regression_metrics([1, 2, 3, 4], [1.5, 2, 2, 5])
    assert m == RegressionMetrics(rmse=pytest.approx(0.75), mae=pytest.approx(0.625), r2=pytest.approx(0.55), n=4)


def test_agrees_with_the_definitions_on_random_data():
    rng = np.random.default_rng(0)
    y = rng.normal(50, 10, 200)
    p = y + rng.normal(0, 3, 200)
    m = regression_metrics(y, p)
    assert (m.rmse, m.mae, m.r2) == pytest.approx(by_hand(y, p), rel=1e-12)
    assert regression_metrics(y[:, None], p[:, None]) == m  # (n, 1) columns give the same


def test_several_targets_are_averaged():
    rng = np.random.default_rng(1)
    y, p = rng.normal(size=(50, 2)), rng.normal(size=(50, 2))
    m = regression_metrics(y, p)
    per_target = [by_hand(y[:, k], p[:, k]) for k in range(2)]
    assert m.mae == pytest.approx(np.mean([t[1] for t in per_target]))
    assert m.r2 == pytest.approx(np.mean([t[2] for t in per_target]))
    assert m.rmse == pytest.approx(np.mean([t[0] for t in per_target]))


def test_perfect_and_mean_predictions():
    y = np.array([3.0, 5.0, 7.0])
    assert regression_metrics(y, y) == RegressionMetrics(0.0, 0.0, 1.0, 3)
    assert regression_metrics(y, np.full(3, y.mean())).r2 == pytest.approx(0.0)
    assert math.isnan(regression_metrics([2.0], [1.0]).r2)  # one sample: R² is undefined


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\) but y_pred has \(2,\)"):
        regression_metrics([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="y_pred holds NaN"):
        regression_metrics([1, 2], [1, np.nan])
    with pytest.raises(ValueError, match="non-empty"):
        regression_metrics([], [])


def prices():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, size=(80, 2))
    price = 30 * x[:, 0] - 10 * x[:, 1] + rng.normal(0, 20, 80)  # in the thousands
    return pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "price": price})


def test_metrics_of_a_prepared_upload_are_in_the_targets_units():
    frame = prices()
    d = prepare(frame, "price", scaling="none").dataset  # unscaled features identify the rows; the target is scaled
    assert abs(float(d.y_train.mean())) < 1e-5 and d.target_std[0] > 100
    # a "network" whose outputs are the scaled truth plus noise of 0.1 scaled units
    noise = np.random.default_rng(2).normal(0, 0.1, d.y_test.shape)
    m = metrics_in_target_units(d, d.y_test + noise, "test")
    # independently: the true prices of the test rows, looked up in the original frame by their feature 'a'
    row = {np.float32(a): k for k, a in enumerate(frame["a"])}
    truth = frame["price"].to_numpy()[[row[a] for a in d.x_test[:, 0]]]
    pred = truth + noise[:, 0] * d.target_std[0]
    assert (m.rmse, m.mae, m.r2) == pytest.approx(by_hand(truth, pred), rel=1e-5)
    assert m.rmse > 10 and m.n == len(d.y_test)  # prices, not z-scores


def test_parts_and_tasks_are_checked():
    d = prepare(prices(), "price").dataset
    for part, y in (("train", d.y_train), ("validation", d.y_val), ("test", d.y_test)):
        assert metrics_in_target_units(d, y, part) == RegressionMetrics(0.0, 0.0, 1.0, len(y))
    with pytest.raises(ValueError, match="part='val' is not known"):
        metrics_in_target_units(d, d.y_val, "val")
    with pytest.raises(ValueError, match="classification dataset"):
        metrics_in_target_units(load_dataset("Iris"), np.zeros((22, 1)))
