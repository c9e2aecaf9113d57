"""Read a training history and say in plain words what went wrong (or that nothing did).

Pure: a History in, a list of Findings out, each with the numbers it is based on, so a page can show
it and a test can check it. Every check looks at the median over the most recent steps, so one odd
batch does not trigger it.

Rules of thumb used (all named constants below):
- vanishing: the first layer's ‖∂L/∂W‖ is under 1 % of the last layer's; exploding: over 100 ×, or a norm
  above 1,000;
- dead ReLUs: at least 25 % of a layer's ReLU units never fire on a batch;
- saturation: at least 25 % of a hidden sigmoid/tanh layer's outputs sit at the flat ends of the curve;
- update / weight ratio ‖ΔW‖/‖W‖ per step more than 30 × away from 1e-3 (too small is not reported once a
  schedule has brought the learning rate below a quarter of its peak);
- loss: diverged (NaN/inf), rising by half, or falling by less than 5 % over the run.
"""
from dataclasses import dataclass

import numpy as np

from ..i18n import _
from .describe import layer_in_words

VANISH_RATIO, EXPLODE_RATIO, EXPLODE_NORM = 1e-2, 1e2, 1e3
DEAD_SHARE, SATURATED_SHARE = 0.25, 0.25
GUIDE_RATIO, RATIO_FACTOR = 1e-3, 30.0
DECAYED_LR = 0.25  # recent learning rate below this share of the run's peak: a schedule decayed it on purpose
MIN_DROP, RISE = 0.05, 1.5
MIN_STEPS = 10  # fewer steps than this: too early to judge anything but divergence


@dataclass(frozen=True)
class Finding:
    kind: str  # vanishing | exploding | no_gradient | dead | saturated | small_updates | large_updates |
    #            diverged | loss_rising | not_decreasing | ok
    severity: str  # "error" | "warning" | "info" | "ok"
    message: str
    layer: str | None = None
    value: float | None = None


