"""Read a training history and say in plain words what went wrong — or what was checked and found fine.

Pure: a History (and what the user already chose, a ``Setup``) in, a list of Findings out, each with the numbers
it is based on, so a page can show it and a test can check it. A finding names something that hurts training
and actions not already taken (no "use He initialisation" when He is chosen). Per-step checks read the most
recent steps (a fifth of the run, 10 to 200), so one odd batch does not trigger them.

Rules of thumb used (all named constants below):
- vanishing: the first layer's ‖∂L/∂W‖ (median of recent steps) is under 1 % of the last layer's; exploding:
  over 100 ×, or a norm above 1,000;
- dead ReLUs: on every recent batch at least 25 % of a layer's ReLUs output 0 for every sample — reported when
  half the layer is lost, or while training is held back (the loss still above half its starting value);
- saturation: at least 25 % of a hidden sigmoid/tanh layer's outputs at the flat ends of the curve (median of
  recent steps), while training is held back. A network that learns well may saturate on purpose (sharp
  decision boundaries), so saturation alone is not a problem;
- update / weight ratio ‖ΔW‖/‖W‖ per step more than 30 × away from 1e-3 (too small is not reported once a
  schedule has brought the learning rate below a quarter of its peak, nor where vanishing gradients explain it);
- loss: diverged (NaN/inf), rising by half, or falling by less than 5 % over the run;
- overfitting: the validation loss rising for a sustained stretch while the training loss falls
  (``nnlab.lab.overfitting``).
"""
from dataclasses import dataclass

import numpy as np

from ..i18n import N_, _
from ..i18n.numbers import percent, sig
from .advice import (Setup, better_init, dead_actions, lower_lr, overfitting_actions, saturation_actions,
                     vanishing_actions)
from .describe import layer_in_words
from .overfitting import MIN_EPOCHS, check_held_out

VANISH_RATIO, EXPLODE_RATIO, EXPLODE_NORM = 1e-2, 1e2, 1e3
DEAD_SHARE, DEAD_ALONE, SATURATED_SHARE = 0.25, 0.5, 0.25
HELD_BACK = 0.5  # the loss is still above this share of its starting value: unit problems are holding it back
GUIDE_RATIO, RATIO_FACTOR = 1e-3, 30.0
DECAYED_LR = 0.25  # recent learning rate below this share of the run's peak: a schedule decayed it on purpose
MIN_DROP, RISE = 0.05, 1.5
MIN_STEPS = 10  # fewer steps than this: too early to judge anything but divergence


@dataclass(frozen=True)
class Finding:
    kind: str  # vanishing | exploding | no_gradient | dead | saturated | small_updates | large_updates |
    #            diverged | loss_rising | not_decreasing | overfitting | ok
    severity: str  # "error" | "warning" | "info" | "ok"
    message: str
    layer: str | None = None
    value: float | None = None
    items: tuple = ()  # what to try (a problem), or what was checked ("ok"): one sentence each
    epoch: int | None = None  # overfitting: the best epoch

    def text(self):
        """The message with its items as a Markdown list, for the page."""
        return self.message + "".join(f"\n- {item}" for item in self.items)


# ---- the checks --------------------------------------------------------------------------------------------

