"""Sections of the Feature-maps page: how trained the model is, one convolution block (kernels, feature maps,
pooled maps) for one digit, and the panel that finds the test digits exciting a chosen channel most.

The channel statistics over a few hundred test digits are cached with ``st.cache_data`` keyed on a
fingerprint of the weights (and the images), never on the model object: training changes the weights,
so it changes the key, and another user's model can never be served.
"""
import numpy as np
import streamlit as st

from ..engine.shapes import shape_text as _shape
from ..i18n import N_, _
from ..lab.describe import layer_label, training_status
from ..lab.inspect import channel_stats, layer_output, split_arrays, split_name, top_k, weights_fingerprint
from .widgets.chart_cache import chart
from .widgets.charts import show_chart

N_PROBE = 500  # test digits searched for the strongest activations
STATISTICS = {"mean": N_("mean over the map (how much of the digit excites it)"),
              "max": N_("maximum over the map (the single best match anywhere)")}
STATISTIC_NAMES = {"mean": N_("mean"), "max": N_("max")}  # the radio's options

PREFIX = "fm"


def status_section(data, hist):
    """What the feature maps of an untrained or a trained model look like, and what to do next."""
    status = training_status(hist)
    st.caption(_("{data} · {status}. A convolution slides each small kernel over its input and writes one "
                 "feature map per kernel: bright where the input looks like the kernel.", data=data.name,
                 status=status))
    if not len(hist):
        st.info(_("This model is **untrained**: its kernels are random, so the feature maps are noisy copies of the "
                "digit. Train it on the Training page (one epoch is enough) and come back to see edge and stroke "
                "detectors."), icon=":material/info:")
    else:
        st.success(_("This model is **{status}**: compare with an untrained one (Reset weights on the Training "
                     "page).", status=status),
                   icon=":material/check_circle:")


def conv_blocks(net, trace, conv_indices):
    """Every convolution's block for one digit, with the choice of z (before the activation) or a."""
    show_z = st.toggle(_("Show z, before the activation (otherwise a, after it)"), key=f"{PREFIX}_show_z")
    for index in conv_indices:
        conv_block(net, trace, index, show_z)


def conv_block(net, trace, index, show_z):
    """Kernels, this digit's feature maps and (if a pooling layer follows) the pooled maps of conv layer
    ``index``. trace : ``net.forward_trace(x)`` for one digit."""
    layer, tr = net.layers[index], trace[index]
    st.subheader(f"{tr.name} · {layer_label(layer.config())} · {_shape(layer.input_shape)} → "
                 f"{_shape(layer.output_shape)}")
    W = tr.params["W"]
    f, c, k = W.shape[:3]
    if c == 1:
        title = _("Kernels: {f} filters, each its {k}×{k} kernel (blue −, red +; one scale)", f=f, k=k)
    else:
        title = _("Kernels: {f} filters, each its {c} kernels of {k}×{k}, one per input channel, tiled row by row "
                  "between grey lines (blue −, red +; one scale)", f=f, c=c, k=k)
    show_chart(st, chart("kernel_grid", W, title), width="content")
    if c > 1:
        box = st.expander(_("One filter's kernels, one per input channel"), key=f"{PREFIX}_kernels_open_{index}",
                          on_change="rerun")
        if box.open:  # drawn only when opened: a closed expander's content is still sent and rendered
            with box:
                channel = st.number_input(_("Filter"), 0, f - 1, 0, key=f"{PREFIX}_filter_{index}")
                show_chart(st, chart("channel_kernels_grid", W, int(channel), _(
                    "Filter {f}: the kernel it slides over each incoming map", f=int(channel))), width="content")
    maps = (tr.z if show_z else tr.a)[0]
    if show_z:
        title = _("Feature maps of this digit: {f} channels of {shape}, z = W ⋆ x + b (before the activation; blue −, "
                  "red +)", f=f, shape=_shape(maps.shape[1:]))
    else:
        title = _("Feature maps of this digit: {f} channels of {shape}, a = {act}(z) (black 0 … white the layer's "
                  "largest)", f=f, shape=_shape(maps.shape[1:]), act=tr.activation)
    show_chart(st, chart("map_grid", maps, title, diverging=show_z), width="content")
    nxt = trace[index + 1] if index + 1 < len(trace) else None
    if nxt is not None and nxt.kind in ("maxpool2d", "avgpool2d"):
        pool = net.layers[index + 1]
        shape = _shape(nxt.a.shape[1:])
        if nxt.kind == "maxpool2d":
            title = _("{name}: each {k}×{k} window keeps the largest value → {shape}", name=nxt.name, k=pool.size,
                      shape=shape)
        else:
            title = _("{name}: each {k}×{k} window keeps the mean value → {shape}", name=nxt.name, k=pool.size,
                      shape=shape)
        show_chart(st, chart("map_grid", nxt.a[0], title, size=48, ncols=16), width="content")


