"""missing: which texts are certainly missing, which only may be, and what confirming them changes."""
import numpy as np
import pandas as pd

from nnlab.data.csv_reader import read_table
from nnlab.data.missing import (MISSING_TOKENS, POSSIBLE_MISSING_TOKENS, confirm_missing, describe_counts,
                                numbers_but_placeholders, possible_missing)


def test_the_two_lists_do_not_overlap_and_keep_real_words_out_of_the_certain_one():
    assert not MISSING_TOKENS & POSSIBLE_MISSING_TOKENS
    assert {"", "na", "n/a", "nan", "null", "#n/a"} <= MISSING_TOKENS
    assert {"none", "?", "-", "missing", "unknown"} <= POSSIBLE_MISSING_TOKENS


def test_possible_missing_counts_each_column_and_spelling():
    frame = pd.DataFrame({"pets": ["none", "cat", "None", "none", None, "?"], "n": [1, 2, 3, 4, 5, 6],
                          "ok": list("abcdef")})
    rows = possible_missing(frame).to_dict("records")
    assert rows == [{"column": "pets", "value": "none", "cells": 2}, {"column": "pets", "value": "None", "cells": 1},
                    {"column": "pets", "value": "?", "cells": 1}]
    assert list(possible_missing(frame[["n", "ok"]]).columns) == ["column", "value", "cells"]
    assert possible_missing(frame[["n", "ok"]]).empty


def test_describe_counts_reads_as_a_sentence():
    assert describe_counts({"none": 33}) == "'none' in 33 cells"
    assert describe_counts({"?": 5, "-": 1}) == "'?' in 5 cells and '-' in 1 cell"
    assert describe_counts({"a": 3, "b": 2, "c": 1}) == "'a' in 3 cells, 'b' in 2 cells and 'c' in 1 cell"


def test_confirming_turns_a_number_column_back_into_numbers():
    frame = read_table(b"x;w\n1;12,5\n2;?\n3;14\n4;-\n5;\n").frame
    assert numbers_but_placeholders(frame["w"]) and not numbers_but_placeholders(frame["x"])
    out, changed = confirm_missing(frame, ["w"])
    assert changed == {"w": {"?": 1, "-": 1}}
    assert out["w"].dtype == np.float64
    np.testing.assert_array_equal(out["w"].to_numpy(), [12.5, np.nan, 14.0, np.nan, np.nan])
    assert frame["w"].tolist()[:2] == ["12.5", "?"]  # the caller's frame is left as it was


def test_confirming_text_and_true_false_columns():
    frame = pd.DataFrame({"pets": ["none", "cat", "dog", "none"], "member": ["true", "?", "FALSE", "true"],
                          "x": [1.0, 2.0, 3.0, 4.0]})
    out, changed = confirm_missing(frame, ["pets", "member", "x"])
    assert changed == {"pets": {"none": 2}, "member": {"?": 1}}  # x holds numbers: nothing to confirm
    assert out["pets"].isna().tolist() == [True, False, False, True] and out["pets"][1] == "cat"
    assert str(out["member"].dtype) == "boolean"
    assert out["member"].tolist() == [True, pd.NA, False, True]
    out, changed = confirm_missing(frame, [])
    assert changed == {} and out["pets"].tolist() == frame["pets"].tolist()


def test_describe_counts_in_chinese():
    from nnlab.i18n import using_language
    with using_language("zh"):
        assert describe_counts({"none": 33, "?": 1}) == "'none' 在 33 个单元格中 和 '?' 在 1 个单元格中"