def _window(steps):
    n = len(steps)
    return steps[-int(np.clip(n // 5, MIN_STEPS, 200)):]


def _values(window, layer, key):
    values = [r.layers[layer][key] for r in window if key in r.layers.get(layer, {})]
    return [v for v in values if np.isfinite(v)]


def _median(window, layer, key):
    values = _values(window, layer, key)
    return float(np.median(values)) if values else None


def _gradient_findings(window, layers, setup, lr):
    norms = {name: _median(window, name, "grad_norm") for name in layers}
    known = [v for v in norms.values() if v is not None]
    if known and all(v == 0 for v in known):
        return [Finding("no_gradient", "error", _(
            "No gradient reaches any weight: every ‖∂L/∂W‖ is 0 on recent batches, so nothing can learn. Usually "
            "every unit of a ReLU layer has died (see below)."),
            value=0.0, items=(_("Reset, then train with a lower learning rate than {lr}.", lr=sig(lr)),))]
    out = []
    first, last = layers[0], layers[-1]
    g_first, g_last = norms[first], norms[last]
    if len(layers) >= 2 and g_first is not None and g_last:
        ratio = g_first / g_last
        if ratio < VANISH_RATIO:
            out.append(Finding("vanishing", "warning", _(
                "Vanishing gradients: {first} gets {ratio} of the last layer's gradient (‖∂L/∂W‖ = {g_first} vs "
                "{g_last} for {last}), so the early layers barely learn.", first=layer_in_words(first),
                ratio=sig(ratio), g_first=sig(g_first), g_last=sig(g_last), last=layer_in_words(last)),
                first, ratio, tuple(vanishing_actions(setup))))
        elif ratio > EXPLODE_RATIO:
            out.append(Finding("exploding", "warning", _(
                "Exploding gradients: {first} gets {ratio} × the last layer's gradient (‖∂L/∂W‖ = {g_first} vs "
                "{g_last}).", first=layer_in_words(first), ratio=sig(ratio), g_first=sig(g_first),
                g_last=sig(g_last)), first, ratio, (lower_lr(lr), *better_init(setup))))
    big = [(name, g) for name, g in norms.items() if g is not None and g > EXPLODE_NORM]
    if big and not any(f.kind == "exploding" for f in out):
        name, g = max(big, key=lambda item: item[1])
        out.append(Finding("exploding", "warning", _(
            "Exploding gradients: ‖∂L/∂W‖ of {where} is {norm}.", where=layer_in_words(name), norm=sig(g)),
            name, g, (lower_lr(lr), *better_init(setup))))
    return out


def _unit_shares(window, layers):
    """{layer: share} of dead ReLUs (the least over the recent batches: units silent on every one of them)
    and of saturated hidden outputs (the median); the output layer may saturate by design."""
    dead, saturated = {}, {}
    for name in layers:
        values = _values(window, name, "dead_frac")
        if values:
            dead[name] = float(min(values))
        sat = _median(window, name, "saturated_frac")
        if sat is not None and name != layers[-1]:
            saturated[name] = sat
    return dead, saturated


def _unit_findings(window, layers, setup, lr, held_back):
    """``held_back``: the loss is still above HELD_BACK of its start (None when too early to say)."""
    dead, saturated = _unit_shares(window, layers)
    out = []
    for name, share in dead.items():
        values = {"n": len(window), "share": percent(share), "where": layer_in_words(name)}
        if share >= DEAD_ALONE:
            message = _("Dead ReLUs: on each of the last {n} batches at least {share} of {where}'s units output 0 "
                        "for every sample, so no gradient flows through them: at least half of the layer has stopped "
                        "learning.", **values)
        elif share >= DEAD_SHARE and held_back:
            message = _("Dead ReLUs: on each of the last {n} batches at least {share} of {where}'s units output 0 "
                        "for every sample, so no gradient flows through them, and training is held back: the loss is "
                        "still {loss} of its starting value.", **values, loss=percent(held_back))
        else:
            continue
        out.append(Finding("dead", "warning", message, name, share, tuple(dead_actions(setup, lr))))
    for name, share in saturated.items():
        if share >= SATURATED_SHARE and held_back:
            out.append(Finding("saturated", "warning", _(
                "{share} of {where}'s outputs are saturated (on the flat ends of its sigmoid/tanh, where the slope "
                "is almost 0), which shrinks the gradient passing back, and the loss is still {loss} of its "
                "starting value.", share=percent(share), where=layer_in_words(name), loss=percent(held_back)),
                name, share, tuple(saturation_actions(setup))))
    return out


def _update_findings(window, layers, lr, skip_small=False):
    """``skip_small``: a schedule has lowered the learning rate well below its peak (small updates are intended),
    or vanishing gradients already explain them."""
    ratios = {name: _median(window, name, "update_ratio") for name in layers}
    ratios = {k: v for k, v in ratios.items() if v is not None and v > 0}
    out = []
    small = {k: v for k, v in ratios.items() if v < GUIDE_RATIO / RATIO_FACTOR}
    large = {k: v for k, v in ratios.items() if v > GUIDE_RATIO * RATIO_FACTOR}
    for kind, group in (("small_updates", {} if skip_small else small), ("large_updates", large)):
        if not group:
            continue
        names = ", ".join(layer_in_words(k) for k in group)
        lo, hi = min(group.values()), max(group.values())
        span = sig(lo) if len(group) == 1 else f"{sig(lo)} … {sig(hi)}"
        worst = min(group, key=group.get) if kind == "small_updates" else max(group, key=group.get)
        if kind == "small_updates":
            message = _("Update / weight ratio {span} in {where}, far below the usual ≈ {guide} per step: those "
                        "weights barely move.", span=span, where=names, guide=sig(GUIDE_RATIO))
            items = (_("Raise the learning rate (now {lr}).", lr=sig(lr)),)
        else:
            message = _("Update / weight ratio {span} in {where}, far above the usual ≈ {guide} per step: those "
                        "weights jump around.", span=span, where=names, guide=sig(GUIDE_RATIO))
            items = (lower_lr(lr),)
        out.append(Finding(kind, "info", message, worst, group[worst], items))
    return out


def _end_means(means, k):
    """Mean loss over the first and over the last whole stretches of a History's ``loss_means`` that cover at
    least ``k`` batches, and how many batches each covers (exactly ``k`` while nothing is thinned)."""
    def cover(stretches):
        total = count = 0
        for _step, _epoch, mean, n in stretches:
            total, count = total + mean * n, count + n
            if count >= k:
                break
        return total / count, count
    return cover(means), cover(list(reversed(means)))


def _loss_span(history):
    """(k, mean loss of the first k batches, mean of the last k_end, k_end) from the History's stretch means
    (so a long, thinned run still uses every batch), or None with fewer than MIN_STEPS batches."""
    means = history.loss_means()
    n_batches = sum(m[3] for m in means)
    if n_batches < MIN_STEPS:
        return None
    (start, k), (end, k_end) = _end_means(means, max(3, n_batches // 10))
    return k, start, end, k_end


def _loss_findings(span, lr):
    if span is None:
        return []
    k, start, end, k_end = span
    if end > RISE * start:
        message = (_("The loss went up, from {start} to {end} (mean of the first and last {k} batches): the learning "
                     "rate is probably too high.", start=sig(start), end=sig(end), k=k) if k == k_end else
                   _("The loss went up, from {start} (mean of the first {k:,} batches) to {end} (mean of the last "
                     "{k_end:,}): the learning rate is probably too high.", start=sig(start), end=sig(end), k=k,
                     k_end=k_end))
        return [Finding("loss_rising", "warning", message, value=end / start, items=(lower_lr(lr),))]
    if end > (1 - MIN_DROP) * start:
        message = (_("The loss is not decreasing: {start} over the first {k} batches, {end} over the last {k}. The "
                     "network is not learning; check the findings above, the learning rate and the initialisation.",
                     start=sig(start), end=sig(end), k=k) if k == k_end else
                   _("The loss is not decreasing: {start} over the first {k:,} batches, {end} over the last {k_end:,}. "
                     "The network is not learning; check the findings above, the learning rate and the "
                     "initialisation.", start=sig(start), end=sig(end), k=k, k_end=k_end))
        return [Finding("not_decreasing", "warning", message, value=end / start)]
    return []


def _overfitting_findings(check, setup):
    if check is None or not check.rising:
        return []
    if not check.overfitting:
        return [Finding("overfitting_start", "info", _(
            "Overfitting may be starting: the validation loss was lowest at epoch {best} ({best_loss}) and is now "
            "{rise} higher ({recent}, median of the last {k} epochs), more than its epoch-to-epoch noise, while the "
            "training loss still falls. If it keeps rising the network is memorising its training samples; epoch "
            "{best} is the best so far.", best=check.best_epoch, best_loss=sig(check.best_loss),
            rise=percent(check.rise), recent=sig(check.recent_loss), k=check.window),
            value=check.rise, items=tuple(overfitting_actions(setup, check.best_epoch)), epoch=check.best_epoch)]
    return [Finding("overfitting", "warning", _(
        "Overfitting: the validation loss was lowest at epoch {best} ({best_loss}) and has risen since, to {recent} "
        "(median of the last {k} epochs), while the training loss kept falling ({train_best} at epoch {best}, "
        "{train_now} now). The network is memorising its training samples; epoch {best} is the best epoch.",
        best=check.best_epoch, best_loss=sig(check.best_loss), recent=sig(check.recent_loss), k=check.window,
        train_best=sig(check.train_at_best), train_now=sig(check.train_recent)),
        value=check.rise, items=tuple(overfitting_actions(setup, check.best_epoch)), epoch=check.best_epoch)]


def _share_checked(shares, limit, span, below, above):
    """The sentence on the layer with the largest share of dead (or saturated) units, as a passed check:
    ``below`` the warning's ``limit``, or ``above`` it while the loss still fell a lot (no harm done)."""
    if not shares or not span:
        return []
    layer = max(shares, key=shares.get)
    values = {"share": percent(shares[layer]), "where": layer_in_words(layer)}
    if shares[layer] < limit:
        return [_(below, **values, limit=percent(limit))]
    return [_(above, **values, loss=percent(span[2] / span[1]))]


def _checked(window, layers, span, check):
    """What was checked and found fine, one sentence each (the "ok" finding's items)."""
    items = []
    norms = [_median(window, name, "grad_norm") for name in layers]
    if len(layers) >= 2 and norms[0] is not None and norms[-1]:
        items.append(_("Gradient flow: {first} gets {ratio} × the last layer's gradient (a warning below {lo} or "
                       "above {hi} ×).", first=layer_in_words(layers[0]), ratio=sig(norms[0] / norms[-1]),
                       lo=sig(VANISH_RATIO), hi=sig(EXPLODE_RATIO)))
    dead, saturated = _unit_shares(window, layers)
    items += _share_checked(dead, DEAD_SHARE, span, N_(
        "Dead ReLUs: no layer has more than {share} of its units silent on every recent batch (most: {where}); a "
        "warning from {limit}."), N_(
        "Dead ReLUs: up to {share} of {where}'s units are silent on every recent batch, but they do not hold "
        "training back: the loss fell to {loss} of its starting value."))
    items += _share_checked(saturated, SATURATED_SHARE, span, N_(
        "Saturated sigmoid/tanh outputs: at most {share} of a hidden layer's (most: {where}); a warning from "
        "{limit}."), N_(
        "Saturated sigmoid/tanh outputs: {share} of {where}'s, but they do not hold training back: the loss fell "
        "to {loss} of its starting value."))
    ratios = [r for r in (_median(window, name, "update_ratio") for name in layers) if r is not None and r > 0]
    if ratios:
        lo, hi = sig(min(ratios), 2), sig(max(ratios), 2)
        items.append(_("Update / weight ratios {span} per step (a note outside {a} … {b}).",
                       span=lo if lo == hi else f"{lo} … {hi}", a=sig(GUIDE_RATIO / RATIO_FACTOR, 2),
                       b=sig(GUIDE_RATIO * RATIO_FACTOR, 2)))
    if span is not None:
        k, start, end, k_end = span
        items.append(_("The loss fell from {start} to {end} (mean of the first and last {k} batches).",
                       start=sig(start), end=sig(end), k=k) if k == k_end else
                     _("The loss fell from {start} (mean of the first {k:,} batches) to {end} (mean of the last "
                       "{k_end:,}).", start=sig(start), end=sig(end), k=k, k_end=k_end))
    if check is None:
        items.append(_("Overfitting: not checked yet; it needs a validation loss for at least {n} epochs.",
                       n=MIN_EPOCHS))
    else:
        items.append(_("Overfitting: no sustained rise of the validation loss (lowest at epoch {best}, {best_loss}; "
                       "{recent} over the last {k} epochs).", best=check.best_epoch, best_loss=sig(check.best_loss),
                       recent=sig(check.recent_loss), k=check.window))
    return items


def diagnose(history, setup=None):
    """Findings for a History, most serious first; one "ok" finding, saying what was checked, when nothing looks
    wrong. ``setup``: what the user already chose (``setup_for``), so advice never repeats it.

    Returns
    -------
    list of Finding; empty when there is nothing to judge yet (fewer than MIN_STEPS steps and no errors).
    """
    setup = setup or Setup()
    steps = history.steps
    lr = steps[-1].lr if steps else None
    findings = [Finding("diverged", "error", _(
        "Training diverged at step {step} (epoch {epoch}): the loss or the weights became NaN or infinite.",
        step=e.step, epoch=e.epoch), value=e.details.get("loss"),
        items=((lower_lr(lr),) if lr else ()) + tuple(better_init(setup))) for e in history.errors[-1:]]
    if len(steps) < MIN_STEPS:
        return findings
    window = _window(steps)
    layers = list(steps[-1].layers)
    span = _loss_span(history)
    held_back = span[2] / span[1] if span and span[1] > 0 and span[2] > HELD_BACK * span[1] else None
    check = check_held_out(history.epochs)
    if layers:
        gradient = _gradient_findings(window, layers, setup, lr)
        decayed = np.median([r.lr for r in window]) < DECAYED_LR * max(r.lr for r in steps)
        vanishing = any(f.kind == "vanishing" for f in gradient)
        findings += gradient + _unit_findings(window, layers, setup, lr, held_back)
        findings += _update_findings(window, layers, lr, skip_small=decayed or vanishing)
    findings += _loss_findings(span, lr) + _overfitting_findings(check, setup)
    if not findings:
        findings.append(Finding("ok", "ok", _("No problems found in these checks:"),
                                items=tuple(_checked(window, layers, span, check))))
    order = {"error": 0, "warning": 1, "info": 2, "ok": 3}
    return sorted(findings, key=lambda f: order[f.severity])
