"""Sections of the Hidden-space page: a layer's activations on test samples drawn in 2-D, at initialisation
beside any epoch of the run (a slider over the weight snapshots, or now), by PCA always and by t-SNE on
request. Every picture is turned (``align_to``) to match the current weights' PCA picture, so moving the
slider does not flip or rotate it. Each projection is computed once per (model state, layer, points,
epoch) and kept in the session; the Replay page draws one through ``picture``.
"""
import numpy as np
import streamlit as st

from ..i18n import N_, _, ngettext
from ..lab import projection as P
from ..lab.inspect import split_arrays
from ..viz.hidden_space import projection_chart, projection_frame
from ..viz.images import png_data_uri
from . import explain
from .widgets.charts import show_chart

PREFIX = "xh"
NOW = -1  # the slider's last stop: the current weights
POINT_CHOICES = (500, 1000, 2000)
TOOLTIP_PX = 64  # the side of the sample's picture in a tooltip
DEFAULT_POINTS = {"pca": 1000, "tsne": 500}  # t-SNE: about 1.7 CPU seconds a picture at 500 points, 3.5 at 1,000
METHODS = {"pca": N_("PCA"), "tsne": N_("t-SNE")}


def intro():
    st.title(_("Hidden space"))
    st.markdown(_("Each test sample becomes a point with one coordinate per unit of the chosen layer. **PCA** "
                  "keeps the two directions along which the points spread most — a flat view in which distances "
                  "are real. **t-SNE** places the points so that neighbours stay neighbours — clusters are real, "
                  "the distances between them and their sizes are not. Move the slider to watch the classes "
                  "pull apart during training."))


def projectable_layers(net):
    """Layers with at least two values per sample (a 2-D picture of one value says nothing)."""
    return [i for i, layer in enumerate(net.layers)
            if layer.kind != "dropout" and int(np.prod(layer.output_shape)) >= 2]


def layer_choice(where, net, key):
    """Choose a layer to project; the last hidden one first."""
    layers = projectable_layers(net)
    hidden = [i for i in layers if i < len(net.layers) - 1] or layers
    return where.selectbox(_("Layer"), layers, index=layers.index(hidden[-1]), key=key,
                           format_func=lambda i: f"{net.layers[i].name} ({net.layers[i].kind})")


def epoch_label(epoch):
    return _("now (current weights)") if epoch == NOW else _("epoch {epoch}", epoch=epoch)


def point_choices(data):
    """How many test samples to draw: the usual choices, capped at the samples there are."""
    available = len(split_arrays(data)[0])
    return sorted({min(c, available) for c in POINT_CHOICES})


def choose(net, hist, data):
    """Layer, method, number of points and the epoch; returns them as a tuple."""
    c1, c2, c3 = st.columns([1.4, 1, 1])
    layer = layer_choice(c1, net, f"{PREFIX}_layer")
    method = c2.radio(_("Method"), list(METHODS), format_func=lambda m: _(METHODS[m]), horizontal=True,
                      key=f"{PREFIX}_method")
    choices = point_choices(data)
    default = max(c for c in choices if c <= DEFAULT_POINTS[method] or c == choices[0])
    n = c3.selectbox(_("Samples (points)"), choices, index=choices.index(default), key=f"{PREFIX}_points_{method}")
    stops = sorted(hist.snapshots) + [NOW]
    epoch = st.select_slider(_("Weights of"), stops, value=NOW, format_func=epoch_label, key=f"{PREFIX}_epoch")
    return layer, method, int(n), epoch


