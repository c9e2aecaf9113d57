"""Whatever a user uploads, the pipeline either returns a valid Dataset or raises DataError -- never a
traceback from pandas, csv or scikit-learn. Three generators: random text, random bytes, and random
tables (cells drawn from numbers, words, missing tokens and troublemakers, joined by a random separator,
saved in a random encoding), the last so that ``prepare`` is reached often (about a quarter of them make
a dataset)."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnlab.data.csv_reader import read_table
from nnlab.data.dataset import DataError, Dataset
from nnlab.data.missing import possible_missing
from nnlab.data.tabular import MISSING, SCALERS, prepare

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_upload(data, missing="drop", scaling="none", seed=0, confirm=False):
    """Run the pipeline; return 'read error' / 'prep error' / 'dataset', checking the dataset is valid."""
    try:
        result = read_table(data, filename="fuzz.csv")
    except DataError as exc:
        assert str(exc)
        return "read error"
    frame = result.frame
    assert frame.shape[1] >= 2 and len(frame) >= 1
    assert frame.columns.is_unique and all(isinstance(c, str) and c for c in frame.columns)
    try:
        confirmed = list(possible_missing(frame)["column"].unique()) if confirm else []
        prep = prepare(frame, frame.columns[-1], missing=missing, scaling=scaling, seed=seed,
                       confirmed_missing=confirmed)
    except DataError as exc:
        assert str(exc)
        return "prep error"
    check_dataset(prep.dataset)
    rep = prep.report  # every row is used or counted once as dropped
    assert rep["rows_used"] + rep["rows_target_missing"] + rep["rows_dropped_missing"] == rep["rows_in"] == len(frame)
    return "dataset"


def check_dataset(d):
    assert isinstance(d, Dataset)
    parts = [(d.x_train, d.y_train), (d.x_val, d.y_val), (d.x_test, d.y_test)]
    n = sum(len(x) for x, _ in parts)
    assert n >= 10 and len(d.x_train) >= 2 and len(d.x_val) >= 1 and len(d.x_test) >= 1
    for x, y in parts:
        assert x.dtype == np.float32 and x.ndim == 2 and x.shape[1] == d.n_features == len(d.feature_names)
        assert np.isfinite(x).all()
        assert len(y) == len(x)
        if d.task == "classification":
            assert y.dtype == np.int64 and y.ndim == 1
            assert ((0 <= y) & (y < len(d.class_names))).all()
        else:
            assert y.dtype == np.float32 and y.shape == (len(x), 1) and np.isfinite(y).all()
            assert np.isfinite(d.to_target_units(y)).all() and min(d.target_std) > 0
    if d.task == "classification":
        assert 2 <= len(d.class_names) <= 50 and all(isinstance(c, str) for c in d.class_names)
    assert 1 <= d.n_features <= 1000


@FUZZ
@given(st.text(max_size=400))
def test_random_text(text):
    check_upload(text.encode("utf-8"))


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(data):
    check_upload(data)


CLEAN_CELLS = st.one_of(
    st.integers(-5, 5).map(str),
    st.floats(allow_nan=True, allow_infinity=True, width=64).map(repr),
    st.sampled_from(["", "NA", "?", "none", "-", "nan", "true", "False", "a", "b", "c", "é", "名", " ", "x y", "2",
                     "3"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"], exclude_characters=',;|"'),
            max_size=4),
)
TROUBLE_CELLS = st.one_of(CLEAN_CELLS, st.sampled_from(["inf", "-inf", "1e39", "1,5", '"q,uoted"', '"', "\x01"]),
                          st.text(max_size=3))


@st.composite
def tables(draw):
    """Bytes of a generated table; half of them may hold quotes, separators and control codes in cells and
    a quarter may have rows of different lengths."""
    n_cols = draw(st.integers(1, 5))
    n_rows = draw(st.integers(0, 40))
    cells = TROUBLE_CELLS if draw(st.booleans()) else CLEAN_CELLS
    ragged = draw(st.booleans()) and draw(st.booleans())
    rows = [[draw(cells) for _ in range(n_cols + (draw(st.integers(-1, 1)) if ragged else 0))]
            for _ in range(n_rows + 1)]
    delim = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(delim.join(row) for row in rows) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from(list(MISSING)), st.sampled_from(list(SCALERS)), st.integers(0, 3), st.booleans())
def test_random_tables(data, missing, scaling, seed, confirm):
    check_upload(data, missing, scaling, seed, confirm)


def test_generated_tables_reach_prepare():
    """Guard against the fuzzer silently only exercising error paths."""
    rng = np.random.default_rng(0)
    n = 40
    text = "a,b,label\n" + "".join(f"{rng.normal():.3f},{rng.choice(['x', 'y', ''])},{rng.integers(0, 2)}\n"
                                   for _ in range(n))
    for missing in MISSING:
        assert check_upload(text.encode(), missing=missing, scaling="zscore") == "dataset"
