"""Train several architectures on the same data, split, seed and epochs, and tabulate how they did.

Fair comparisons need everything but the architecture held fixed, so ``run_comparison`` takes one
Dataset and one (epochs, seed) for all configs. Each result is cached by ``result_key`` (the config's
model and training settings plus the data), so changing one config retrains only that one. Pure
Python + NumPy + pandas: the compare page keeps the cache dict in ``st.session_state``.
"""
import hashlib
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .config import build_network, fit_task, spec_mismatch
from .describe import config_line
from .compare_pool import train_side_by_side
from .history import History, epoch_long_frame
from .inspect import decision_grid, weights_fingerprint
from .presets import PRESETS
from .session import TrainingSession
from ..data.spreadsheet import safe_for_spreadsheet
from ..engine import ErrorRecord, StepRecord
from ..i18n import N_, _

MIN_CONFIGS, MAX_CONFIGS = 2, 4
MAX_CACHE = 12


@dataclass
class CompareResult:
    """One trained architecture. ``boundary`` is the trained network's output on a grid, for 2-D
    classification data (``inspect.decision_grid``: centres, cell size, outputs), so no network needs to be kept."""
    label: str
    key: str
    description: str
    history: History
    n_params: int
    seconds: float
    final: dict  # train_loss, train_acc, val_loss, val_acc after the last epoch
    boundary: tuple | None = None
    error: str | None = None


@dataclass(frozen=True)
class Leader:
    """Who did best on one held-out metric over all epochs. ``labels``: every architecture that reached the best
    value as the page shows it (4 decimals), several on a tie; ``rest``: (label, value, epoch) of the others."""
    metric: str  # "val_loss" (lowest is best) or "val_acc" (highest)
    labels: tuple
    value: float
    epoch: int  # when the first of ``labels`` reached it
    rest: tuple


def fitting_presets(dataset):
    """The preset names that can train on ``dataset``: a fixed architecture (CNN, attention) only if its input
    and output sizes match the data; an MLP preset whenever its network can be built for it."""
    names = []
    for name, config in PRESETS.items():
        if config.spec is not None:
            if spec_mismatch(config.spec, dataset) is None:
                names.append(name)
            continue
        try:
            build_network(fit_task(config, dataset), dataset)
        except ValueError:
            continue
        names.append(name)
    return names


