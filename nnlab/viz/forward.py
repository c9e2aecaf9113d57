"""The forward pass, step by step: the seed neuron's arithmetic as a table and in LaTeX, a layer overview
of a trace, and the softmax's three steps (z − max, exp, ÷ sum) with the probabilities as bars."""
import altair as alt
import numpy as np
import pandas as pd

from ..engine.activations import ACTIVATIONS
from ..engine.shapes import shape_text
from ..i18n import N_, _
from .matrices import heatmap

SMALL_LAYER = 20  # units: show b, z, a as numbers rather than bars
# A bar's role in the probability chart: code -> label (translated where drawn), in legend order.
ROLES = {"predicted & true": N_("predicted and true"), "predicted": N_("predicted"), "true": N_("true"),
         "other": N_("other")}

def fmt(value, digits=6):
    """A number as people write it: up to ``digits`` significant digits, no trailing zeros, "−" for minus."""
    text = f"{value:.{digits}g}"
    return text.replace("-", "−")


def _tex(value, digits=6):
    return f"{value:.{digits}g}"


def neuron_table(result):
    """The seed neuron's forward pass, one row per step: products wᵢ·xᵢ, their sum, + b, z, f(z).

    Returns a DataFrame with columns step, computation, value (float64).
    """
    steps = [(f"w{i}·x{i}", f"{fmt(w)} · {fmt(x)}", p)
             for i, (w, x, p) in enumerate(zip(result.w, result.x, result.products), start=1)]
    steps.append(("Σ wᵢ·xᵢ", " + ".join(fmt(p) for p in result.products), result.weighted_sum))
    steps.append(("z = Σ + b", f"{fmt(result.weighted_sum)} + ({fmt(result.b)})", result.z))
    steps.append((f"y = {result.activation}(z)", f"{result.activation}({fmt(result.z)})", result.y))
    return pd.DataFrame(steps, columns=[_("step"), _("computation"), _("value")])


def neuron_latex(result):
    """z = wᵀx + b and y = f(z) with the numbers substituted, as one LaTeX ``aligned`` block."""
    terms = " + ".join(f"{_tex(w)}\\cdot{_tex(x)}" for w, x in zip(result.w, result.x))
    products = " + ".join(_tex(p) for p in result.products)
    b = f"+ {_tex(result.b)}" if result.b >= 0 else f"- {_tex(-result.b)}"
    act = ACTIVATIONS[result.activation]
    return (r"\begin{aligned}"
            rf"z &= W^{{\top}}x + b = {terms} {b} \\"
            rf"  &= {products} {b} = {_tex(result.z)} \\"
            rf"y &= f(z),\quad f(z) = {act.latex} \\"
            rf"  &= {act.latex_at.format(z=_tex(result.z))} \approx {result.y:.4f}"
            r"\end{aligned}")


def layer_overview(trace):
    """One row per layer of a forward trace for one sample: sizes (and the output's shape without the batch
    axis, e.g. 16×26×26), activation, the range of z and a, and how many units are exactly 0 (ReLUs that
    are off for this sample)."""
    rows = []
    for tr in trace:
        z, a = np.asarray(tr.z, dtype=np.float64).ravel(), np.asarray(tr.a, dtype=np.float64).ravel()
        rows.append([tr.name, tr.activation or "—", shape_text(np.shape(tr.a)[1:]), int(np.asarray(tr.input).size),
                     int(a.size), z.min(), z.max(), a.min(), a.max(), int(np.sum(a == 0))])
    return pd.DataFrame(rows, columns=[_("layer"), _("activation"), _("output shape"), _("inputs"), _("units"),
                                       _("z min"), _("z max"), _("a min"), _("a max"), _("units with a = 0")])


def softmax_steps(z, class_names=None):
    """Softmax as three visible steps for one sample: z − max(z), exp(z − max), ÷ their sum.

    z : (k,) pre-activations. Returns (frame with columns class (translated), z, z − max, exp(z − max), p; the sum).
    Subtracting the max changes nothing mathematically but keeps exp from overflowing.
    """
    z = np.asarray(z, dtype=np.float64).ravel()
    if z.size < 2:
        raise ValueError(_("softmax needs at least 2 outputs, got {n}", n=z.size))
    names = [str(c) for c in class_names] if class_names is not None else [str(i) for i in range(z.size)]
    if len(names) != z.size:
        raise ValueError(_("class_names has {names} names for {n} outputs", names=len(names), n=z.size))
    shifted = z - z.max()
    e = np.exp(shifted)
    total = float(e.sum())
    frame = pd.DataFrame({_("class"): names, "z": z, "z − max": shifted, "exp(z − max)": e, "p = exp ÷ sum": e / total})
    return frame, total


PROBABILITIES = N_("Output probabilities")


