"""Turn a table (from ``read_table`` or any DataFrame) into a split, encoded, scaled ``Dataset``.

The order matters and is the textbook one: choose rows, split, then fit every imputer, encoder and scaler
on the training part only and apply it to all parts, so nothing about the validation or test rows leaks
into training. Every choice made on the user's behalf is reported in ``notices``; every refusal is a
``DataError`` that says what was wrong and what to do.
"""
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import FunctionTransformer, LabelEncoder, MinMaxScaler, OneHotEncoder, StandardScaler

from ..i18n import N_, _, ngettext
from .columns import column_kind, default_features, describe_columns, infer_task  # noqa: F401 (the API)
from .csv_reader import FLOAT32_MAX
from .dataset import Dataset, DataError
from .missing import confirm_missing, describe_counts, numbers_but_placeholders

MIN_ROWS = 10
MAX_INPUTS = 1000  # input columns after one-hot encoding
MAX_CLASSES = 50
TASKS = ("classification", "regression")


@dataclass(frozen=True)
class Scaling:
    """A scaling choice: ``label`` for the UI; calling it makes a fresh, unfitted scikit-learn transformer."""
    label: str
    make: object

    def __call__(self):
        return self.make()


# The first is the default (``DEFAULT_SCALING``), so a list of the table starts on it: features on one scale
# let one learning rate suit every weight.
SCALERS = {
    "zscore": Scaling(N_("z-score (mean 0, standard deviation 1)"), lambda: StandardScaler()),
    "minmax01": Scaling(N_("min-max to [0, 1]"), lambda: MinMaxScaler(feature_range=(0, 1))),
    "minmax11": Scaling(N_("min-max to [−1, 1]"), lambda: MinMaxScaler(feature_range=(-1, 1))),
    "none": Scaling(N_("none"), lambda: FunctionTransformer()),
}
DEFAULT_SCALING = next(iter(SCALERS))
MISSING = {
    "drop": "drop rows with a missing value",
    "mean": "fill with the column mean (text: the most frequent value)",
    "most_frequent": "fill with the most frequent value",
}


@dataclass(frozen=True, eq=False)
class PrepResult:
    """The prepared dataset, what was done in words (``notices``) and in numbers (``report``)."""
    dataset: Dataset
    notices: list = field(default_factory=list)
    report: dict = field(default_factory=dict)


