"""The loss landscape: filter normalisation filter by filter, grid cells against networks built by hand
with set_params, the trajectory plane against a path that lies in a known plane, the interpolation."""
import numpy as np
import pytest

from nnlab.engine import Network, encode_targets, make_optimizer, train
from nnlab.lab import landscape as L
from tests.lab.tiny_nets import CNN, MLP


def data(net, n=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, net.n_inputs)), rng.integers(0, net.n_outputs, n)


def hand_loss(net, x, y, moves):
    """Loss of a fresh copy of ``net`` with each layer's parameters moved by ``moves[(i, name)]``."""
    copy = Network(net.spec)
    for i, layer in enumerate(net.layers):
        if layer.params:
            copy.set_params(i, **{k: v + moves[(i, k)] for k, v in layer.params.items()})
    return copy.loss_value(copy.forward(x), encode_targets(copy, y))


def pieces(net, vector):
    out, start = {}, 0
    for i, layer in enumerate(net.layers):
        for k, p in layer.params.items():
            out[(i, k)] = vector[start:start + p.size].reshape(p.shape)
            start += p.size
    return out


def full_snapshot(net):
    return {layer.name: {k: v.copy() for k, v in layer.params.items()} for layer in net.param_layers()}


@pytest.mark.parametrize("spec", [MLP, CNN])
def test_each_filter_of_a_direction_has_the_norm_of_the_weights_filter(spec):
    net = Network(spec)
    d = pieces(net, L.filter_normalised_direction(net, np.random.default_rng(0)))
    for i, layer in enumerate(net.layers):
        for k, p in layer.params.items():
            if p.ndim == 1:
                assert not d[(i, k)].any()  # biases stay put
            elif p.ndim == 2:  # dense: one filter per output unit, a column
                np.testing.assert_allclose(np.linalg.norm(d[(i, k)], axis=0), np.linalg.norm(p, axis=0), rtol=1e-12)
            else:  # conv: one filter per output channel
                for f in range(p.shape[0]):
                    assert np.linalg.norm(d[(i, k)][f]) == pytest.approx(np.linalg.norm(p[f]), rel=1e-12)


