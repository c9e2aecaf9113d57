"""prepare / describe_columns / infer_task: the numbers that come out are the ones the textbook recipe
(split first, fit imputers, encoders and scalers on the training part) gives, and bad choices are refused
with messages that say what to do."""
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from nnlab.data.csv_reader import read_table
from nnlab.data.dataset import DataError, Dataset
from nnlab.data.tabular import (DEFAULT_SCALING, MAX_CLASSES, MAX_INPUTS, MIN_ROWS, MISSING, SCALERS, PrepResult,
                                column_kind, describe_columns, infer_task, prepare)


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
    assert list(d.columns) == ["column", "type", "kind", "missing", "possibly missing", "distinct", "example", "note"]
    assert d.to_dict("records") == [
        {"column": "n", "type": "numeric", "kind": "number", "missing": 1, "possibly missing": 0, "distinct": 2,
         "example": "1.0", "note": ""},
        {"column": "t", "type": "text", "kind": "category", "missing": 1, "possibly missing": 0, "distinct": 2,
         "example": "a", "note": ""},
        {"column": "b", "type": "bool", "kind": "true/false", "missing": 1, "possibly missing": 0, "distinct": 2,
         "example": "True", "note": ""},
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
    assert any("Scaling: z-score (mean 0, standard deviation 1), fitted on the training part." == note
               for note in d.notes)  # the default


def test_labels_round_trip_through_class_names():
    frame = table()
    d = prepare(frame, "species", features=["height"], split=(0.7, 0.1, 0.2), scaling="none").dataset
    # With scaling "none" the height values identify the rows, so labels can be checked row by row.
    lookup = dict(zip(frame["height"].astype(np.float32), frame["species"]))
    for x, y in [(d.x_train, d.y_train), (d.x_val, d.y_val), (d.x_test, d.y_test)]:
        assert [d.class_names[k] for k in y] == [lookup[v] for v in x[:, 0]]


def test_numeric_class_labels_sorted_by_value():
    frame = pd.DataFrame({"x": np.arange(30.0), "y": np.tile([10, 2, 3], 10)})
    d = prepare(frame, "y", scaling="none").dataset
    assert d.class_names == ("2", "3", "10")
    assert d.y_train[d.x_train[:, 0] == 0][0] == 2  # row 0 has label 10


def test_bool_target_is_classification():
    frame = table()
    d = prepare(frame, "member", features=["height"]).dataset
    assert d.class_names == ("False", "True")


def test_regression_target_z_scored_on_train_and_mapped_back():
    frame = table()
    frame["weight"] *= 30  # in the thousands, like the upload whose loss started near 2,000
    r = prepare(frame, "weight", features=["height", "city"])
    d = r.dataset
    assert d.task == "regression" and d.class_names is None and d.n_outputs == 1
    assert d.y_train.dtype == np.float32 and d.y_train.shape == (len(d.x_train), 1)
    # z-scored with the training part's own mean and (population) standard deviation ...
    np.testing.assert_allclose(d.y_train.mean(), 0, atol=1e-6)
    np.testing.assert_allclose(d.y_train.std(), 1, rtol=1e-5)
    # ... whose statistics are kept, and computed from the training rows only
    train_weights = d.to_target_units(d.y_train)[:, 0]
    assert d.target_mean == pytest.approx((train_weights.mean(),)) and d.target_std == pytest.approx(
        (train_weights.std(),))
    assert abs(d.y_test.mean()) > 1e-3  # held-out rows use the training statistics
    # mapped back, every part holds the original values
    all_y = np.concatenate([d.to_target_units(p) for p in (d.y_train, d.y_val, d.y_test)])[:, 0]
    np.testing.assert_allclose(np.sort(all_y), np.sort(frame["weight"].to_numpy()), rtol=1e-6)
    assert d.to_target_units(d.y_test).dtype == np.float64
    assert r.report["task"] == "regression" and r.report["target_mean"] == [d.target_mean[0]]
    assert (f"The target 'weight' is z-scored for training with the training part's mean {d.target_mean[0]:.6g} "
            f"and standard deviation {d.target_std[0]:.6g}; predictions are mapped back to its units for RMSE, MAE "
            "and R².") in r.notices


def test_classification_targets_are_not_scaled():
    d = prepare(table(), "species").dataset
    assert d.target_mean is None and d.target_std is None
    np.testing.assert_array_equal(d.to_target_units(d.y_test), d.y_test)


def test_target_constant_in_the_training_part_is_refused():
    frame = pd.DataFrame({"x": np.arange(30.0), "y": [1.0] * 29 + [2.0]})
    for seed in range(20):
        try:
            prepare(frame, "y", task="regression", seed=seed)
        except DataError as exc:
            assert "same value (1) in every training row" in str(exc)
            break
    else:
        pytest.fail("no seed kept the single 2.0 out of training")


def test_task_override_numeric_target_as_classes():
    frame = pd.DataFrame({"x": np.arange(40.0), "y": np.arange(40) % 25 + 0.5})
    assert prepare(frame, "y").dataset.task == "regression"
    d = prepare(frame, "y", task="classification", split=(0.5, 0.25, 0.25)).dataset
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
    assert list(SCALERS) == ["zscore", "minmax01", "minmax11", "none"]
    assert DEFAULT_SCALING == "zscore" == next(iter(SCALERS))  # a list of the table starts on the default
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
    assert ("1 validation/test row holds a value of the text feature 'c' never seen in training, encoded as all "
            "zeros for that feature.") in r.notices


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
    assert "Dropped 4 rows with a missing feature value: 'height' in 3 of them and 'city' in 2." in r.notices
    assert r.report["missing_by_column"] == {"height": 3, "city": 2}
    assert any("1 row without a value in the target" in n for n in r.notices)


def test_mean_imputation_uses_training_mean():
    r = prepare(with_gaps(), "species", features=["height", "city"], missing="mean", split=(0.5, 0.25, 0.25),
                scaling="none")
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
    assert ("Filled 5 missing cells with values of the training part: 3 in 'height' (its mean) and 2 in 'city' "
            "(its most frequent value).") in r.notices
    np.testing.assert_array_equal(np.concatenate([d.x_train, d.x_val, d.x_test])[:, 1:].sum(axis=1), 1)


def test_most_frequent_imputation():
    frame = pd.DataFrame({"c": ["a"] * 12 + ["b"] * 4 + [None] * 4, "x": np.arange(20.0),
                          "y": ["p", "q"] * 10})
    r = prepare(frame, "y", missing="most_frequent", split=(0.7, 0.1, 0.2), scaling="none")
    d = r.dataset
    x = np.concatenate([d.x_train, d.x_val, d.x_test])
    filled = x[x[:, 2] >= 16]
    np.testing.assert_array_equal(filled[:, :2], [[1, 0]] * 4)  # c=a, the most frequent value
    assert r.report["cells_filled"] == {"c": 4}
    assert "Filled 4 missing cells with values of the training part: 4 in 'c' (its most frequent value)." in r.notices


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
    r = prepare(frame, "y", split=(0.6, 0.2, 0.2), seed=7, scaling="none")
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
    error(text, "input columns", "category cap", target="y", features=["a", "b"], max_categories=600,
          split=(0.8, 0.1, 0.1))
    assert prepare(text, "y", features=["a", "b"], max_categories=20).report["n_inputs"] == 40


def test_too_many_classes_offers_regression_for_numbers():
    frame = pd.DataFrame({"x": np.arange(200.0), "y": np.arange(200) % 60})
    error(frame, "60 different values", f"at most {MAX_CLASSES}", "regression", target="y",
          task="classification")
    assert prepare(frame, "y", task="regression").dataset.task == "regression"
    frame["y"] = [f"k{v}" for v in frame["y"]]
    msg = error(frame, "60 different values", "group", target="y")
    assert "regression" not in msg
    frame["y"] = [str(v) if k % 9 else "?" for k, v in enumerate(np.arange(200) % 60)]
    error(frame, "different values", "may mean missing", "treat those as missing", "regression", target="y")
    d = prepare(frame, "y", task="regression", confirmed_missing=["y"]).dataset
    assert d.task == "regression" and len(d.y_train) + len(d.y_val) + len(d.y_test) == 200 - 23


@pytest.mark.parametrize("kw, words", [
    (dict(target="nope"), ["'nope' is not a column", "'species'"]),
    (dict(target="species", features=["ghost"]), ["'ghost'", "not in the table"]),
    (dict(target="species", features=[]), ["at least one"]),
    (dict(target="species", task="clustering"), ["task='clustering'"]),
    (dict(target="species", missing="median"), ["missing='median'", "'most_frequent'"]),
    (dict(target="species", scaling="robust"), ["scaling='robust'", "'zscore'"]),
    (dict(target="species", split=(0.7, 0.2, 0.2)), ["add up to 1"]),
    (dict(target="species", split=(1.0, 0.0, 0.0)), ["each above 0"]),
    (dict(target="species", split=(0.8, 0.0, 0.2)), ["each above 0", "validation part chooses the best epoch"]),
    (dict(target="species", confirmed_missing="city"), ["list of column names"]),
    (dict(target="species", confirmed_missing=["ghost"]), ["'ghost'", "not columns"]),
    (dict(target="species", seed=-1), ["seed=-1"]),
    (dict(target="species", max_categories=1), ["max_categories=1"]),
])
def test_bad_arguments_are_named(kw, words):
    error(table(), *words, **kw)


def test_duplicate_columns_in_frame_refused():
    frame = pd.DataFrame([[1, 2, 3]] * 12, columns=["a", "a", "y"])
    error(frame, "unique", "'a'", target="y")


# ---------------------------------------------------------------- the upload from the issue, from CSV bytes

NONE_ROWS = set(range(0, 99, 3))  # 33 rows whose pet is really "none"
EMPTY_PETS = {1, 4, 7, 10, 13, 16, 19, 22, 25, 28}
EMPTY_AGE = {1, 4, 2, 5, 8, 11, 14, 17, 20, 23}  # two rows (1, 4) miss both: 18 rows have an empty cell


def pets_csv():
    rows = ["student_id,name,age,pets,result"]
    cats = 0
    for i in range(100):
        if i in NONE_ROWS:
            pet = "none"
        elif i in EMPTY_PETS:
            pet = ""
        else:
            pet, cats = ("cat" if cats < 40 else "dog"), cats + 1
        age = "" if i in EMPTY_AGE else str(18 + i % 7)
        rows.append(f"{1001 + i},Student {i:03d},{age},{pet},{'pass' if i % 2 else 'fail'}")
    return read_table(("\n".join(rows) + "\n").encode())


def column_total(d, name):
    j = d.feature_names.index(name)
    return int(sum(part[:, j].sum() for part in (d.x_train, d.x_val, d.x_test)))


def test_a_real_none_category_is_kept_and_only_empty_cells_drop_rows():
    read = pets_csv()
    assert "Column 'pets': 'none' in 33 cells may mean a missing value; kept as values unless you choose to treat " \
           "them as missing." in read.notices
    r = prepare(read.frame, "result")
    d = r.dataset
    assert r.notices[:3] == [
        "Left out 'student_id': a different whole number in every row — an identifier, not a feature. Choose it as "
        "a feature to use it anyway.",
        "Left out 'name': a different value in every row — an identifier, not a feature. Choose it as a feature to "
        "use it anyway.",
        "Dropped 18 rows with a missing feature value: 'age' in 10 of them and 'pets' in 10."]
    assert r.report["rows_dropped_missing"] == 18 and r.report["rows_used"] == 82
    assert d.feature_names == ("age", "pets=cat", "pets=dog", "pets=none")
    assert column_total(d, "pets=none") == 33  # every "none" row kept, as "none"
    assert r.report["left_out"] == {
        "student_id": "'student_id': a different whole number in every row — an identifier, not a feature",
        "name": "'name': a different value in every row — an identifier, not a feature"}


def test_filling_leaves_none_alone_and_says_what_it_filled():
    r = prepare(pets_csv().frame, "result", missing="most_frequent")
    assert ("Filled 20 missing cells with values of the training part: 10 in 'age' (its most frequent value) and "
            "10 in 'pets' (its most frequent value).") in r.notices
    assert column_total(r.dataset, "pets=none") == 33  # "cat" is the most frequent pet, so no gap became "none"
    assert column_total(r.dataset, "pets=cat") == 50


def test_none_becomes_missing_only_when_confirmed():
    r = prepare(pets_csv().frame, "result", confirmed_missing=["pets"])
    assert "Treated as missing, as you chose: 'none' in 33 cells of 'pets'." == r.notices[0]
    assert "Dropped 51 rows with a missing feature value: 'age' in 10 of them and 'pets' in 43." in r.notices
    assert r.report["rows_dropped_missing"] == 51 and r.report["confirmed_missing"] == {"pets": 33}
    assert "pets=none" not in r.dataset.feature_names


def test_identifiers_can_still_be_chosen():
    r = prepare(pets_csv().frame, "result", features=["student_id", "age"], scaling="none")
    assert r.dataset.feature_names == ("student_id", "age") and r.report["left_out"] == {}
    assert not any("Left out" in n for n in r.notices)
    assert set(r.dataset.x_train[:, 0]) <= set(range(1001, 1101))


def test_no_feature_left_says_why():
    frame = pd.DataFrame({"id": np.arange(20), "y": ["a", "b"] * 10})
    error(frame, "no column is left to predict 'y' from", "'id': a different whole number in every row",
          "choose the features yourself", target="y")


def test_numbers_with_placeholders_become_a_number_feature_once_confirmed():
    rows = ["age,y"] + [f"{'?' if i % 10 == 0 else 20 + i},{i % 2}" for i in range(40)]
    frame = read_table(("\n".join(rows) + "\n").encode()).frame
    frame["x"] = np.arange(40.0)
    r = prepare(frame, "y", scaling="none")
    assert r.dataset.feature_names == ("x",)
    assert r.notices[0] == ("Left out 'age': numbers, except '?' in 4 cells that may mean a missing value — treat "
                            "them as missing to use it as a number. Choose it as a feature to use it anyway.")
    r = prepare(frame, "y", scaling="none", confirmed_missing=["age"])
    assert r.dataset.feature_names == ("age", "x")
    assert r.notices[:2] == ["Treated as missing, as you chose: '?' in 4 cells of 'age'.",
                             "Dropped 4 rows with a missing value in the feature 'age'."]
    ages = np.concatenate([r.dataset.x_train, r.dataset.x_val, r.dataset.x_test])[:, 0]
    assert sorted(ages) == [20 + i for i in range(40) if i % 10]


def test_unseen_values_in_several_text_features_are_counted_per_column():
    frame = pd.DataFrame({"a": ["u", "v"] * 20 + ["w1", "u"], "b": ["p", "q"] * 20 + ["w2", "w3"],
                          "y": ["k", "l"] * 21})
    for seed in range(200):
        r = prepare(frame, "y", seed=seed)
        if r.report["rows_unseen_category"] == 2:
            break
    else:
        pytest.fail("no seed put both odd rows outside training")
    assert ("2 validation/test rows hold a text value never seen in training, encoded as all zeros for that "
            "feature: 'a' in 1 of them and 'b' in 2.") in r.notices
