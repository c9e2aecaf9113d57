"""Sections of the Attributions page: which class to explain for the chosen sample, then four answers to
"why this class?", each beside the number that checks it — saliency (finite differences), integrated
gradients (completeness and convergence), Grad-CAM (αₖ by nudging a channel) and occlusion (no gradient).

Each result is computed once per (weights, data, sample, class, settings) and kept in the session
(``ui.explain``); all are light (a few hundred forward passes at most).
"""
import numpy as np
import streamlit as st

from ..engine.outputs import predict_classes
from ..i18n import N_, _, ngettext
from ..lab import attributions as A
from ..lab.budget import LIGHT, settings_for
from ..lab.inspect import split_arrays
from ..viz import attributions as va
from . import explain
from .widgets.chart_cache import chart
from .widgets.charts import show_chart
from .widgets.sample_picker import pick_sample
from .widgets.worked_table import worked_table

PREFIX = "xa"
IG_STEPS = (2, 4, 8, 16, 32, 64, 128, 256)
BASELINES = {"black": N_("black image"), "mean": N_("mean training sample"), "zeros": N_("all zeros")}


def intro():
    st.title(_("Attributions"))
    st.markdown(_("Why did the model give this sample this class? Four answers, each with the number that checks "
                  "it. The **class score** is the class's logit z (the last layer before softmax): the class's own "
                  "evidence, which the probability flattens where the model is sure."))


def class_names(data, net):
    """What each explainable output is called: the classes, or "output i" for regression."""
    if data.class_names is not None:
        return [str(c) for c in data.class_names]
    return [_("output {i}", i=i) for i in range(net.n_outputs)]


def choose(data, net):
    """The sample (the shared picker) and the class to explain (the predicted one, until the user picks another;
    a new sample or a new prediction starts from the prediction again).
    Returns (x (n_features,) float64, class index, sample index)."""
    x_all, _y, _split = split_arrays(data)
    index = pick_sample(data, PREFIX)
    x = np.asarray(x_all[index], dtype=np.float64)
    names = class_names(data, net)
    output = np.asarray(net.predict(x[None].astype(net.dtype)))
    predicted = int(predict_classes(output)[0][0]) if data.class_names is not None else None  # regression: none
    cls = st.selectbox(_("Class to explain"), range(len(names)), index=predicted or 0,
                       key=f"{PREFIX}_class_{index}_{predicted}",
                       format_func=lambda c: _("{name} (predicted)", name=names[c]) if c == predicted else names[c])
    return x, int(cls), index


def _names(data):
    if data.image_shape is not None:
        return va.pixel_names(data.image_shape)
    return list(data.feature_names) or [f"x{i + 1}" for i in range(data.n_features)]


def saliency_section(net, data, x, cls, key):
    """∂(class score)/∂input beside its central-difference check."""
    st.subheader(_("Saliency: which inputs the score is most sensitive to"))
    result = explain.once("saliency", key, lambda: A.saliency(net, x, cls))
    if result is None:
        return
    names = _names(data)
    left, right = st.columns([1, 1.2])
    show_chart(left, chart("value_view", result.gradient, data.image_shape, names,
                                   _("∂(class score)/∂input (blue −, red +)"), "∂score/∂x"))
    check = va.check_frame(result.check_index, result.check_analytic, result.check_numeric, result.check_rel_error,
                           result.check_at_kink, names)
    worked_table(check, {_("relative error"): "%.1e", **dict.fromkeys(check.columns[1:3], "%.8g")}, where=right)
    kinks = int(result.check_at_kink.sum())
    if np.isnan(result.check_max_rel_error):
        right.caption(_("Every checked entry sits on a kink of a ReLU or max-pool, where the slope has two "
                        "one-sided values; backprop reports one of them."))
    else:
        right.caption(_("The {n} inputs with the largest gradient, each nudged by ±ε = {eps:g} (central "
                        "differences, float64). Largest relative error away from kinks: {error:.1e}.",
                        n=len(result.check_index), eps=result.eps, error=result.check_max_rel_error))
    if kinks:
        right.caption(ngettext("{n} of them sits on a ReLU or max-pool kink: its two one-sided slopes differ, so "
                               "it is marked rather than counted as an error.",
                               "{n} of them sit on a ReLU or max-pool kink: their two one-sided slopes differ, so "
                               "they are marked rather than counted as errors.", kinks))
    st.caption(_("Red: raising this input raises the class score; blue: lowers it. A gradient is local — it says "
                 "what a tiny change would do, not what the input contributed."))