@st.cache_data(max_entries=8, show_spinner=False)
def _image_uris(x, shape):
    """One small PNG data URI per image (for the tooltips); a pure function of the data, cached on it."""
    scale = max(1, TOOLTIP_PX // max(shape))
    return [png_data_uri(img.reshape(shape), "gray", scale=scale) for img in x]


def _project(net, x, y, layer, method, snapshot, key):
    return explain.once(method, key, lambda: P.project(net, x, layer, y=y, method=method, snapshot=snapshot,
                                                       max_points=max(4, min(len(x), P.MAX_TSNE_POINTS))))


def _samples(data, n):
    x_all, y_all, _split = split_arrays(data)
    return x_all[:n], y_all[:n]


def pca_picture(net, data, hist, layer, n, epoch, key):
    """The PCA projection at ``epoch``, turned to match the current weights' PCA picture."""
    x, y = _samples(data, n)
    now = _project(net, x, y, layer, "pca", None, (key, layer, n, NOW))
    if epoch == NOW or now is None:
        return now
    at = _project(net, x, y, layer, "pca", hist.snapshots[epoch], (key, layer, n, epoch))
    return None if at is None else P.align_to(at, now)


def tsne_pictures(net, data, hist, layer, n, epochs, key):
    """{epoch: t-SNE projection} of those already computed; a button computes the others (a progress step per
    picture). Each is turned to match the PCA picture of the same weights."""
    x, y = _samples(data, n)
    missing = [e for e in epochs if explain.stored("tsne", (key, layer, n, e)) is None]
    label = ngettext("Run t-SNE for {n} picture of {points} points (a few seconds)",
                     "Run t-SNE for {n} pictures of {points} points (a few seconds each)", len(missing), points=n)
    if missing and st.button(label, key=f"{PREFIX}_run_tsne", type="primary"):
        bar = st.progress(0.0, text=_("Computing…"))
        for done, e in enumerate(missing, start=1):
            _project(net, x, y, layer, "tsne", None if e == NOW else hist.snapshots[e], (key, layer, n, e))
            bar.progress(done / len(missing), text=_("Computing…"))
        bar.empty()
    out = {}
    for e in epochs:
        found = explain.stored("tsne", (key, layer, n, e))
        reference = pca_picture(net, data, hist, layer, n, e, key)
        if found is not None and reference is not None:
            out[e] = P.align_to(found, reference)
    return out


def image_uris(data, n):
    """The first ``n`` samples' pictures as data URIs, or None for a table."""
    if data.image_shape is None:
        return None
    return _image_uris(_samples(data, n)[0], tuple(data.image_shape))


def picture(where, projection, data, title, uris=None):
    """Draw one projection with its numbers (explained variance or KL divergence, silhouette) under it;
    ``uris`` (``image_uris``) put each sample's picture in its tooltip."""
    frame = projection_frame(projection.coords, projection.index, projection.labels, data.class_names, uris)
    if projection.method == "pca":
        axes = [_("principal direction {k} ({share:.0%} of the variance)", k=k + 1, share=s)
                for k, s in enumerate(projection.explained_variance)]
    else:
        axes = [_("t-SNE 1 (no unit)"), _("t-SNE 2 (no unit)")]
    show_chart(where, projection_chart(frame, title, axes, axis_values=projection.method == "pca"))
    notes = []
    if projection.method == "tsne":
        notes.append(_("KL divergence {kl:.3f}: how far the picture's neighbours are from the layer's.",
                       kl=projection.kl_divergence))
    if projection.silhouette is not None:
        notes.append(_("Silhouette {s:.2f} (−1 … 1): how well the classes separate in this picture.",
                       s=projection.silhouette))
    if notes:
        where.caption(" ".join(notes))


def pictures_section(net, data, hist, layer, method, n, epoch, key):
    """Initialisation beside the chosen epoch, by the chosen method."""
    # untrained, the initial weights are the current ones: one picture
    epochs = ([0] if 0 in hist.snapshots and epoch != 0 and len(hist) else []) + [epoch]
    if 0 not in hist.snapshots:
        st.caption(_("The initial weights of this model are not known (it was loaded from a file), so only the "
                     "snapshots it has are shown."))
    if method == "pca":
        shown = {e: pca_picture(net, data, hist, layer, n, e, key) for e in epochs}
    else:
        shown = tsne_pictures(net, data, hist, layer, n, epochs, key)
        if len(shown) < len(epochs):
            st.caption(_("t-SNE is on request: a few seconds per picture. Each picture is kept for this model."))
    columns, uris = st.columns(len(epochs)), image_uris(data, n)
    for col, e in zip(columns, epochs):
        if shown.get(e) is not None:
            name = net.layers[layer].name
            title = (_("{layer} at initialisation", layer=name) if e == 0 else
                     _("{layer}, now (current weights)", layer=name) if e == NOW else
                     _("{layer} after epoch {epoch}", layer=name, epoch=e))
            picture(col, shown[e], data, title, uris)
    missing = sorted({p for proj in shown.values() if proj is not None for p in proj.params_from_current})
    explain.from_current_note(missing)
    st.caption(_("Hover a point to see its sample. Every picture is turned (rotated or mirrored, nothing else) to "
                 "match the current weights' PCA picture, so the slider does not flip it."))
