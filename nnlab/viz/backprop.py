"""Backprop, step by step: the seed neuron's chain rule as a table and in LaTeX, per-layer gradient
overviews of a backward trace, the finite-difference check, and one SGD step before/after."""
import numpy as np
import pandas as pd

from ..engine.activations import ACTIVATIONS
from ..engine.shapes import shape_text
from ..i18n import _
from ..i18n.numbers import sig
from .forward import fmt

CHECK_OK = 1e-5  # relative error below this: backprop and finite differences agree
# ... or an absolute difference below this: central differences with ε = 1e-6 in float64 carry a rounding
# error of about 1e-16·L/ε ≈ 1e-10·L, so tiny (vanishing) gradients cannot show a small relative error.
ABS_OK = 1e-8
PER_PARAM = ("W", "b")  # parameters with columns of their own in gradient_overview
KINKED = ("relu", "leaky_relu")  # activations with a kink (no derivative) at z = 0


def neuron_backward_table(result):
    """The seed neuron's backward pass for L = ½(y − t)²: loss, ∂L/∂y, f'(z), δ, ∂L/∂wᵢ, ∂L/∂b.

    Returns a DataFrame with columns quantity, computation, value (float64).
    """
    rows = [
        ("L = ½(y − t)²", f"½·({fmt(result.y)} − {fmt(result.target)})²", result.loss),
        ("∂L/∂y = y − t", f"{fmt(result.y)} − {fmt(result.target)}", result.dLdy),
        ("f′(z)", f"{result.activation}′({fmt(result.z)})", result.dfdz),
        ("δ = ∂L/∂z = ∂L/∂y · f′(z)", f"{fmt(result.dLdy)} · {fmt(result.dfdz)}", result.delta),
    ]
    for i, (x, g) in enumerate(zip(result.x, result.dW), start=1):
        rows.append((f"∂L/∂w{i} = δ·x{i}", f"{fmt(result.delta)} · {fmt(x)}", g))
    rows.append(("∂L/∂b = δ", fmt(result.delta), result.db))
    return pd.DataFrame(rows, columns=[_("quantity"), _("computation"), _("value")])


def neuron_backward_latex(result):
    """L, δ, ∂L/∂W and ∂L/∂b with the numbers substituted, as one LaTeX ``aligned`` block."""
    t = lambda v: f"{v:.6f}"  # noqa: E731
    dW = r" \\ ".join(t(v) for v in result.dW)
    xs = r" \\ ".join(f"{v:g}" for v in result.x)
    return (r"\begin{aligned}"
            rf"L &= \tfrac12 (y-t)^2 = \tfrac12({t(result.y)} - {result.target:g})^2 = {t(result.loss)} \\"
            rf"\delta &= \frac{{\partial L}}{{\partial y}}\, f'(z) = (y-t)\cdot "
            rf"{ACTIVATIONS[result.activation].dlatex} \\"
            rf" &= ({t(result.dLdy)})\cdot {t(result.dfdz)} = {t(result.delta)} \\"
            rf"\frac{{\partial L}}{{\partial W}} &= \delta\, x = {t(result.delta)}"
            rf"\begin{{pmatrix}} {xs} \end{{pmatrix}} = \begin{{pmatrix}} {dW} \end{{pmatrix}} \\"
            rf"\frac{{\partial L}}{{\partial b}} &= \delta = {t(result.db)}"
            r"\end{aligned}")


def gradient_overview(btrace):
    """One row per layer of a backward trace: the size of δ and of each parameter gradient (L2 norms),
    so vanishing or exploding gradients show as numbers falling or growing towards the input. W and b get
    columns of their own; layers with other parameters (attention's Wq…bo, layer norm's gamma and beta, the
    position embedding) also get the norm of all their parameter gradients together. The last column is
    δ's shape without the batch axis. Norms are summed in float64: a float32 sum of squares overflows to
    inf for values above about 1e19, which a diverged network reaches."""
    rows = []
    for g in btrace.layers:
        row = {_("layer"): g.name, _("kind"): g.kind, "‖δ‖": float(np.linalg.norm(np.asarray(g.delta, np.float64)))}
        for name, arr in g.grads.items():
            if name in PER_PARAM:
                row[f"‖∂L/∂{name}‖"] = float(np.linalg.norm(np.asarray(arr, np.float64)))
                row[f"max |∂L/∂{name}|"] = float(np.abs(arr).max()) if arr.size else 0.0
        if set(g.grads) - set(PER_PARAM):  # attention, layer norm, position embeddings: all together
            row[_("‖∂L/∂θ‖ all parameters")] = float(np.sqrt(sum(float(np.sum(np.square(a, dtype=np.float64)))
                                                               for a in g.grads.values())))
        row[_("δ shape")] = shape_text(np.shape(g.delta)[1:])
        rows.append(row)
    return pd.DataFrame(rows)


def readable_numbers(frame, digits=3):
    """A copy for display: every float column as text with ``digits`` significant digits ("0.842", "1.6e-5",
    not "8.42e-1") and the gaps of a layer without that parameter as "—" (a cell would otherwise say "None")."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = ["—" if pd.isna(v) else sig(v, digits) for v in out[c]]
    return out


def gradient_check_frame(rows):
    """engine.gradient_check rows -> a table with the analytic value, the finite difference beside it,
    their relative error and a verdict: they agree when the relative error is below CHECK_OK or the
    absolute difference below ABS_OK (the finite difference's own precision)."""
    frame = pd.DataFrame(rows, columns=["layer", "param", "index", "analytic", "numeric", "rel_error"])
    frame["index"] = [",".join(str(i) for i in idx) for idx in frame["index"]]
    frame["difference"] = (frame["analytic"] - frame["numeric"]).abs()
    ok = (frame["rel_error"] < CHECK_OK) | (frame["difference"] < ABS_OK)
    frame["agree"] = np.where(ok, "✓", "✗")
    return frame.rename(columns=check_columns())


def check_columns():
    """The finite-difference table's column names, in the current language (the page formats them by name)."""
    return {"layer": _("layer"), "param": _("parameter"), "index": _("index"), "analytic": _("backprop ∂L/∂θ"),
            "numeric": _("finite difference"), "rel_error": _("relative error"), "difference": _("|difference|"),
            "agree": _("agree")}


def relu_kinks(forward):
    """{layer name: how many z are exactly 0} over the ReLU-type layers of a forward trace that have any.

    ReLU has no derivative at z = 0: backprop takes 0 there, while a central difference averages the two
    sides. Exact zeros are common in convolutions at initialisation — a window of blank background with
    a zero bias gives z = 0 — and then finite differences of those biases disagree with backprop."""
    return {tr.name: int(np.sum(tr.z == 0)) for tr in forward
            if tr.activation in KINKED and np.any(np.asarray(tr.z) == 0)}


def sgd_frame(step):
    """The weights an SGD step moved most: before, gradient, after = before − η·gradient."""
    frame = pd.DataFrame(step.changes, columns=["layer", "param", "index", "before", "gradient", "after"])
    frame["index"] = [",".join(str(i) for i in idx) for idx in frame["index"]]
    frame["change"] = frame["after"] - frame["before"]
    return frame.rename(columns={"layer": _("layer"), "param": _("parameter"), "index": _("index"),
                                 "before": _("before"), "gradient": _("gradient"), "after": _("after"),
                                 "change": _("change")})
