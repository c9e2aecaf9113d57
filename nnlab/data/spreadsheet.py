"""Make a table safe to open in a spreadsheet before it is downloaded as CSV.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some, a tab or carriage return) as a formula: an architecture named ``=HYPERLINK("http://…")`` would
become a live link in whoever opens the export. OWASP's advice ("CSV injection") is to put a single
quote in front of such a cell, which spreadsheets show as plain text. Only text is touched: a number
stays a number (−0.5 stored as a float is written ``-0.5`` and read back as −0.5), and so does text
that is exactly a plain number, such as ``"-0.5"`` (no formula can hide in it).
"""
import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise(cell):
    """``cell`` with a leading ``'`` if a spreadsheet would read it as a formula; anything else as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def safe_for_spreadsheet(frame):
    """A copy of ``frame`` whose text cells and column names cannot run as spreadsheet formulas.

    Parameters
    ----------
    frame : DataFrame, any dtypes. Numeric, boolean and datetime columns are returned unchanged;
        object and string columns have each formula-like text cell prefixed with ``'``.

    Returns
    -------
    DataFrame with the same shape, index and dtypes.
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(column.dtype):
            out[name] = column.map(neutralise, na_action="ignore")
    out.columns = [neutralise(name) for name in out.columns]
    return out