def prepare(frame, target, features=None, task=None, missing="drop", scaling=DEFAULT_SCALING,
            split=(0.7, 0.15, 0.15), seed=0, max_categories=20, name="upload", confirmed_missing=()):
    """Encode, clean, split and scale a table into a ``Dataset``.

    Parameters
    ----------
    frame : DataFrame with unique column names, (n_rows, n_columns).
    target : the column to predict.
    features : columns to predict it from; None means ``default_features``: every other column except
        identifiers, free text and numbers written as text (each left out with a notice saying why).
    task : 'classification', 'regression' or None to infer it from the target (``infer_task``).
    missing : a key of ``MISSING``: drop rows with a missing feature, or fill them (fitted on train).
    scaling : a key of ``SCALERS``; applied to numeric and true/false features, fitted on train.
        One-hot columns stay 0/1. A regression target is always z-scored (fitted on train).
    split : (train, validation, test) fractions, each above 0, adding up to 1.
    seed : seeds the split (stratified by class for classification).
    max_categories : one-hot columns per text feature at most; rarer values share one "(other)" column.
    name : the Dataset's name.
    confirmed_missing : columns in which the user confirmed that the values that may mean missing
        ("none", "?", …; ``missing.possible_missing``) are missing. By default they stay values.

    Returns
    -------
    PrepResult with dataset.x_* float32 (n, n_inputs); y_* int64 (n,) with class_names = the original
    labels as strings (classification), or float32 (n, 1) z-scored, with target_mean / target_std
    (regression).
    """
    _check_arguments(frame, target, features, task, missing, scaling, split, seed, max_categories,
                     confirmed_missing)
    notices, report = [], {"rows_in": int(len(frame))}
    frame, changed = confirm_missing(frame, list(confirmed_missing))
    report["confirmed_missing"] = {str(col): sum(counts.values()) for col, counts in changed.items()}
    if changed:
        items = [_("{counts} of '{column}'", counts=describe_counts(c), column=col) for col, c in changed.items()]
        notices.append(_("Treated as missing, as you chose: {items}.", items="; ".join(items)))
    features = _chosen_features(frame, target, features, notices, report)
    columns = {col: _clean(frame[col], col, notices, report) for col in [target, *features]}
    kinds = {col: column_kind(frame[col]) for col in columns}

    # Target: rows without one cannot be used at all.
    y_raw = columns.pop(target)
    has_target = ~pd.isna(y_raw)
    report["rows_target_missing"] = int((~has_target).sum())
    if not has_target.any():
        raise DataError(_("The target column '{target}' has no values (all {n} are missing). Choose another target "
                          "column.", target=target, n=len(frame)))
    if report["rows_target_missing"]:
        notices.append(ngettext("Dropped {n} row without a value in the target '{target}'.",
                                "Dropped {n} rows without a value in the target '{target}'.",
                                report["rows_target_missing"], target=target))
    y_raw = y_raw[has_target]
    columns = {col: values[has_target] for col, values in columns.items()}
    task = task or ("classification" if kinds[target] != "numeric" else infer_task(pd.Series(y_raw)))
    report["task"] = task

    # Features: leave out the empty ones, then drop rows or leave the gaps for the imputers.
    for col in [c for c, values in columns.items() if pd.isna(values).all()]:
        del columns[col]
        notices.append(_("Left out the feature '{column}': it has no values.", column=col))
    if not columns:
        raise DataError(_("No usable feature: every chosen feature column is empty. Choose other feature columns."))
    if missing == "drop":
        y_raw, columns = _drop_gaps(y_raw, columns, notices, report)
    else:
        report["rows_dropped_missing"], report["missing_by_column"] = 0, {}
    n = len(y_raw)
    report["rows_used"] = n
    if n < MIN_ROWS:
        raise DataError(_too_few_rows(n, report, missing))

    y, class_names = _encode_target(y_raw, target, kinds[target], task, notices, report)
    train, val, test = _split(n, y if class_names else None, class_names, split, seed, notices, report)
    target_mean = target_std = None
    if class_names is None:
        y, target_mean, target_std = _scale_target(y, train, target, notices, report)
    x, feature_names = _encode_features(columns, kinds, train, missing, scaling, max_categories, notices, report)

    if class_names:
        description = ngettext("{name}: {rows} rows, target '{target}' (classification, {classes} classes), {inputs} "
                               "inputs from {n} feature", "{name}: {rows} rows, target '{target}' (classification, "
                               "{classes} classes), {inputs} inputs from {n} features", len(columns), name=name,
                               rows=n, target=target, classes=len(class_names), inputs=x.shape[1])
    else:
        description = ngettext("{name}: {rows} rows, target '{target}' (regression), {inputs} inputs from {n} feature",
                               "{name}: {rows} rows, target '{target}' (regression), {inputs} inputs from {n} features",
                               len(columns), name=name, rows=n, target=target, inputs=x.shape[1])
    notes = [*notices, _("Scaling: {scaling}, fitted on the training part.", scaling=_(SCALERS[scaling].label))]
    dataset = Dataset(
        name=name, description=description,
        x_train=x[train], y_train=y[train], x_test=x[test], y_test=y[test], x_val=x[val], y_val=y[val],
        feature_names=tuple(feature_names), class_names=class_names, notes=tuple(notes),
        target_mean=target_mean, target_std=target_std)
    return PrepResult(dataset, notices, report)


# ---------------------------------------------------------------- checks

