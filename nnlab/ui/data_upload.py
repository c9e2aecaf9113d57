"""The Data page's upload flow: read a CSV/TSV/TXT, preview it, choose target, features, task, missing-value
handling, scaling and split, and make the prepared dataset current.

Reading and preparing run once per file and per choice (kept in session state), not on every rerun. Every
``DataError`` is shown as a message; nothing changes the current dataset until **Use this dataset**.
"""
from pathlib import Path

import numpy as np
import streamlit as st

from ..data import DataError
from ..data.builtin import DATASETS
from ..data.csv_reader import DELIMITERS, WHITESPACE, read_table
from ..data.tabular import MISSING, SCALERS, TASKS, column_kind, describe_columns, infer_task, prepare
from ..viz import data_views as dv
from . import state
from .data import add_user_dataset
from .widgets.charts import show_chart

KEY = "dt_upload"
DELIMITER_LABELS = {None: "detect", **DELIMITERS, WHITESPACE: "spaces"}
HEADER_LABELS = {None: "detect", True: "yes", False: "no (name the columns)"}


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


def _use(name):
    add_user_dataset(name, st.session_state[state.UPLOAD_PREPARED][1].dataset)


def _prepared_view(frame, result, features, scaling):
    """What ``prepare`` did, in words and numbers, with the class balance and a feature before/after scaling."""
    ds, rep = result.dataset, result.report
    dropped = rep.get("rows_target_missing", 0) + rep.get("rows_dropped_missing", 0)
    c = st.columns(5)
    c[0].metric("rows in the file", f"{rep['rows_in']:,}")
    c[1].metric("rows used", f"{rep['rows_used']:,}")
    c[2].metric("rows dropped", f"{dropped:,}")
    c[3].metric("cells filled", f"{sum(rep.get('cells_filled', {}).values()):,}")
    c[4].metric("network inputs", f"{ds.n_features:,}")
    st.caption(f"Split: {rep['n_train']:,} train / {rep['n_val']:,} validation / {rep['n_test']:,} test"
               f"{' (stratified by class)' if rep.get('stratified') else ''}.")
    for notice in result.notices:
        st.info(notice)
    left, right = st.columns([1, 2])
    if ds.class_names is not None:
        show_chart(left, dv.class_balance_chart(ds.y_train, ds.class_names, "Training samples per class"))
    else:
        show_chart(left, dv.target_histogram(ds.y_train, "Training target values"))
    numeric = [f for f in features if column_kind(frame[f]) != "text" and str(f) in ds.feature_names]
    if numeric:
        with right:
            col = st.selectbox("Feature to compare before and after scaling", numeric, key="dt_hist_feature")
            j = ds.feature_names.index(str(col))
            parts = [ds.x_train, ds.x_test] + ([ds.x_val] if ds.x_val is not None else [])
            after = np.concatenate([p[:, j] for p in parts])
            before = frame[col].to_numpy(dtype="float64", na_value=np.nan)
            show_chart(st, dv.before_after_chart(before, after, str(col), SCALERS[scaling].label))


