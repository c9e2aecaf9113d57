"""The Data page's upload flow: read a CSV/TSV/TXT, preview it, decide which ambiguous cells ("none", "?", "-")
mean missing, choose target, features, task, missing-value handling, scaling and split, and make the prepared
dataset current.

Reading and preparing run once per file and per choice (kept in session state), not on every rerun. Every
``DataError`` is shown as a message; nothing changes the current dataset until **Use this dataset**. The file
and the choices survive leaving the page (``upload_keep``).
"""
from pathlib import Path

import numpy as np
import streamlit as st

from ..data import DataError
from ..data.builtin import DATASETS
from ..data.csv_reader import WHITESPACE, read_table
from ..data.missing import confirm_missing, describe_counts, possible_missing
from ..data.tabular import MISSING, SCALERS, TASKS, column_kind, default_features, describe_columns, infer_task, \
    prepare
from ..i18n import N_, _, ngettext
from ..viz import data_views as dv
from . import state
from . import upload_keep as keep
from .data import add_user_dataset
from .widgets.charts import show_chart

KEY = "dt_upload"
DELIMITER_LABELS = {None: N_("detect"), ",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("pipe"),
                    WHITESPACE: N_("spaces")}
HEADER_LABELS = {None: N_("detect"), True: N_("yes"), False: N_("no (name the columns)")}
MISSING_LABELS = {"drop": N_("drop rows with a missing value"),
                  "mean": N_("fill with the column mean (text: the most frequent value)"),
                  "most_frequent": N_("fill with the most frequent value")}
SCALING_LABELS = {"zscore": N_("z-score (mean 0, standard deviation 1)"), "minmax01": N_("min-max to [0, 1]"),
                  "minmax11": N_("min-max to [−1, 1]"), "none": N_("none")}
TASK_LABELS = {"classification": N_("classification"), "regression": N_("regression")}
COLUMN_HEADERS = {"column": N_("column"), "type": N_("type"), "kind": N_("kind"), "missing": N_("missing"),
                  "possibly missing": N_("possibly missing"), "distinct": N_("distinct"), "example": N_("example"),
                  "note": N_("note")}
# the summary's values, as data.columns names them (column_kind, KINDS), in the session's language
COLUMN_TYPES = {"bool": N_("true/false"), "numeric": N_("numeric"), "text": N_("text")}
COLUMN_KINDS = {"number": N_("number"), "true/false": N_("true/false"), "category": N_("category"),
                "identifier": N_("identifier"), "free text": N_("free text"), "numbers as text": N_("numbers as text")}


def _label(labels, value):
    """``value`` in the session's language, if ``labels`` names it; else as it is."""
    label = labels.get(value)
    return value if label is None else _(label)


def max_upload_mb():
    """The server's upload cap in MB (``server.maxUploadSize`` in .streamlit/config.toml)."""
    return int(st.get_option("server.maxUploadSize"))


def _once(slot, key, compute):
    """``compute()`` (or the DataError it raises) for ``key``, remembered in ``st.session_state[slot]``."""
    kept = st.session_state.get(slot)
    if kept is None or kept[0] != key:
        try:
            kept = (key, compute())
        except DataError as exc:
            kept = (key, exc)
        st.session_state[slot] = kept
    return kept[1]


def _kept(widget, key, default, *args, **kwargs):
    """Draw ``widget`` (a Streamlit widget function) with its value from before the page was left."""
    return keep.remember(key, widget(*args, key=keep.restore(key, default), **kwargs))


def _use(name):
    add_user_dataset(name, st.session_state[state.UPLOAD_PREPARED][1].dataset)


def _prepared_view(frame, result, features, scaling):
    """What ``prepare`` did, in words and numbers, with the class balance and a feature before/after scaling."""
    ds, rep = result.dataset, result.report
    dropped = rep.get("rows_target_missing", 0) + rep.get("rows_dropped_missing", 0)
    c = st.columns(5)
    c[0].metric(_("rows in the file"), f"{rep['rows_in']:,}")
    c[1].metric(_("rows used"), f"{rep['rows_used']:,}")
    c[2].metric(_("rows dropped"), f"{dropped:,}")
    c[3].metric(_("cells filled"), f"{sum(rep.get('cells_filled', {}).values()):,}")
    c[4].metric(_("network inputs"), f"{ds.n_features:,}")
    parts = {"train": rep["n_train"], "val": rep["n_val"], "test": rep["n_test"]}
    st.caption(_("Split: {train:,} train / {val:,} validation / {test:,} test (stratified by class).", **parts)
               if rep.get("stratified") else _("Split: {train:,} train / {val:,} validation / {test:,} test.", **parts))
    for notice in result.notices:
        st.info(notice)
    left, right = st.columns([1, 2])
    if ds.class_names is not None:
        show_chart(left, dv.class_balance_chart(ds.y_train, ds.class_names, _("Training samples per class")))
    else:  # trained z-scored; shown in the file's units
        show_chart(left, dv.target_histogram(ds.to_target_units(ds.y_train), _("Training target values")))
    numeric = [f for f in features if column_kind(frame[f]) != "text" and str(f) in ds.feature_names]
    if numeric:
        with right:
            col = st.selectbox(_("Feature to compare before and after scaling"), numeric, key="dt_hist_feature")
            j = ds.feature_names.index(str(col))
            parts = [ds.x_train, ds.x_test] + ([ds.x_val] if ds.x_val is not None else [])
            after = np.concatenate([p[:, j] for p in parts])
            before = frame[col].to_numpy(dtype="float64", na_value=np.nan)
            show_chart(st, dv.before_after_chart(before, after, str(col), _(SCALERS[scaling].label)))