def test_random_plane_grid_cells_are_losses_of_moved_networks():
    net = Network(CNN)
    x, y = data(net)
    calls = []
    surface = L.loss_surface(net, x, y, resolution=5, span=0.5, n_samples=30, seed=3,
                             progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    np.testing.assert_allclose(surface.alphas, [-0.5, -0.25, 0, 0.25, 0.5])
    xs, ys = L.fixed_subset(x, y, 30, seed=3)
    rng = np.random.default_rng(3)
    d1, d2 = (pieces(net, L.filter_normalised_direction(net, rng)) for _ in range(2))
    for i, j in [(0, 0), (1, 3), (4, 2)]:
        a, b = surface.alphas[j], surface.betas[i]
        moves = {key: a * d1[key] + b * d2[key] for key in d1}
        assert surface.losses[i, j] == pytest.approx(hand_loss(net, xs, ys, moves), rel=1e-10)
    assert surface.losses[2, 2] == surface.centre_loss
    assert surface.centre_loss == pytest.approx(net.loss_value(net.forward(xs), encode_targets(net, ys)))
    assert surface.n_samples == 30 and np.isnan(surface.trajectory_captured)


def test_trajectory_plane_recovers_a_path_that_lies_in_a_plane():
    net = Network(MLP)
    x, y = data(net)
    rng = np.random.default_rng(4)
    u, v = rng.normal(size=(2, net.n_params))
    theta = np.concatenate([p.ravel() for layer in net.layers for p in layer.params.values()])
    path = [(3.0, 1.0), (2.0, -1.0), (1.0, 0.5), (0.0, 0.0)]
    snapshots = {}
    for epoch, (a, b) in enumerate(path):
        moved = pieces(net, theta + a * u + b * v)
        snapshots[epoch] = {layer.name: {k: moved[(i, k)] for k in layer.params}
                            for i, layer in enumerate(net.layers) if layer.params}
    surface = L.loss_surface(net, x, y, plane="trajectory", snapshots=snapshots, resolution=7)
    assert surface.trajectory_captured == pytest.approx(1.0)
    assert surface.trajectory_keys == [0, 1, 2, 3]
    # distances along the path are kept exactly (the plane's axes are orthonormal)
    offsets = np.array([a * u + b * v for a, b in path])
    np.testing.assert_allclose(np.linalg.norm(surface.trajectory, axis=1), np.linalg.norm(offsets, axis=1), rtol=1e-9)
    np.testing.assert_allclose(surface.trajectory[-1], 0, atol=1e-9)
    for key, loss in zip(surface.trajectory_keys, surface.trajectory_losses):
        moves = pieces(net, offsets[key])
        assert loss == pytest.approx(hand_loss(net, x, y, moves), rel=1e-10)
    assert surface.alphas.max() == pytest.approx(np.abs(surface.trajectory[:, 0]).max() * L.TRAJECTORY_MARGIN)


def test_a_real_path_barely_shows_on_a_random_plane():
    net = Network(MLP)
    x, y = data(net, n=200)
    snapshots = {0: full_snapshot(net)}
    for record in train(net, x, y, epochs=3, batch_size=20, optimizer=make_optimizer("sgd", lr=0.3)):
        if hasattr(record, "val_loss"):
            snapshots[record.epoch] = full_snapshot(net)
    random = L.loss_surface(net, x, y, snapshots=snapshots, resolution=3)
    along = L.loss_surface(net, x, y, plane="trajectory", snapshots=snapshots, resolution=3)
    assert random.trajectory_captured < 0.2 and along.trajectory_captured > 0.9
    assert random.params_from_current == along.params_from_current == []


def test_weights_only_snapshots_are_reported():
    net = Network(MLP)
    x, y = data(net)
    initial = {layer.name: layer.params["W"] * 0.5 for layer in net.param_layers()}
    line = L.interpolation(net, x, y, initial)
    assert line.params_from_current == ["L1 dense b", "L2 dense b"]


def test_interpolation_passes_through_both_ends_exactly():
    net = Network(MLP)
    x, y = data(net)
    initial = full_snapshot(net)
    for _ in train(net, x, y, epochs=5, batch_size=10, optimizer=make_optimizer("adam", lr=0.01)):
        pass
    before = [p.copy() for layer in net.layers for p in layer.params.values()]
    line = L.interpolation(net, x, y, initial, points_per_unit=8)
    np.testing.assert_array_equal(line.t, np.arange(-2, 11) / 8)
    assert line.losses[2] == line.start_loss and line.losses[10] == line.end_loss
    assert line.end_loss < line.start_loss
    halfway = {(i, k): 0.5 * (initial[layer.name][k] - p)
               for i, layer in enumerate(net.layers) for k, p in layer.params.items()}
    assert line.losses[6] == pytest.approx(hand_loss(net, x, y, halfway), rel=1e-10)
    out = net.forward(x)
    assert line.accuracies[10] == pytest.approx(np.mean(out.argmax(1) == y))
    for p, q in zip(before, [p for layer in net.layers for p in layer.params.values()]):
        np.testing.assert_array_equal(p, q)  # the model itself never moved


def test_bad_settings_are_refused_by_name():
    net = Network(MLP)
    x, y = data(net)
    with pytest.raises(ValueError, match="odd number"):
        L.loss_surface(net, x, y, resolution=20)
    with pytest.raises(ValueError, match="at least two snapshots"):
        L.loss_surface(net, x, y, plane="trajectory", snapshots={0: full_snapshot(net)})
    with pytest.raises(ValueError, match="choose one of"):
        L.loss_surface(net, x, y, plane="pca")
    with pytest.raises(ValueError, match="multiple of 4"):
        L.interpolation(net, x, y, full_snapshot(net), points_per_unit=10)
