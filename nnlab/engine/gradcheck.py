"""Gradient checking: backprop's ∂L/∂θ against central differences (L(θ+ε) − L(θ−ε)) / 2ε.

Use a float64 network: in float32 the difference quotient is dominated by rounding. A diverged network
(weights so large that outputs overflow) gives inf/NaN entries, without NumPy's overflow warnings.
"""
import numpy as np


def relative_error(analytic, numeric, floor=1e-10):
    return abs(analytic - numeric) / max(abs(analytic), abs(numeric), floor)


def gradient_check(net, x, target, eps=1e-6, max_per_param=None, seed=0, training=False, pick="random"):
    """One row per checked entry: layer, param, index, analytic, numeric, rel_error.

    ``max_per_param`` checks a random sample of that many entries per parameter array (all if None);
    with ``pick="largest"`` the entries with the largest |analytic gradient| instead (a page showing a
    few checks then shows non-zero ones, not the many exact zeros of dead ReLUs and blank pixels).
    With ``training`` the dropout masks are replayed identically for every evaluation.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _gradient_check(net, x, target, eps, max_per_param, seed, training, pick)


def _gradient_check(net, x, target, eps, max_per_param, seed, training, pick):
    if net.dtype != np.float64:
        raise ValueError(f"dtype={net.dtype.name!r}: gradient checks need a float64 network")
    if pick not in ("random", "largest"):
        raise ValueError(f"pick={pick!r}: use 'random' or 'largest'")
    rng = np.random.default_rng(seed)
    state = net.rng_state()

    def loss_now():
        net.set_rng_state(state)
        return net.loss_value(net.forward(x, training=training), target)

    out = (net.set_rng_state(state), net.forward(x, training=training))[1]
    net.backward(out, target)
    analytic = {(i, k): g.copy() for i, layer in enumerate(net.layers) for k, g in layer.grad.items()}
    rows = []
    for (i, name), grad in analytic.items():
        p = net.layers[i].params[name]
        flat = p.reshape(-1)
        idx = np.arange(flat.size)
        if max_per_param is not None and flat.size > max_per_param:
            if pick == "largest":
                idx = np.sort(np.argpartition(-np.abs(grad.reshape(-1)), max_per_param - 1)[:max_per_param])
            else:
                idx = np.sort(rng.choice(flat.size, max_per_param, replace=False))
        for j in idx:
            old = flat[j]
            flat[j] = old + eps
            plus = loss_now()
            flat[j] = old - eps
            minus = loss_now()
            flat[j] = old
            numeric = (plus - minus) / (2 * eps)
            a = float(grad.reshape(-1)[j])
            rows.append({"layer": net.layers[i].name, "param": name,
                         "index": tuple(int(v) for v in np.unravel_index(j, p.shape)),
                         "analytic": a, "numeric": float(numeric), "rel_error": relative_error(a, numeric)})
    net.set_rng_state(state)
    return rows
