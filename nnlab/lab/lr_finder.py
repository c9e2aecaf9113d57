"""Which learning rate? An LR range test, and the stability bound from the curvature of the loss.

LR range test (Smith, 2017; fast.ai's LR finder): train a *copy* of the model for a few hundred steps
while the learning rate grows exponentially from tiny to huge, and watch the loss. At first nothing
happens (too small), then the loss falls (useful), then it shoots up (too large).
- The run stops at the divergence point: where a moving average of the last ~10 batch losses first
  exceeds 4× its lowest value (fast.ai's rule) or the loss stops being finite.
- The curve is read through a centred running mean over a window of steps (no lag: an exponential
  average as long as fast.ai's would trail the real curve by half of a 100-step run). The suggestion is
  the middle of the window where the batch losses fall fastest against log lr — the least-squares slope
  of the losses in the window — among the windows that end before the curve's lowest point.
- A fall of the curve no bigger than twice the batch-to-batch spread of the first quarter of the steps
  (where lr is too small to change anything) cannot be told from noise: then there is no suggestion,
  typical of a model that is trained already.

Stability bound: plain gradient descent on a quadratic bowl with curvature λ multiplies the error along
that direction by (1 − η·λ) each step, which grows exactly when η > 2/λ. Near the current weights the
loss is such a bowl with curvatures the Hessian's eigenvalues, so plain SGD is stable only for
η < 2/λmax. λmax comes from power iteration (v ← Hv/‖Hv‖) where each Hessian-vector product is a
central difference of gradients, Hv ≈ (∇L(θ + εv) − ∇L(θ − εv)) / 2ε — never the Hessian itself.
The bound is for plain SGD; momentum and Adam have other limits.
"""
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..i18n import _
from ..engine import encode_targets, make_optimizer
from ..engine.copying import copy_network
from .budget import LIGHT
from .landscape import fixed_subset
from .weight_vector import get_vector, loss_and_gradient, set_vector

DIVERGE_FACTOR = 4.0
STOP_SMOOTHING = 0.9  # the divergence rule's moving average remembers about the last 10 losses
FALL_OVER_NOISE = 2.0


@dataclass
class LRRangeTest:
    lrs: np.ndarray             # (steps taken,) the learning rate of each step
    losses: np.ndarray          # (steps taken,) the batch loss just before that step
    window: int                 # steps in the running mean and in each slope
    smoothed: np.ndarray        # (steps taken − window + 1,) centred running mean of the losses
    smoothed_steps: np.ndarray  # the step at the middle of each window (where to draw smoothed)
    slopes: np.ndarray          # least-squares slope of loss against ln(lr) in each window
    suggested_lr: float | None  # middle of the steepest window before the lowest point (None: no clear fall)
    suggested_step: int | None
    fall: float                 # the running mean's first value minus its lowest
    noise: float                # standard deviation of the batch losses in the first quarter of the steps
    diverged_step: int | None   # the step the run stopped at (None: it never diverged)
    diverged_lr: float | None
    n_steps: int                # steps planned
    optimizer: str
    batch_size: int


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}={value!r}: give a whole number of at least 1")
    return int(value)


