"""The trainer: a generator that yields a record after every step and every epoch.

A page iterates it and draws as records arrive; to stop, it simply stops iterating — the network keeps
whatever it has learned so far. Everything in a record is a plain float, dict or copied array, so it can
be kept in a history list and drawn later.

Cheap by design: the per-layer statistics reuse arrays the step already has (gradients, the optimiser's
changes, the cached activations) with one dot product per norm, the optimiser updates the network's flat
parameter buffer in one pass (``FlatParameters``), histograms are taken only every ``hist_every`` steps,
augmentation (as costly as a step) is done for the next batches in a worker process while the step runs, and
a step computes with subnormal floats flushed to zero (``denormals``: with them, later epochs took up to twice
as long).
``bench/train_mlp.py`` measures the whole against a bare NumPy loop that records nothing.
"""
import collections
import contextlib
import itertools
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from ..i18n import _
from . import batch_process
from .denormals import Flushed
from .optimizers import Adam, Optimizer
from .outputs import predict_classes
from .schedules import get_schedule

SATURATION = {"sigmoid": (0.02, 0.98), "tanh": (-0.98, 0.98)}
HIST_BINS = 30
AHEAD = 3  # augmented batches prepared ahead of the step (see _ahead)
COUNT_BELOW_FROM = 4096  # values: above, a histogram counts per edge; below, sorting is faster


@dataclass
class StepRecord:
    step: int
    epoch: int
    lr: float
    loss: float
    accuracy: float | None
    layers: dict  # layer name -> {grad_norm, weight_norm, update_ratio, act_mean, act_std, dead_frac, saturated_frac}
    histograms: dict | None = None  # layer name -> {"weights": (counts, edges), "grads": (counts, edges)}


@dataclass
class EpochRecord:
    epoch: int
    step: int
    train_loss: float
    train_acc: float | None
    val_loss: float | None
    val_acc: float | None
    seconds: float  # wall time since training began


@dataclass
class ErrorRecord:
    step: int
    epoch: int
    message: str
    details: dict = field(default_factory=dict)


def is_classification(y):
    return np.asarray(y).ndim == 1 and np.issubdtype(np.asarray(y).dtype, np.integer)


def encode_targets(net, y):
    """Targets shaped like the network's output: one-hot for class labels with several outputs,
    a column for one output, the values themselves for regression."""
    y = np.asarray(y)
    n_out = net.n_outputs
    if is_classification(y) and n_out > 1:
        if y.size and (y.min() < 0 or y.max() >= n_out):
            raise ValueError(_("labels run from {low} to {high}, but the network has {outputs} outputs",
                               low=y.min(), high=y.max(), outputs=n_out))
        t = np.zeros((len(y), n_out), dtype=net.dtype)
        t[np.arange(len(y)), y] = 1
        return t
    return y.reshape(len(y), n_out).astype(net.dtype)


def accuracy(output, y):
    """Share of correct class predictions (argmax, or > 0.5 for a single output); None for regression."""
    if not is_classification(y):
        return None
    return float(np.mean(predict_classes(output)[0] == y))


def evaluate(net, x, y):
    """(loss, accuracy) of the network on a whole set, in inference mode."""
    out = net.predict(x).reshape(len(x), -1)
    return net.loss_value(out, encode_targets(net, y)), accuracy(out, y)


def _norm(parts):
    """‖·‖ over the arrays ``parts`` together (one BLAS dot each: no temporaries)."""
    if len(parts) == 1:
        return math.sqrt(np.vdot(parts[0], parts[0]))
    return math.sqrt(sum(float(np.vdot(part, part)) for part in parts))