def softmax_latex(frame, total, k):
    """p_k written out for class row ``k`` of a ``softmax_steps`` frame."""
    row = frame.iloc[int(k)]
    name = row.iloc[0]  # the class column (its header is translated)
    return (rf"p_{{{name}}} = \frac{{e^{{z_{{{name}}}-\max z}}}}{{\sum_j e^{{z_j-\max z}}}}"
            rf" = \frac{{e^{{{_tex(row['z − max'], 4)}}}}}{{{_tex(total, 6)}}}"
            rf" = \frac{{{_tex(row['exp(z − max)'], 6)}}}{{{_tex(total, 6)}}} = {row['p = exp ÷ sum']:.4f}")


def probability_chart(p, class_names=None, true_class=None, title=PROBABILITIES):
    """Bars of the output probabilities; the predicted class and (if given) the true class are marked."""
    p = np.asarray(p, dtype=np.float64).ravel()
    names = [str(c) for c in class_names] if class_names is not None else [str(i) for i in range(p.size)]
    pred = int(np.argmax(p))
    role = []
    for i in range(p.size):
        tags = (["predicted"] if i == pred else []) + (["true"] if true_class is not None and i == true_class else [])
        role.append(" & ".join(tags) if tags else "other")
    frame = pd.DataFrame({"class": names, "p": p, "role": role, "shown": [_(ROLES[r]) for r in role]})
    domain = [_(label) for label in ROLES.values()]
    colours = ["#1a9850", "#d73027", "#4575b4", "#bbbbbb"]
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("class:N", title=_("class"), sort=names, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("p:Q", title=_("probability"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("shown:N", title=_("class is"), scale=alt.Scale(domain=domain, range=colours)),
        tooltip=[alt.Tooltip("class:N", title=_("class")), alt.Tooltip("p:Q", title=_("probability"), format=".4f"),
                 alt.Tooltip("shown:N", title=_("class is"))],
    ).properties(title=_(title), width=min(640, 48 * p.size + 40), height=300)


def unit_values_chart(values, labels=None, unit_title=None, width=720, sequential=(), select=None, picked=None):
    """Several vectors of one layer (bias b, pre-activation z, activation a) as bar rows sharing the unit
    axis, so what the activation does to z is visible unit by unit (ReLU cuts the negative bars off).

    values : dict title -> (n,) vector, all the same length (≤ 1,500); the titles in ``sequential``
    (activations) are drawn in one green, the others blue/red by sign. Up to SMALL_LAYER units, a
    heatmap with the numbers in its cells instead, one row per vector.
    select : a name for click selections: a clicked cell gives ``r`` (the vector's position in ``values``) and
    ``c`` (the unit), a clicked bar ``vector`` and ``index`` (one selection per row, ``<select>_<row>``);
    picked : (vector position, unit) to outline.
    """
    unit_title = unit_title or _("unit")
    vectors = {k: np.asarray(v, dtype=np.float64).ravel() for k, v in values.items()}
    sizes = {v.size for v in vectors.values()}
    if len(sizes) != 1:
        raise ValueError(_("the vectors have different lengths {lengths}; give one value per unit in each",
                           lengths=sorted(sizes)))
    n = sizes.pop()
    if not 1 <= n <= 1500:
        raise ValueError(_("{n} units: this chart shows 1 to 1500 (use a histogram for more)", n=n))
    names = [str(s) for s in labels] if labels is not None else [str(i) for i in range(n)]
    if n <= SMALL_LAYER:  # few units: the numbers themselves, one row per vector
        return heatmap(np.vstack(list(vectors.values())), "", row_title=_("quantity"), col_title=unit_title,
                       value_title=_("value"),
                       row_labels=list(vectors), col_labels=names, annotate=True, select=select, picked=picked)
    ticks = names if n <= 30 else [names[i] for i in range(0, n, max(1, n // 16))]
    rows = []
    for r, (title, v) in enumerate(vectors.items()):
        last = r == len(vectors) - 1  # only the bottom row carries the unit axis
        frame = pd.DataFrame({"unit": names, "value": v, "sign": np.where(v < 0, _("negative"), _("positive or 0")),
                              "vector": r, "index": np.arange(n),
                              "outline": np.where((picked is not None and picked[0] == r) & (np.arange(n) == (
                                  picked[1] if picked is not None else -1)), "black", "transparent")})
        if title in sequential:
            colour = alt.value("#31a354")
        else:
            colour = alt.Color("sign:N", title=_("sign of b, z"), scale=alt.Scale(
                domain=[_("negative"), _("positive or 0")], range=["#2166ac", "#b2182b"]))
        bars = alt.Chart(frame).mark_bar().encode(
            x=alt.X("unit:N", title=unit_title if last else None, sort=names,
                    axis=alt.Axis(values=ticks, labelAngle=0, labels=last, ticks=last)),
            y=alt.Y("value:Q", title=title),
            color=colour, stroke=alt.Stroke("outline:N", scale=None),  # the unit worked out below
            tooltip=[alt.Tooltip("unit:N", title=unit_title), alt.Tooltip("value:Q", title=title, format=".6g")],
        ).properties(width=width, height=110)
        if select:
            bars = bars.add_params(alt.selection_point(name=f"{select}_{r}", fields=["vector", "index"], on="click"))
        rows.append(bars)
    return alt.vconcat(*rows, spacing=6).resolve_scale(color="shared")