def upload_section():
    """Draw the whole upload flow."""
    ss = st.session_state
    cap = max_upload_mb()
    st.markdown(f"Upload a table (**CSV, TSV or TXT**, up to **{cap} MB** — the server's `maxUploadSize`). "
                "Encoding, separator and header row are detected; you choose what to predict.")
    upload = st.file_uploader(f"Your data file (CSV, TSV or TXT, at most {cap} MB)", type=["csv", "tsv", "txt"],
                              key=KEY)
    if upload is None:
        st.caption(f"⚠️ Size cap: **{cap} MB** per file. A larger file is refused in the browser before it is "
                   "sent: its name turns red (hover it for the reason), nothing is read and your current "
                   "dataset stays.")
        return
    with st.expander("Reading options"):
        c1, c2 = st.columns(2)
        delimiter = c1.selectbox("Separator", list(DELIMITER_LABELS), format_func=DELIMITER_LABELS.get,
                                 key="dt_delimiter")
        header = c2.selectbox("First row holds column names", list(HEADER_LABELS), format_func=HEADER_LABELS.get,
                              key="dt_header")
    read = _once(state.UPLOAD_READ, (upload.file_id, delimiter, header), lambda: read_table(
        upload.getvalue(), upload.name, max_bytes=cap * 2**20, delimiter=delimiter, header=header))
    if isinstance(read, DataError):
        st.error(f"{read} Your current dataset is unchanged.")
        return
    frame = read.frame
    st.success(f"Read {len(frame):,} rows × {frame.shape[1]} columns — encoding {read.encoding}, separator "
               f"{DELIMITER_LABELS.get(read.delimiter, repr(read.delimiter))}, header row: "
               f"{'yes' if read.has_header else 'no'}.")
    for notice in read.notices:
        st.info(notice)
    c1, c2 = st.columns([3, 2])
    c1.dataframe(frame.head(10), hide_index=True, height=250)
    c2.dataframe(describe_columns(frame), hide_index=True, height=250)

    token = upload.file_id[-8:]  # choices belong to this file
    columns = list(frame.columns)
    c1, c2 = st.columns([1, 2])
    target = c1.selectbox("Target (what to predict)", columns, index=len(columns) - 1, key=f"dt_target_{token}")
    inferred = infer_task(frame[target])
    task = c1.radio("Task", TASKS, index=TASKS.index(inferred), key=f"dt_task_{token}_{target}",
                    format_func=lambda t: f"{t} (inferred)" if t == inferred else t, horizontal=True)
    features = c2.multiselect("Features (what to predict it from)", [c for c in columns if c != target],
                              default=[c for c in columns if c != target], key=f"dt_features_{token}_{target}")
    c1, c2, c3 = st.columns(3)
    missing = c1.selectbox("Missing values", list(MISSING), format_func=MISSING.get, key="dt_missing")
    scaling = c2.selectbox("Scaling", list(SCALERS), format_func=lambda k: SCALERS[k].label, key="dt_scaling")
    max_cat = c3.number_input("Columns per text feature at most", 2, 100, value=20, key="dt_max_cat")
    c1, c2, c3 = st.columns(3)
    val = c1.slider("Validation share", 0.0, 0.4, 0.15, 0.05, key="dt_val")
    test = c2.slider("Test share", 0.05, 0.4, 0.15, 0.05, key="dt_test")
    seed = int(c3.number_input("Split seed", 0, 2**32 - 1, value=0, key="dt_seed"))
    name = st.text_input("Dataset name", value=Path(upload.name).stem[:40] or "upload", key=f"dt_name_{token}").strip()

    choice = ((upload.file_id, delimiter, header), target, tuple(features), task, missing,
              scaling, round(1 - val - test, 6), val, test, seed, int(max_cat), name)
    result = _once(state.UPLOAD_PREPARED, choice, lambda: prepare(
        frame, target, features, task=task, missing=missing, scaling=scaling, split=(1 - val - test, val, test),
        seed=seed, max_categories=int(max_cat), name=name or "upload"))
    if isinstance(result, DataError):
        st.error(f"{result} Your current dataset is unchanged.")
        if task == "classification" and "regression" in str(result):
            st.button(f"Predict “{target}” as a number (regression) instead", key="dt_to_regression",
                      on_click=lambda: ss.update({f"dt_task_{token}_{target}": "regression"}))
        return
    _prepared_view(frame, result, features, scaling)
    if not name or name in DATASETS:
        st.error(f"The name “{name}” is {'empty' if not name else 'taken by a built-in dataset'}; choose another.")
        return
    replacing = name in state.user_datasets()
    st.button("Use this dataset", type="primary", key="dt_use_upload", on_click=_use, args=(name,),
              help=f"Replaces your earlier “{name}”." if replacing else "Makes it the current dataset on every page.")