def _activation_stats(layer):
    # Every reduction runs over the batch axis of ``a`` or over all of it, never through a reshape:
    # a convolution's activations are stored batch last (see engine.conv), and a reshape would copy them.
    a = layer.a
    name = layer.activation.name
    never = None
    if name == "relu":
        # ReLU outputs are >= 0, so a unit's sum over the batch is 0 exactly when it never fired: those
        # sums give the dead units and the mean in one pass.
        col = np.add.reduce(a, axis=0)
        total = float(np.add.reduce(col, axis=None))
        never = col <= 0
    else:
        total = float(np.add.reduce(a, axis=None))
        if name == "leaky_relu":
            never = a.max(axis=0) <= 0
    mean = total / a.size
    centred = np.subtract(a, mean, dtype=a.dtype).ravel(order="K")  # K: a view, whatever a's layout
    stats = {"act_mean": mean, "act_std": math.sqrt(float(np.vdot(centred, centred)) / a.size)}
    if never is not None:
        # A unit is dead on this batch if it is never positive for any sample.
        stats["dead_frac"] = np.count_nonzero(never) / never.size
    if name in SATURATION:
        lo, hi = SATURATION[name]
        stats["saturated_frac"] = np.count_nonzero((a < lo) | (a > hi)) / a.size
    return stats


def _hits(output, labels):
    """Number of correct class predictions (argmax, or > 0.5 for a single output), as in ``accuracy``."""
    pred = output[:, 0] > 0.5 if output.shape[1] == 1 else output.argmax(axis=1)
    return int(np.count_nonzero(pred == labels))


def histogram(flat, bins=HIST_BINS):
    """Exactly ``np.histogram(flat, bins)``, faster on float data.

    Same edges (NumPy's own linspace between min and max); bin k counts edges[k] <= v < edges[k+1]
    (the last bin is closed), found as "how many lie below each inner edge": for a large array by one
    comparison per edge (29 cheap passes, ~7× faster than NumPy on a 100k weight matrix), for a small one by
    sorting it. Constant or non-finite data go to NumPy itself.
    """
    lo, hi = flat.min(), flat.max()
    if flat.dtype.kind != "f" or not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        return np.histogram(flat, bins=bins)
    edges = np.linspace(lo, hi, bins + 1, endpoint=True, dtype=np.result_type(lo, hi, flat))
    if flat.size > COUNT_BELOW_FROM:
        below = [np.count_nonzero(flat < edge) for edge in edges[1:-1]]
    else:
        below = np.searchsorted(np.sort(flat), edges[1:-1], side="left")
    return np.diff(np.concatenate(([0], below, [flat.size]))), edges


def _histograms(flat, block):
    """A layer's weight and gradient histograms, over its block of the flat buffers (no copy)."""
    return {"weights": histogram(flat.values[block]), "grads": histogram(flat.grads[block])}


def train(net, x, y, *, epochs=10, batch_size=64, optimizer: Optimizer | None = None, schedule="constant",
          x_val=None, y_val=None, seed=0, hist_every=50, augment=None):
    """Train ``net`` on (x, y), yielding StepRecord / EpochRecord, and an ErrorRecord on NaN/inf.

    Parameters
    ----------
    x : array (n_samples, n_features); y : int labels (n_samples,) or values (n_samples, n_outputs).
    optimizer : an Optimizer (default Adam 1e-3); its ``lr`` is the base of ``schedule``.
    augment : optional ``f(x_batch, rng) -> x_batch`` applied to each training batch (seeded by ``seed``).

    Returns a generator; bad arguments raise ``ValueError`` from this call, before any step is taken.
    """
    # Validate here, in the call itself: a generator function would only raise on the first next().
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(_("epochs={epochs}: train for at least 1 epoch", epochs=repr(epochs)))
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(_("batch_size={size}: a batch needs at least 1 sample", size=repr(batch_size)))
    x = np.asarray(x, dtype=net.dtype)
    if len(x) == 0:
        raise ValueError(_("the training set is empty"))
    x = x.reshape(len(x), -1)
    if x.shape[1] != net.n_inputs:
        raise ValueError(_("x has {found} features per sample, the network expects {expected}", found=x.shape[1],
                           expected=net.n_inputs))
    if len(y) != len(x):
        raise ValueError(_("x has {n_x} samples but y has {n_y}; give one target per sample", n_x=len(x), n_y=len(y)))
    if (x_val is None) != (y_val is None):
        raise ValueError("give both x_val and y_val, or neither")
    if x_val is not None:
        if len(x_val) != len(y_val):
            raise ValueError(f"x_val has {len(x_val)} samples but y_val has {len(y_val)}")
        n_val_features = int(np.prod(np.shape(x_val)[1:]))
        if len(x_val) and n_val_features != net.n_inputs:
            raise ValueError(_("x_val has {found} features per sample, the network expects {expected}",
                               found=n_val_features, expected=net.n_inputs))
        encode_targets(net, y_val)  # raises now, not after the first epoch, if the labels do not fit
    targets = encode_targets(net, y)
    y = np.asarray(y)
    labels = y if is_classification(y) else None
    optimizer = optimizer or Adam()
    lr_at = get_schedule(schedule)
    return _steps(net, x, targets, labels, epochs, batch_size, optimizer, lr_at, x_val, y_val, seed,
                  hist_every, augment)