def baseline_choice(data):
    """The baseline x′ for integrated gradients and occlusion: (kind, x′)."""
    kinds = [k for k in BASELINES if k != "black" or data.image_shape is not None]
    kind = st.radio(_("Baseline x′ (what “no information” looks like; used by integrated gradients and "
                      "occlusion)"), kinds, format_func=lambda k: _(BASELINES[k]), horizontal=True,
                    key=f"{PREFIX}_baseline")
    return kind, A.make_baseline(kind, data.x_train, data.image_shape)


def ig_section(net, data, x, cls, key, baseline_kind, baseline):
    """Integrated gradients as a visible trapezoid sum, with completeness and convergence as numbers."""
    st.subheader(_("Integrated gradients: what each input contributed, from the baseline to the sample"))
    default = settings_for(net)["ig_steps"]
    explain.budget_note(net, _("the path starts with {steps} steps instead of {full}; the slider still goes up to "
                               "{most}.", steps=default, full=LIGHT["ig_steps"], most=IG_STEPS[-1]))
    steps = st.select_slider(_("Steps along the path"), IG_STEPS, value=default,
                             key=f"{PREFIX}_ig_steps_{default}")  # a model with another default starts from it
    result = explain.once("ig", (key, baseline_kind, steps),
                          lambda: A.integrated_gradients(net, x, cls, baseline, steps=int(steps)))
    if result is None:
        return
    gap = result.score - result.baseline_score
    c1, c2, c3 = st.columns(3)
    c1.metric(_("Σ attributions"), f"{result.total:.6g}")
    c2.metric(_("f(x) − f(x′)"), f"{gap:.6g}", help=_("f(x) = {fx:.6g}, f(x′) = {fb:.6g}", fx=result.score,
                                                       fb=result.baseline_score))
    c3.metric(_("completeness error"), f"{result.completeness_error:.2e}")
    st.caption(_("Completeness: the attributions add up to the score's change from the baseline to the sample, "
                 "up to the error of a {steps}-step trapezoid sum.", steps=steps))
    left, right = st.columns(2)
    show_chart(left, chart("value_view", result.attributions, data.image_shape, _names(data),
                                   _("Attribution of each input (blue −, red +)"), _("attribution")))
    show_chart(right, va.convergence_chart(result.convergence_steps, result.convergence_error))
    if data.image_shape is not None:
        show_chart(st, chart("path_images", x, result.baseline, result.alphas, data.image_shape))
    left, right = st.columns(2)
    show_chart(left, va.riemann_chart(result.alphas, result.integrand))
    show_chart(right, va.running_total_chart(result.alphas, result.path_scores, result.running_total))
    st.caption(_("Walk in a straight line from the baseline x′ to the sample x. At each step the score changes by "
                 "its gradient times the step; the trapezoids add those changes up (right: the running total "
                 "follows the score). Each input's attribution is its share of that sum: (xᵢ − x′ᵢ) times its "
                 "average gradient along the path. The error chart reads the same path with every 2nd, 4th … "
                 "point."))


