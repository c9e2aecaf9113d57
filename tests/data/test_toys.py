"""The 2-D toy sets: shapes, classes, determinism and the geometry that makes each one what it is."""
import numpy as np
import pytest

from nnlab.data.toys import TOYS, blobs, circles, moons, spirals, xor


@pytest.mark.parametrize("name", list(TOYS))
@pytest.mark.parametrize("n", [10, 401])
def test_shapes_classes_and_balance(name, n):
    x, y = TOYS[name](n_samples=n, noise=0.1, seed=3)
    k = 3 if name == "blobs" else 2
    assert x.shape == (n, 2) and np.issubdtype(x.dtype, np.floating) and np.all(np.isfinite(x))
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(k))
    counts = np.bincount(y)
    limit = 1 if name != "xor" else 2  # xor balances the four quadrants, so classes differ by at most 2
    assert counts.max() - counts.min() <= limit


@pytest.mark.parametrize("name", list(TOYS))
def test_seeded_determinism(name):
    a, b, c = (TOYS[name](n_samples=200, noise=0.2, seed=s) for s in (7, 7, 8))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("name", list(TOYS))
def test_points_are_shuffled(name):
    _, y = TOYS[name](n_samples=400, noise=0.1, seed=0)
    assert np.count_nonzero(np.diff(y)) > 100  # class blocks in order would give 1 or 2 changes


def test_spirals_geometry_without_noise():
    x, y = spirals(n_samples=400, noise=0.0, seed=0)
    r = np.hypot(x[:, 0], x[:, 1])
    assert r.min() == 0.0 and 0.99 < r.max() < 1.0
    # arm 1 is arm 0 turned by half a turn: each point p of arm 1 has -p in arm 0
    a0 = x[y == 0][np.lexsort(x[y == 0].T)]
    a1 = -x[y == 1]
    a1 = a1[np.lexsort(a1.T)]
    np.testing.assert_allclose(a0, a1, atol=1e-12)
    # along an arm the angle winds 1.75 turns while the radius grows: unwrap by radius order
    arm = x[y == 0][np.argsort(r[y == 0])]
    theta = np.unwrap(np.arctan2(arm[1:, 0], arm[1:, 1]))
    assert np.all(np.diff(theta) > 0)
    # points i = 1 … 199 (the centre point has no angle) sit at angle 2π·1.75·i/200
    assert theta[-1] - theta[0] == pytest.approx(2 * np.pi * 1.75 * 198 / 200, rel=1e-9)


def test_spirals_noise_is_gaussian_of_the_given_size():
    clean, y0 = spirals(n_samples=4000, noise=0.0, seed=1)
    noisy, y1 = spirals(n_samples=4000, noise=0.3, seed=1)
    # same permutation for the same seed, so the difference is the noise itself
    np.testing.assert_array_equal(y0, y1)
    assert np.std(noisy - clean) == pytest.approx(0.3, rel=0.05)


def test_xor_geometry():
    x, y = xor(n_samples=400, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] > 0).astype(np.int64))
    assert np.abs(x).min() >= 0.05 and np.abs(x).max() <= 1.0
    quadrant = (x[:, 0] > 0).astype(int) * 2 + (x[:, 1] > 0)
    assert np.bincount(quadrant).tolist() == [100, 100, 100, 100]
    # with noise some points cross an axis but keep the label of where they started
    xn, yn = xor(n_samples=4000, noise=0.2, seed=0)
    wrong = np.mean(yn != (xn[:, 0] * xn[:, 1] > 0))
    assert 0.02 < wrong < 0.3


def test_moons_circles_blobs_geometry():
    x, y = circles(n_samples=400, noise=0.0, seed=0)
    r = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.5)
    x, y = moons(n_samples=400, noise=0.0, seed=0)
    np.testing.assert_allclose(np.hypot(x[y == 0, 0], x[y == 0, 1]), 1.0)  # upper moon: unit circle
    np.testing.assert_allclose(np.hypot(x[y == 1, 0] - 1, x[y == 1, 1] - 0.5), 1.0)
    x, y = blobs(n_samples=3000, noise=0.0, seed=0)
    centres = np.array([x[y == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(np.hypot(*centres.T), 1.0, atol=0.03)
    assert np.std(x[y == 0] - centres[0]) == pytest.approx(0.2, rel=0.1)
    x2, y2 = blobs(n_samples=400, noise=0.0, seed=0, n_classes=2)
    assert set(np.unique(y2)) == {0, 1}
    with pytest.raises(ValueError, match="n_classes must be 2 or 3, got 4"):
        blobs(n_classes=4)


@pytest.mark.parametrize("name", list(TOYS))
@pytest.mark.parametrize("kwargs, message", [
    ({"n_samples": 9}, "n_samples must be between 10 and 100000, got 9"),
    ({"n_samples": 100_001}, "n_samples must be between 10 and 100000, got 100001"),
    ({"n_samples": 50.0}, "n_samples must be a whole number"),
    ({"noise": -0.1}, r"noise must be between 0 and 1.0, got -0.1"),
    ({"noise": 1.5}, r"noise must be between 0 and 1.0, got 1.5"),
    ({"noise": float("nan")}, r"noise must be between 0 and 1.0, got nan"),
    ({"noise": "a"}, "noise must be a number"),
    ({"seed": -3}, "seed must be between 0 and 4294967295, got -3"),
])
def test_bad_arguments_are_refused_by_name(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        TOYS[name](**kwargs)
