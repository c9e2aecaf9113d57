"""Cells → typed columns: numbers, true/false or text, with what counts as missing, for ``read_table``.

Columns arrive as Arrow string arrays (one per column, cells stripped). Most columns of an uploaded table
are plain numbers; each of those is typed in one vectorised pass in Arrow's and NumPy's C code (parse,
finite, within float32, whole or not), with no Python work per cell and no pandas call per column. Only
the other columns — text, missing marks, decimal commas, values that may mean missing, numbers too large —
take the careful path (``typed_column``) with its notices. (With every column on the careful path, a
legitimate 1,001-column file of 10 rows took 13–19 s on a loaded server.) Both paths give the same
column for plain numbers: a test checks it.
"""
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..i18n import _, ngettext
from .dataset import DataError
from .missing import MISSING_TOKENS, POSSIBLE_MISSING_TOKENS, cell_counts, describe_counts
from .table_limits import excerpt

FLOAT32_MAX = float(np.finfo(np.float32).max)
INF_TOKENS = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})
WHOLE_LIMIT = 2**53  # whole numbers below this are exact in float64, so a column of them is int64
_NO_VALUE = pa.array(sorted(MISSING_TOKENS | POSSIBLE_MISSING_TOKENS))


def plain_numbers(cells):
    """float64 array of an Arrow string column in which every cell is a finite number within float32's
    range, else None. Parsing is Arrow's, which accepts what ``pd.to_numeric`` accepts (a test checks it)."""
    try:
        values = pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if not len(values) or not np.isfinite(values).all() or np.abs(values).max() > FLOAT32_MAX:
        return None
    return values


def number_column(values):
    """A plain-number column as ``typed_column`` types it: int64 when every value is whole (and exact in
    float64), else float64."""
    whole = bool(np.all(values == np.round(values)) and np.abs(values).max() < WHOLE_LIMIT)
    return pd.Series(values.astype(np.int64) if whole else values)


def no_value(cells):
    """Arrow boolean mask of cells that are neither a name nor a number: missing, or possibly missing."""
    return pc.is_in(pc.utf8_lower(cells), value_set=_NO_VALUE)


def looks_like_header(columns):
    """A first row with no number in it is a header when a column below holds numbers, or (all text)
    when none of its cells reappears in its column below."""
    first = [c[0].as_py() for c in columns]
    named = [cell for cell in first if cell.lower() not in MISSING_TOKENS | POSSIBLE_MISSING_TOKENS]
    if not named or pd.to_numeric(pd.Series(first, dtype="str"), errors="coerce").notna().any():
        return False
    text_columns_differ = True
    for column, name in zip(columns, first):
        below = column[1:]
        below = below.filter(pc.invert(no_value(below)))
        if len(below) and _all_numbers(below):
            return True
        if name and pc.any(pc.equal(below, name)).as_py():
            text_columns_differ = False
    return text_columns_differ


def _all_numbers(cells):
    try:
        pc.cast(cells, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def typed_columns(columns, names, delimiter, notices):
    """{name: typed Series} of the body's Arrow string columns: plain numbers in one pass each, the rest
    through ``typed_column`` (which adds its notices to ``notices`` in column order). Empties ``columns``
    as it goes, so each column's cells are freed once it is typed."""
    out = {}
    columns.reverse()
    for name in names:
        cells = columns.pop()
        values = plain_numbers(cells)
        out[name] = number_column(values) if values is not None else typed_column(
            cells.to_pandas(), name, delimiter, notices)
    return out


def typed_column(cells, name, delimiter, notices):
    """Numbers → float64 (int64 when whole and complete), true/false → boolean, else text; missing → NaN.

    ``cells`` is a pandas Series of str. Values that may mean missing ("none", "?", …; see ``missing``) stay
    values and are reported; a column of numbers holding some stays text until the user confirms them as
    missing (``missing.confirm_missing``).
    """
    lower = cells.str.lower()
    missing = lower.isin(MISSING_TOKENS)
    possible = lower.isin(POSSIBLE_MISSING_TOKENS)
    infinite = lower.isin(INF_TOKENS)
    marks = cells[missing & (cells != "")]
    if len(marks):
        notices.append(_("Column '{name}': read {counts} as missing.", name=name,
                         counts=describe_counts(cell_counts(marks))))
    present = cells[~missing & ~infinite & ~possible]
    values = pd.to_numeric(present, errors="coerce")
    decimal_comma = False
    if values.isna().any() and delimiter not in (",", " ") and len(present):
        comma = present.str.fullmatch(r"[+-]?(\d+,\d*|\d*,\d+|\d+)([eE][+-]?\d+)?")
        decimal_comma = bool(comma.all() and present.str.contains(",").any())
        if decimal_comma:
            values = pd.to_numeric(present.str.replace(",", ".", regex=False), errors="coerce")
            notices.append(_("Column '{name}': read a decimal comma as a decimal point (e.g. '{value}').", name=name,
                             value=excerpt(present.iloc[0])))
    if possible.any():
        text = cells.where(~missing)
        counts = describe_counts(cell_counts(cells[possible]))
        if len(present) and values.notna().all():
            notices.append(_("Column '{name}' holds numbers, except {counts} that may mean a missing value; it is "
                             "read as text until you choose to treat them as missing.", name=name, counts=counts))
            if decimal_comma:
                text[present.index] = present.str.replace(",", ".", regex=False)
            return text
        notices.append(_("Column '{name}': {counts} may mean a missing value; kept as a value unless you choose to "
                         "treat it as missing.", name=name, counts=counts) if possible.sum() == 1 else
                       _("Column '{name}': {counts} may mean a missing value; kept as values unless you choose to "
                         "treat them as missing.", name=name, counts=counts))
        return text
    if values.notna().all() and (len(present) or infinite.any()):
        if infinite.any():
            notices.append(ngettext("Column '{name}': {n} infinite value (inf) treated as missing.",
                                    "Column '{name}': {n} infinite values (inf) treated as missing.",
                                    int(infinite.sum()), name=name))
        too_big = ~np.isfinite(values) | (values.abs() > FLOAT32_MAX)
        if too_big.any():
            row = int(too_big.idxmax())
            raise DataError(_("Column '{name}' has a value too large for 32-bit floats ({value} in data row {row}); "
                              "the limit is about ±3.4e38. Rescale that column (for example divide it by a power of "
                              "ten) or remove it from the file.", name=name, value=excerpt(present[row]), row=row + 1))
        out = pd.Series(np.nan, index=cells.index, dtype="float64")
        out[values.index] = values.astype("float64")
        whole = out.notna().all() and (out == np.round(out)).all() and (out.abs() < WHOLE_LIMIT).all()
        return out.astype("int64") if whole else out
    if not len(present):
        return pd.Series(np.nan, index=cells.index, dtype="float64")
    if lower[present.index].isin({"true", "false"}).all():
        out = pd.Series(pd.NA, index=cells.index, dtype="boolean")
        out[present.index] = lower[present.index] == "true"
        return out
    return cells.where(~missing)

