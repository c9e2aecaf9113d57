"""The reader's fast path: plain-number columns typed in one vectorised pass each give exactly the column the
careful per-cell path gives, Arrow parses exactly the numbers pandas does, and Arrow's and pandas' readers
give the same cells; a wide file and an MNIST-sized one are read whole."""
import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnlab.data import csv_reader, csv_typing, table_limits
from nnlab.data.csv_reader import read_table
from tests import hostile


def _careful(strings):
    """The column the per-cell path makes of ``strings``, and its notices."""
    notices = []
    return csv_typing.typed_column(pd.Series(strings, dtype="str"), "c", ",", notices), notices


COLUMNS = {
    "whole": ["1", "-2", "+3", "0", "-0", "00012", "1e3", "5."],
    "fractions": ["0.1", "-2.5", ".5", "1E-3", "3", "-0"],
    "near 2**53": ["9007199254740991", "9007199254740992", "1"],
    "big whole": ["1e20", "2"],
    "float32 edge": ["3.4e38", "-3.4e38", "1e-45"],
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_a_plain_number_column_is_typed_as_the_careful_path_types_it(name):
    strings = COLUMNS[name]
    values = csv_typing.plain_numbers(pa.array(strings))
    assert values is not None
    fast = csv_typing.number_column(values)
    careful, notices = _careful(strings)
    assert notices == []
    assert fast.dtype == careful.dtype
    pd.testing.assert_series_equal(fast, careful)


@pytest.mark.parametrize("strings", [["1", ""], ["1", "nan"], ["1", "inf"], ["1", "none"], ["1", "x"],
                                     ["1", "4e38"], ["1,5", "2"], ["true", "false"], []])
def test_anything_but_plain_numbers_takes_the_careful_path(strings):
    assert csv_typing.plain_numbers(pa.array(strings, type=pa.string())) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-.eE_xinfa,d ", min_size=1, max_size=8).map(str.strip))
def test_arrow_accepts_exactly_the_numbers_pandas_accepts(cell):
    # pandas reads a zero with a space after its exponent mark ("+0E 0", "0e 5") as 0, and no other number with one
    # ("1e 5" is NaN): a quirk of its parser, not a number format. Arrow rejects them all, so such a column takes the
    # careful path, which parses with pandas and so still gives 0.
    assume(not re.search(r"[eE]\s", cell))
    parsed = pd.to_numeric(pd.Series([cell], dtype="str"), errors="coerce").astype("float64").iloc[0]
    if cell.lower() not in csv_typing.MISSING_TOKENS | csv_typing.POSSIBLE_MISSING_TOKENS:  # those are no numbers
        assert csv_typing._all_numbers(pa.array([cell])) == (not np.isnan(parsed))
    plain = csv_typing.plain_numbers(pa.array([cell]))
    if np.isfinite(parsed) and abs(parsed) <= csv_typing.FLOAT32_MAX:
        assert plain is not None and plain[0] == parsed
    else:
        assert plain is None


@pytest.mark.parametrize("text", ["a,b\n1,2\n", "a,b\n 1 , 2\n\n3,4\n", ",,\n1,2,3\n", "a;b\n1,5;x\n",
                                  "a\tb\tc\n\t\t\n1\t2\t3\n", "a,b\n1,\n"])
def test_arrow_and_pandas_read_the_same_cells(text):
    """The same cells once stripped, as the reader strips every cell (pandas skips spaces after a separator)."""
    delimiter = ";" if ";" in text else "\t" if "\t" in text else ","
    arrow = csv_reader._parse_arrow(text, delimiter)
    frame = csv_reader._parse_pandas(text, delimiter)
    assert [[cell.strip() for cell in column.to_pylist()] for column in arrow] == [
        frame[c].str.strip().tolist() for c in frame.columns]


def test_a_file_of_1001_columns_and_10_rows_is_typed_whole():
    wide = ",".join(f"c{j}" for j in range(1001)) + "\n" + "".join(
        ",".join(str((i + j) % 7 - 3) if j % 2 else f"{(i * j) % 11}.5" for j in range(1001)) + "\n"
        for i in range(10))
    frame = read_table(wide.encode()).frame
    assert frame.shape == (10, 1001)
    assert frame.dtypes.value_counts().to_dict() == {np.dtype("float64"): 501, np.dtype("int64"): 500}
    assert frame["c3"].tolist() == [(i + 3) % 7 - 3 for i in range(10)]
    assert frame["c4"].tolist() == [(i * 4) % 11 + 0.5 for i in range(10)]


def test_an_mnist_sized_file_is_under_the_cap_and_read_exactly():
    rows, columns = 10_000, 785  # mnist_test.csv
    assert rows * columns <= table_limits.MAX_CELLS
    data, pixels = hostile.csv_mnist_like(1_000)
    frame = read_table(data, "mnist_test.csv").frame
    assert frame.shape == (1_000, 785) and (frame.dtypes == np.int64).all()
    assert list(frame.columns[:3]) == ["label", "1x1", "1x2"] and frame.columns[-1] == "28x28"
    np.testing.assert_array_equal(frame.to_numpy(), pixels)


def test_a_quoted_file_is_read_by_pandas_and_an_unclosed_quote_is_still_an_error():
    assert read_table(b'a,b\n1,"x, y"\n2,"z"\n').frame["b"].tolist() == ["x, y", "z"]
    with pytest.raises(ValueError, match="never closed"):
        read_table(b'a,b\n1,2\n3,"4')


def test_generated_mnist_like_file_parses_with_pandas_too():
    data, pixels = hostile.csv_mnist_like(20)
    np.testing.assert_array_equal(pd.read_csv(io.BytesIO(data)).to_numpy(), pixels)
