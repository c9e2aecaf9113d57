"""Which cell texts mean "no value": the certain ones, and the ambiguous ones only the user can decide.

An empty cell, NA or NaN means missing in every spreadsheet and statistics program. Words such as "none",
"?" or "-" often mean missing too, but as often are real answers: "pets: none", "? = don't know", "- = zero"
in accounts, "unknown" as a category. Reading those as missing would silently drop or rewrite real rows,
so they stay values, are counted per column (``possible_missing``), and become missing only in the columns
the user names (``confirm_missing``).
"""
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from ..i18n import _, ngettext

# Compared after strip() and lower(). Certain: the empty cell and the marks programs write for "no value"
# (R and pandas: NA, NaN, <NA>; Excel: #N/A; databases and JSON: null).
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "-nan", "null", "#n/a", "#na", "<na>"})
# Ambiguous: each is a real value in some tables. "?" is UCI's missing mark, "." SAS's and Stata's.
POSSIBLE_MISSING_TOKENS = frozenset({"none", "?", "-", "--", ".", "missing", "unknown", "n.a."})


def _holds_text(series):
    """False for number and true/false columns: no cell of theirs is a word (and checking costs nothing)."""
    return not (is_bool_dtype(series.dtype) or is_numeric_dtype(series.dtype))


def _text_cells(series):
    """The present cells of a text column, stripped; empty for number and true/false columns."""
    if not _holds_text(series):
        return pd.Series([], dtype="str")
    return series.dropna().astype("str").str.strip()


def _is_possible_missing(cells):
    return cells.str.lower().isin(POSSIBLE_MISSING_TOKENS)


def cell_counts(cells):
    """{cell text: count}, most frequent first; ties in the order the texts first appear."""
    counts = cells.value_counts(sort=False)  # in the order of first appearance
    return dict(sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: -kv[1]))


def possible_missing_counts(series):
    """{cell text: count} of the values in ``series`` that may mean missing, most frequent first."""
    if not _holds_text(series):
        return {}
    cells = _text_cells(series)
    return cell_counts(cells[_is_possible_missing(cells)])


def possible_missing(frame):
    """One row per (column, value) that may mean missing, for the page to show and the user to confirm.

    Returns
    -------
    DataFrame with columns column, value (the cell text as written), cells (how many hold it).
    """
    rows = [{"column": str(col), "value": value, "cells": n}
            for col in frame.columns for value, n in possible_missing_counts(frame[col]).items()]
    return pd.DataFrame(rows, columns=["column", "value", "cells"])


def numbers_but_placeholders(series):
    """True for a text column whose values are all numbers except some that may mean missing."""
    if not _holds_text(series):
        return False
    cells = _text_cells(series)
    placeholder = _is_possible_missing(cells)
    if not placeholder.any() or placeholder.all():
        return False
    others = cells[~placeholder]
    return all(pd.to_numeric(part, errors="coerce").notna().all() for part in (others[:100], others))  # quick no


def confirm_missing(frame, columns):
    """(frame, {column: {value: cells}}): a copy in which the possible-missing values of ``columns`` are missing.

    A column that then holds only numbers (or only true/false) gets that type, as ``read_table`` would
    have given it; the counts say what was changed, for the page's notice.
    """
    frame, changed = frame.copy(), {}
    for col in columns:
        counts = possible_missing_counts(frame[col])
        if not counts:
            continue
        changed[col] = counts
        text = frame[col].astype("str").str.strip()
        cells = frame[col].where(~_is_possible_missing(text) & frame[col].notna())
        present = cells.dropna().astype("str").str.strip()
        numbers = pd.to_numeric(present, errors="coerce")
        if len(present) and numbers.notna().all():
            cells = pd.to_numeric(cells, errors="coerce").astype("float64")
        elif len(present) and present.str.lower().isin({"true", "false"}).all():
            cells = (cells.str.strip().str.lower() == "true").astype("boolean").where(cells.notna())
        frame[col] = cells
    return frame, changed


def describe_counts(counts):
    """"'none' in 33 cells" / "'?' in 5 cells and '-' in 1 cell", for the words of a notice."""
    parts = [ngettext("'{value}' in {n} cell", "'{value}' in {n} cells", n, value=value) for value, n in counts.items()]
    return parts[0] if len(parts) == 1 else _("{items} and {last}", items=", ".join(parts[:-1]), last=parts[-1])
