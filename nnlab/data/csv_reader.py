"""Read an uploaded CSV/TSV/TXT file into a DataFrame, saying in words what was guessed and what went wrong.

Uploads come from spreadsheets in every locale: Windows-1252 or UTF-16 instead of UTF-8, semicolons instead
of commas, no header row, a stray extra separator. Each guess made here is reported in ``notices`` so the
page can show it, and each refusal is a ``DataError`` whose message says what was wrong and what to do.
Parsing itself is Arrow's CSV reader, or ``pandas.read_csv`` where Arrow cannot (see ``_parse``), with every
option explicit; Python's ``csv`` module is used only to sniff the separator and to find the exact line of
a ragged row. Typing the cells is ``csv_typing``.
"""
import codecs
import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..i18n import N_, _, ngettext
from .csv_typing import FLOAT32_MAX, looks_like_header, typed_columns  # noqa: F401 (FLOAT32_MAX: the API)
from .dataset import DataError
from .table_limits import MAX_COLUMNS, MAX_NAME_CHARS, check_size, excerpt

MAX_BYTES = 50 * 2**20
DELIMITERS = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("pipe")}
WHITESPACE = " "  # the delimiter reported when values are separated by runs of spaces/tabs

# File signatures of formats people upload by mistake: (leading bytes, what it is).
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive; an Excel .xlsx workbook is one"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office file, such as an Excel .xls workbook"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\x93NUMPY", "NumPy .npy array"),
    (b"\x89HDF\r\n\x1a\n", "HDF5 file"),
    (b"PAR1", "Parquet file"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "program (ELF executable)"),
)
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE_CHARS = 64_000
_SAMPLE_LINES = 200
_BLOCK_BYTES = 8 * 2**20  # Arrow reads in blocks this big; a longer row goes to pandas
_WHAT_TO_UPLOAD = N_("Upload a CSV, TSV or TXT table (from a spreadsheet: File → Save As → CSV UTF-8).")


@dataclass(frozen=True, eq=False)
class ReadResult:
    """A table read from an upload, with what was detected and what the page should tell the user.

    frame : one row per data row; columns are float64/int64 (numbers), pandas "boolean" (true/false)
        or str (text); missing cells are NaN/<NA>. Column names are unique strings.
    encoding : Python codec name used ("utf-8", "utf-8-sig", "utf-16-le", "cp1252", "latin-1", ...).
    delimiter : ",", ";", "\\t", "|", or " " for runs of whitespace.
    has_header : whether the first row was taken as column names.
    notices : guesses and fixes, in words, in the order they were made.
    """
    frame: pd.DataFrame
    encoding: str
    delimiter: str
    has_header: bool
    notices: list = field(default_factory=list)


def read_table(data, filename="upload.csv", max_bytes=MAX_BYTES, *, delimiter=None, header=None):
    """Turn an uploaded file's bytes into a typed DataFrame.

    Parameters
    ----------
    data : bytes (or bytearray/memoryview) -- the whole file.
    filename : used for messages and as a hint (".tsv" prefers tabs).
    max_bytes : larger files are refused.
    delimiter : None to detect, or one of ",", ";", "\\t", "|", " " (whitespace) to force.
    header : None to detect whether the first row holds column names, or True/False to force.

    Returns
    -------
    ReadResult

    Raises
    ------
    DataError
        Empty, binary, undecodable, header-only, one-column or ragged files; values beyond float32.
    """
    try:
        return _read_table(data, filename, max_bytes, delimiter, header)
    except DataError as exc:
        message = str(exc)
    del data
    # Raised afresh: the first error's traceback holds the frames of the reading (the text, the cells:
    # hundreds of MB for a big file), and a page keeps the error it shows.
    raise DataError(message)


