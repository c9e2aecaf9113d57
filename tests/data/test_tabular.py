"""prepare / describe_columns / infer_task: the numbers that come out are the ones the textbook recipe
(split first, fit imputers, encoders and scalers on the training part) gives, and bad choices are refused
with messages that say what to do."""
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from nnlab.data.csv_reader import read_table
from nnlab.data.dataset import DataError, Dataset
from nnlab.data.tabular import (MAX_CLASSES, MAX_INPUTS, MIN_ROWS, MISSING, SCALERS, PrepResult, column_kind,
                                describe_columns, infer_task, prepare)


def table(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "height": rng.normal(170, 10, n),
        "weight": rng.normal(70, 5, n),
        "city": rng.choice(["Oslo", "Rome", "Lima"], n),
        "member": pd.array(rng.random(n) > 0.5, dtype="boolean"),
        "species": rng.choice(["cat", "dog", "owl"], n),
    })


def error(frame, *words, **kw):
    with pytest.raises(DataError) as info:
        prepare(frame, **kw)
    message = str(info.value)
    for word in words:
        assert word.lower() in message.lower(), f"{word!r} not in {message!r}"
    return message


# ---------------------------------------------------------------- describe / infer

def test_describe_columns():
    frame = pd.DataFrame({"n": [1.0, np.nan, 1.0, 3.0], "t": ["a", "b", None, "a"],
                          "b": pd.array([True, False, None, True], dtype="boolean")})
    d = describe_columns(frame)
    assert list(d.columns) == ["column", "type", "missing", "distinct", "example"]
    assert d.to_dict("records") == [
        {"column": "n", "type": "numeric", "missing": 1, "distinct": 2, "example": "1.0"},
        {"column": "t", "type": "text", "missing": 1, "distinct": 2, "example": "a"},
        {"column": "b", "type": "bool", "missing": 1, "distinct": 2, "example": "True"},
    ]


def test_infer_task():
    assert infer_task(pd.Series(["a", "b", "a"])) == "classification"
    assert infer_task(pd.Series([True, False])) == "classification"
    assert infer_task(pd.Series(np.arange(100) % 20)) == "classification"
    assert infer_task(pd.Series([0.0, 1.0, np.nan, 1.0])) == "classification"
    assert infer_task(pd.Series(np.arange(21))) == "regression"
    assert infer_task(pd.Series([0.5, 1.0, 1.5])) == "regression"
    assert [column_kind(pd.Series(v)) for v in ([1, 2], [1.5], ["x"], [True])] == ["numeric", "numeric", "text",
                                                                                    "bool"]


# ---------------------------------------------------------------- the happy path

def test_classification_dataset_shapes_types_and_names():
    r = prepare(table(), "species", features=["height", "city", "member"], split=(0.6, 0.2, 0.2), seed=3)
    assert isinstance(r, PrepResult)
    d = r.dataset
    assert isinstance(d, Dataset) and d.task == "classification"
    assert d.class_names == ("cat", "dog", "owl") and d.n_outputs == 3
    assert d.feature_names == ("height", "city=Lima", "city=Oslo", "city=Rome", "member")
    assert (len(d.x_train), len(d.x_val), len(d.x_test)) == (36, 12, 12)
    for x, y in [(d.x_train, d.y_train), (d.x_val, d.y_val), (d.x_test, d.y_test)]:
        assert x.dtype == np.float32 and x.shape[1] == 5
        assert y.dtype == np.int64 and set(y) <= {0, 1, 2}
    assert r.report["n_inputs"] == 5 and r.report["one_hot_columns"] == {"city": 3}
    assert any("Scaling: none" in note for note in d.notes)


