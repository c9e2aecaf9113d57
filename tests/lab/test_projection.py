"""Hidden-space projections: activations against the network's own trace, PCA against NumPy's SVD,
t-SNE's neighbourhoods, the silhouette against an explicit loop, snapshots against set_params."""
import numpy as np
import pytest

from nnlab.engine import Network
from nnlab.lab import projection as P
from tests.lab.tiny_nets import CNN, MLP


def blobs(n_per_class=30, seed=0):
    """Three far-apart clusters in 6-D, labelled."""
    rng = np.random.default_rng(seed)
    centres = np.eye(6)[:3] * 8
    x = np.concatenate([c + rng.normal(size=(n_per_class, 6)) for c in centres])
    return x, np.repeat(np.arange(3), n_per_class)


def test_hidden_activations_are_the_traced_layer_outputs():
    net = Network(CNN)
    x = np.random.default_rng(0).normal(size=(300, 64))  # more than one chunk
    acts, missing = P.hidden_activations(net, x, 1)
    np.testing.assert_allclose(acts, net.forward_trace(x)[1].a.reshape(300, -1), rtol=1e-12)
    assert acts.shape == (300, 27) and missing == []


def test_a_snapshot_replaces_the_weights_it_holds():
    net = Network(MLP)
    x, _ = blobs()
    w0 = np.random.default_rng(1).normal(size=(6, 7))
    acts, missing = P.hidden_activations(net, x, 0, snapshot={"L1 dense": w0})
    np.testing.assert_allclose(acts, np.tanh(x @ w0 + net.layers[0].params["b"]), rtol=1e-12)
    assert missing == ["L1 dense b", "L2 dense W", "L2 dense b"]
    assert not np.array_equal(net.layers[0].params["W"], w0)  # the model itself keeps its weights


def test_pca_matches_the_svd_of_the_centred_activations():
    net = Network(MLP)
    x, y = blobs()
    result = P.project(net, x, 0, y=y)
    acts = np.tanh(x @ net.layers[0].params["W"] + net.layers[0].params["b"])
    centred = acts - acts.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    for k in range(2):
        ref = centred @ vt[k]
        sign = np.sign(ref @ result.coords[:, k])
        np.testing.assert_allclose(result.coords[:, k], sign * ref, atol=1e-10)
    np.testing.assert_allclose(result.explained_variance, s[:2] ** 2 / np.sum(s ** 2), rtol=1e-10)
    assert result.method == "pca" and result.n_units == 7 and result.layer_name == "L1 dense"
    np.testing.assert_array_equal(result.index, np.arange(90))
    np.testing.assert_array_equal(result.labels, y)


def test_silhouette_against_an_explicit_loop():
    net = Network(MLP)
    x, y = blobs(n_per_class=8)
    result = P.project(net, x, 0, y=y)
    c = result.coords
    d = np.sqrt(((c[:, None] - c[None]) ** 2).sum(-1))
    scores = []
    for i in range(len(c)):
        same = (y == y[i]) & (np.arange(len(c)) != i)
        a = d[i, same].mean()
        b = min(d[i, y == k].mean() for k in set(y) - {y[i]})
        scores.append((b - a) / max(a, b))
    assert result.silhouette == pytest.approx(np.mean(scores))
    assert P.project(net, x, 0).silhouette is None  # no labels, no separation score
    assert P.project(net, x, 0, y=np.linspace(0, 1, len(x))).silhouette is None  # regression targets


def test_tsne_keeps_clusters_together_on_a_seeded_subset():
    net = Network(MLP)
    x, y = blobs(n_per_class=40)
    result = P.project(net, x, 0, y=y, method="tsne", max_points=60, seed=2)
    assert result.coords.shape == (60, 2) and len(set(result.index)) == 60
    np.testing.assert_array_equal(result.labels, y[result.index])
    # every point's nearest neighbour in the picture is from its own cluster
    d = np.sqrt(((result.coords[:, None] - result.coords[None]) ** 2).sum(-1)) + np.eye(60) * 1e9
    assert np.all(result.labels[d.argmin(axis=1)] == result.labels)
    assert result.kl_divergence > 0 and result.explained_variance is None
    again = P.project(net, x, 0, y=y, method="tsne", max_points=60, seed=2)
    np.testing.assert_array_equal(again.coords, result.coords)


@pytest.mark.parametrize("flip", [1, -1])
def test_align_to_undoes_a_rotation_and_a_reflection(flip):
    net = Network(MLP)
    x, y = blobs()
    reference = P.project(net, x, 0, y=y)
    angle = 0.7
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) @ np.diag([1, flip])
    turned = P.Projection(**{**reference.__dict__, "coords": reference.coords @ turn})
    np.testing.assert_allclose(P.align_to(turned, reference).coords, reference.coords, atol=1e-10)
    other = P.Projection(**{**reference.__dict__, "index": reference.index[::-1]})
    with pytest.raises(ValueError, match="different samples"):
        P.align_to(other, reference)


def test_bad_requests_are_refused_by_name():
    net = Network({"input_shape": [3], "dtype": "float64", "layers": [
        {"type": "dense", "units": 1, "activation": "relu"},
        {"type": "dense", "units": 2, "activation": "softmax"}]})
    with pytest.raises(ValueError, match="has 1 unit"):
        P.project(net, np.zeros((10, 3)), 0)
    with pytest.raises(ValueError, match="choose one of"):
        P.project(net, np.zeros((10, 3)), 1, method="umap")
    with pytest.raises(ValueError, match="from 4 to 2000 points"):
        P.project(net, np.zeros((10, 3)), 1, method="tsne", max_points=5000)
