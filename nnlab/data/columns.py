"""What each column of a table is, and whether it makes a useful feature, before anything is prepared.

A column with a different value in every row (``student_id``, ``name``) or one of long free texts is a poor
feature: one-hot encoding turns each of its values into an input that a single row switches on, which a
network can only memorise. So such columns are left out of the default features with the reason in words;
the user can still choose them.
"""
import re

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from ..i18n import _
from .missing import describe_counts, numbers_but_placeholders, possible_missing_counts

CLASSIFICATION_MAX_DISTINCT = 20  # whole-number targets with at most this many values look like classes
MIN_VALUES_TO_JUDGE = 10  # with fewer values, "different in every row" says nothing about a column
FREE_TEXT_WORDS = 4  # texts of at least this many words on average read as prose, not as categories...
FREE_TEXT_DISTINCT = 0.5  # ...when at least this share of them differ
WORD_SAMPLE = 1000  # words are counted on this many evenly spaced values: a mean, quick on a million rows
# Names of whole-number columns that count rows rather than measure something; "Unnamed: 0" is the index
# pandas writes with to_csv().
_ID_NAME = re.compile(r"(^|[^a-z])(id|index|key|row)$|^unnamed: \d+$")
KINDS = {  # kind -> whether a column of that kind is a feature by default
    "number": True, "true/false": True, "category": True,
    "identifier": False, "free text": False, "numbers as text": False,
}


def column_kind(series):
    """'bool', 'numeric' or 'text' -- how ``prepare`` encodes the column (scaled, scaled 0/1, one-hot)."""
    if is_bool_dtype(series.dtype):
        return "bool"
    if is_numeric_dtype(series.dtype):
        return "numeric"
    return "text"


def classify_column(series, name):
    """(kind, reason): a key of ``KINDS``, and why a column of a kind that is no default feature is left out.

    The reason is a whole sentence naming the column, e.g. "'student_id': a different value in every row —
    an identifier, not a feature"; it is "" for numbers, true/false and categories.
    """
    present = series.dropna()
    return _classify(series, name, present, int(present.nunique()))


def _classify(series, name, present, distinct):
    base = {"bool": "true/false", "numeric": "number", "text": "category"}[column_kind(series)]
    if numbers_but_placeholders(series):
        counts = describe_counts(possible_missing_counts(series))
        return "numbers as text", _("'{name}': numbers, except {counts} that may mean a missing value — treat "
                                    "them as missing to use it as a number", name=name, counts=counts)
    n = len(present)
    if n < MIN_VALUES_TO_JUDGE or base == "true/false":
        return base, ""
    every_row = n == len(series)
    if base == "category":
        sample = present.iloc[::max(1, n // WORD_SAMPLE)].astype("str")
        words = float(sample.str.count(r"\S+").mean()) if distinct >= FREE_TEXT_DISTINCT * n else 0.0
        if words >= FREE_TEXT_WORDS:
            return "free text", _("'{name}': free text ({distinct} different texts of about {words:.0f} words) — "
                                  "one-hot encoding treats each whole text as a category and learns nothing from "
                                  "its words", name=name, distinct=distinct, words=words)
        if distinct == n:
            return "identifier", (
                _("'{name}': a different value in every row — an identifier, not a feature", name=name) if every_row
                else _("'{name}': a different value in every row that has one — an identifier, not a feature",
                       name=name))
    elif (distinct == n and _ID_NAME.search(str(name).strip().lower())
          and np.all(present.to_numpy(dtype="float64") % 1 == 0)):
        return "identifier", (
            _("'{name}': a different whole number in every row — an identifier, not a feature", name=name)
            if every_row else _("'{name}': a different whole number in every row that has one — an identifier, "
                                "not a feature", name=name))
    return base, ""


def default_features(frame, target):
    """(features, left_out): every column but the target that makes a feature by default, and
    {column: reason} for the others (see ``classify_column``)."""
    features, left_out = [], {}
    for col in frame.columns:
        if col == target:
            continue
        kind, reason = classify_column(frame[col], col)
        if KINDS[kind]:
            features.append(col)
        else:
            left_out[col] = reason
    return features, left_out


def describe_columns(frame):
    """One row per column for the preview.

    Returns
    -------
    DataFrame with columns column, type ('numeric'/'text'/'bool', as ``column_kind``), kind (a key of
    ``KINDS``), missing, possibly missing (cells such as "none" or "?"; see ``missing``), distinct, example,
    note (why the column is no default feature, or "").
    """
    rows = []
    for name in frame.columns:
        series = frame[name]
        present = series.dropna()
        distinct = int(present.nunique())
        kind, note = _classify(series, name, present, distinct)
        rows.append({"column": str(name), "type": column_kind(series), "kind": kind,
                     "missing": int(series.isna().sum()),
                     "possibly missing": sum(possible_missing_counts(series).values()),
                     "distinct": distinct, "example": str(present.iloc[0]) if len(present) else "", "note": note})
    return pd.DataFrame(rows, columns=["column", "type", "kind", "missing", "possibly missing", "distinct",
                                       "example", "note"])


def infer_task(series):
    """'classification' for text/bool or at most 20 distinct whole numbers; else 'regression'."""
    if column_kind(series) != "numeric":
        return "classification"
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    values = values[np.isfinite(values)]
    if len(values) and np.all(values == np.round(values)) and len(np.unique(values)) <= CLASSIFICATION_MAX_DISTINCT:
        return "classification"
    return "regression"
