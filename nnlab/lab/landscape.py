"""The loss landscape around the current weights θ*: a 2-D slice, the run's path on it, and the line
from initialisation to now.

The weights have thousands of dimensions, so a picture can only show a plane through θ*:
L(θ* + α·d₁ + β·d₂) on a grid of (α, β). Two planes are offered:
- "random": d₁, d₂ random Gaussian directions, filter-normalised (Li et al., 2018): each filter (a conv
  kernel, a dense unit's column of incoming weights) of a direction is scaled to the norm of the same
  filter in θ*, so α = 1 means "every filter moved by its own size" and the picture does not depend on
  how the network happens to scale its layers. 1-D parameters (biases, layer-norm gains) get 0, as in
  the paper. Random directions are almost orthogonal to the path training took, so the path barely
  shows on this plane — ``trajectory_captured`` says how little.
- "trajectory": d₁, d₂ the top two principal directions of the snapshots' offsets θᵢ − θ* (unit
  vectors, Li et al. §7), the plane the path actually moved in.

Losses are computed on a fixed, seeded subset of the data, in inference mode, on a copy of the model.
The grid is centred on θ* with an odd resolution, so its middle cell is the model's own loss.
"""
from dataclasses import dataclass

import numpy as np

from ..i18n import _
from ..engine import encode_targets
from ..engine.copying import copy_network
from ..engine.trainer import accuracy
from .budget import LIGHT
from .weight_vector import get_vector, loss_at, param_names, set_vector, snapshot_vector, split_vector

PLANES = ("random", "trajectory")
DEFAULT_RESOLUTION = LIGHT["resolution"]  # 21 × 21 = 441 losses
DEFAULT_SAMPLES = LIGHT["landscape_samples"]
TRAJECTORY_MARGIN = 1.25  # the trajectory grid reaches 25 % beyond the farthest snapshot