def _read_table(data, filename, max_bytes, delimiter, header):
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"read_table needs the file's bytes, got {type(data).__name__}")
    if delimiter is not None and delimiter not in DELIMITERS and delimiter != WHITESPACE:
        raise DataError(f"delimiter={delimiter!r} is not supported; use None (detect) or one of "
                        f"{', '.join(map(repr, [*DELIMITERS, WHITESPACE]))}")
    if header not in (None, True, False):
        raise DataError(f"header={header!r} must be None (detect), True or False")
    if len(data) > max_bytes:
        raise DataError(_("'{file}' is {mb:.1f} MB; the limit is {limit:.0f} MB. Upload a smaller file, for example "
                          "a sample of the rows.", file=filename, mb=len(data) / 2**20, limit=max_bytes / 2**20))
    if not data.strip():
        raise DataError(_("'{file}' is empty. {what_to_do}", file=filename, what_to_do=_(_WHAT_TO_UPLOAD)))
    _reject_known_binary(data, filename)
    text, encoding, notices = decode(data, filename)
    text = _normalise_lines(text)
    if not text.strip():
        raise DataError(_("'{file}' is empty (it holds only blank lines). {what_to_do}", file=filename,
                          what_to_do=_(_WHAT_TO_UPLOAD)))

    if delimiter is None:
        delimiter, how = detect_delimiter(text, filename)
        if how:
            notices.append(how)
    separator = DELIMITERS.get(delimiter, N_("whitespace"))
    check_size(text, delimiter, _(separator), filename)
    columns = _parse(text, delimiter)
    del text  # the cells hold what is needed now
    columns = [pc.utf8_trim_whitespace(columns.pop(0)) for _column in range(len(columns))]
    has_header = looks_like_header(columns) if header is None else header
    n_rows = len(columns[0])
    if has_header and n_rows == 1:
        cells = [column[0].as_py() for column in columns]
        shown = ", ".join(map(excerpt, cells[:6])) + (", …" if len(cells) > 6 else "")
        raise DataError(_("'{file}' has a header row ({shown}) but no data rows. Add the data below it.",
                          file=filename, shown=shown))
    body = [column[1:] if has_header else column for column in columns]
    empty = [_empty_cells(column) for column in body]
    if all(e.all() for e in empty):
        raise DataError(_("'{file}' has no values, only separators. {what_to_do}", file=filename,
                          what_to_do=_(_WHAT_TO_UPLOAD)))
    keep = _drop_empty_columns(columns, empty, has_header, notices)
    columns, body, empty = ([seq[j] for j in keep] for seq in (columns, body, empty))
    if len(columns) < 2:
        raise DataError(_(
            "'{file}' has only one column, so there is nothing to predict it from. A dataset needs a target column "
            "and at least one feature column. If the values are separated by something other than a comma, "
            "semicolon, tab or pipe, re-save the file as CSV.", file=filename))
    names = _column_names([column[0].as_py() for column in columns], has_header, notices)
    blank_rows = np.logical_and.reduce(empty)
    if blank_rows.any():
        rows = pa.array(~blank_rows)
        body = [column.filter(rows) for column in body]
        notices.append(ngettext("Dropped {n} row with no values at all.", "Dropped {n} rows with no values at all.",
                                int(blank_rows.sum())))
    del columns, empty
    frame = pd.DataFrame(typed_columns(body, names, delimiter, notices))
    return ReadResult(frame, encoding, delimiter, bool(has_header), notices)


# ---------------------------------------------------------------- bytes → text

def _reject_known_binary(data, filename):
    for magic, what in MAGIC:
        if data.startswith(magic):
            raise DataError(_("'{file}' looks like a binary file ({what}), not a text table. {what_to_do}",
                              file=filename, what=what, what_to_do=_(_WHAT_TO_UPLOAD)))


