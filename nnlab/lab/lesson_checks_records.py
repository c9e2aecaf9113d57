"""Lesson checks answered from the trainer's records: gradient norms, update ratios, dead units, losses.

Each reads the learner's StepRecord / EpochRecord / ErrorRecord lists (``Run.steps`` …) and nothing else, so
the answer is what *their* run measured. "The last epoch" is the epoch of the last step recorded: the
statistics of a half-finished epoch are still the learner's latest.
"""
import math
import statistics

from ..i18n import N_
from .lesson_run import NO_EPOCHS, NO_STEPS, Option, Question, band_of, band_options, not_ready
from .lesson_text import Message, fmt, percent, raw


def _sci(value):
    return f"{value:.2e}"


def last_epoch_steps(run):
    """(epoch, its StepRecords): the steps of the last epoch the run recorded."""
    if not run.steps:
        raise not_ready(NO_STEPS)
    epoch = run.steps[-1].epoch
    return epoch, [s for s in run.steps if s.epoch == epoch]


def layer_values(steps, stat):
    """Layer name -> the finite values of ``stat`` over ``steps``, in the records' layer order."""
    values = {}
    for step in steps:
        for name, stats in step.layers.items():
            value = stats.get(stat)
            if value is not None and math.isfinite(value):
                values.setdefault(name, []).append(value)
    return values


def _extreme_layer(run, stat, summary, smallest, explanation):
    epoch, steps = last_epoch_steps(run)
    per_layer = {name: summary(v) for name, v in layer_values(steps, stat).items()}
    if len(per_layer) < 2:
        raise not_ready(N_("This question compares layers, and the current model has fewer than two layers with "
                           "weights."))
    ranked = sorted(per_layer, key=per_layer.get)
    answer, other = (ranked[0], ranked[-1]) if smallest else (ranked[-1], ranked[0])
    return Question(tuple(Option(name, raw(name)) for name in per_layer), answer, Message(explanation, {
        "layer": answer, "value": _sci(per_layer[answer]), "epoch": str(epoch), "n": str(len(per_layer)),
        "other_layer": other, "other_value": _sci(per_layer[other])}))


def smallest_grad_layer(run, params):
    """Which layer had the smallest mean gradient norm ‖∂L/∂W‖ over the last epoch."""
    return _extreme_layer(run, "grad_norm", statistics.fmean, True, N_(
        "{layer}'s mean gradient norm in epoch {epoch} was {value}, the smallest of the {n} layers; the largest "
        "was {other_layer}'s, {other_value}."))


def largest_update_layer(run, params):
    """Which layer's weights moved most per step relative to their size (median ‖ΔW‖/‖W‖, last epoch)."""
    return _extreme_layer(run, "update_ratio", statistics.median, False, N_(
        "{layer}'s median update ratio ‖ΔW‖/‖W‖ in epoch {epoch} was {value}, the largest of the {n} layers; the "
        "smallest was {other_layer}'s, {other_value}."))


def dead_share(run, params):
    """What share of one layer's units was dead (never fired on a batch), averaged over the last epoch."""
    epoch, steps = last_epoch_steps(run)
    names = list(steps[-1].layers)
    k = params["layer"]
    if k > len(names):
        raise not_ready(N_("The current model has {n} layers with weights, so it has no layer {layer}."),
                        n=len(names), layer=k)
    name = names[k - 1]
    shares = layer_values(steps, "dead_frac").get(name)
    if not shares:
        raise not_ready(N_("{layer} has no ReLU, so none of its units can die: this question needs a ReLU layer."),
                        layer=name)
    share = statistics.fmean(shares)
    return Question(band_options(params["edges"]), band_of(share, params["edges"]), Message(N_(
        "On the batches of epoch {epoch}, on average {share} of {layer}'s units never fired: their ReLU output "
        "was 0 for every sample of the batch."), {"epoch": str(epoch), "share": percent(share), "layer": name}))


LOSS_OPTIONS = (Option("more_than_half", Message(N_("It fell by more than half."))),
                Option("less_than_half", Message(N_("It fell, but by less than half."))),
                Option("no_fall", Message(N_("It did not fall."))))


def loss_change(run, params):
    """How far the loss fell: the first batch's loss (before any update) against the last epoch's average."""
    if not run.steps:
        raise not_ready(NO_STEPS)
    if not run.epochs:
        raise not_ready(NO_EPOCHS)
    start, last = run.steps[0].loss, run.epochs[-1]
    values = {"start": fmt(start), "end": fmt(last.train_loss), "epoch": str(last.epoch)}
    if last.train_loss < start:
        drop = 1 - last.train_loss / start
        answer = "more_than_half" if drop > 0.5 else "less_than_half"
        return Question(LOSS_OPTIONS, answer, Message(N_(
            "The loss of the first batch, before any update, was {start}; the average training loss of epoch "
            "{epoch} was {end}, {drop} lower."), {**values, "drop": percent(drop)}))
    return Question(LOSS_OPTIONS, "no_fall", Message(N_(
        "The loss of the first batch, before any update, was {start}; the average training loss of epoch {epoch} "
        "was {end}: it did not fall."), values))