def _read_section(file, cap):
    """Reading options and the read itself: the ReadResult, or None after showing why it failed."""
    with st.expander(_("Reading options")):
        c1, c2 = st.columns(2)
        delimiter = _kept(c1.selectbox, "dt_delimiter", None, _("Separator"), list(DELIMITER_LABELS),
                          format_func=lambda d: _(DELIMITER_LABELS[d]))
        header = _kept(c2.selectbox, "dt_header", None, _("First row holds column names"), list(HEADER_LABELS),
                       format_func=lambda h: _(HEADER_LABELS[h]))
    read = _once(state.UPLOAD_READ, (file.file_id, delimiter, header), lambda: read_table(
        file.data, file.name, max_bytes=cap * 2**20, delimiter=delimiter, header=header))
    if isinstance(read, DataError):
        keep.drop_file()
        st.error(_("{problem} Your current dataset is unchanged.", problem=read))
        return None
    frame = read.frame
    sep = _(DELIMITER_LABELS[read.delimiter]) if read.delimiter in DELIMITER_LABELS else repr(read.delimiter)
    st.success(_("Read {rows:,} rows × {columns} columns — encoding {encoding}, separator {sep}, header row: "
                 "{header}.", rows=len(frame), columns=frame.shape[1], encoding=read.encoding, sep=sep,
                 header=_("yes") if read.has_header else _("no")))
    for notice in read.notices:
        st.info(notice)
    c1, c2 = st.columns([3, 2])
    c1.dataframe(frame.head(10), hide_index=True, height=250)
    described = _once(state.UPLOAD_COLUMNS, st.session_state[state.UPLOAD_READ][0], lambda: describe_columns(frame))
    shown = described.assign(type=described["type"].map(lambda v: _label(COLUMN_TYPES, v)),
                             kind=described["kind"].map(lambda v: _label(COLUMN_KINDS, v)))
    c2.dataframe(shown.rename(columns=lambda c: _(COLUMN_HEADERS[c])), hide_index=True, height=250)
    return read


def _missing_section(frame, token, read_key):
    """The cells that may mean missing, and the columns in which the user confirms they do."""
    ambiguous = _once(state.UPLOAD_AMBIGUOUS, read_key, lambda: possible_missing(frame))
    if not len(ambiguous):
        return []
    by_column = {col: dict(zip(rows["value"], rows["cells"])) for col, rows in ambiguous.groupby("column", sort=False)}
    cells = int(ambiguous["cells"].sum())
    listing = "; ".join(_("{counts} in '{column}'", counts=describe_counts(c), column=col)
                        for col, c in by_column.items())
    st.warning(ngettext(
        "{n} cell may mean a missing value, or may be a real answer ({listing}). It stays a value unless you "
        "confirm below that it means missing in its column.",
        "{n} cells may mean a missing value, or may be real answers ({listing}). They stay values unless you "
        "confirm below that they mean missing in their column.", cells, listing=listing))
    return _kept(st.multiselect, f"dt_confirm_{token}", [], _("Columns in which these cells mean missing"),
                 list(by_column), placeholder=_("Choose columns"),
                 format_func=lambda col: _("{column} ({counts})", column=col, counts=describe_counts(by_column[col])))


def _features_section(frame, token, target, confirmed, column, read_key):
    """The features multiselect (identifiers, free text and numbers-as-text left out by default, with why)."""
    defaults, left_out = _once(state.UPLOAD_DEFAULTS, (read_key, tuple(confirmed), target), lambda: default_features(
        confirm_missing(frame, confirmed)[0] if confirmed else frame, target))
    key = f"dt_features_{token}_{target}_{'|'.join(map(str, confirmed))}"  # defaults follow the confirmation
    features = _kept(column.multiselect, key, defaults, _("Features (what to predict it from)"),
                     [c for c in frame.columns if c != target], placeholder=_("Choose columns"))
    for col, reason in left_out.items():
        if col not in features:
            column.caption(_("Left out by default: {reason}. Add it above to use it anyway.", reason=reason))
    return features


