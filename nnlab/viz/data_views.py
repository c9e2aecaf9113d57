"""Charts for the data page: how many samples per class, 2-D scatter plots, and a feature's
distribution before and after scaling. Pure: arrays in, ``alt.Chart`` out."""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from ..engine.shapes import shape_text
from .axes import count_axis
from .images import image_grid

MAX_POINTS = 2000


def class_balance_frame(y, class_names):
    """class, count, share (of all samples) for every class, including classes with no samples."""
    y = np.asarray(y, dtype=np.int64)
    counts = np.bincount(y, minlength=len(class_names))[:len(class_names)] if len(y) else np.zeros(len(class_names))
    total = max(int(counts.sum()), 1)
    return pd.DataFrame({"class": [str(c) for c in class_names], "count": counts.astype(int),
                         "share": counts / total})


def class_balance_chart(y, class_names, title=None):
    """Horizontal bars of the class counts, one row per class (names of any length stay readable and the
    count axis keeps its ticks however many classes there are); a tooltip gives the count and the share.
    ``title``: default "Samples per class"."""
    frame = class_balance_frame(y, class_names)
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("class:N", title=_("class"), sort=list(frame["class"]),
                axis=alt.Axis(labelOverlap=False, labelLimit=200)),
        x=alt.X("count:Q", title=_("samples"), axis=count_axis(frame["count"].max())),
        tooltip=[alt.Tooltip("class:N", title=_("class")), alt.Tooltip("count:Q", title=_("samples")),
                 alt.Tooltip("share:Q", title=_("share"), format=".1%")],
    ).properties(title=title or _("Samples per class"), height=alt.Step(20))


def histogram_frame(values, bins=30):
    """bin_start, bin_end, count of the finite values (an empty frame when there are none)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if not len(v):
        return pd.DataFrame(columns=["bin_start", "bin_end", "count"])
    counts, edges = np.histogram(v, bins=bins)
    return pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts})


def histogram_chart(values, title, x_title, bins=30, colour="#4c78a8", width=300):
    """A histogram drawn from pre-computed bins, so the chart holds ``bins`` rows, not every value."""
    frame = histogram_frame(values, bins)
    return alt.Chart(frame).mark_bar(color=colour, binSpacing=0).encode(
        x=alt.X("bin_start:Q", title=x_title, bin="binned"), x2="bin_end:Q",
        y=alt.Y("count:Q", title=_("samples")),
        tooltip=[alt.Tooltip("bin_start:Q", title=_("from"), format=".4g"),
                 alt.Tooltip("bin_end:Q", title=_("to"), format=".4g"),
                 alt.Tooltip("count:Q", title=_("samples"))],
    ).properties(title=title, height=200, width=width)


def before_after_chart(before, after, feature, method, width=250):
    """One feature's distribution before and after scaling, side by side (each with its own x axis)."""
    return alt.hconcat(
        histogram_chart(before, _("{column}: as in the file", column=feature),
                        _("{column} (raw value)", column=feature), width=width),
        histogram_chart(after, _("{column}: after {method}", column=feature, method=method) if method != "none"
                        else _("{column}: unscaled", column=feature),
                        _("{column} (scaled)", column=feature) if method != "none"
                        else _("{column} (as used)", column=feature), colour="#f58518", width=width),
    ).resolve_scale(x="independent")


def scatter_chart(x, y, class_names=None, feature_names=("x1", "x2"), title=None, max_points=MAX_POINTS,
                  seed=0):
    """The first two features of each sample, coloured by class (or by target value for regression).

    x : (n, >= 2);  y : (n,) labels or (n,) / (n, 1) values. At most ``max_points`` (seeded sample).
    title : default "Samples".
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 2 or x.shape[1] < 2:
        raise ValueError(f"x has shape {x.shape}; a scatter plot needs at least 2 features")
    if len(x) > max_points:
        keep = np.sort(np.random.default_rng(seed).choice(len(x), max_points, replace=False))
        x, y = x[keep], y[keep]
    f1, f2 = str(feature_names[0]), str(feature_names[1])
    frame = pd.DataFrame({f1: x[:, 0], f2: x[:, 1]})
    if class_names is not None:
        frame["class"] = [str(class_names[int(i)]) for i in y]
        colour = alt.Color("class:N", title=_("class"), sort=[str(c) for c in class_names])
    else:
        frame["target"] = y.reshape(len(y), -1)[:, 0]
        colour = alt.Color("target:Q", title=_("target"), scale=alt.Scale(scheme="viridis"))
    return alt.Chart(frame).mark_circle(size=28, opacity=0.8).encode(
        x=alt.X(f"{f1}:Q", title=f1, scale=alt.Scale(zero=False)),
        y=alt.Y(f"{f2}:Q", title=f2, scale=alt.Scale(zero=False)),
        color=colour, tooltip=list(frame.columns),
    ).properties(title=title or _("Samples"), height=300, width=340).interactive()


def summary_frame(dataset):
    """The numbers that describe a dataset, as one small table (what × value), in the session's language."""
    rows = [(_("task"), _(dataset.task)),  # "classification" / "regression": msgids of ui/data.py's TASK_NAMES
            (_("training samples"), len(dataset.x_train)),
            (_("validation samples"), 0 if dataset.x_val is None else len(dataset.x_val)),
            (_("test samples"), len(dataset.x_test)),
            (_("features (network inputs)"), dataset.n_features),
            (_("network outputs"), dataset.n_outputs)]
    if dataset.image_shape is not None:
        rows.append((_("image size"), shape_text(dataset.image_shape)))
    if dataset.class_names is not None:
        rows.append((_("classes"), ", ".join(str(c) for c in dataset.class_names[:20])
                     + (" …" if len(dataset.class_names) > 20 else "")))
    return pd.DataFrame(rows, columns=[_("what"), _("value")]).astype({_("value"): str})


def target_histogram(y, title=None):
    """For regression: the distribution of the (first) target column (``title``: default "Target values")."""
    y = np.asarray(y, dtype=np.float64)
    return histogram_chart(y.reshape(len(y), -1)[:, 0], title or _("Target values"), _("target value"))


def sample_rows(x, y, feature_names, class_names=None, n=10, max_columns=12):
    """The first ``n`` samples as a table: up to ``max_columns`` features, then the target."""
    x, y = np.asarray(x)[:n], np.asarray(y)[:n]
    names = [str(f) for f in feature_names] or [f"x{j + 1}" for j in range(x.shape[1])]
    k = min(max_columns, x.shape[1])
    frame = pd.DataFrame(x[:, :k], columns=names[:k])
    if x.shape[1] > k:
        frame[f"… {x.shape[1] - k} more"] = "…"
    frame["target"] = [str(class_names[int(i)]) for i in y] if class_names is not None else y.reshape(len(y), -1)[:, 0]
    return frame


def image_samples(x, y, shape, class_names, n=20, ncols=10, title=None):
    """The first ``n`` images with their labels (an ``image_grid``)."""
    x, y = np.asarray(x)[:n], np.asarray(y)[:n]
    captions = [str(class_names[int(i)]) for i in y] if class_names is not None else [f"{v:.3g}" for v in y.ravel()]
    size = 48 if max(shape) >= 16 else 40
    return image_grid(x, shape, captions=captions, ncols=ncols, size=size, title=title)