def _check_arguments(frame, target, features, task, missing, scaling, split, seed, max_categories,
                     confirmed_missing):
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"prepare needs a pandas DataFrame, got {type(frame).__name__}")
    if not frame.columns.is_unique:
        dupes = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise DataError(_("Column names must be unique; repeated: {names}. Rename those columns.",
                          names=_listing(dupes)))
    if target not in frame.columns:
        raise DataError(_("The target '{target}' is not a column of the table; choose one of: {names}.",
                          target=target, names=_listing(frame.columns)))
    if isinstance(confirmed_missing, str):
        raise DataError(f"confirmed_missing={confirmed_missing!r} must be a list of column names, "
                        f"e.g. [{confirmed_missing!r}].")
    unknown = [c for c in confirmed_missing if c not in frame.columns]
    if unknown:
        raise DataError(_("confirmed_missing names {unknown}, not columns of the table; choose from {names}.",
                          unknown=_listing(unknown), names=_listing(frame.columns)))
    if features is not None:
        _check_features(frame, target, list(features))
    if task is not None and task not in TASKS:
        raise DataError(f"task={task!r} is not known; use None (infer), 'classification' or 'regression'.")
    if missing not in MISSING:
        raise DataError(f"missing={missing!r} is not known; use one of {_listing(MISSING)}.")
    if scaling not in SCALERS:
        raise DataError(f"scaling={scaling!r} is not known; use one of {_listing(SCALERS)}.")
    try:
        fractions = [float(f) for f in split]
    except (TypeError, ValueError):
        fractions = []
    if len(fractions) != 3 or not all(np.isfinite(fractions)) or min(fractions) <= 0 or abs(sum(fractions) - 1) > 1e-6:
        raise DataError(_("split={split} must be three fractions (train, validation, test), each above 0, that add "
                          "up to 1, e.g. (0.7, 0.15, 0.15). The validation part chooses the best epoch, so the test "
                          "part stays unseen until the end.", split=repr(split)))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise DataError(f"seed={seed!r} must be a whole number from 0 to 2**32 - 1.")
    if isinstance(max_categories, bool) or not isinstance(max_categories, (int, np.integer)) or max_categories < 2:
        raise DataError(f"max_categories={max_categories!r} must be a whole number of at least 2.")


def _check_features(frame, target, features):
    unknown = [c for c in features if c not in frame.columns]
    if unknown:
        raise DataError(_("Feature column(s) {unknown} are not in the table; choose from {names}.",
                          unknown=_listing(unknown), names=_listing(frame.columns)))
    if target in features:
        raise DataError(_("The target '{target}' is also chosen as a feature. Remove it from the features: a "
                          "network that is shown the answer learns nothing useful.", target=target))
    if len(set(features)) != len(features):
        raise DataError(_("A feature column is chosen twice; choose each column once."))
    if not features:
        raise DataError(_("No feature columns are chosen; choose at least one column to predict the target from."))


def _chosen_features(frame, target, features, notices, report):
    """The features given, or the default ones, with a notice for each column left out and why."""
    if features is not None:
        report["left_out"] = {}
        return list(features)
    features, left_out = default_features(frame, target)
    report["left_out"] = {str(col): reason for col, reason in left_out.items()}
    for reason in left_out.values():
        notices.append(_("Left out {reason}. Choose it as a feature to use it anyway.", reason=reason))
    if not features:
        raise DataError(_("No column is left to predict '{target}' from: {reasons}. Choose the features yourself.",
                          target=target, reasons="; ".join(left_out.values())))
    return features


def _clean(series, col, notices, report):
    """float64 array (NaN = missing) for numbers and true/false; object array of str (None = missing) for text."""
    kind = column_kind(series)
    if kind == "text":
        text = series.astype("str").str.strip()  # missing stays missing
        return text.where(text != "").to_numpy(dtype=object, na_value=None)
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    infinite = np.isinf(values)
    if infinite.any():
        values = np.where(infinite, np.nan, values)
        report.setdefault("inf_to_missing", {})[str(col)] = int(infinite.sum())
        notices.append(ngettext("Column '{column}': {n} infinite value treated as missing.",
                                "Column '{column}': {n} infinite values treated as missing.", int(infinite.sum()),
                                column=col))
    too_big = np.abs(np.nan_to_num(values)) > FLOAT32_MAX
    if too_big.any():
        raise DataError(_("Column '{column}' has a value too large for 32-bit floats ({value:g}); the limit is about "
                          "±3.4e38. Rescale that column or leave it out.", column=col, value=values[too_big][0]))
    return values


def _drop_gaps(y_raw, columns, notices, report):
    """Keep the rows with a value in every feature; the notice names the columns and counts the rows."""
    gaps = {col: pd.isna(values) for col, values in columns.items()}
    any_gap = np.logical_or.reduce(list(gaps.values()))
    n = int(any_gap.sum())
    by_column = {str(col): int(g.sum()) for col, g in gaps.items() if g.any()}
    report["rows_dropped_missing"], report["missing_by_column"] = n, by_column
    if len(by_column) == 1:
        notices.append(ngettext("Dropped {n} row with a missing value in the feature '{column}'.",
                                "Dropped {n} rows with a missing value in the feature '{column}'.", n,
                                column=next(iter(by_column))))
    elif by_column:
        notices.append(ngettext("Dropped {n} row with a missing feature value: {where}.",
                                "Dropped {n} rows with a missing feature value: {where}.", n,
                                where=_rows_per_column(by_column)))
    return y_raw[~any_gap], {col: values[~any_gap] for col, values in columns.items()}