def test_labels_round_trip_through_class_names():
    frame = table()
    d = prepare(frame, "species", features=["height"], split=(0.8, 0, 0.2)).dataset
    assert d.x_val is None and d.y_val is None
    # With scaling "none" the height values identify the rows, so labels can be checked row by row.
    lookup = dict(zip(frame["height"].astype(np.float32), frame["species"]))
    for x, y in [(d.x_train, d.y_train), (d.x_test, d.y_test)]:
        assert [d.class_names[k] for k in y] == [lookup[v] for v in x[:, 0]]


def test_numeric_class_labels_sorted_by_value():
    frame = pd.DataFrame({"x": np.arange(30.0), "y": np.tile([10, 2, 3], 10)})
    d = prepare(frame, "y").dataset
    assert d.class_names == ("2", "3", "10")
    assert d.y_train[d.x_train[:, 0] == 0][0] == 2  # row 0 has label 10


def test_bool_target_is_classification():
    frame = table()
    d = prepare(frame, "member", features=["height"]).dataset
    assert d.class_names == ("False", "True")


def test_regression_target_float32_column():
    frame = table()
    r = prepare(frame, "weight", features=["height", "city"])
    d = r.dataset
    assert d.task == "regression" and d.class_names is None and d.n_outputs == 1
    assert d.y_train.dtype == np.float32 and d.y_train.shape == (len(d.x_train), 1)
    all_y = np.concatenate([d.y_train, d.y_val, d.y_test])[:, 0]
    np.testing.assert_allclose(np.sort(all_y), np.sort(frame["weight"].to_numpy(np.float32)))
    assert r.report["task"] == "regression"


def test_task_override_numeric_target_as_classes():
    frame = pd.DataFrame({"x": np.arange(40.0), "y": np.arange(40) % 25 + 0.5})
    assert prepare(frame, "y").dataset.task == "regression"
    d = prepare(frame, "y", task="classification", split=(0.5, 0, 0.5)).dataset
    assert len(d.class_names) == 25 and d.class_names[0] == "0.5"


def test_end_to_end_from_csv_bytes():
    rows = ["age;city;score;label"] + [f"{20 + i};{'ABC'[i % 3]};{i},5;{'yes' if i % 2 else 'no'}"
                                       for i in range(30)]
    frame = read_table("\n".join(rows).encode("latin-1")).frame
    d = prepare(frame, "label", scaling="minmax01").dataset
    assert d.feature_names == ("age", "city=A", "city=B", "city=C", "score")
    assert d.class_names == ("no", "yes")
    assert d.x_train.min() == 0 and d.x_train.max() == 1


# ---------------------------------------------------------------- scaling

def raw_and_scaled(scaling, split=(0.6, 0.2, 0.2), seed=1):
    frame = table(80, seed=seed)
    kw = dict(target="species", features=["height", "weight", "city"], split=split, seed=seed)
    return prepare(frame, scaling="none", **kw).dataset, prepare(frame, scaling=scaling, **kw).dataset


def test_scaling_none_keeps_values():
    raw, _ = raw_and_scaled("none")
    frame = table(80, seed=1)
    assert set(raw.x_train[:, 0]) <= set(frame["height"].astype(np.float32))


