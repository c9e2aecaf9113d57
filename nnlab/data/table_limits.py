"""What an uploaded table may cost: its width and size are checked on the text, before it is parsed.

Parsing and every step after it take time per column and per value (one line of 131,072 columns took
minutes, 5,000 × 1,000 values seconds just to be refused), so the first row's field count and the
number of lines are read off the text first, in milliseconds; and a message never quotes a whole cell
(a 40 MB line without a separator once went into the page whole).
"""
import csv
import re

from ..i18n import _
from .dataset import DataError

# a target and tabular.MAX_INPUTS inputs, the most a network here takes (a test keeps them equal)
MAX_COLUMNS = 1 + 1000
MAX_CELLS = 2_000_000   # values (lines × columns); reading takes about 1-10 µs a value
MAX_NAME_CHARS = 100    # longer column names are shortened, with a notice, so that messages and menus stay readable
EXCERPT_CHARS = 40      # a message quotes at most this much of a cell
_NOT_NEWLINE = re.compile(r"[^\n]")
_BLANK_LINE = re.compile(r"\n(?=\n)")


def excerpt(text, limit=EXCERPT_CHARS):
    """``text`` as a message may quote it: whole if short, else its start and its length."""
    return text if len(text) <= limit else _("{start}… ({n:,} characters)", start=text[:limit], n=len(text))


def check_size(text, delimiter, delimiter_name, filename):
    """Raise DataError if the table in ``text`` (lines split by "\\n") has more than MAX_COLUMNS columns in
    its first row, which sets the width, or more than MAX_CELLS values (non-blank lines × width).

    ``delimiter`` is the separator character, or " " for runs of whitespace; ``delimiter_name`` its name.
    """
    first = _NOT_NEWLINE.search(text)
    if first is None:
        return
    keep_fewer = _("A network here takes at most {inputs:,} inputs besides the target. Keep fewer columns (for "
                   "example in a spreadsheet) and upload the file again.", inputs=MAX_COLUMNS - 1)
    if delimiter == " ":
        width = len(next(_lines_from(text, first.start())).split())
    else:
        try:
            width = len(next(csv.reader(_lines_from(text, first.start()), delimiter=delimiter, quotechar='"',
                                        doublequote=True, skipinitialspace=True)))
        except csv.Error:  # a field over csv's size limit: count the separators of the first line instead
            width = next(_lines_from(text, first.start())).count(delimiter) + 1
            if width > MAX_COLUMNS:
                raise DataError(_("'{file}' has {n:,} separators ({separator}) in its first line; nnlab reads at "
                                  "most {limit:,} columns. {advice}", file=filename, n=width - 1,
                                  separator=delimiter_name, limit=MAX_COLUMNS, advice=keep_fewer)) from None
    if width > MAX_COLUMNS:
        raise DataError(_("'{file}' has {n:,} columns (separator: {separator}); nnlab reads at most {limit:,}. "
                          "{advice}", file=filename, n=width, separator=delimiter_name, limit=MAX_COLUMNS,
                          advice=keep_fewer))
    lines = text.count("\n") + (not text.endswith("\n")) - len(_BLANK_LINE.findall(text)) - text.startswith("\n")
    if lines * width > MAX_CELLS:
        raise DataError(_("'{file}' has {lines:,} lines of {width:,} columns, {values:,} values; nnlab reads at "
                          "most {limit:,} (for example {rows:,} rows of 20 columns), so that every upload is read "
                          "within seconds. Upload a sample of the rows, or fewer columns.", file=filename,
                          lines=lines, width=width, values=lines * width, limit=MAX_CELLS, rows=MAX_CELLS // 20))


def _lines_from(text, start):
    """The lines of ``text`` from ``start`` on, each with its newline, without copying the rest."""
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end