def gradcam_section(net, data, x, cls, key):
    """Grad-CAM's αₖ with their check, the weighted maps, and the map over the sample; or why it does not apply."""
    st.subheader(_("Grad-CAM: where a convolution layer saw evidence for the class"))
    convs = A.conv_layers(net)
    if not convs:
        st.info(_("Grad-CAM does not apply to this model: it has no convolution layer, and Grad-CAM weighs a "
                  "convolution's feature maps. Saliency, integrated gradients and occlusion work for every model; "
                  "pick the “MNIST CNN” preset to see Grad-CAM."), icon=":material/info:")
        return
    names = {i: net.layers[i].name for i in convs}
    layer = st.selectbox(_("Convolution layer"), convs, index=len(convs) - 1, format_func=names.get,
                         key=f"{PREFIX}_cam_layer")
    result = explain.once("gradcam", (key, layer), lambda: A.grad_cam(net, x, cls, layer=layer))
    if result is None:
        return
    left, right = st.columns([1.3, 1])
    show_chart(left, va.alphas_chart(result.alphas, _("Channel weights αₖ = mean of ∂score/∂Aₖ over the map")))
    right.dataframe(va.alphas_frame(result.alphas, result.alphas_check), hide_index=True, height=260)
    right.caption(_("Check: nudge channel k's whole map by ±ε = {eps:g} and divide the score's change by 2ε × "
                    "the map's size. Largest difference from αₖ: {error:.1e}.", eps=result.eps,
                    error=result.check_max_abs_error))
    show_chart(st, chart("map_grid", result.weighted, _("αₖ · Aₖ: each channel's map weighted by its αₖ (blue −, "
                                                        "red +)"), diverging=True, size=72, ncols=8),
               width="content")
    image = x.reshape(net.input_shape[-2:])
    show_chart(st, chart("overlay_chart", image, result.upsampled,
                                    _("ReLU(Σₖ αₖ·Aₖ), resized to the sample and laid over it")), width="content")
    st.caption(_("αₖ says how much the class score gains per unit of channel k; adding up the channels' maps with "
                 "those weights and keeping the positive part shows where the layer found evidence for the class."))


def occlusion_section(net, data, x, cls, key, baseline_kind, baseline):
    """The drop in the class score when a patch (or one feature) is replaced by the baseline."""
    st.subheader(_("Occlusion: cover part of the sample and watch the score"))
    shape = data.image_shape
    patch = stride = 1
    if shape is not None:
        c1, c2 = st.columns(2)
        top = max(1, min(shape) // 2)
        patch = int(c1.slider(_("Patch size (pixels)"), 1, top, min(4, top), key=f"{PREFIX}_patch"))
        stride = int(c2.slider(_("Stride (pixels)"), 1, patch, max(1, patch // 2), key=f"{PREFIX}_stride_{patch}"))
    result = explain.once("occlusion", (key, baseline_kind, patch, stride),
                          lambda: A.occlusion(net, x, cls, baseline, shape, patch, stride))
    if result is None:
        return
    if shape is None:
        show_chart(st, va.feature_bars(result.drops, _names(data), _("Score drop when one feature is set to the "
                                                                     "baseline"), _("score drop")))
        worst = int(np.argmax(result.drops))
        st.caption(_("Largest drop: {feature}, {drop:.4g} of the score {score:.4g}. No gradient is involved: each "
                     "bar is one forward pass.", feature=_names(data)[worst], drop=result.drops[worst],
                     score=result.score))
        return
    left, right = st.columns(2)
    show_chart(left, chart("occlusion_chart", result.drops, result.rows, result.cols, patch,
                                        _("Score drop for each {patch}×{patch} patch position", patch=patch)))
    show_chart(right, chart("pixel_map", result.pixel_map, shape, _("The same drops, spread onto the pixels"),
                                   _("score drop")))
    i, j = np.unravel_index(int(np.argmax(result.drops)), result.drops.shape)
    st.caption(_("Largest drop: covering the patch whose top-left pixel is at row {row}, column {col} lowers the "
                 "score from {score:.4g} by {drop:.4g}. Right: each pixel's mean drop over the patches that cover it. "
                 "{n} forward passes, no gradient: an independent check of the maps above.",
                 row=int(result.rows[i]), col=int(result.cols[j]), score=result.score,
                 drop=float(result.drops[i, j]), n=result.drops.size))