def test_minmax01_exact_on_train_and_fitted_on_train_only():
    raw, d = raw_and_scaled("minmax01")
    num = slice(0, 2)
    np.testing.assert_array_equal(d.x_train[:, num].min(axis=0), [0, 0])
    np.testing.assert_array_equal(d.x_train[:, num].max(axis=0), [1, 1])
    lo, hi = raw.x_train[:, num].min(axis=0), raw.x_train[:, num].max(axis=0)
    np.testing.assert_allclose(d.x_test[:, num], (raw.x_test[:, num] - lo) / (hi - lo), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(d.x_train[:, 2:], raw.x_train[:, 2:])  # one-hot stays 0/1


def test_minmax11_exact_on_train():
    raw, d = raw_and_scaled("minmax11")
    np.testing.assert_array_equal(d.x_train[:, :2].min(axis=0), [-1, -1])
    np.testing.assert_array_equal(d.x_train[:, :2].max(axis=0), [1, 1])
    lo, hi = raw.x_train[:, :2].min(axis=0), raw.x_train[:, :2].max(axis=0)
    np.testing.assert_allclose(d.x_val[:, :2], 2 * (raw.x_val[:, :2] - lo) / (hi - lo) - 1, rtol=1e-5, atol=1e-5)


def test_zscore_mean0_std1_on_train():
    raw, d = raw_and_scaled("zscore")
    np.testing.assert_allclose(d.x_train[:, :2].mean(axis=0), [0, 0], atol=1e-6)
    np.testing.assert_allclose(d.x_train[:, :2].std(axis=0), [1, 1], rtol=1e-5)
    mu, sd = raw.x_train[:, :2].mean(axis=0), raw.x_train[:, :2].std(axis=0)
    np.testing.assert_allclose(d.x_test[:, :2], (raw.x_test[:, :2] - mu) / sd, rtol=1e-4, atol=1e-4)


def test_scalers_table_is_the_single_source():
    assert list(SCALERS) == ["none", "minmax01", "minmax11", "zscore"]
    for make in SCALERS.values():
        a, b = make(), make()
        assert isinstance(a, BaseEstimator) and a is not b
        assert make.label
    assert SCALERS["minmax11"]().feature_range == (-1, 1)
    assert list(MISSING) == ["drop", "mean", "most_frequent"]


# ---------------------------------------------------------------- encoding

def test_one_hot_blocks_sum_to_one():
    d = prepare(table(), "species", features=["city", "height"]).dataset
    assert d.feature_names[:3] == ("city=Lima", "city=Oslo", "city=Rome")
    np.testing.assert_array_equal(d.x_train[:, :3].sum(axis=1), 1)
    assert set(np.unique(d.x_train[:, :3])) == {0.0, 1.0}


def test_one_hot_capped_with_other_column_and_notice():
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"shop": [f"s{k:02d}" for k in rng.integers(0, 30, n)], "x": rng.normal(size=n),
                          "y": rng.choice(["a", "b"], n)})
    r = prepare(frame, "y", max_categories=5, split=(0.8, 0.1, 0.1))
    names = r.dataset.feature_names
    assert len(names) == 6 and names[4] == "shop=(other)" and names[5] == "x"
    assert r.report["one_hot_columns"] == {"shop": 5}
    assert r.report["capped"] == {"shop": 30}
    assert any("'shop' has 30 different values" in n and "4 most frequent" in n for n in r.notices)
    np.testing.assert_array_equal(r.dataset.x_train[:, :5].sum(axis=1), 1)


def test_unseen_category_encoded_as_zeros_with_notice():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"c": ["u", "v"] * 20 + ["w"], "x": rng.normal(size=41), "y": ["p", "q"] * 20 + ["p"]})
    for seed in range(50):
        r = prepare(frame, "y", seed=seed)
        if r.report["rows_unseen_category"]:
            break
    else:
        pytest.fail("no seed put the single 'w' row outside training")
    d = r.dataset
    assert "c=w" not in d.feature_names
    held = np.concatenate([d.x_val, d.x_test])
    assert (held[:, :2].sum(axis=1) == 0).sum() == 1
    assert any("never seen in training" in n for n in r.notices)


# ---------------------------------------------------------------- missing values

def with_gaps():
    frame = table(40)
    frame.loc[[1, 2, 3], "height"] = np.nan
    frame.loc[[3, 4], "city"] = None
    frame.loc[5, "species"] = None
    return frame


def test_drop_counts_rows():
    r = prepare(with_gaps(), "species", features=["height", "city"], missing="drop")
    assert r.report["rows_target_missing"] == 1
    assert r.report["rows_dropped_missing"] == 4  # rows 1-4
    assert r.report["rows_used"] == 35
    d = r.dataset
    assert len(d.x_train) + len(d.x_val) + len(d.x_test) == 35
    assert any("4 rows with a missing feature" in n for n in r.notices)
    assert any("1 row without a value in the target" in n for n in r.notices)