@st.cache_data(max_entries=16, show_spinner=False)  # the spinner, translated, is at the call
def _stats(fingerprint, index, x, _net):
    """(mean, max) per test digit and channel of layer ``index``; keyed on the weights' fingerprint and
    the images (``_net`` is not hashed: its fingerprint stands for it)."""
    return channel_stats(_net, x, index)


def strongest_digits(net, dataset, conv_indices):
    """Pick a layer, a channel and a statistic; show the test digits that excite that channel most and,
    under each, where (the channel's feature map)."""
    x_all, y_all, split = split_arrays(dataset)
    n = min(N_PROBE, len(x_all))
    x = np.ascontiguousarray(x_all[:n])
    names = {i: net.layers[i].name for i in conv_indices}
    c1, c2, c3, c4 = st.columns([1.2, 1, 1.4, 1])
    index = c1.selectbox(_("Layer"), conv_indices, format_func=names.get, key=f"{PREFIX}_top_layer")
    filters = net.layers[index].output_shape[0]
    channel = int(c2.number_input(_("Channel"), 0, filters - 1, 0, key=f"{PREFIX}_top_channel_{index}"))
    stat = c3.radio(_("Rank by"), list(STATISTICS), horizontal=True, key=f"{PREFIX}_top_stat",
                    format_func=lambda code: _(STATISTIC_NAMES[code]),
                    help="\n\n".join(f"**{_(STATISTIC_NAMES[k])}**: {_(v)}" for k, v in STATISTICS.items()))
    k = int(c4.slider(_("How many"), 4, 16, 8, key=f"{PREFIX}_top_k"))
    with st.spinner(_("Running test digits through the network…")):
        means, maxes = _stats(weights_fingerprint(net), index, x, net)
    values = (means if stat == "mean" else maxes)[:, channel]
    best = top_k(values, k)
    labels = [dataset.class_names[int(v)] for v in y_all[:n]] if dataset.class_names is not None else None
    shape = tuple(dataset.image_shape or net.input_shape[-2:])  # a CSV of pixels has no image_shape
    title = _("The {k} of the first {n} {split} digits with the largest {stat} activation of {name} channel {c}", k=k,
              n=n, split=split_name(split), stat=_(STATISTIC_NAMES[stat]), name=names[index], c=channel)
    show_chart(st, chart("top_images_grid", x, best, values, shape, labels, _(STATISTIC_NAMES[stat]), title),
               width="content")
    maps = layer_output(net, x[best], index)[:, channel]
    show_chart(st, chart("map_grid", maps, _("…and where: channel {c}'s feature map for each of them (one scale)",
                                            c=channel), size=72, ncols=8, captions=[f"#{i}" for i in best]),
               width="content")
    if dataset.class_names is not None:
        counts = np.bincount(np.asarray(y_all[:n])[best].astype(int), minlength=len(dataset.class_names))
        common = ", ".join(f"{dataset.class_names[c]} ×{counts[c]}" for c in np.argsort(-counts, kind="stable")
                           if counts[c])
        st.caption(_("Labels of these {k}: {common}. Mean over all {n}: {mean:.3g}; share of digits where the "
                     "channel stays at 0: {zero:.0%}.", k=k, common=common, n=n, mean=values.mean(),
                     zero=np.mean(values == 0)))
