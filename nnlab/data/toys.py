"""Two-dimensional toy sets in the spirit of TensorFlow Playground.

Small enough to see every point and the decision boundary at once. All share one signature,
``f(n_samples=400, noise=0.1, seed=0) -> (X, y)``: points lie roughly within [-1.5, 1.5]² and
``noise`` is the standard deviation of the Gaussian jitter added to each coordinate, in those units
(for blobs it widens the clusters instead). Every set is shuffled and has (nearly) equal classes.
"""
import math

import numpy as np

from .mnist import check_seed

MIN_SAMPLES, MAX_SAMPLES = 10, 100_000
MAX_NOISE = 1.0


def check_n_samples(n_samples):
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)):
        raise ValueError(f"n_samples must be a whole number such as 400, got {n_samples!r}")
    if not MIN_SAMPLES <= n_samples <= MAX_SAMPLES:
        raise ValueError(f"n_samples must be between {MIN_SAMPLES} and {MAX_SAMPLES}, got {n_samples}")
    return int(n_samples)


def check_noise(noise):
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)):
        raise ValueError(f"noise must be a number such as 0.1, got {noise!r}")
    if not (math.isfinite(noise) and 0.0 <= noise <= MAX_NOISE):
        raise ValueError(f"noise must be between 0 and {MAX_NOISE}, got {noise}")
    return float(noise)


def _checked(n_samples, noise, seed):
    return check_n_samples(n_samples), check_noise(noise), check_seed(seed)


def _shuffled(x, y, rng):
    order = rng.permutation(len(y))
    return x[order], y[order].astype(np.int64)


def moons(n_samples=400, noise=0.1, seed=0):
    """Two interleaving half circles (scikit-learn ``make_moons``).

    Returns X float64 (n_samples, 2), y int64 (n_samples,) in {0, 1}.
    """
    from sklearn.datasets import make_moons

    n, noise, seed = _checked(n_samples, noise, seed)
    x, y = make_moons(n_samples=n, noise=noise, random_state=seed)
    return x, y.astype(np.int64)


def circles(n_samples=400, noise=0.1, seed=0):
    """A small circle (class 1, radius 0.5) inside a large one (class 0, radius 1) (``make_circles``).

    Returns X float64 (n_samples, 2), y int64 (n_samples,) in {0, 1}.
    """
    from sklearn.datasets import make_circles

    n, noise, seed = _checked(n_samples, noise, seed)
    x, y = make_circles(n_samples=n, noise=noise, factor=0.5, random_state=seed)
    return x, y.astype(np.int64)


def blobs(n_samples=400, noise=0.1, seed=0, n_classes=3):
    """Round Gaussian clusters whose centres sit on the unit circle; the easy, linearly separable case.

    The spread of each cluster is ``0.2 + noise``, so noise 0 still gives clouds, not single points.

    Returns X float64 (n_samples, 2), y int64 (n_samples,) in {0, …, n_classes-1}.
    """
    from sklearn.datasets import make_blobs

    n, noise, seed = _checked(n_samples, noise, seed)
    if n_classes not in (2, 3):
        raise ValueError(f"n_classes must be 2 or 3, got {n_classes!r}")
    # 2 classes: opposite corners (Playground's Gaussian set); 3: evenly spaced around the circle.
    angles = np.array([np.pi / 4, 5 * np.pi / 4]) if n_classes == 2 else np.pi / 2 + 2 * np.pi * np.arange(3) / 3
    centres = np.column_stack([np.cos(angles), np.sin(angles)])
    x, y = make_blobs(n_samples=n, centers=centres, cluster_std=0.2 + noise, random_state=seed)
    return x, y.astype(np.int64)


def spirals(n_samples=400, noise=0.1, seed=0, turns=1.75):
    """Two interleaved spiral arms, the second the first turned by half a turn (Playground's spiral).

    Along each arm the radius grows linearly from 0 to 1 while the angle grows by ``turns`` full turns,
    so without noise every point of arm 1 is the mirror image -p of a point of arm 0.

    Returns X float64 (n_samples, 2), y int64 (n_samples,) in {0, 1}.
    """
    n, noise, seed = _checked(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    n1 = n // 2
    xs, ys = [], []
    for label, count in ((0, n - n1), (1, n1)):
        r = np.arange(count) / count  # 0 … <1, evenly along the arm
        t = 2 * np.pi * turns * r + np.pi * label
        xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        ys.append(np.full(count, label))
    x = np.concatenate(xs) + noise * rng.standard_normal((n, 2))
    return _shuffled(x, np.concatenate(ys), rng)


def xor(n_samples=400, noise=0.1, seed=0, padding=0.05):
    """Points in the four quadrants of [-1, 1]²; class 1 where x1·x2 > 0, class 0 where it is < 0.

    As in Playground, points are kept ``padding`` away from the axes and labelled before the noise
    is added, so noise can carry a point across an axis; quadrants get equal numbers of points.

    Returns X float64 (n_samples, 2), y int64 (n_samples,) in {0, 1}.
    """
    n, noise, seed = _checked(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    quadrant = np.arange(n) % 4
    signs = np.array([[1, 1], [-1, -1], [-1, 1], [1, -1]])[quadrant]  # quadrants 0,1: class 1; 2,3: class 0
    x = signs * rng.uniform(padding, 1.0, size=(n, 2))
    y = (quadrant < 2).astype(np.int64)
    x = x + noise * rng.standard_normal((n, 2))
    return _shuffled(x, y, rng)


TOYS = {"moons": moons, "circles": circles, "blobs": blobs, "spirals": spirals, "xor": xor}
