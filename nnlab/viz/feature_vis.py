"""Charts of activation maximisation (``nnlab.lab.feature_vis``): the picture at the recorded steps of the
ascent, and the unit's mean z and activation climbing step by step beside the best test sample's."""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from .images import image_grid


def ascent_images(images, record_steps, objective, shape, title):
    """The input at each recorded step of the ascent, captioned with the step and the unit's mean z."""
    objective = np.asarray(objective, dtype=np.float64)
    steps = np.asarray(record_steps, dtype=int)
    captions = [_("step {step} · z {z:.3g}", step=int(s), z=objective[s]) for s in steps]
    return image_grid(images, shape, captions=captions, ncols=min(len(steps), 9), size=84, title=title,
                      tooltips={_("step"): steps, _("mean z"): objective[steps]})


def ascent_chart(objective, activation, best_test=None):
    """Mean z and mean activation of the unit at every step (step 0 = the starting noise); a dashed rule at
    the best test sample's mean z, when given."""
    objective, activation = np.asarray(objective, dtype=np.float64), np.asarray(activation, dtype=np.float64)
    z_name, a_name = _("mean z (what the ascent climbs)"), _("mean activation a")
    steps = np.arange(objective.size)
    frame = pd.concat([pd.DataFrame({"step": steps, "series": z_name, "value": objective}),
                       pd.DataFrame({"step": steps, "series": a_name, "value": activation})], ignore_index=True)
    lines = alt.Chart(frame).mark_line().encode(
        x=alt.X("step:Q", title=_("ascent step")), y=alt.Y("value:Q", title=_("value of the unit")),
        color=alt.Color("series:N", title=None, sort=[z_name, a_name],
                        scale=alt.Scale(domain=[z_name, a_name], range=["#e6550d", "#3182bd"]),
                        legend=alt.Legend(orient="right", labelLimit=320)),  # below, it squeezes the plot
        strokeDash=alt.StrokeDash("series:N", sort=[z_name, a_name], legend=None),
        tooltip=[alt.Tooltip("series:N", title=_("curve")), alt.Tooltip("step:Q", title=_("step")),
                 alt.Tooltip("value:Q", title=_("value"), format=".4g")])
    layers = [lines]
    if best_test is not None:
        rule = pd.DataFrame({"value": [float(best_test)], "what": [_("best test sample's mean z")]})
        base = alt.Chart(rule).encode(y="value:Q", tooltip=[alt.Tooltip("what:N", title=None),
                                                             alt.Tooltip("value:Q", format=".4g")])
        layers += [base.mark_rule(strokeDash=[5, 4], color="#555"),
                   base.mark_text(align="right", dy=-7, color="#555").encode(x=alt.datum(int(steps[-1])),
                                                                                       text="what:N")]
    return alt.layer(*layers).properties(title=_("The unit's response, step by step"), width=420, height=260)
