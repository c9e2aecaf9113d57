"""Hostile CSV uploads (issue 14), generated here: too many columns or values are refused before any
per-column work, messages quote only an excerpt, and a refusal keeps nothing allocated."""
import gc
import tracemalloc

import pytest

from nnlab.data import table_limits
from nnlab.data.csv_reader import read_table
from nnlab.data.table_limits import MAX_CELLS, MAX_COLUMNS, MAX_NAME_CHARS
from nnlab.data.dataset import DataError
from nnlab.data.tabular import MAX_INPUTS
from tests import hostile as h


def traced(call):
    """(what call() returned or raised, peak MB traced during it, MB still traced while that is held)."""
    gc.collect()
    tracemalloc.start()
    try:
        try:
            outcome = call()
        except DataError as exc:
            outcome = exc
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] / 2**20
    finally:
        tracemalloc.stop()
    return outcome, peak, kept


def test_the_column_limit_is_what_a_network_takes_plus_the_target():
    assert MAX_COLUMNS == MAX_INPUTS + 1


@pytest.mark.parametrize("pairs", [131_072, 524_288])
def test_one_line_of_many_columns_is_refused_before_parsing(pairs):
    error, peak, _ = traced(lambda: read_table(h.csv_one_line(pairs), "wide.csv"))
    assert str(error).startswith(f"'wide.csv' has {pairs + 1:,} columns (separator: comma); nnlab reads at most "
                                 f"{MAX_COLUMNS:,}. A network here takes at most {MAX_COLUMNS - 1:,} inputs")
    assert peak < 12 * pairs * 2 / 2**20 + 1  # the text and its copies only; parsing it took 660 MB


def test_many_columns_of_many_rows_are_refused_by_the_first_row():
    error, peak, _ = traced(lambda: read_table(h.csv_wide(5_000, 1_000), "wide.csv"))
    assert str(error).startswith("'wide.csv' has 5,000 columns (separator: comma)")
    assert peak < 60  # a 10 MB file: its text and line copies


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(table_limits, "MAX_COLUMNS", 4)
    monkeypatch.setattr(table_limits, "MAX_CELLS", 40)


@pytest.mark.parametrize("text, width", [
    ("a,b,c,d\n1,2,3,4\n", 4),
    ('"x,y,z",b,c,d\n1,2,3,4\n', 4),          # separators inside quotes do not count
    ("\n\n  \na,b,c,d\n1,2,3,4\n", 4),        # blank lines before the first row are skipped
    ('"a\nb",c,d,e\n1,2,3,4\n', 4),           # a quoted line break stays inside the first row
])
def test_exactly_the_limit_is_read(small_limits, text, width):
    assert read_table(text.encode()).frame.shape[1] == width


@pytest.mark.parametrize("text, words", [
    ("a,b,c,d,e\n1,2,3,4,5\n", "has 5 columns (separator: comma); nnlab reads at most 4."),
    ("a;b;c;d;e\n1;2;3;4;5\n", "has 5 columns (separator: semicolon)"),
    ("a b c d e\n1 2 3 4 5\n", "has 5 columns (separator: whitespace)"),
    ('"' + "x" * 200_000 + '",a,b,c,d\n1,2,3,4,5\n', "has 4 separators (comma) in its first line"),
])
def test_one_column_more_is_refused(small_limits, text, words):
    with pytest.raises(DataError, match=words.replace("(", r"\(").replace(")", r"\)")):
        read_table(text.encode())


def test_too_many_values_are_refused_counting_lines_with_content(small_limits):
    ok = "a,b,c,d\n" + "1,2,3,4\n\n" * 9   # 10 lines of 4 values (blank lines do not count)
    assert read_table(ok.encode()).frame.shape == (9, 4)
    with pytest.raises(DataError, match=r"has 11 lines of 4 columns, 44 values; nnlab reads at most 40 "
                                        r"\(for example 2 rows of 20 columns\)"):
        read_table((ok + "1,2,3,4").encode())


def test_the_cell_limit_refuses_a_tall_file_at_once():
    rows = MAX_CELLS // 2 + 1
    data = h.csv_wide(2, rows)
    error, peak, _ = traced(lambda: read_table(data))
    assert str(error).startswith(f"'upload.csv' has {rows:,} lines of 2 columns, {2 * rows:,} values")
    assert peak < 2.5 * len(data) / 2**20  # the text and a copy of it; no cells


def test_a_40_mb_line_is_quoted_only_in_part_and_the_refusal_keeps_nothing():
    n = 4 * 2**20  # the 40 MB behaves the same; 4 MB keeps the test fast
    error, _, kept = traced(lambda: read_table(h.csv_long_line(n), "line.csv"))
    assert str(error) == (f"'line.csv' has a header row ({'x' * 40}… ({n:,} characters)) but no data rows. "
                          "Add the data below it.")
    assert kept < 0.5  # the held DataError: no frame with the text or the cells attached (was 3× the file)


def test_long_column_names_are_shortened_with_a_notice():
    long = "q" * (MAX_NAME_CHARS + 50)
    result = read_table(f"{long},b\n1,2\n3,4\n".encode())
    assert list(result.frame.columns) == ["q" * (MAX_NAME_CHARS - 1) + "…", "b"]
    assert (f"1 column name longer than {MAX_NAME_CHARS} characters shortened to the first {MAX_NAME_CHARS - 1} "
            "and “…” (position 1).") in result.notices


def test_a_huge_number_is_quoted_only_in_part():
    digits = "9" * 400
    with pytest.raises(DataError) as info:
        read_table(f"a,b\n1,{digits}\n2,3\n".encode())
    assert f"({'9' * 40}… (400 characters) in data row 1)" in str(info.value)


def test_a_decimal_comma_example_is_quoted_only_in_part():
    long = "1," + "5" * 300
    result = read_table(f"a;b\n1;{long}\n2;3,5\n3;4,5\n".encode())
    assert (f"Column 'b': read a decimal comma as a decimal point (e.g. '{long[:40]}… (302 characters)')."
            in result.notices)
