"""classify_column / default_features: identifiers, free text and numbers written as text are found, left
out of the default features with a true reason, and nothing else is."""
import numpy as np
import pandas as pd
import pytest

from nnlab.data.columns import KINDS, MIN_VALUES_TO_JUDGE, classify_column, default_features, describe_columns

N = 40
WORDS = ["good", "slow", "loud", "bright", "kind", "odd", "late", "clear", "warm"]


def roster():
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "student_id": np.arange(1001, 1001 + N),
        "name": [f"Student {k:03d}" for k in rng.permutation(N)],
        "comment": [" ".join(rng.choice(WORDS, 6)) for _ in range(N)],
        "height": rng.normal(170, 10, N),  # different in every row too, but a measurement
        "x": np.arange(N),  # consecutive whole numbers, but not named like an identifier
        "city": rng.choice(["Oslo", "Rome", "Lima"], N),
        "member": pd.array(rng.random(N) > 0.5, dtype="boolean"),
        "passed": rng.choice(["yes", "no"], N),
    })


def test_each_column_gets_its_kind_and_reason():
    frame = roster()
    kinds = {col: classify_column(frame[col], col) for col in frame.columns}
    assert kinds["student_id"] == ("identifier", "'student_id': a different whole number in every row — an "
                                                 "identifier, not a feature")
    assert kinds["name"] == ("identifier", "'name': a different value in every row — an identifier, not a feature")
    assert kinds["comment"] == ("free text", f"'comment': free text ({frame['comment'].nunique()} different texts "
                                             "of about 6 words) — one-hot encoding treats each whole text as a "
                                             "category and learns nothing from its words")
    assert kinds["height"] == ("number", "") and kinds["x"] == ("number", "")
    assert kinds["city"] == ("category", "") and kinds["member"] == ("true/false", "")
    assert set(kind for kind, _ in kinds.values()) <= set(KINDS)


def test_default_features_leave_out_identifiers_and_free_text():
    features, left_out = default_features(roster(), "passed")
    assert features == ["height", "x", "city", "member"]
    assert list(left_out) == ["student_id", "name", "comment"]
    assert left_out["name"] == "'name': a different value in every row — an identifier, not a feature"


def test_gaps_and_repeats_are_told_truly():
    names = pd.Series([f"n{k}" for k in range(N)] + [None] * 5)
    assert classify_column(names, "who")[1] == ("'who': a different value in every row that has one — an "
                                                "identifier, not a feature")
    twice = pd.Series([f"n{k % (N - 1)}" for k in range(N)])  # one value appears twice: a category
    assert classify_column(twice, "who") == ("category", "")


@pytest.mark.parametrize("name", ["id", "ID", "row", "Unnamed: 0", "customer id", "order_key"])
def test_counting_numbers_with_an_identifier_name(name):
    assert classify_column(pd.Series(np.arange(N) * 7), name)[0] == "identifier"


def test_too_few_values_to_judge():
    few = MIN_VALUES_TO_JUDGE - 1
    assert classify_column(pd.Series([f"n{k}" for k in range(few)]), "name") == ("category", "")
    assert classify_column(pd.Series([f"n{k}" for k in range(few + 1)]), "name")[0] == "identifier"


def test_numbers_with_placeholders_are_left_out_until_confirmed():
    age = pd.Series([str(20 + k) for k in range(N)] + ["?"] * 3 + ["-"])
    assert classify_column(age, "age") == ("numbers as text", "'age': numbers, except '?' in 3 cells and '-' in 1 "
                                           "cell that may mean a missing value — treat them as missing to use it "
                                           "as a number")


def test_describe_columns_shows_kind_possible_missing_and_note():
    frame = roster()
    frame["pets"] = ["none"] * 10 + ["cat"] * (N - 10)
    d = describe_columns(frame).set_index("column")
    assert d.loc["student_id", "kind"] == "identifier" and "an identifier" in d.loc["student_id", "note"]
    assert d.loc["pets", "kind"] == "category" and d.loc["pets", "possibly missing"] == 10
    assert d.loc["pets", "note"] == "" and d.loc["height", "possibly missing"] == 0
