"""The hidden space drawn in 2-D (``nnlab.lab.projection`` results): one point per sample, coloured by its
class (or its target), the sample's image in the tooltip."""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from .boundary import PALETTE


def projection_frame(coords, index, labels=None, class_names=None, image_uris=None):
    """One row per point: x, y, the sample's number, its class name (or target value) and, for images, a
    PNG data URI under ``image`` (the column name Vega's tooltip shows as a picture).

    coords : (n, 2); index : (n,) the samples' rows; image_uris : one URI per row of the *data*, looked up
    by ``index``.
    """
    coords = np.asarray(coords, dtype=np.float64)
    frame = pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1], "sample": np.asarray(index, dtype=int)})
    if labels is not None:
        labels = np.asarray(labels)
        if class_names is not None:
            order = list(dict.fromkeys(str(c) for c in class_names))  # the legend lists the classes in this order
            frame["class"] = pd.Categorical([str(class_names[int(v)]) for v in labels.reshape(len(labels), -1)[:, 0]],
                                            categories=order)
        else:
            frame["target"] = labels.reshape(len(labels), -1)[:, 0].astype(np.float64)
    if image_uris is not None:
        frame["image"] = [image_uris[i] for i in frame["sample"]]
    return frame


def projection_chart(frame, title, axis_titles, size=360, axis_values=True):
    """A scatter of ``projection_frame``: colour by class (or a sequential scale for a target); hovering a
    point shows its image when the frame has one. ``axis_values=False`` hides the numbers on the axes (t-SNE's
    coordinates mean nothing by themselves)."""
    tips = [alt.Tooltip("sample:Q", title=_("sample"))]
    if "class" in frame:
        present = set(frame["class"])
        names = [c for c in frame["class"].cat.categories if c in present] if hasattr(frame["class"], "cat") else \
            sorted(present, key=lambda c: (len(c), c))
        scale = alt.Scale(domain=names, range=PALETTE[:len(names)]) if len(names) <= len(PALETTE) else \
            alt.Scale(domain=names, scheme="category20")
        colour = alt.Color("class:N", title=_("class"), scale=scale)
        tips.append(alt.Tooltip("class:N", title=_("class")))
    elif "target" in frame:
        colour = alt.Color("target:Q", title=_("target"), scale=alt.Scale(scheme="viridis"))
        tips.append(alt.Tooltip("target:Q", title=_("target"), format=".4g"))
    else:
        colour = alt.value("#4c78a8")
    if "image" in frame:
        tips.append(alt.Tooltip("image:N"))  # no title: Vega's tooltip draws a field named "image" as a picture
    return alt.Chart(frame).mark_circle(size=22, opacity=0.8).encode(
        x=alt.X("x:Q", title=axis_titles[0], axis=alt.Axis(labels=axis_values, ticks=axis_values)),
        y=alt.Y("y:Q", title=axis_titles[1], axis=alt.Axis(labels=axis_values, ticks=axis_values)),
        color=colour, tooltip=tips,
    ).properties(title=title, width=size, height=size)