def sci(value):
    """A number as people write it: 1.6e-5, 0.023, 1,250."""
    value = float(value)
    if value == 0 or not np.isfinite(value):
        return f"{value:g}"
    if 100 <= abs(value) < 1e4:
        return f"{value:,.0f}"
    if 1e-2 <= abs(value) < 100:
        return f"{value:.3g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def _window(steps):
    n = len(steps)
    return steps[-int(np.clip(n // 5, MIN_STEPS, 200)):]


def _median(window, layer, key):
    values = [r.layers[layer][key] for r in window if key in r.layers.get(layer, {})]
    values = [v for v in values if np.isfinite(v)]
    return float(np.median(values)) if values else None


def _gradient_findings(window, layers):
    norms = {name: _median(window, name, "grad_norm") for name in layers}
    known = [v for v in norms.values() if v is not None]
    if known and all(v == 0 for v in known):
        return [Finding("no_gradient", "error",
                        "No gradient reaches any weight: every ‖∂L/∂W‖ is 0 on recent batches, so nothing can "
                        "learn. Usually every unit of a ReLU layer has died (see below); restart with a lower "
                        "learning rate.", value=0.0)]
    out = []
    first, last = layers[0], layers[-1]
    g_first, g_last = norms[first], norms[last]
    if len(layers) >= 2 and g_first is not None and g_last:
        ratio = g_first / g_last
        if ratio < VANISH_RATIO:
            out.append(Finding("vanishing", "warning",
                               f"Vanishing gradients: {layer_in_words(first)} gets {sci(ratio)} of the last layer's "
                               f"gradient (‖∂L/∂W‖ = {sci(g_first)} vs {sci(g_last)} for {layer_in_words(last)}), so "
                               f"the early layers barely learn. Try ReLU activations, He initialisation or fewer "
                               f"layers.", first, ratio))
        elif ratio > EXPLODE_RATIO:
            out.append(Finding("exploding", "warning",
                               f"Exploding gradients: {layer_in_words(first)} gets {sci(ratio)} × the last layer's "
                               f"gradient (‖∂L/∂W‖ = {sci(g_first)} vs {sci(g_last)}). Lower the learning rate or "
                               f"use a smaller initialisation.", first, ratio))
    big = [(name, g) for name, g in norms.items() if g is not None and g > EXPLODE_NORM]
    if big and not any(f.kind == "exploding" for f in out):
        name, g = max(big, key=lambda item: item[1])
        out.append(Finding("exploding", "warning",
                           f"Exploding gradients: ‖∂L/∂W‖ of {layer_in_words(name)} is {sci(g)}. Lower the learning "
                           f"rate or use a smaller initialisation.", name, g))
    return out


def _unit_findings(window, layers):
    out = []
    for name in layers:
        dead = _median(window, name, "dead_frac")
        if dead is not None and dead >= DEAD_SHARE:
            out.append(Finding("dead", "warning",
                               f"{dead:.0%} of {layer_in_words(name)}'s ReLUs are dead: they output 0 for every "
                               f"sample of a batch, so no gradient flows through them. A lower learning rate, "
                               f"He initialisation or leaky ReLU helps.", name, dead))
        sat = _median(window, name, "saturated_frac")
        # a confident output unit is saturated by design; only hidden layers lose gradient this way
        if sat is not None and sat >= SATURATED_SHARE and name != layers[-1]:
            out.append(Finding("saturated", "warning",
                               f"{sat:.0%} of {layer_in_words(name)}'s outputs are saturated (on the flat ends of "
                               f"its sigmoid/tanh, where the slope is almost 0), which shrinks the gradient "
                               f"passing back. Scale the inputs, use Xavier initialisation or ReLU.", name, sat))
    return out


def _update_findings(window, layers, decayed=False):
    """``decayed``: the schedule has lowered the learning rate well below its peak, so small updates are
    intended (cosine / step decay at the end of a run) and are not reported."""
    ratios = {name: _median(window, name, "update_ratio") for name in layers}
    ratios = {k: v for k, v in ratios.items() if v is not None and v > 0}
    out = []
    small = {k: v for k, v in ratios.items() if v < GUIDE_RATIO / RATIO_FACTOR}
    large = {k: v for k, v in ratios.items() if v > GUIDE_RATIO * RATIO_FACTOR}
    for kind, group, advice in (
            ("small_updates", small, "those weights barely move; raise the learning rate (or fix vanishing "
                                     "gradients)"),
            ("large_updates", large, "those weights jump around; lower the learning rate")):
        if group and not (decayed and kind == "small_updates"):
            names = ", ".join(layer_in_words(k) for k in group)
            lo, hi = min(group.values()), max(group.values())
            span = sci(lo) if len(group) == 1 else f"{sci(lo)} … {sci(hi)}"
            worst = min(group, key=group.get) if kind == "small_updates" else max(group, key=group.get)
            out.append(Finding(kind, "info",
                               f"Update / weight ratio {span} in {names}, far from the usual ≈ {sci(GUIDE_RATIO)} "
                               f"per step: {advice}.", worst, group[worst]))
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
    return cover(means), cover(reversed(means))


def _loss_findings(means):
    n_batches = sum(m[3] for m in means)
    if n_batches < MIN_STEPS:
        return [], None
    (start, k), (end, k_end) = _end_means(means, max(3, n_batches // 10))
    if end > RISE * start:
        message = (f"The loss went up, from {sci(start)} to {sci(end)} (mean of the first and last {k} "
                   f"batches): the learning rate is probably too high." if k == k_end else
                   _("The loss went up, from {start} (mean of the first {k:,} batches) to {end} (mean of the last "
                     "{k_end:,}): the learning rate is probably too high.", start=sci(start), end=sci(end), k=k,
                     k_end=k_end))
        return [Finding("loss_rising", "warning", message, value=end / start)], (start, end)
    if end > (1 - MIN_DROP) * start:
        message = (f"The loss is not decreasing: {sci(start)} over the first {k} batches, {sci(end)} over the "
                   f"last {k}. The network is not learning; check the findings above, the learning rate and "
                   f"the initialisation." if k == k_end else
                   _("The loss is not decreasing: {start} over the first {k:,} batches, {end} over the last "
                     "{k_end:,}. The network is not learning; check the findings above, the learning rate and the "
                     "initialisation.", start=sci(start), end=sci(end), k=k, k_end=k_end))
        return [Finding("not_decreasing", "warning", message, value=end / start)], (start, end)
    return [], (start, end)


def diagnose(history):
    """Findings for a History, most serious first; one "ok" finding when nothing looks wrong.

    Returns
    -------
    list of Finding; empty when there is nothing to judge yet (no steps and no errors).
    """
    findings = [Finding("diverged", "error", f"Training diverged at step {e.step} (epoch {e.epoch}): the loss or the "
                        f"weights became NaN or infinite. Lower the learning rate or use a smaller initialisation.",
                        value=e.details.get("loss")) for e in history.errors[-1:]]
    steps = history.steps
    if not steps:
        return findings
    window = _window(steps)
    layers = list(steps[-1].layers)
    loss_findings, loss_span = _loss_findings(history.loss_means()) if len(steps) >= MIN_STEPS else ([], None)
    if len(steps) >= MIN_STEPS and layers:
        findings += _gradient_findings(window, layers) + _unit_findings(window, layers)
        decayed = np.median([r.lr for r in window]) < DECAYED_LR * max(r.lr for r in steps)
        findings += _update_findings(window, layers, decayed)
    findings += loss_findings
    if not findings and len(steps) >= MIN_STEPS:
        norms = [_median(window, name, "grad_norm") for name in layers]
        parts = []
        if len(layers) >= 2 and norms[0] is not None and norms[-1]:
            parts.append(f"{layer_in_words(layers[0])} gets {sci(norms[0] / norms[-1])} × the last layer's gradient")
        if loss_span:
            parts.append(f"the loss fell from {sci(loss_span[0])} to {sci(loss_span[1])}")
        findings.append(Finding("ok", "ok", "No problems found: " + ("; ".join(parts) or "training looks healthy")
                                + "."))
    order = {"error": 0, "warning": 1, "info": 2, "ok": 3}
    return sorted(findings, key=lambda f: order[f.severity])
