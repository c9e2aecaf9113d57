"""The hidden space: a layer's activations on many samples, drawn in 2-D.

Each sample becomes a point in a space with one axis per unit of the layer; PCA keeps the two
directions along which those points spread most (a linear view: distances along the axes are real),
t-SNE places the points so that neighbours stay neighbours (a non-linear view: clusters are real,
distances between clusters and their sizes are not). Run on the weights of any snapshot, the pictures
show classes pulling apart as training goes on; ``align_to`` turns one picture onto the previous one
(rotation and reflection only, which change nothing in either method) so a slider does not flip.
"""
from dataclasses import dataclass, replace

import numpy as np

from ..i18n import _
from ..engine.copying import copy_network
from ..engine.input_grad import check_layer_index, forward_to
from .weight_vector import network_at

METHODS = ("pca", "tsne")
MAX_TSNE_POINTS = 2000
TSNE_POINTS = 1000  # the default: 3 s of one core (2,000 points: 6 s); 5-NN accuracy in the picture 0.89 vs 0.90
TSNE_PCA_DIMS = 50  # t-SNE on the first 50 principal components: the usual speed-up, same neighbours
# Half of scikit-learn's default iterations and a coarser Barnes-Hut angle (0.8, not 0.5): on the MNIST
# MLP's hidden layer (2,000 test digits) the picture's 5-NN accuracy is the same (0.905 vs 0.904) at
# 6.4 instead of 17 CPU seconds.
TSNE_ITERATIONS, TSNE_ANGLE = 500, 0.8
CHUNK = 256


def hidden_activations(net, x, layer, snapshot=None):
    """Activations of layer ``layer`` on x, flat (n_samples, layer width), float64; with a weight
    ``snapshot`` (layer name -> weights, or -> {parameter: array}) those weights are used.

    Returns (activations, names of the parameters the snapshot did not hold: their current values
    were used).
    """
    layer = check_layer_index(net, layer)
    net, missing = (copy_network(net), []) if snapshot is None else network_at(net, snapshot)
    x = np.asarray(x)
    out = [forward_to(net, x[i:i + CHUNK], layer).reshape(len(x[i:i + CHUNK]), -1) for i in range(0, len(x), CHUNK)]
    return np.concatenate(out).astype(np.float64), missing


@dataclass
class Projection:
    layer: int
    layer_name: str
    method: str
    coords: np.ndarray                     # (n, 2)
    index: np.ndarray                      # (n,) which rows of x the points are
    labels: np.ndarray | None              # (n,) their classes, when y was given
    n_units: int                           # the layer's width: the dimension squeezed into 2
    explained_variance: np.ndarray | None  # PCA: (2,) share of the variance along each axis
    kl_divergence: float | None            # t-SNE: how far the 2-D neighbours are from the layer's
    silhouette: float | None               # −1 … 1: how well the classes separate in the picture
    params_from_current: list              # parameters the snapshot lacked


def project(net, x, layer, y=None, method="pca", snapshot=None, seed=0, max_points=TSNE_POINTS):
    """Project layer ``layer``'s activations on x to 2-D with PCA or t-SNE.

    t-SNE runs on at most ``max_points`` (≤ 2,000) samples: a seeded choice when x has more, the same
    for the same seed and x (``index`` says which), so pictures of different snapshots can be aligned.
    """
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    if method not in METHODS:
        raise ValueError(f"method={method!r} is unknown; choose one of {list(METHODS)}")
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) \
            or not 4 <= max_points <= MAX_TSNE_POINTS:
        raise ValueError(f"max_points={max_points!r}: t-SNE takes from 4 to {MAX_TSNE_POINTS} points")
    x = np.asarray(x)
    index = np.arange(len(x))
    if method == "tsne" and len(x) > max_points:
        index = np.sort(np.random.default_rng(seed).choice(len(x), max_points, replace=False))
    acts, missing = hidden_activations(net, x[index], layer, snapshot)
    if acts.shape[1] < 2:
        raise ValueError(_("layer {name} has {units} unit: there is nothing to project, its value is the picture",
                           name=net.layers[layer].name, units=acts.shape[1]))
    if len(acts) < 4:
        raise ValueError(_("{count} samples: give at least 4 to project", count=len(acts)))
    explained = kl = None
    if method == "pca":
        pca = PCA(n_components=2, random_state=seed)
        coords = pca.fit_transform(acts)
        explained = pca.explained_variance_ratio_
    else:
        dims = min(TSNE_PCA_DIMS, *acts.shape)
        reduced = PCA(n_components=dims, random_state=seed).fit_transform(acts) if acts.shape[1] > dims else acts
        tsne = TSNE(n_components=2, perplexity=min(30.0, (len(acts) - 1) / 3), init="pca", random_state=seed,
                    max_iter=TSNE_ITERATIONS, angle=TSNE_ANGLE)
        # One OpenMP thread: on a server shared by many sessions, threads waiting for busy cores cost far
        # more than they gain (measured on a loaded 2-core machine, 60 points: 61 s with 2 threads, 1.6 s with 1).
        with threadpool_limits(limits=1, user_api="openmp"):
            coords = tsne.fit_transform(reduced)
        kl = float(tsne.kl_divergence_)
    labels = None if y is None else np.asarray(y)[index]
    return Projection(int(layer), net.layers[layer].name, method, coords, index, labels, acts.shape[1],
                      explained, kl, _silhouette(coords, labels), missing)


def _silhouette(coords, labels):
    from sklearn.metrics import silhouette_score

    if labels is None or labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        return None
    if not 2 <= len(np.unique(labels)) < len(labels):
        return None
    return float(silhouette_score(coords, labels))


def align_to(projection, reference):
    """``projection`` turned (rotated or reflected about its centre) to lie as close as possible to
    ``reference`` (orthogonal Procrustes); both must show the same samples."""
    if not np.array_equal(projection.index, reference.index):
        raise ValueError("the two projections show different samples; project the same x with the same seed")
    a = projection.coords - projection.coords.mean(axis=0)
    b = reference.coords - reference.coords.mean(axis=0)
    u, _s, vt = np.linalg.svd(a.T @ b)
    return replace(projection, coords=a @ (u @ vt) + projection.coords.mean(axis=0))