def data_fingerprint(dataset):
    """A short hash of the data itself, so two uploads with one name are not confused."""
    h = hashlib.blake2b(digest_size=8)
    h.update(dataset.name.encode("utf-8"))
    for a in (dataset.x_train, dataset.y_train):
        a = np.ascontiguousarray(a)
        h.update(repr(a.shape).encode())
        h.update(a[:: max(1, len(a) // 256)].tobytes())
    return h.hexdigest()


def shared_config(config, base, epochs, seed):
    """``config`` with the data, epochs and seed of ``base`` (so every architecture sees the same)."""
    return replace(config, dataset=base.dataset, n_samples=base.n_samples, noise=base.noise,
                   epochs=int(epochs), seed=int(seed))


def result_key(config, dataset):
    """What identifies a trained result: the model, the training settings, the data."""
    return repr((config.model_key(), config.optimizer, config.lr, config.schedule, config.batch_size,
                 config.epochs, config.l2, data_fingerprint(dataset)))


def _steps(config, dataset):
    return config.epochs * -(-len(dataset.x_train) // config.batch_size)


def train_one(label, config, dataset, progress=None):
    """Train one config on ``dataset`` (validating on its held-out part) and return a CompareResult.

    ``progress(steps_done)`` is called after every step. A config that cannot be built for this data,
    or a run that diverges, gives a result with ``error`` set instead of raising.
    """
    key, description = result_key(config, dataset), config_line(config, dataset)
    try:
        net = build_network(config, dataset)
    except ValueError as exc:
        return CompareResult(label, key, description, History(), 0, 0.0, {},
                             error=_("cannot build {arch}: {problem}", arch=label, problem=exc))
    session = TrainingSession(net, snapshots=False)
    history = session.history
    error = None
    try:
        for record in session.run(dataset, config, hist_every=0):
            if isinstance(record, StepRecord) and progress is not None:
                progress(record.step)
            if isinstance(record, ErrorRecord):
                error = _("{arch}: {problem}", arch=label, problem=record.message)
    except ValueError as exc:  # e.g. the output layer does not fit the labels
        error = _("{arch} cannot train on “{data}”: {problem}", arch=label, data=dataset.name, problem=exc)
    return _result(label, key, description, net, history, dataset, error)


def _result(label, key, description, net, history, dataset, error=None):
    last = history.epochs[-1] if history.epochs else None
    final = {} if last is None else {"train_loss": last.train_loss, "train_acc": last.train_acc,
                                     "val_loss": last.val_loss, "val_acc": last.val_acc}
    boundary = None
    if dataset.n_features == 2 and dataset.task == "classification" and error is None:
        boundary = decision_grid(net, dataset.x_train)
    return CompareResult(label, key, description, history, net.n_params, last.seconds if last else 0.0, final,
                         boundary, error)


def session_result(label, session, dataset, description):
    """A CompareResult of a network trained elsewhere — a ``TrainingSession`` such as the Training page's run
    or a branch the Replay page trained from an earlier epoch — so the Compare page can show already-trained
    results beside each other. Its key names the trained weights and the data (no config retrains it);
    a run that ended in an error carries that error."""
    key = f"trained:{weights_fingerprint(session.net)}:{data_fingerprint(dataset)}"
    error = session.history.errors[-1].message if session.history.errors else None
    return _result(label, key, description, session.net, session.history, dataset, error)


def run_comparison(configs, dataset, cache, progress=None, workers=1):
    """Train each (label, config) not already in ``cache`` (a dict key -> CompareResult).

    Parameters
    ----------
    configs : list of (label, LabConfig), 2 to 4 of them, already sharing data, epochs and seed
    dataset : the one Dataset they all train on
    cache : dict, updated in place; results for other keys are evicted beyond MAX_CACHE entries
    progress : optional ``f(fraction in [0, 1], text)``
    workers : with more than 1 and more than one config to train, each trains in its own process, up to
        ``workers`` at once (``compare_pool``); else one after another in this thread
    Returns
    -------
    list of CompareResult in the order of ``configs`` (labels taken from ``configs``)
    """
    if not MIN_CONFIGS <= len(configs) <= MAX_CONFIGS:
        raise ValueError(_("{n} architectures given: compare between {low} and {high}", n=len(configs),
                           low=MIN_CONFIGS, high=MAX_CONFIGS))
    labels = [label for label, _config in configs]
    if len(set(labels)) != len(labels):
        raise ValueError(_("the names {names} repeat; give each architecture its own name", names=labels))
    keys = [result_key(cfg, dataset) for _label, cfg in configs]
    todo = [(i, label, cfg) for i, ((label, cfg), key) in enumerate(zip(configs, keys)) if key not in cache]
    total = sum(_steps(cfg, dataset) for _i, _label, cfg in todo) or 1
    fresh = {}  # index -> a result of this call that must not be cached (its worker failed)
    if workers > 1 and len(todo) > 1:
        fresh = _train_in_processes(todo, keys, dataset, cache, progress, total, workers)
    else:
        _train_here(todo, keys, dataset, cache, progress, total)
    if progress is not None:
        progress(1.0, _("Done: {trained} trained, {reused} reused from the cache.", trained=len(todo),
                        reused=len(configs) - len(todo)))
    for key in [k for k in cache if k not in keys][: max(0, len(cache) - MAX_CACHE)]:
        del cache[key]
    return [replace(fresh.get(i) or cache[key], label=label) for i, ((label, _config), key)
            in enumerate(zip(configs, keys))]


def _train_here(todo, keys, dataset, cache, progress, total):
    done = 0
    for n, (i, label, cfg) in enumerate(todo, start=1):
        text = _("Training {arch} ({n} of {total})…", arch=label, n=n, total=len(todo))

        def step(k, base=done, text=text):
            if progress is not None and (k % 20 == 0):
                progress(min(1.0, (base + k) / total), text)
        cache[keys[i]] = train_one(label, cfg, dataset, step)
        done += _steps(cfg, dataset)


def _train_in_processes(todo, keys, dataset, cache, progress, total, workers):
    """``todo`` trained side by side; returns {index: result} of the workers that failed (not cached)."""
    jobs = [(label, cfg) for _i, label, cfg in todo]
    text = _("Training {n} architectures side by side, {workers} at a time…", n=len(todo),
             workers=min(workers, len(todo)))  # len(todo) > 1 here

    def report(steps):
        if progress is not None:
            progress(min(1.0, sum(steps.values()) / total), text)
    results, failed = train_side_by_side(jobs, dataset, workers, report)
    fresh = {}
    for n, ((i, _label, _cfg), result) in enumerate(zip(todo, results)):
        if n in failed:
            fresh[i] = result
        else:
            cache[keys[i]] = result
    return fresh


# ---- tables -----------------------------------------------------------------------------------------

def epoch_frame(results):
    """Long format for the curves: architecture, epoch, split (train/validation), metric, value."""
    frames = [epoch_long_frame(r.history.epochs).assign(architecture=r.label) for r in results]
    cols = ["architecture", "epoch", "split", "metric", "value"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def _best(values, epochs, lowest):
    pairs = [(v, e) for v, e in zip(values, epochs) if v is not None]
    if not pairs:
        return None, None
    return min(pairs) if lowest else max(pairs, key=lambda p: (p[0], -p[1]))


# The metrics table as shown on the page: short headers so it fits the page width (full names in the
# CSV); the layers are described above the table, the best *train* numbers only in the CSV.
METRIC_LABELS = {"parameters": N_("params"), "training time (s)": N_("time (s)"), "epochs": N_("epochs"),
                 "final train loss": N_("train loss"), "final val loss": N_("val loss"),
                 "final train accuracy": N_("train acc"), "final val accuracy": N_("val acc"),
                 "best val loss": N_("best val loss"), "best val accuracy": N_("best val acc"),
                 "best epoch": N_("best epoch"), "problem": N_("problem")}


def metrics_table(results):
    """One row per architecture: parameters, training time, final and best loss/accuracy, best epoch.

    The best epoch is the one with the lowest validation loss (the usual early-stopping choice).
    """
    rows = []
    for r in results:
        ep = r.history.epochs
        epochs = [e.epoch for e in ep]
        best_val_loss, best_epoch = _best([e.val_loss for e in ep], epochs, lowest=True)
        rows.append({
            "architecture": r.label, "layers": r.description, "parameters": r.n_params,
            "training time (s)": float(f"{r.seconds:.2g}"), "epochs": len(ep),
            "final train loss": r.final.get("train_loss"), "final val loss": r.final.get("val_loss"),
            "final train accuracy": r.final.get("train_acc"), "final val accuracy": r.final.get("val_acc"),
            "best train loss": _best([e.train_loss for e in ep], epochs, True)[0],
            "best val loss": best_val_loss,
            "best train accuracy": _best([e.train_acc for e in ep], epochs, False)[0],
            "best val accuracy": _best([e.val_acc for e in ep], epochs, False)[0],
            "best epoch": best_epoch, "problem": r.error or ""})
    return pd.DataFrame(rows)


def leaders(results):
    """[Leader] for the lowest held-out loss and, with accuracies, the highest held-out accuracy, each at its best
    epoch (the numbers of the table's "best" columns); results without epochs or with an error take no part."""
    out = []
    for metric, lowest in (("val_loss", True), ("val_acc", False)):
        best = {}
        for r in results:
            epochs = r.history.epochs
            value, epoch = _best([getattr(e, metric) for e in epochs], [e.epoch for e in epochs], lowest)
            if value is not None and r.error is None:
                best[r.label] = (float(value), epoch)
        if len(best) < 2:
            continue
        pick = min if lowest else max
        top = round(pick(v for v, _e in best.values()), 4)
        labels = tuple(label for label, (v, _e) in best.items() if round(v, 4) == top)
        rest = tuple((label, v, e) for label, (v, e) in best.items() if label not in labels)
        out.append(Leader(metric, labels, best[labels[0]][0], best[labels[0]][1], rest))
    return out


def grad_norm_frame(results):
    """Mean gradient norm per (architecture, epoch, layer): architecture, epoch, layer, grad_norm."""
    frames = []
    for r in results:
        layers = r.history.layer_frame()
        if len(layers):
            mean = layers.groupby(["epoch", "layer"], as_index=False)["grad_norm"].mean()
            mean.insert(0, "architecture", r.label)
            frames.append(mean)
    cols = ["architecture", "epoch", "layer", "grad_norm"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def comparison_csv(results):
    """The whole comparison as one CSV table: one row per (architecture, epoch), each row carrying
    that architecture's summary (parameters, time, best epoch …) next to the epoch's numbers; one table
    rather than two blocks, so spreadsheet tools read it as is. Architecture names and layer descriptions
    come from the user: text a spreadsheet would run as a formula is neutralised (``data.spreadsheet``)."""
    summary = metrics_table(results)
    per_epoch = pd.concat([r.history.epoch_frame().assign(architecture=r.label) for r in results], ignore_index=True)
    merged = summary.merge(per_epoch, on="architecture", how="left")
    return safe_for_spreadsheet(merged).to_csv(index=False)