def window_size(n_steps):
    """An odd window of about a tenth of the run, at least 5 steps."""
    return max(5, (n_steps // 10) | 1)


def read_curve(lrs, losses, window):
    """(smoothed, slopes, suggested index or None, fall, noise) of a loss-against-lr curve; see the
    module docstring for the rule."""
    losses = np.asarray(losses, dtype=np.float64)
    noise = float(np.std(losses[:max(2, len(losses) // 4)]))
    if len(losses) < window:
        return np.zeros(0), np.zeros(0), None, 0.0, noise
    u = sliding_window_view(np.log(lrs), window)
    v = sliding_window_view(losses, window)
    smoothed = v.mean(axis=1)
    uc = u - u.mean(axis=1, keepdims=True)
    slopes = (uc * (v - smoothed[:, None])).sum(axis=1) / (uc * uc).sum(axis=1)
    lowest = int(np.argmin(smoothed))
    fall = float(smoothed[0] - smoothed[lowest])
    # windows ending at or before the middle of the lowest window
    candidates = slopes[:max(0, lowest - window // 2 + 1)]
    if fall <= FALL_OVER_NOISE * noise or not len(candidates) or candidates.min() >= 0:
        return smoothed, slopes, None, fall, noise
    return smoothed, slopes, int(np.argmin(candidates)) + window // 2, fall, noise


def _rising_lr_steps(net, opt, x, target, lrs, batch_size, seed, progress):
    """Train ``net`` one batch per learning rate; (batch losses, the step it stopped at or None)."""
    rng = np.random.default_rng(seed)
    layers = net.param_layers()
    params = [p for layer in layers for p in layer.params.values()]
    decay = [p.ndim >= 2 for p in params]
    order, pos = rng.permutation(len(x)), 0
    losses, avg, best = [], 0.0, np.inf
    for k, lr in enumerate(lrs):
        if pos + batch_size > len(x) and pos > 0:
            order, pos = rng.permutation(len(x)), 0
        idx = order[pos:pos + batch_size]
        pos += batch_size
        out = net.forward(x[idx], training=True)
        losses.append(float(net.loss_value(out, target[idx])))
        avg = STOP_SMOOTHING * avg + (1 - STOP_SMOOTHING) * losses[-1]
        recent = avg / (1 - STOP_SMOOTHING ** (k + 1))  # bias-corrected
        best = min(best, recent)
        if not np.isfinite(recent) or recent > DIVERGE_FACTOR * best:
            return losses, k
        net.backward(out, target[idx], need_input_grad=False)
        opt.step(params, [g for layer in layers for g in layer.grad.values()], decay, lr=float(lr))
        if progress is not None:
            progress(k + 1, len(lrs))
    return losses, None


def lr_range_test(net, x, y, optimizer="sgd", lr_min=1e-5, lr_max=10.0, n_steps=LIGHT["lr_steps"],
                  batch_size=LIGHT["lr_batch_size"], seed=0, progress=None, **optimizer_settings):
    """Run an LR range test on a copy of ``net`` (the model itself is never changed).

    ``optimizer`` and ``optimizer_settings`` (e.g. momentum=0.9) are those of ``make_optimizer``;
    batches are drawn from a seeded shuffle of (x, y), reshuffled when they run out.
    ``progress(done, total)`` is called after each step.
    """
    n_steps, batch_size = _positive_int("n_steps", n_steps), _positive_int("batch_size", batch_size)
    if not 0 < lr_min < lr_max:
        raise ValueError(_("lr_min={low}, lr_max={high}: give 0 < lr_min < lr_max", low=repr(lr_min),
                           high=repr(lr_max)))
    if n_steps < 2:
        raise ValueError(f"n_steps={n_steps}: take at least 2 steps")
    net = copy_network(net)
    opt = make_optimizer(optimizer, lr=lr_min, **optimizer_settings)
    x = np.asarray(x, dtype=net.dtype).reshape(len(x), -1)
    target = encode_targets(net, y)
    lrs = lr_min * (lr_max / lr_min) ** (np.arange(n_steps) / (n_steps - 1))
    with np.errstate(over="ignore", invalid="ignore"):  # blowing up is what the test looks for
        losses, diverged = _rising_lr_steps(net, opt, x, target, lrs, batch_size, seed, progress)
    lrs, losses = lrs[:len(losses)], np.array(losses)
    window = window_size(n_steps)
    # the curve is read before the divergence
    smoothed, slopes, suggested, fall, noise = read_curve(lrs[:diverged], losses[:diverged], window)
    return LRRangeTest(lrs, losses, window, smoothed, np.arange(len(smoothed)) + window // 2, slopes,
                       None if suggested is None else float(lrs[suggested]), suggested, fall, noise, diverged,
                       None if diverged is None else float(lrs[diverged]), n_steps, optimizer, batch_size)


@dataclass
class SharpnessEstimate:
    eigenvalue: float       # λmax, the largest eigenvalue of the Hessian of the loss (per sample, on the subset)
    history: np.ndarray     # the estimate v·Hv after each power-iteration step
    residual: float         # ‖Hv − λv‖ / |λ| at the end: 0 when v is exactly an eigenvector
    dominant: float         # the eigenvalue of largest size; differs from λmax when it is negative
    lr_bound: float         # 2 / λmax (inf when no direction curves up)
    small_step_check: float  # v·Hv for the final v with a 10× smaller difference step: ≈ eigenvalue
    n_samples: int
    eps: float


def _power_iteration(hvp, v, shift, iterations, tol):
    """Dominant eigenvalue of (H − shift·I) by power iteration: (λ of H, history, residual, vector)."""
    history = []
    for _step in range(iterations):
        hv = hvp(v) - shift * v
        history.append(float(v @ hv) + shift)
        norm = np.linalg.norm(hv)
        if norm == 0:
            break
        v = hv / norm
        if len(history) > 1 and abs(history[-1] - history[-2]) <= tol * abs(history[-1]):
            break
    hv = hvp(v) - shift * v
    lam = float(v @ hv)
    history.append(lam + shift)
    return lam + shift, history, float(np.linalg.norm(hv - lam * v) / max(abs(lam), 1e-300)), v


def largest_eigenvalue(hvp, size, iterations=30, tol=1e-4, seed=0):
    """(λmax, dominant eigenvalue, history of estimates, residual, eigenvector) of a symmetric matrix H
    known only through ``hvp(v) = H·v``.

    Power iteration finds the eigenvalue of largest *size*. If that one is negative, a second run on
    H − λ·I (whose eigenvalues are all ≥ 0 then) finds the largest one, which is what bounds the lr.
    """
    v = np.random.default_rng(seed).standard_normal(size)
    v /= np.linalg.norm(v)
    dominant, history, residual, v = _power_iteration(hvp, v, 0.0, iterations, tol)
    top = dominant
    if dominant < 0:
        top, more, residual, v = _power_iteration(hvp, v, dominant, iterations, tol)
        history += more
    return top, dominant, np.array(history), residual, v


def top_hessian_eigenvalue(net, x, y, n_samples=LIGHT["hessian_samples"], iterations=LIGHT["hessian_iterations"],
                           tol=1e-4, eps=1e-7, seed=0):
    """λmax of the loss's Hessian at the current weights and the bound 2/λmax, by power iteration on
    Hessian-vector products (central differences of gradients, on a float64 copy, inference mode, a
    fixed subset of the data).

    The difference step ε is tiny on purpose. Between θ − εv and θ + εv some ReLU units may switch on
    or off; the jump that makes in the gradient, divided by 2ε, looks like a huge curvature, and power
    iteration locks onto such jumps. Measured: on the MNIST MLP trained 1 epoch, ε = 1e-4 gave
    λ = −49 where PyTorch's exact Hessian-vector products give 15.67 (ε = 1e-6 … 1e-8: 15.67); on the
    patch-attention preset (64 samples) ε = 1e-6 gave 8.2, ε = 1e-7 and 1e-8 both 15.08. A smaller ε
    makes a switch rarer; float64 keeps the rounding error near 1e-7 of the result.
    ``small_step_check`` repeats the last product with ε/10: a jump would show as a disagreement.
    """
    net = copy_network(net, "float64")
    x, y = fixed_subset(x, y, n_samples, seed)
    target = encode_targets(net, y)
    theta = get_vector(net)

    def hvp(v, step=eps):
        set_vector(net, theta + step * v)
        plus = loss_and_gradient(net, x, target)[1]
        set_vector(net, theta - step * v)
        minus = loss_and_gradient(net, x, target)[1]
        return (plus - minus) / (2 * step)

    top, dominant, history, residual, v = largest_eigenvalue(hvp, theta.size, iterations, tol, seed)
    bound = 2.0 / top if top > 0 else float("inf")
    check = float(v @ hvp(v, eps / 10))
    return SharpnessEstimate(top, history, residual, dominant, bound, check, len(x), eps)