def test_mean_imputation_uses_training_mean():
    r = prepare(with_gaps(), "species", features=["height", "city"], missing="mean", split=(0.5, 0.25, 0.25))
    assert r.report["rows_used"] == 39 and r.report["rows_dropped_missing"] == 0
    assert r.report["cells_filled"] == {"height": 3, "city": 2}
    d = r.dataset
    frame = with_gaps().drop(index=5)
    observed = set(frame["height"].dropna().astype(np.float32))
    train_h = d.x_train[:, 0]
    filled = [v for v in np.concatenate([d.x_train[:, 0], d.x_val[:, 0], d.x_test[:, 0]]) if v not in observed]
    assert len(filled) == 3
    train_observed = [v for v in train_h if v in observed]
    np.testing.assert_allclose(filled, np.mean(np.float64(train_observed)), rtol=1e-6)
    assert any("Text columns have no mean" in n for n in r.notices)
    np.testing.assert_array_equal(np.concatenate([d.x_train, d.x_val, d.x_test])[:, 1:].sum(axis=1), 1)


def test_most_frequent_imputation():
    frame = pd.DataFrame({"c": ["a"] * 12 + ["b"] * 4 + [None] * 4, "x": np.arange(20.0),
                          "y": ["p", "q"] * 10})
    r = prepare(frame, "y", missing="most_frequent", split=(0.8, 0, 0.2))
    d = r.dataset
    x = np.concatenate([d.x_train, d.x_test])
    filled = x[x[:, 2] >= 16]
    np.testing.assert_array_equal(filled[:, :2], [[1, 0]] * 4)  # c=a, the most frequent value
    assert r.report["cells_filled"] == {"c": 4}


def test_inf_in_frame_is_missing_with_notice_and_huge_is_refused():
    frame = table(30)
    frame.loc[0, "height"] = np.inf
    r = prepare(frame, "species", features=["height"])
    assert r.report["inf_to_missing"] == {"height": 1} and r.report["rows_dropped_missing"] == 1
    frame.loc[1, "height"] = 1e39
    error(frame, "'height'", "too large", target="species")


# ---------------------------------------------------------------- split

def test_stratified_split_keeps_class_proportions():
    frame = pd.DataFrame({"x": np.arange(100.0), "y": ["a"] * 80 + ["b"] * 20})
    r = prepare(frame, "y", split=(0.6, 0.2, 0.2), seed=7)
    d = r.dataset
    assert r.report["stratified"] is True
    assert np.bincount(d.y_train).tolist() == [48, 12]
    assert np.bincount(d.y_val).tolist() == [16, 4]
    assert np.bincount(d.y_test).tolist() == [16, 4]
    parts = np.concatenate([d.x_train, d.x_val, d.x_test])[:, 0]
    assert sorted(parts) == list(range(100))  # each row used exactly once


def test_split_is_seeded():
    frame = table()
    a, b, c = (prepare(frame, "species", seed=s).dataset for s in (1, 1, 2))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)


def test_rare_class_falls_back_to_random_split():
    frame = pd.DataFrame({"x": np.arange(30.0), "y": ["a"] * 20 + ["b"] * 9 + ["c"]})
    r = prepare(frame, "y")
    assert r.report["stratified"] is False
    assert any("'c' has only 1 row" in n and "random instead of stratified" in n for n in r.notices)
    d = r.dataset
    assert d.class_names == ("a", "b", "c")
    assert len(d.x_train) + len(d.x_val) + len(d.x_test) == 30


# ---------------------------------------------------------------- refusals

def test_too_few_rows():
    frame = pd.DataFrame({"x": np.arange(8.0), "y": [0, 1] * 4})
    error(frame, "only 8 usable rows", f"at least {MIN_ROWS}", "add rows", target="y")