def _too_few_rows(n, report, missing):
    why = []
    if report["rows_target_missing"]:
        why.append(_("{n} without a target value", n=report["rows_target_missing"]))
    if report["rows_dropped_missing"]:
        why.append(_("{n} with a missing feature value", n=report["rows_dropped_missing"]))
    if why:
        msg = ngettext("Only {n} usable row (of {total}; dropped {why}); at least {least} are needed to train and test "
                       "a network.", "Only {n} usable rows (of {total}; dropped {why}); at least {least} are needed to "
                       "train and test a network.", n, total=report["rows_in"], why=_and(why), least=MIN_ROWS)
    else:
        msg = ngettext("Only {n} usable row (of {total}); at least {least} are needed to train and test a network.",
                       "Only {n} usable rows (of {total}); at least {least} are needed to train and test a network.",
                       n, total=report["rows_in"], least=MIN_ROWS)
    if report["rows_dropped_missing"] and missing == "drop":
        return _("{problem} Fill missing values instead of dropping rows (choose 'mean' or 'most_frequent'), choose "
                 "features with fewer gaps, or add rows.", problem=msg)
    return _("{problem} Add rows to the file.", problem=msg)


# ---------------------------------------------------------------- target, split, features

def _label(value):
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _encode_target(y_raw, target, kind, task, notices, report):
    """(y, class_names): int64 codes and label strings, or float32 (n, 1) and None."""
    if task == "regression":
        if kind == "text":
            raise DataError(_("The target '{target}' holds text (e.g. '{value}'), and regression needs numbers. "
                              "Choose classification, or a numeric target.", target=target, value=y_raw[0]))
        y = y_raw.astype("float64")
        if np.all(y == y[0]):
            raise DataError(_("The target '{target}' has the same value ({value}) in every row, so there is nothing "
                              "to learn. Choose another target column.", target=target, value=_label(y[0])))
        report["n_classes"] = 0
        return y.astype(np.float32).reshape(-1, 1), None
    if kind == "bool":
        y_raw = np.where(y_raw == 1, "True", "False")
    encoder = LabelEncoder().fit(y_raw)
    class_names = tuple(_label(c) for c in encoder.classes_)
    k = len(class_names)
    report["n_classes"] = k
    if k < 2:
        raise DataError(_("The target '{target}' has a single class ('{name}') in every usable row, so there is "
                          "nothing to tell apart. Choose a target with at least two different values.", target=target,
                          name=class_names[0]))
    if k > MAX_CLASSES:
        if kind == "numeric":
            hint = _("It holds numbers: choose the regression task to predict the value instead.")
        elif numbers_but_placeholders(pd.Series(y_raw)):
            hint = _("It holds numbers except values that may mean missing: treat those as missing, then choose "
                     "the regression task to predict the value.")
        else:
            hint = _("Choose another target, or group its values into fewer classes.")
        raise DataError(_("The target '{target}' has {k} different values: too many classes for classification (at "
                          "most {most}). {hint}", target=target, k=k, most=MAX_CLASSES, hint=hint))
    y = encoder.transform(y_raw).astype(np.int64)
    report["class_counts"] = {name: int(c) for name, c in zip(class_names, np.bincount(y, minlength=k))}
    return y, class_names