def _steps(net, x, targets, labels, epochs, batch_size, optimizer, lr_at, x_val, y_val, seed, hist_every,
           augment):
    """The training loop itself (a generator); ``train`` has checked and prepared its arguments."""
    rng = np.random.default_rng(seed)
    flat = net.flat
    n, step, t0 = len(x), 0, time.perf_counter()
    flushed = Flushed()  # subnormals are zero while a step computes, and only then (see engine.denormals)
    with contextlib.ExitStack() as stack:
        batches = _batch_source(stack, x, epochs, batch_size, rng, augment, net.dtype)
        for epoch in range(1, epochs + 1):
            start_of_epoch = flat.values.copy()
            loss_sum = correct = 0.0
            for start, idx, xb in itertools.islice(batches, math.ceil(n / batch_size)):
                with flushed:
                    lr = lr_at(optimizer.lr, epoch - 1 + start / n, epochs)
                    out, loss = _forward_backward(net, xb, targets[idx])
                    delta = optimizer.delta(flat.values, flat.grads, flat.decay_slices, lr)
                    stats, finite = _layer_stats(flat, delta)
                    finite = finite and math.isfinite(loss)
                    if finite:
                        flat.values += delta
                        hits = None if labels is None else _hits(out, labels[idx])
                        hist = None
                        if hist_every and step % hist_every == 0:
                            hist = {layer.name: _histograms(flat, block) for layer, block in flat.layer_blocks}
                step += 1
                if not finite:
                    yield _diverged(flat, start_of_epoch, step, epoch, loss, lr)
                    return
                loss_sum += loss * len(idx)
                acc = None
                if hits is not None:
                    correct += hits
                    acc = hits / len(idx)
                yield StepRecord(step, epoch, lr, float(loss), acc, stats, hist)
            with flushed:
                record = _epoch_record(net, epoch, step, loss_sum / n, correct / n if labels is not None else None,
                                       x_val, y_val, t0)
            yield record


def _batches(x, epochs, batch_size, rng, augment, dtype):
    """(start, rows, batch) for every step of the run, in order: each epoch draws a permutation of the
    samples from ``rng``, then takes its batches in turn, augmented if asked (drawing from ``rng`` too)."""
    for _epoch in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            xb = x[idx]
            yield start, idx, (xb if augment is None else np.asarray(augment(xb, rng), dtype=dtype))


