"""safe_for_spreadsheet: formula-like text is neutralised with a leading quote; numbers stay numbers."""
import io

import numpy as np
import pandas as pd
import pytest

from nnlab.data.spreadsheet import neutralise, safe_for_spreadsheet


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil.example","click")', "+1+cmd|' /C calc'!A0",
                                  "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "-", "=", "-0.5x", "--1"])
def test_formula_like_text_gets_a_leading_quote(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-0.5", "+3", "-1e-5", "12", ".5", "-.5", "relu 784-128-10", "", " =1", "'=1"])
def test_plain_numbers_and_ordinary_text_are_left_alone(cell):
    assert neutralise(cell) == cell


def test_numbers_and_non_text_cells_are_never_touched():
    assert neutralise(-0.5) == -0.5 and neutralise(-3) == -3 and neutralise(None) is None


def test_a_frame_keeps_numbers_numeric_and_quotes_only_formula_text():
    frame = pd.DataFrame({
        "architecture": ['=HYPERLINK("http://x")', "784-128-10", None, "@evil"],
        "final val loss": [-0.5, 0.25, np.nan, 1.0],
        "epochs": [3, 4, 5, 6],
        "ok": [True, False, True, True],
        "mixed": ["-7", -7, "=1+1", 2.5],
        "=cmd": pd.array(["+x", "y", pd.NA, "-1"], dtype="string"),
    })
    before = frame.copy()
    safe = safe_for_spreadsheet(frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is not changed
    assert list(safe.columns) == ["architecture", "final val loss", "epochs", "ok", "mixed", "'=cmd"]
    assert safe["architecture"].tolist()[:2] == ['\'=HYPERLINK("http://x")', "784-128-10"]
    assert pd.isna(safe["architecture"].iloc[2]) and safe["architecture"].iloc[3] == "'@evil"
    assert safe["architecture"].dtype == frame["architecture"].dtype
    assert safe["mixed"].tolist() == ["-7", -7, "'=1+1", 2.5]
    assert safe["'=cmd"].tolist()[:2] == ["'+x", "y"] and safe["'=cmd"].iloc[3] == "-1"
    assert pd.isna(safe["'=cmd"].iloc[2]) and safe["'=cmd"].dtype == frame["=cmd"].dtype
    for name in ["final val loss", "epochs", "ok"]:
        pd.testing.assert_series_equal(safe[name], frame[name])


def test_the_csv_reads_back_with_numbers_as_numbers():
    frame = pd.DataFrame({"architecture": ["=1+1", "mlp"], "loss": [-0.5, 2.0]})
    back = pd.read_csv(io.StringIO(safe_for_spreadsheet(frame).to_csv(index=False)))
    assert back["loss"].tolist() == [-0.5, 2.0] and back["loss"].dtype == np.float64
    assert back["architecture"].tolist() == ["'=1+1", "mlp"]