def decode(data, filename="upload.csv"):
    """(text, codec name, notices): a BOM decides; else UTF-8, then cp1252, then latin-1 (which never fails).

    NUL bytes without a BOM mean UTF-16 without a BOM (ASCII text has every other byte zero) or a binary
    file; a high share of control characters after decoding also means binary.
    """
    notices = []
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], codec.replace("-sig", ""), filename, bom=codec)
            if codec != "utf-8-sig":
                notices.append(_("Read the file as {codec} (it starts with a byte-order mark).", codec=codec.upper()))
            return _reject_control_chars(text, filename), codec, notices
    if b"\x00" in data:
        codec = _bomless_utf16(data)
        if codec is None:
            raise DataError(_("'{file}' looks like a binary file (it contains NUL bytes), not a text table. "
                              "{what_to_do}", file=filename, what_to_do=_(_WHAT_TO_UPLOAD)))
        text = _strict(data, codec, filename)
        notices.append(_("Read the file as {codec} (no byte-order mark; guessed from its zero bytes).",
                         codec=codec.upper()))
        return _reject_control_chars(text, filename), codec, notices
    try:
        return _reject_control_chars(data.decode("utf-8"), filename), "utf-8", notices
    except UnicodeDecodeError as exc:
        bad = _("byte 0x{byte:02X} at position {position}", byte=data[exc.start], position=exc.start)
    for codec, label in (("cp1252", "Windows-1252 (cp1252)"), ("latin-1", "Latin-1 (ISO-8859-1)")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        notices.append(_("The file is not UTF-8 ({bad}), so it was read as {codec}. If accented letters look wrong, "
                         "re-save the file as CSV UTF-8.", bad=bad, codec=label))
        return _reject_control_chars(text, filename), codec, notices
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _strict(data, codec, filename, bom=None):
    """``data`` decoded as ``codec``, which its byte-order mark ``bom`` (or, None, its zero bytes) announced."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        values = {"file": filename, "codec": codec.upper(), "position": exc.start}
        message = (_("'{file}' starts with a {bom} byte-order mark but cannot be decoded as {codec} (bad bytes at "
                     "position {position}). Re-save it as CSV UTF-8.", bom=bom, **values) if bom else
                   _("'{file}' looks like UTF-16 without a byte-order mark but cannot be decoded as {codec} (bad "
                     "bytes at position {position}). Re-save it as CSV UTF-8.", **values))
        raise DataError(message) from None


def _bomless_utf16(data):
    """'utf-16-le'/'utf-16-be' when zero bytes sit in every other position, as in ASCII text in UTF-16."""
    sample = data[:8192]
    if len(data) % 2 or len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.9 and zeros_even < 0.1:
        return "utf-16-le"
    if zeros_even > 0.9 and zeros_odd < 0.1:
        return "utf-16-be"
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _reject_control_chars(text, filename):
    text = text.lstrip("\ufeff").rstrip("\x1a")  # a stray BOM; the old DOS end-of-file mark
    sample = text[:_SAMPLE_CHARS]
    n_control = len(_CONTROL.findall(sample))
    if "\x00" in sample or n_control > max(1, 0.01 * len(sample)):
        raise DataError(_("'{file}' looks like a binary file ({n_control} of its first {n_chars} characters are "
                          "control codes), not a text table. {what_to_do}", file=filename, n_control=n_control,
                          n_chars=len(sample), what_to_do=_(_WHAT_TO_UPLOAD)))
    return text


def _normalise_lines(text):
    """CRLF and lone CR become LF; whitespace-only lines become blank (pandas skips those, csv would not)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"(?m)^[ \t\f\v]+$", "", text)


# ---------------------------------------------------------------- text → cells