def _batch_source(stack, x, epochs, batch_size, rng, augment, dtype):
    """The run's batches (``_batches``). Augmenting costs about as much as a step, so augmented ones are made
    meanwhile, ahead of the step: in a process of their own if the augmenter allows (``batch_process``), else on
    a thread. ``stack`` ends the process or thread with the run."""
    if augment is None:
        return _batches(x, epochs, batch_size, rng, augment, dtype)
    made = stack.enter_context(batch_process.batches(x, epochs, batch_size, rng, augment, AHEAD))
    if made is not None:
        return made
    pool = stack.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="nnlab-batches"))
    return _ahead(_batches(x, epochs, batch_size, rng, augment, dtype), pool)


def _ahead(items, pool, depth=AHEAD):
    """The items of the iterator ``items``, computed on ``pool``'s one thread up to ``depth`` ahead of the
    caller. That one thread takes them in turn, so everything ``items`` does happens in the same order as
    in a plain loop (the random draws too, so the numbers are the same). A few in hand absorb the jitter
    of two threads sharing the interpreter and the cores: an augmented MNIST epoch took 1.76 × a plain
    one with one batch ahead, 1.33 × with three (medians of 14 paired rounds on a 2-core machine)."""
    futures = collections.deque(pool.submit(next, items, None) for _slot in range(depth))
    while (item := futures.popleft().result()) is not None:
        futures.append(pool.submit(next, items, None))
        yield item


def _forward_backward(net, xb, tb):
    """Forward pass, loss, and backward pass for one batch: fills ``net.flat.grads``. Returns (output, loss)."""
    out = net.forward(xb, training=True)
    loss = net.loss_value(out, tb)
    net.backward(out, tb, need_input_grad=False)
    return out, loss


def _layer_stats(flat, delta):
    """Per layer: gradient, weight and update norms and activation statistics, from arrays the step
    already has (no copies, one dot per norm); and whether every one of them is finite."""
    stats, finite = {}, True
    for layer, slices, values, grads in flat.layer_views:
        g, w, d = _norm(grads), _norm(values), _norm([delta[part] for part in slices])
        finite = finite and math.isfinite(g) and math.isfinite(w) and math.isfinite(d)
        stats[layer.name] = {"grad_norm": g, "weight_norm": w, "update_ratio": d / w if w > 0 else float("inf")}
        if layer.activation is not None:
            stats[layer.name].update(_activation_stats(layer))
    return stats, finite


def _diverged(flat, start_of_epoch, step, epoch, loss, lr):
    """The ErrorRecord for a step whose loss or statistics are not finite. The step has not been applied,
    so the weights are those of the last good step, unless that step's update itself overflowed; then
    they go back to the start of the epoch."""
    kept = bool(np.isfinite(flat.values).all())
    if not kept:
        flat.values[...] = start_of_epoch
    return ErrorRecord(step, epoch, diverged_message(step, epoch, loss, lr, kept),
                       {"loss": float(loss), "lr": lr, "kept": kept})


def diverged_message(step, epoch, loss, lr, kept):
    """What a divergence at ``step`` (of ``epoch``) says; ``kept``: the weights are the last good step's (else
    the start of the epoch's). A caller that numbers steps on from earlier runs writes it with its numbers."""
    restored = _("after step {step}", step=step - 1) if kept else _("from the start of epoch {epoch}", epoch=epoch)
    return _("Training diverged at step {step} (epoch {epoch}): the loss or the weights became NaN or infinite (loss "
             "= {value:.3g}, learning rate = {lr:.3g}). The last finite weights ({restored}) were kept. Lower the "
             "learning rate, or use a smaller initialisation.", step=step, epoch=epoch, value=loss, lr=lr,
             restored=restored)


def _epoch_record(net, epoch, step, train_loss, train_acc, x_val, y_val, t0):
    """The EpochRecord, with the validation pass (if there is a validation set) and the time since ``t0``."""
    val_loss = val_acc = None
    if x_val is not None and len(x_val):
        val_loss, val_acc = evaluate(net, x_val, y_val)
    return EpochRecord(epoch, step, train_loss, train_acc, val_loss, val_acc, time.perf_counter() - t0)
