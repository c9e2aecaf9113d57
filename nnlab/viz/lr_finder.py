"""Charts of the learning-rate finder (``nnlab.lab.lr_finder`` results): the LR range test's loss against the
learning rate on a log axis with the suggestion and the divergence marked, and the power iteration's
estimates of the Hessian's largest eigenvalue."""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from .rows import thin_indices


def range_test_chart(lrs, losses, smoothed_steps, smoothed, suggested_lr=None, diverged_lr=None, width=560):
    """Every batch's loss (light) and the running mean (dark) against the learning rate (log axis); a green
    rule at the suggested learning rate, a red one where the run diverged."""
    lrs, losses = np.asarray(lrs, dtype=np.float64), np.asarray(losses, dtype=np.float64)
    batch, mean = _("batch loss"), _("running mean")
    keep = thin_indices(len(lrs), 2000)
    frame = pd.concat([
        pd.DataFrame({"lr": lrs[keep], "loss": losses[keep], "series": batch}),
        pd.DataFrame({"lr": lrs[np.asarray(smoothed_steps, dtype=int)], "loss": np.asarray(smoothed, dtype=float),
                      "series": mean})], ignore_index=True)
    frame = frame[np.isfinite(frame["loss"])]
    # the y axis spans the curve up to a little above where it started: the blow-up leaves the top
    smoothed = np.asarray(smoothed, dtype=float)
    top = 1.5 * float(smoothed[0]) if smoothed.size else float(frame["loss"].max())
    y_scale = alt.Scale(domain=[min(0.0, float(frame["loss"].min())), top], nice=False)
    x = alt.X("lr:Q", title=_("learning rate (log scale)"), scale=alt.Scale(type="log"))
    y_title = _("training loss")
    lines = alt.Chart(frame).mark_line(clip=True).encode(
        x=x, y=alt.Y("loss:Q", title=y_title, scale=y_scale),
        color=alt.Color("series:N", title=None, sort=[batch, mean],
                        scale=alt.Scale(domain=[batch, mean], range=["#9ecae1", "#08519c"]),
                        legend=alt.Legend(orient="right", labelLimit=240)),  # below, it squeezes the plot
        tooltip=[alt.Tooltip("series:N", title=_("curve")), alt.Tooltip("lr:Q", title=_("learning rate"),
                                                                         format=".3g"),
                 alt.Tooltip("loss:Q", title=_("loss"), format=".4g")])
    marks = [(suggested_lr, _("suggested"), "#2ca02c"), (diverged_lr, _("diverged"), "#d62728")]
    rules = pd.DataFrame([{"lr": v, "what": w, "colour": c} for v, w, c in marks if v is not None],
                         columns=["lr", "what", "colour"])
    layers = [lines]
    if len(rules):
        base = alt.Chart(rules).encode(x="lr:Q", color=alt.Color("colour:N", scale=None),
                                       tooltip=[alt.Tooltip("what:N", title=None),
                                                alt.Tooltip("lr:Q", title=_("learning rate"), format=".3g")])
        layers += [base.mark_rule(strokeDash=[6, 4], strokeWidth=2),
                   base.mark_text(align="left", dx=4, y=8, fontSize=12).encode(text="what:N")]
    return alt.layer(*layers).properties(title=_("LR range test: the loss as the learning rate grows"),
                                         width=width, height=300)


def power_iteration_chart(history, eigenvalue):
    """The estimate v·Hv after each power-iteration step, converging on λmax (a dashed rule)."""
    history = np.asarray(history, dtype=np.float64)
    frame = pd.DataFrame({"round": np.arange(1, history.size + 1), "estimate": history})
    line = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("round:Q", title=_("power-iteration round")), y=alt.Y("estimate:Q", title=_("estimate of λmax")),
        tooltip=[alt.Tooltip("round:Q", title=_("round")), alt.Tooltip("estimate:Q", format=".5g")])
    rule = alt.Chart(pd.DataFrame({"estimate": [float(eigenvalue)]})).mark_rule(strokeDash=[5, 4], color="#555")
    return alt.layer(line, rule.encode(y="estimate:Q")).properties(
        title=_("Power iteration on Hessian-vector products"), width=360, height=260)