def upload_section():
    """Draw the whole upload flow."""
    ss = st.session_state
    cap = max_upload_mb()
    st.markdown(_("Upload a table (**CSV, TSV or TXT**, up to **{cap} MB** — the server's `maxUploadSize`). "
                  "Encoding, separator and header row are detected; you choose what to predict.", cap=cap))
    upload = st.file_uploader(_("Your data file (CSV, TSV or TXT, at most {cap} MB)", cap=cap),
                              type=["csv", "tsv", "txt"], key=KEY, on_change=keep.on_uploader_change, args=(KEY,))
    file = keep.current_file(upload)
    if file is None:
        st.caption(_("⚠️ Size cap: **{cap} MB** per file. A larger file is refused in the browser before it is "
                     "sent: its name turns red (hover it for the reason), nothing is read and your current "
                     "dataset stays.", cap=cap))
        return
    keep.keep_file(file)
    if upload is None:
        c1, c2 = st.columns([4, 1])
        c1.info(_("Working on **{name}**, kept from before. Upload another file to replace it.", name=file.name))
        c2.button(_("Forget this file"), key="dt_forget", on_click=keep.forget_file)
    read = _read_section(file, cap)
    if read is None:
        return
    frame = read.frame
    token = file.file_id[-8:]  # choices belong to this file
    read_key = ss[state.UPLOAD_READ][0]
    confirmed = _missing_section(frame, token, read_key)
    columns = list(frame.columns)
    c1, c2 = st.columns([1, 2])
    target = _kept(c1.selectbox, f"dt_target_{token}", columns[-1], _("Target (what to predict)"), columns)
    target_values = confirm_missing(frame[[target]], [target] if target in confirmed else [])[0][target]
    inferred = infer_task(target_values)
    task = _kept(c1.radio, f"dt_task_{token}_{target}", inferred, _("Task"), TASKS, horizontal=True,
                 format_func=lambda t: _("{task} (inferred)", task=_(TASK_LABELS[t])) if t == inferred
                 else _(TASK_LABELS[t]))
    features = _features_section(frame, token, target, confirmed, c2, read_key)
    c1, c2, c3 = st.columns(3)
    missing = _kept(c1.selectbox, "dt_missing", "drop", _("Missing values"), list(MISSING),
                    format_func=lambda k: _(MISSING_LABELS[k]))
    scaling = _kept(c2.selectbox, "dt_scaling", "zscore", _("Scaling"), list(SCALERS),
                    format_func=lambda k: _(SCALING_LABELS[k]))
    max_cat = _kept(c3.number_input, "dt_max_cat", 20, _("Columns per text feature at most"), 2, 100)
    c1, c2, c3 = st.columns(3)
    val = _kept(c1.slider, "dt_val", 0.15, _("Validation share"), 0.0, 0.4, step=0.05)
    test = _kept(c2.slider, "dt_test", 0.15, _("Test share"), 0.05, 0.4, step=0.05)
    seed = int(_kept(c3.number_input, "dt_seed", 0, _("Split seed"), 0, 2**32 - 1))
    name = _kept(st.text_input, f"dt_name_{token}", Path(file.name).stem[:40] or "upload",
                 _("Dataset name")).strip()

    choice = (read_key, tuple(confirmed), target, tuple(features), task,
              missing, scaling, round(1 - val - test, 6), val, test, seed, int(max_cat), name)
    result = _once(state.UPLOAD_PREPARED, choice, lambda: prepare(
        frame, target, features, task=task, missing=missing, scaling=scaling, split=(1 - val - test, val, test),
        seed=seed, max_categories=int(max_cat), name=name or "upload", confirmed_missing=confirmed))
    if isinstance(result, DataError):
        st.error(_("{problem} Your current dataset is unchanged.", problem=result))
        if task == "classification" and "regression" in str(result):
            st.button(_("Predict “{target}” as a number (regression) instead", target=target),
                      key="dt_to_regression", on_click=lambda: ss.update({f"dt_task_{token}_{target}": "regression"}))
        return
    _prepared_view(frame, result, features, scaling)
    if not name or name in DATASETS:
        st.error(_("The name is empty; choose another.") if not name else
                 _("The name “{name}” is taken by a built-in dataset; choose another.", name=name))
        return
    replacing = name in state.user_datasets()
    st.button(_("Use this dataset"), type="primary", key="dt_use_upload", on_click=_use, args=(name,),
              help=_("Replaces your earlier “{name}”.", name=name) if replacing else
              _("Makes it the current dataset on every page."))