def _split(n, y, class_names, fractions, seed, notices, report):
    """Shuffled index arrays (train, val, test); stratified by class when every class allows it."""
    _train_share, f_val, f_test = (float(f) for f in fractions)
    n_test, n_val = max(1, round(n * f_test)), max(1, round(n * f_val))
    n_train = n - n_test - n_val
    if n_train < 2:
        raise DataError(_("split={split} leaves {k} of {n} rows for training; give training a larger share.",
                          split=tuple(fractions), k=n_train, n=n))
    idx = np.arange(n)
    stratified = y is not None
    if stratified:
        try:
            rest, test = train_test_split(idx, test_size=n_test, random_state=seed, stratify=y)
            train, val = train_test_split(rest, test_size=n_val, random_state=seed, stratify=y[rest])
        except ValueError:
            stratified = False
            counts = np.bincount(y, minlength=len(class_names))
            rare = int(np.argmin(counts))
            notices.append(ngettext(
                "The class '{name}' has only {n} row, too few to put some in every part, so the split is random "
                "instead of stratified: the share of each class may differ between training, validation and test.",
                "The class '{name}' has only {n} rows, too few to put some in every part, so the split is random "
                "instead of stratified: the share of each class may differ between training, validation and test.",
                int(counts[rare]), name=class_names[rare]))
    if not stratified:
        rest, test = train_test_split(idx, test_size=n_test, random_state=seed)
        train, val = train_test_split(rest, test_size=n_val, random_state=seed)
    report.update(stratified=stratified, n_train=len(train), n_val=len(val), n_test=len(test))
    return train, val, test


def _scale_target(y, train, target, notices, report):
    """z-score a regression target with the training part's mean and standard deviation, so the loss does
    not depend on the target's units; (y float32, mean, std) with mean/std as tuples, one per target."""
    mean, std = y[train].astype(np.float64).mean(axis=0), y[train].astype(np.float64).std(axis=0)
    if np.any(std == 0):
        raise DataError(_("The target '{target}' has the same value ({value}) in every training row, so there is "
                          "nothing to learn. Add rows with other values, or choose another target.", target=target,
                          value=_label(mean[0])))
    report["target_mean"], report["target_std"] = mean.tolist(), std.tolist()
    notices.append(_("The target '{target}' is z-scored for training with the training part's mean {mean:.6g} and "
                     "standard deviation {std:.6g}; predictions are mapped back to its units for RMSE, MAE and R².",
                     target=target, mean=mean[0], std=std[0]))
    return ((y - mean) / std).astype(np.float32), tuple(mean.tolist()), tuple(std.tolist())


def _report_unseen(onehot_blocks, notices, report):
    """Count the rows whose value of a text feature was never seen in training (its one-hot block is all 0)."""
    unseen = {str(col): block.sum(axis=1) == 0 for col, block in onehot_blocks.items()}
    rows = np.logical_or.reduce(list(unseen.values()))
    report["rows_unseen_category"] = int(rows.sum())
    by_column = {col: int(mask.sum()) for col, mask in unseen.items() if mask.any()}
    n = int(rows.sum())
    if len(by_column) == 1:
        notices.append(ngettext(
            "{n} validation/test row holds a value of the text feature '{column}' never seen in training, encoded as "
            "all zeros for that feature.", "{n} validation/test rows hold a value of the text feature '{column}' never "
            "seen in training, encoded as all zeros for that feature.", n, column=next(iter(by_column))))
    elif by_column:
        notices.append(ngettext(
            "{n} validation/test row holds a text value never seen in training, encoded as all zeros for that "
            "feature: {where}.", "{n} validation/test rows hold a text value never seen in training, encoded as all "
            "zeros for that feature: {where}.", n, where=_rows_per_column(by_column)))