def _lr_text(lr):
    return f"{lr:g}"


NOT_DIVERGED = N_("Training has not diverged yet: raise the learning rate and train again.")
NO_STABLE_EPOCH = N_("Also train one whole epoch at a learning rate that works, so that you know on which side of "
                     "it training diverges.")


def divergence_lr(run, params):
    """The smallest learning rate at which the learner's training diverged (an ErrorRecord), among those tried."""
    if not run.errors:
        raise not_ready(NOT_DIVERGED)
    done = {e.epoch for e in run.epochs}
    stable = {s.lr for s in run.steps if s.epoch in done}
    if not stable:
        raise not_ready(NO_STABLE_EPOCH)
    first = min(run.errors, key=lambda e: (e.details.get("lr", math.inf), e.step))
    lr = first.details.get("lr", math.inf)
    tried = sorted(stable | {e.details.get("lr", math.inf) for e in run.errors})
    options = tuple(Option(_lr_text(v), raw(_lr_text(v))) for v in tried)
    values = {"lr": _lr_text(lr), "step": str(first.step),
              "stable": ", ".join(_lr_text(v) for v in sorted(stable - {lr}) or sorted(stable))}
    before = []  # the steps at this learning rate just before the divergence
    for step in (s for s in reversed(run.steps) if s.step < first.step):
        if step.lr != lr:
            break
        before.append(step)
    if not before:
        return Question(options, _lr_text(lr), Message(N_(
            "Your training diverged at learning rate {lr}, at step {step}; it trained whole epochs at {stable}."),
            values))
    layer = next(iter(before[-1].layers))
    return Question(options, _lr_text(lr), Message(N_(
        "Your training diverged at learning rate {lr}, at step {step}; it trained whole epochs at {stable}. In "
        "the steps at learning rate {lr} before it diverged, {layer}'s gradient norm went from {first} to "
        "{last}."), {**values, "layer": layer, "first": _sci(before[-1].layers[layer]["grad_norm"]),
                     "last": _sci(before[0].layers[layer]["grad_norm"])}))


def _epoch_bands(epochs, n_bands):
    """Split the epoch numbers into ``n_bands`` consecutive runs of (nearly) equal length."""
    n_bands = min(n_bands, len(epochs))
    cuts = [round(i * len(epochs) / n_bands) for i in range(n_bands + 1)]
    return [epochs[a:b] for a, b in zip(cuts, cuts[1:])]


def best_val_epoch(run, params):
    """In which part of training the validation loss was lowest — where training should have stopped."""
    measured = [e for e in run.epochs if e.val_loss is not None and math.isfinite(e.val_loss)]
    if len(measured) < 2:
        raise not_ready(N_("Train at least two epochs first: the validation loss is measured after each epoch."))
    bands = _epoch_bands([e.epoch for e in measured], params["bands"])
    options = tuple(Option(f"epochs{b[0]}", Message(N_("epoch {first}"), {"first": str(b[0])}) if len(b) == 1 else
                           Message(N_("epochs {first} to {last}"), {"first": str(b[0]), "last": str(b[-1])}))
                    for b in bands)
    best = min(measured, key=lambda e: e.val_loss)
    last = measured[-1]
    answer = next(f"epochs{b[0]}" for b in bands if best.epoch in b)
    values = {"best": str(best.epoch), "best_loss": fmt(best.val_loss), "last": str(last.epoch),
              "last_loss": fmt(last.val_loss), "train_best": fmt(best.train_loss), "train_last": fmt(last.train_loss)}
    if last.val_loss > 1.1 * best.val_loss and last.train_loss < best.train_loss:
        return Question(options, answer, Message(N_(
            "The validation loss was lowest after epoch {best} ({best_loss}) and rose to {last_loss} by epoch "
            "{last}, while the training loss fell from {train_best} to {train_last}: after epoch {best} the network "
            "overfits the training set."), values))
    return Question(options, answer, Message(N_(
        "The validation loss was lowest after epoch {best} ({best_loss}); after epoch {last} it was {last_loss}."),
        values))


def accuracy_band(run, params):
    """The held-out accuracy after the last epoch, as a band."""
    measured = [e for e in run.epochs if e.val_acc is not None]
    if not measured:
        raise not_ready(NO_EPOCHS)
    last = measured[-1]
    return Question(band_options(params["edges"]), band_of(last.val_acc, params["edges"]), Message(N_(
        "After epoch {epoch} your network classified {accuracy} of the held-out samples correctly: samples it "
        "never trained on."), {"epoch": str(last.epoch), "accuracy": percent(last.val_acc)}))