def test_too_few_rows_after_dropping_suggests_filling():
    frame = pd.DataFrame({"x": np.where(np.arange(16) % 2, np.nan, np.arange(16.0)), "y": [0, 1] * 8})
    error(frame, "only 8 usable rows", "8 with a missing feature", "'mean'", target="y")
    assert prepare(frame, "y", task="regression", missing="mean").report["rows_used"] == 16


def test_target_all_missing():
    frame = pd.DataFrame({"x": np.arange(20.0), "y": [np.nan] * 20})
    error(frame, "'y' has no values", "another target", target="y")


def test_single_class():
    frame = pd.DataFrame({"x": np.arange(20.0), "y": ["same"] * 20})
    error(frame, "single class", "'same'", "at least two", target="y")


def test_constant_regression_target():
    frame = pd.DataFrame({"x": np.arange(20.0), "y": [2.5] * 20})
    error(frame, "same value (2.5) in every row", target="y", task="regression")


def test_regression_on_text_target():
    error(table(), "holds text", "classification", target="species", task="regression")


def test_target_also_a_feature():
    error(table(), "also chosen as a feature", "remove it", target="species", features=["height", "species"])


def test_no_usable_feature_all_empty():
    frame = table(20)
    frame["empty"] = np.nan
    error(frame, "no usable feature", "empty", target="species", features=["empty"])


def test_no_usable_feature_all_constant():
    frame = table(20)
    frame["one"] = "x"
    error(frame, "no usable feature", "same value", target="species", features=["one"])


def test_too_many_inputs_numeric_and_one_hot():
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(12, MAX_INPUTS + 1)), columns=[f"f{j}" for j in range(MAX_INPUTS + 1)])
    wide["y"] = [0, 1] * 6
    error(wide, f"{MAX_INPUTS + 1:,} input columns", "fewer feature columns", target="y")
    n = 1400
    text = pd.DataFrame({"a": [f"a{k}" for k in range(n)], "b": [f"b{k}" for k in range(n)], "y": [0, 1] * (n // 2)})
    error(text, "input columns", "category cap", target="y", max_categories=600, split=(0.8, 0.1, 0.1))
    assert prepare(text, "y", max_categories=20).report["n_inputs"] == 40


def test_too_many_classes_offers_regression_for_numbers():
    frame = pd.DataFrame({"x": np.arange(200.0), "y": np.arange(200) % 60})
    error(frame, "60 different values", f"at most {MAX_CLASSES}", "regression", target="y",
          task="classification")
    assert prepare(frame, "y", task="regression").dataset.task == "regression"
    frame["y"] = [f"k{v}" for v in frame["y"]]
    msg = error(frame, "60 different values", "group", target="y")
    assert "regression" not in msg


@pytest.mark.parametrize("kw, words", [
    (dict(target="nope"), ["'nope' is not a column", "'species'"]),
    (dict(target="species", features=["ghost"]), ["'ghost'", "not in the table"]),
    (dict(target="species", features=[]), ["at least one"]),
    (dict(target="species", task="clustering"), ["task='clustering'"]),
    (dict(target="species", missing="median"), ["missing='median'", "'most_frequent'"]),
    (dict(target="species", scaling="robust"), ["scaling='robust'", "'zscore'"]),
    (dict(target="species", split=(0.7, 0.2, 0.2)), ["add up to 1"]),
    (dict(target="species", split=(1.0, 0.0, 0.0)), ["test above 0"]),
    (dict(target="species", seed=-1), ["seed=-1"]),
    (dict(target="species", max_categories=1), ["max_categories=1"]),
])
def test_bad_arguments_are_named(kw, words):
    error(table(), *words, **kw)


def test_duplicate_columns_in_frame_refused():
    frame = pd.DataFrame([[1, 2, 3]] * 12, columns=["a", "a", "y"])
    error(frame, "unique", "'a'", target="y")