def _encode_features(columns, kinds, train, missing, scaling, max_categories, notices, report):
    """(x float32 (n, n_inputs), names): numbers imputed and scaled, text imputed and one-hot encoded."""
    numeric = [c for c in columns if kinds[c] != "text"]
    text = [c for c in columns if kinds[c] == "text"]
    if len(numeric) > MAX_INPUTS:
        raise DataError(_too_many_inputs(len(numeric)))
    report["cells_filled"] = {}
    if missing != "drop":  # a column empty in the training part cannot be filled from it
        for col in list(columns):
            if pd.isna(columns[col][train]).all():
                notices.append(_("Left out the feature '{column}': it has no values in the training part.", column=col))
                del columns[col]
        numeric = [c for c in numeric if c in columns]
        text = [c for c in text if c in columns]
        if not columns:
            raise DataError(_("No usable feature: the chosen features have no values in the training part. Choose "
                              "other feature columns."))
        for col in columns:
            filled = int(pd.isna(columns[col]).sum())
            if filled:
                report["cells_filled"][str(col)] = filled
        if report["cells_filled"]:
            means = {str(c) for c in numeric} if missing == "mean" else set()  # text has no mean
            where = [_("{k} in '{column}' (its mean)", k=k, column=col) if col in means
                     else _("{k} in '{column}' (its most frequent value)", k=k, column=col)
                     for col, k in report["cells_filled"].items()]
            notices.append(ngettext("Filled {n} missing cell with values of the training part: {where}.",
                                    "Filled {n} missing cells with values of the training part: {where}.",
                                    sum(report["cells_filled"].values()), where=_and(where)))

    blocks = {}
    if numeric:
        num = np.column_stack([columns[c] for c in numeric])
        if missing != "drop":
            num = SimpleImputer(strategy=missing).fit(num[train]).transform(num)
        scaler = SCALERS[scaling]().fit(num[train])
        num = scaler.transform(num)
        for j, col in enumerate(numeric):
            blocks[col] = (num[:, [j]], [str(col)])
    report["one_hot_columns"], report["capped"] = {}, {}
    if text:
        cat = np.column_stack([columns[c] for c in text]).astype(object)
        cat[pd.isna(cat)] = np.nan
        if missing != "drop":
            cat = SimpleImputer(strategy="most_frequent", missing_values=np.nan).fit(cat[train]).transform(cat)
        distinct = [len(set(cat[train, j])) for j in range(len(text))]
        n_inputs = len(numeric) + sum(min(d, max_categories) for d in distinct)
        if n_inputs > MAX_INPUTS:
            raise DataError(_too_many_inputs(n_inputs))
        encoder = OneHotEncoder(max_categories=max_categories, handle_unknown="infrequent_if_exist",
                                sparse_output=False, dtype=np.float64).fit(cat[train])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # unseen values: reported below instead
            onehot = encoder.transform(cat)
        infrequent = encoder.infrequent_categories_
        start = 0
        for j, col in enumerate(text):
            kept = [c for c in encoder.categories_[j] if infrequent[j] is None or c not in set(infrequent[j])]
            names = [f"{col}={c}" for c in kept] + ([f"{col}=(other)"] if infrequent[j] is not None else [])
            blocks[col] = (onehot[:, start:start + len(names)], names)
            start += len(names)
            report["one_hot_columns"][str(col)] = len(names)
            if infrequent[j] is not None:
                report["capped"][str(col)] = distinct[j]
                notices.append(_("The text feature '{column}' has {k} different values; the {kept} most frequent get "
                                 "a column each and the rest share '{column}=(other)'.", column=col, k=distinct[j],
                                 kept=len(kept)))
        _report_unseen({col: blocks[col][0] for col in text}, notices, report)

    order = [c for c in columns]
    x = np.concatenate([blocks[c][0] for c in order], axis=1).astype(np.float32)
    names = [name for c in order for name in blocks[c][1]]
    report["n_inputs"] = x.shape[1]
    if x.shape[1] > MAX_INPUTS:
        raise DataError(_too_many_inputs(x.shape[1]))
    spread = np.ptp(x[train], axis=0) > 0
    if not spread.any():
        raise DataError(_("No usable feature: every input has the same value in every training row, so nothing can "
                          "be learned from it. Choose other feature columns."))
    constant = [names[j] for j in np.flatnonzero(~spread)]
    if constant:
        notices.append(ngettext("{n} input never changes in the training part and carries no information: {names}.",
                                "{n} inputs never change in the training part and carry no information: {names}.",
                                len(constant), names=", ".join(constant[:5]) + (", …" if len(constant) > 5 else "")))
    return x, names


def _too_many_inputs(n_inputs):
    return _("The chosen features make {n:,} input columns after one-hot encoding (at most {most:,}). Choose fewer "
             "feature columns, or lower the category cap for text features.", n=n_inputs, most=MAX_INPUTS)


def _listing(names, limit=10):
    names = [str(n) for n in names]
    return ", ".join(f"'{n}'" for n in names[:limit]) + (", …" if len(names) > limit else "")


def _rows_per_column(by_column):
    """"'age' in 10 of them and 'pets' in 10": how many of the rows just counted each column accounts for."""
    where = [_("'{column}' in {k}", column=col, k=k) for col, k in by_column.items()]
    where[0] = _("{part} of them", part=where[0])
    return _and(where)


def _and(parts):
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else _("{items} and {last}", items=", ".join(parts[:-1]), last=parts[-1])

