"""Charts and tables of the attributions (``nnlab.lab.attributions`` results come in as plain arrays): a value
per pixel as a heatmap or a value per feature as bars, the finite-difference check, integrated gradients as
a visible trapezoid sum with its completeness and convergence, Grad-CAM's channel weights and overlay, and
occlusion's score drops.

Gradients and attributions have a sign, so their colour is diverging and centred on 0 (blue −, red +).
"""
import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from .images import image_grid, png_data_uri, rgb_data_uri, to_rgb
from .matrices import heatmap, vector_bars

MAP_PX = 240  # on-screen side of a pixel map
HEAT = np.array([255, 60, 0])  # the overlay's colour where the map is highest


def pixel_names(shape):
    """"row r, col c" for every pixel of an (H, W) image, in flat order."""
    h, w = shape
    return [_("row {row}, col {col}", row=r, col=c) for r in range(h) for c in range(w)]


def pixel_map(values, shape, title, value_title, diverging=True):
    """One value per pixel (flat, H·W) as a heatmap laid out like the image, with tooltips."""
    values = np.asarray(values, dtype=np.float64).reshape(tuple(shape))
    return heatmap(values, title, row_title=_("pixel row"), col_title=_("pixel column"), value_title=value_title,
                   diverging=diverging, annotate=False, cell=max(4, MAP_PX // max(shape)))


def feature_bars(values, names, title, value_title):
    """One bar per feature of a table, coloured by sign."""
    return vector_bars(values, title, value_title=value_title, unit_title=_("feature"), labels=list(names))


def value_view(values, image_shape, names, title, value_title):
    """``pixel_map`` for images, ``feature_bars`` for tables."""
    if image_shape is not None:
        return pixel_map(values, image_shape, title, value_title)
    return feature_bars(values, names, title, value_title)


def check_frame(index, analytic, numeric, rel_error, at_kink, names):
    """The saliency's finite-difference check, one row per checked entry."""
    return pd.DataFrame({
        _("input"): [names[i] for i in index],
        _("∂score/∂x (backprop)"): np.asarray(analytic, dtype=np.float64),
        _("central difference"): np.asarray(numeric, dtype=np.float64),
        _("relative error"): np.asarray(rel_error, dtype=np.float64),
        _("at a kink"): [_("yes") if k else _("no") for k in at_kink]})


def path_images(x, baseline, alphas, shape, n_images=6):
    """The images along the integrated-gradients path x′ + α·(x − x′) at ``n_images`` evenly spread α."""
    pick = np.unique(np.linspace(0, len(alphas) - 1, n_images).round().astype(int))
    x, baseline = np.asarray(x, dtype=np.float64), np.asarray(baseline, dtype=np.float64)
    images = baseline[None] + np.asarray(alphas)[pick, None] * (x - baseline)[None]
    return image_grid(images, shape, captions=[f"α = {alphas[i]:.2f}" for i in pick], ncols=len(pick), size=84,
                      shared_scale=False, title=_("The path from the baseline (α = 0) to the sample (α = 1)"),
                      tooltips={"α": np.asarray(alphas)[pick]})


def riemann_chart(alphas, integrand):
    """The slope of the score along the path at each step, and the trapezoids whose areas add up to the
    integrated gradients' total (one bar per step: width Δα, height the mean of the slopes at its ends)."""
    alphas, g = np.asarray(alphas, dtype=np.float64), np.asarray(integrand, dtype=np.float64)
    bars = pd.DataFrame({"from": alphas[:-1], "to": alphas[1:], "height": (g[1:] + g[:-1]) / 2,
                         "area": (g[1:] + g[:-1]) / 2 * np.diff(alphas)})
    points = pd.DataFrame({"alpha": alphas, "slope": g})
    slope = _("slope (x − x′)·∇score")
    rects = alt.Chart(bars).mark_rect(color="#9ecae1", stroke="white", strokeWidth=0.5).encode(
        x=alt.X("from:Q", title=_("α along the path (0 = baseline, 1 = sample)")), x2=alt.X2("to:Q"),
        y=alt.Y("height:Q", title=slope), y2=alt.datum(0),
        tooltip=[alt.Tooltip("from:Q", title=_("from α"), format=".3f"),
                 alt.Tooltip("to:Q", title=_("to α"), format=".3f"),
                 alt.Tooltip("area:Q", title=_("area of this trapezoid"), format=".4g")])
    line = alt.Chart(points).mark_line(point=True, color="#08519c").encode(
        x="alpha:Q", y="slope:Q", tooltip=[alt.Tooltip("alpha:Q", title="α", format=".3f"),
                                           alt.Tooltip("slope:Q", title=slope, format=".4g")])
    return alt.layer(rects, line).properties(
        title=alt.Title(_("The Riemann sum"), subtitle=_("one trapezoid per step; their areas add up to the total")),
        width=420, height=260)


def running_total_chart(alphas, path_scores, running_total):
    """Two curves over α that must agree: the score gained along the path, f(x′ + α(x − x′)) − f(x′), and
    the trapezoid sum of the slopes up to α."""
    alphas = np.asarray(alphas, dtype=np.float64)
    gained, summed = _("score gained, f(path point) − f(x′)"), _("running total of the trapezoids")
    frame = pd.concat([
        pd.DataFrame({"alpha": alphas, "series": gained, "value": np.asarray(path_scores) - path_scores[0]}),
        pd.DataFrame({"alpha": alphas, "series": summed, "value": np.asarray(running_total)})], ignore_index=True)
    lines = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("alpha:Q", title=_("α along the path (0 = baseline, 1 = sample)")),
        y=alt.Y("value:Q", title=_("class score (logit units)")),
        color=alt.Color("series:N", title=None, sort=[gained, summed],
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=360)),
        strokeDash=alt.StrokeDash("series:N", sort=[gained, summed], legend=None),
        tooltip=[alt.Tooltip("series:N", title=_("curve")), alt.Tooltip("alpha:Q", title="α", format=".3f"),
                 alt.Tooltip("value:Q", title=_("value"), format=".5g")])
    # taller than its neighbour: in a column Streamlit fits title, plot, axes and this two-line legend in the height
    return lines.properties(title=_("Running total against the score itself"), width=420, height=380)