def fixed_subset(x, y, n_samples, seed=0):
    """A seeded choice of ``n_samples`` rows of (x, y) (all of them when there are fewer)."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples={n_samples!r}: use at least 1 sample")
    if len(x) <= n_samples:
        return np.asarray(x), np.asarray(y)
    index = np.sort(np.random.default_rng(seed).choice(len(x), n_samples, replace=False))
    return np.asarray(x)[index], np.asarray(y)[index]


def filter_normalised_direction(net, rng):
    """A random direction in θ-space, each filter scaled to the norm of the same filter in θ*."""
    theta = get_vector(net)
    direction = rng.standard_normal(theta.size)
    d, t = split_vector(net, direction), split_vector(net, theta)
    for key in param_names(net):
        if d[key].ndim < 2:
            d[key][...] = 0.0
            continue
        axes = 0 if d[key].ndim == 2 else tuple(range(1, d[key].ndim))  # dense: per column; conv: per filter
        d_norm = np.sqrt((d[key] ** 2).sum(axis=axes, keepdims=True))
        t_norm = np.sqrt((t[key] ** 2).sum(axis=axes, keepdims=True))
        d[key][...] *= t_norm / np.maximum(d_norm, 1e-300)
    return direction


@dataclass
class LossSurface:
    plane: str
    alphas: np.ndarray               # (r,) coordinates along d₁
    betas: np.ndarray                # (r,) coordinates along d₂
    losses: np.ndarray               # (r, r): losses[i, j] = L(θ* + alphas[j]·d₁ + betas[i]·d₂)
    centre_loss: float               # L(θ*) computed directly; equals losses[r // 2, r // 2]
    trajectory: np.ndarray           # (n_snapshots, 2) each snapshot's (α, β) on this plane
    trajectory_keys: list            # the snapshots' keys (epochs), in order
    trajectory_losses: np.ndarray    # (n_snapshots,) the loss at each snapshot itself
    trajectory_captured: float       # share of Σ‖θᵢ − θ*‖² that lies in the plane (0 … 1; nan without a path)
    n_samples: int
    params_from_current: list        # parameters the snapshots lacked (current values used)


def _check_resolution(resolution):
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) \
            or resolution < 3 or resolution % 2 == 0:
        raise ValueError(f"resolution={resolution!r}: give an odd number of at least 3, so the grid has "
                         "the current weights at its centre")
    return int(resolution)


def _snapshot_offsets(net, snapshots, theta):
    keys = list(snapshots)
    missing, offsets = set(), []
    for key in keys:
        vec, lacked = snapshot_vector(net, snapshots[key])
        missing.update(lacked)
        offsets.append(vec - theta)
    return keys, np.array(offsets).reshape(len(keys), theta.size), sorted(missing)


def loss_surface(net, x, y, plane="random", snapshots=None, resolution=DEFAULT_RESOLUTION, span=1.0,
                 n_samples=DEFAULT_SAMPLES, seed=0, progress=None):
    """The loss on a resolution × resolution grid through θ*, and the snapshots' path on it.

    snapshots : {key (epoch): weight snapshot}, in path order; needed for the "trajectory" plane.
    span : the random plane's half-width, in filter-normalised units (α, β ∈ [−span, span]).
    progress : optional ``progress(done, total)``, called after each grid row.
    """
    if plane not in PLANES:
        raise ValueError(f"plane={plane!r} is unknown; choose one of {list(PLANES)}")
    r = _check_resolution(resolution)
    net = copy_network(net)
    x, y = fixed_subset(x, y, n_samples, seed)
    target = encode_targets(net, y)
    theta = get_vector(net)
    centre = loss_at(net, x, target)
    keys, offsets, missing = _snapshot_offsets(net, snapshots or {}, theta)
    if plane == "trajectory":
        if len(offsets) < 2 or np.linalg.matrix_rank(offsets) < 2:
            raise ValueError(_("the trajectory plane needs at least two snapshots that differ from the current "
                               "weights and from each other (train for more epochs), or use plane='random'"))
        directions = np.linalg.svd(offsets, full_matrices=False)[2][:2]
    else:
        rng = np.random.default_rng(seed)
        directions = np.array([filter_normalised_direction(net, rng) for _i in range(2)])
    coords = np.linalg.lstsq(directions.T, offsets.T, rcond=None)[0].T if len(offsets) else np.zeros((0, 2))
    moved = float((offsets ** 2).sum())
    captured = float(((coords @ directions) ** 2).sum()) / moved if moved > 0 else float("nan")
    half = np.abs(coords).max(axis=0) * TRAJECTORY_MARGIN if plane == "trajectory" else np.array([span, span])
    steps = (np.arange(r) - r // 2) / (r // 2)
    alphas, betas = steps * half[0], steps * half[1]
    losses = np.empty((r, r))
    for i, b in enumerate(betas):
        for j, a in enumerate(alphas):
            set_vector(net, theta + a * directions[0] + b * directions[1])
            losses[i, j] = loss_at(net, x, target)
        if progress is not None:
            progress(i + 1, r)
    path_losses = []
    for off in offsets:
        set_vector(net, theta + off)
        path_losses.append(loss_at(net, x, target))
    return LossSurface(plane, alphas, betas, losses, centre, coords, keys, np.array(path_losses), captured,
                       len(x), missing)


@dataclass
class Interpolation:
    t: np.ndarray                # (m,) θ(t) = (1 − t)·θ_init + t·θ*, from −0.25 to 1.25; 0 and 1 exactly
    losses: np.ndarray           # (m,)
    accuracies: np.ndarray | None  # (m,) for classification
    start_loss: float            # the loss of the initial snapshot, computed directly
    end_loss: float              # the loss of the current weights, computed directly
    n_samples: int
    params_from_current: list


def interpolation(net, x, y, initial, points_per_unit=20, n_samples=DEFAULT_SAMPLES, seed=0, progress=None):
    """The loss on the straight line from the ``initial`` weight snapshot to the current weights,
    t = −0.25 … 1.25 in steps of 1/points_per_unit (Goodfellow et al., 2015: is the way from the start
    to the end downhill all along, or is there a wall in between?)."""
    m = points_per_unit
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 4 or m % 4:
        raise ValueError(f"points_per_unit={m!r}: give a multiple of 4 (so t = −0.25 and 1.25 are on the grid)")
    net = copy_network(net)
    x, y = fixed_subset(x, y, n_samples, seed)
    target = encode_targets(net, y)
    theta = get_vector(net)
    end = loss_at(net, x, target)
    start_theta, missing = snapshot_vector(net, initial)
    t = np.arange(-m // 4, m + m // 4 + 1) / m
    losses, accuracies = [], []
    for k, tk in enumerate(t):
        set_vector(net, (1 - tk) * start_theta + tk * theta)
        out = net.forward(x, training=False)
        losses.append(float(net.loss_value(out, target)))
        accuracies.append(accuracy(out, y))
        if progress is not None:
            progress(k + 1, len(t))
    set_vector(net, start_theta)
    start = loss_at(net, x, target)
    return Interpolation(t, np.array(losses), None if accuracies[0] is None else np.array(accuracies), start,
                         end, len(x), missing)