def detect_delimiter(text, filename="upload.csv"):
    """(delimiter, notice or ""): tab for a .tsv file, else csv.Sniffer's answer, if every sampled line then
    has the same number of fields; else the candidate that splits the most lines into the same number (≥ 2)
    of fields; else whitespace if that splits every line alike; else comma."""
    lines = text[:_SAMPLE_CHARS].split("\n")
    if len(text) > _SAMPLE_CHARS:
        lines = lines[:-1]  # probably cut in the middle
    sample = "\n".join(line for line in lines[:_SAMPLE_LINES] if line)
    scores = {}
    for delim in DELIMITERS:
        counts = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delim, skipinitialspace=True) if row]
        if counts:
            mode = max(set(counts), key=counts.count)
            if mode >= 2:
                scores[delim] = counts.count(mode) / len(counts)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    preferred = ["\t" if filename.lower().endswith(".tsv") else None, sniffed]
    for delim in preferred:
        if delim in scores and scores[delim] == 1.0:
            return delim, ""
    if scores:
        best = max(scores, key=scores.get)  # ties: the order of DELIMITERS
        return best, ""
    counts = {len(line.split()) for line in sample.split("\n") if line.strip()}
    if len(counts) == 1 and min(counts) >= 2:
        return WHITESPACE, _("No comma, semicolon, tab or pipe separates the values; split them at spaces.")
    return ",", ""


def _parse(text, delimiter):
    """All cells as strings, one Arrow string array per column, after checking every row has as many
    fields as the first.

    Arrow's reader takes the text in one C++ pass. Files with quotes, whitespace-separated files and every
    file Arrow refuses go to pandas' reader (several times slower on strings): it reads quotes as before
    (after spaces, too, and an unclosed one is an error, where Arrow reads to the end of the file), and
    gives ragged rows their exact diagnosis.
    """
    if delimiter != WHITESPACE and '"' not in text:
        try:
            return _parse_arrow(text, delimiter)
        except pa.ArrowInvalid:
            pass
    raw = _parse_pandas(text, delimiter)
    return [pa.array(raw[c]) for c in raw.columns]


def _parse_arrow(text, delimiter):
    width = MAX_COLUMNS + 1  # check_size has refused wider files; every column is read as text
    table = pacsv.read_csv(
        io.BytesIO(text.encode("utf-8")),
        read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=False, block_size=_BLOCK_BYTES),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=True),
        convert_options=pacsv.ConvertOptions(column_types={f"f{j}": pa.string() for j in range(width)},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))
    return [column.combine_chunks() for column in table.columns]


def _parse_pandas(text, delimiter):
    options = dict(header=None, dtype=str, na_filter=False, skip_blank_lines=True, engine="c")
    if delimiter == WHITESPACE:
        options.update(sep=r"\s+")
    else:
        options.update(sep=delimiter, quotechar='"', doublequote=True, skipinitialspace=True)
    try:
        raw = pd.read_csv(io.StringIO(text), **options)
    except pd.errors.EmptyDataError:
        raise DataError(_("the file is empty. {what_to_do}", what_to_do=_(_WHAT_TO_UPLOAD))) from None
    except pd.errors.ParserError as exc:
        _find_ragged_row(text, delimiter, None)
        detail = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        if "EOF inside string" in detail:
            start = _last_record_start(text, delimiter)
            if start:
                raise DataError(_("A quoted value is never closed: a \" on line {line} opens a value and the file "
                                  "ends before the closing \". Check the quotes there.", line=start)) from None
            raise DataError(_("A quoted value is never closed: a \" opens a value and the file ends before the "
                              "closing \". Check the quotes there.")) from None
        raise DataError(_("The file could not be read as a table ({detail}). Check its quotes and separators.",
                          detail=detail)) from None
    # pandas pads short rows with "" silently; only then can the last column hold "" cells.
    if raw.shape[1] > 1 and (raw.iloc[:, -1] == "").any():
        _find_ragged_row(text, delimiter, raw.shape[1])
    return raw


