"""One sample through the user's model, for the forward and backprop pages, without touching the model.

Anything that would change weights or needs float64 (gradient checks, a demonstration SGD step) works
on a copy made by ``clone``; the user's network is only ever read.
"""
from dataclasses import dataclass

import numpy as np

from .engine import encode_targets, gradient_check
from .engine.copying import copy_network


def largest(values, k):
    """Indices of the k largest entries of a flat array, largest first (argpartition: O(n), not a sort)."""
    k = min(int(k), values.size)
    if k <= 0:
        return np.array([], dtype=int)
    idx = np.argpartition(-values, k - 1)[:k] if k < values.size else np.arange(values.size)
    return idx[np.argsort(-values[idx], kind="stable")]


def clone(net, dtype=None):
    """An independent copy of ``net`` (same spec and weights), optionally in another dtype."""
    return copy_network(net, dtype)


def split_arrays(dataset):
    """(x, y, name) of the split the pages pick samples from: test, or train if there is no test set."""
    if dataset.x_test is not None and len(dataset.x_test):
        return dataset.x_test, dataset.y_test, "test"
    return dataset.x_train, dataset.y_train, "train"


def sample(dataset, net, index):
    """One sample and its target shaped like the network's output.

    Returns (x (1, n_features), t (1, n_outputs), y (1,) or (1, k) label/target as stored).
    """
    x_all, y_all, name = split_arrays(dataset)
    if not 0 <= int(index) < len(x_all):
        raise ValueError(f"sample index={index}: the {name} set has samples 0…{len(x_all) - 1}")
    i = int(index)
    x, y = x_all[i:i + 1], y_all[i:i + 1]
    return x, encode_targets(net, y), y


def check_gradients(net, x, t, max_per_param=3, pick="largest", seed=0):
    """Backprop against central differences for a few entries of each parameter array (by default those
    with the largest |gradient|), on a float64 copy of ``net``.
    Rows: layer, param, index, analytic, numeric, rel_error (see engine.gradient_check)."""
    if max_per_param < 1:
        raise ValueError(f"max_per_param={max_per_param}: check at least 1 entry per parameter")
    return gradient_check(clone(net, "float64"), np.asarray(x, dtype=np.float64), np.asarray(t, dtype=np.float64),
                          max_per_param=max_per_param, seed=seed, pick=pick)


@dataclass
class SGDStep:
    """One plain gradient step W ← W − η·∂L/∂W on a copy: the loss before and after, and the weights
    that moved most (rows: layer, param, index, before, gradient, after)."""
    lr: float
    loss_before: float
    loss_after: float
    output_before: np.ndarray
    output_after: np.ndarray
    changes: list


def sgd_step(net, x, t, lr, top=3):
    """Take one SGD step for this one sample on a float64 copy of ``net``; ``net`` is unchanged."""
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning rate={lr!r}: must be a positive number")
    copy = clone(net, "float64")
    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    out_before = copy.forward(x)
    loss_before = copy.loss_value(out_before, t)
    copy.backward(out_before, t, need_input_grad=False)
    changes = []
    for layer in copy.param_layers():
        for name, p in layer.params.items():
            g = layer.grad[name]
            for j in largest(np.abs(g).ravel(), top):
                idx = np.unravel_index(j, p.shape)
                before, grad = float(p[idx]), float(g[idx])
                changes.append({"layer": layer.name, "param": name, "index": tuple(int(v) for v in idx),
                                "before": before, "gradient": grad, "after": before - lr * grad})
            p -= lr * g
    out_after = copy.forward(x)
    return SGDStep(float(lr), float(loss_before), float(copy.loss_value(out_after, t)), out_before[0].copy(),
                   out_after[0].copy(), changes)


def training_status(history):
    """In words, how far the model has trained: untrained, a few steps, or whole epochs."""
    if not len(history):
        return "untrained: fresh initial weights"
    epochs = history.last_epoch
    if epochs == 0:
        return f"trained for {history.n_steps:,} steps (less than one epoch)"
    return f"trained for {epochs} epoch{'s' if epochs != 1 else ''} ({history.n_steps:,} steps)"