def convergence_chart(steps, errors):
    """|completeness error| against the number of steps (log–log): the same path read with every step,
    every 2nd, every 4th …"""
    frame = pd.DataFrame({"steps": np.asarray(steps, dtype=int), "error": np.abs(np.asarray(errors, dtype=float))})
    frame["shown"] = np.maximum(frame["error"], 1e-16)  # log scale: an exact 0 would vanish
    line = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("steps:Q", title=_("steps of the sum (log scale)"), scale=alt.Scale(type="log")),
        y=alt.Y("shown:Q", title=_("|error| (log scale)"), scale=alt.Scale(type="log")),
        tooltip=[alt.Tooltip("steps:Q", title=_("steps")),
                 alt.Tooltip("error:Q", title=_("completeness error"), format=".2e")])
    return line.properties(title=alt.Title(_("More steps, smaller error"),
                                           subtitle=_("completeness error |Σ attributions − (f(x) − f(x′))|")),
                           width=360, height=320)


def alphas_frame(alphas, check):
    """Grad-CAM's channel weights αₖ beside the finite-difference check of each."""
    alphas, check = np.asarray(alphas, dtype=np.float64), np.asarray(check, dtype=np.float64)
    return pd.DataFrame({_("channel"): np.arange(alphas.size), _("αₖ (mean gradient)"): alphas,
                         _("αₖ (nudge the whole map by ±ε)"): check,
                         _("difference"): np.abs(alphas - check)})


def alphas_chart(alphas, title):
    """One bar per channel: how much the class score gains per unit of that channel's map."""
    return vector_bars(alphas, title, value_title="αₖ", unit_title=_("channel"))


def overlay_uri(image, heat, scale=8):
    """The image in grey with ``heat`` (same shape, ≥ 0) laid over it in orange, opaque where heat is highest."""
    grey = to_rgb(image, "gray").astype(np.float64)
    heat = np.asarray(heat, dtype=np.float64)
    alpha = (heat / heat.max() if heat.max() > 0 else np.zeros_like(heat))[..., None] * 0.75
    return rgb_data_uri(np.round(grey * (1 - alpha) + HEAT * alpha).astype(np.uint8), scale)


def overlay_chart(image, heat, title, size=MAP_PX):
    """The sample with a map laid over it (Grad-CAM upsampled to the image), and beside it the map alone."""
    frame = pd.DataFrame({"url": [overlay_uri(image, heat), png_data_uri(heat, "gray", scale=8)],
                          "col": [0, 1], "caption": [_("overlay on the sample"), _("the map alone")]})
    base = alt.Chart(frame).encode(x=alt.X("col:O", axis=None))
    pics = base.mark_image(width=size, height=size).encode(url=alt.Url("url:N"),
                                                           tooltip=[alt.Tooltip("caption:N")])
    text = base.mark_text(dy=size / 2 + 10, fontSize=12).encode(text="caption:N")
    return alt.layer(pics, text).properties(title=title, width=alt.Step(size + 16), height=size + 30)


def occlusion_chart(drops, rows, cols, patch, title):
    """The drop in the class score for each patch position (rows × cols), labelled by the patch's top-left
    pixel: red where covering the patch lowers the score, blue where it raises it."""
    return heatmap(np.asarray(drops, dtype=np.float64), title, row_title=_("patch's top pixel row"),
                   col_title=_("patch's left pixel column"), value_title=_("score drop"),
                   row_labels=[int(r) for r in rows], col_labels=[int(c) for c in cols],
                   cell=max(8, MAP_PX // max(len(rows), len(cols))), annotate=False)