def _find_ragged_row(text, delimiter, expected):
    """Raise a DataError naming the first line whose field count differs from the first row's."""
    if delimiter == WHITESPACE:
        records = ((n, line.split()) for n, line in enumerate(text.split("\n"), 1))
    else:
        records = _csv_records(text, delimiter)
    first_line = None
    try:
        for line_no, row in records:
            if not row:
                continue
            if first_line is None:
                first_line, expected = line_no, expected or len(row)
            elif len(row) != expected:
                name = DELIMITERS.get(delimiter, N_("whitespace"))
                raise DataError(ngettext(
                    "Line {line} has {n} field but line {first} has {expected} (separator: {name}). Every row needs "
                    "the same number of values: fix that line, or put values that contain a {name} in double quotes.",
                    "Line {line} has {n} fields but line {first} has {expected} (separator: {name}). Every row needs "
                    "the same number of values: fix that line, or put values that contain a {name} in double quotes.",
                    len(row), line=line_no, first=first_line, expected=expected, name=_(name)))
    except csv.Error as exc:
        raise DataError(_("The file could not be read as a table ({detail}). Check its quotes and separators.",
                          detail=str(exc))) from None


def _last_record_start(text, delimiter):
    """The line of the record an unclosed quote runs away with, or None when csv cannot tell."""
    start = None
    try:
        for record in _csv_records(text, delimiter):
            start = record[0]
    except csv.Error:
        return None
    return start


def _csv_records(text, delimiter):
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', doublequote=True,
                        skipinitialspace=True)
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


# ---------------------------------------------------------------- cells → a table

def _column_names(first_row, has_header, notices):
    n = len(first_row)
    if not has_header:
        notices.append(_("The first row looks like data, not column names, so the columns are called \"column 1\" "
                         "… \"column {n}\".", n=n))
        return [f"column {j + 1}" for j in range(n)]
    names = list(first_row)
    long = [j for j, name in enumerate(names) if len(name) > MAX_NAME_CHARS]
    for j in long:
        names[j] = names[j][:MAX_NAME_CHARS - 1] + "…"
    if long:
        notices.append(ngettext(
            "{n} column name longer than {most} characters shortened to the first {kept} and “…” (position "
            "{positions}).", "{n} column names longer than {most} characters shortened to the first {kept} and “…” "
            "(position {positions}).", len(long), most=MAX_NAME_CHARS, kept=MAX_NAME_CHARS - 1,
            positions=", ".join(str(j + 1) for j in long[:5]) + (", …" if len(long) > 5 else "")))
    unnamed = [j for j, name in enumerate(names) if not name]
    for j in unnamed:
        names[j] = f"column {j + 1}"
    if unnamed:
        notices.append(ngettext(
            "{n} column had no name in the header; named by position ({names}).",
            "{n} columns had no name in the header; named by position ({names}).", len(unnamed),
            names=", ".join(names[j] for j in unnamed[:5]) + (", …" if len(unnamed) > 5 else "")))
    return _deduplicate(names, notices)


def _deduplicate(names, notices):
    """'a', 'a' → 'a', 'a (2)', skipping names already taken."""
    taken, out, renamed = set(names), [], []
    seen = set()
    for name in names:
        if name in seen:
            k = 2
            while f"{name} ({k})" in taken:
                k += 1
            new = f"{name} ({k})"
            taken.add(new)
            renamed.append(f"'{name}' → '{new}'")
            name = new
        seen.add(name)
        out.append(name)
    if renamed:
        notices.append(_("Duplicate column names were renamed: {names}.",
                         names=", ".join(renamed[:5]) + (", …" if len(renamed) > 5 else "")))
    return out


def _empty_cells(column):
    """NumPy boolean mask of the cells of an Arrow string column that are ""."""
    return np.asarray(pc.equal(column, ""))


def _drop_empty_columns(columns, empty, has_header, notices):
    """Positions of the columns to keep: nameless columns with no values are dropped (a separator at the end
    of every line makes one)."""
    drop = [j for j, e in enumerate(empty) if e.all() and not (has_header and columns[j][0].as_py())]
    if drop:
        notices.append(ngettext(
            "Dropped {n} empty column without a name (position {positions}); probably a separator at the end of each "
            "line.", "Dropped {n} empty columns without a name (position {positions}); probably a separator at the end "
            "of each line.", len(drop),
            positions=", ".join(str(j + 1) for j in drop[:5]) + (", …" if len(drop) > 5 else "")))
    return [j for j in range(len(columns)) if j not in set(drop)]
