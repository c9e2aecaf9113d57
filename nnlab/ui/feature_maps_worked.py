"""The Feature-maps page's worked convolution (CNN Explainer's click-a-cell view): click a position of a
feature map and see the input window under the kernel, the kernel, their products, the sum plus the bias
and the activation — arriving at the number clicked. The arithmetic is ``nnlab.lab.worked_conv``'s."""
import numpy as np
import streamlit as st

from ..i18n import _
from ..lab.worked_conv import conv_position
from ..viz.matrices import vector_bars
from ..viz.worked import terms_frame
from .widgets.chart_cache import chart as cached_chart
from .widgets.charts import show_chart
from .widgets.explain_panel import index_inputs, set_index, show_clickable, source
from .widgets.worked_table import worked_table

PREFIX = "fm_w"


def worked_position(net, trace, convs):
    """One position of one convolution's feature maps worked out, chosen by a click or by number."""
    layer = convs[0]
    if len(convs) > 1:
        layer = st.selectbox(_("Convolution"), convs, format_func=lambda i: net.layers[i].name, key=f"{PREFIX}_layer")
    tr = trace[layer]
    shape = tr.a.shape[1:]
    key = f"{PREFIX}_pos_{layer}"
    default = tuple(int(i) for i in np.unravel_index(np.argmax(tr.a[0]), shape))
    f, row, col = index_inputs(key, shape, [_("channel"), _("row"), _("column")], default)
    pos = conv_position(net, trace, layer, f, row, col)
    # one below the other: side by side, the map and the three 3×3 grids are wider than the page
    title = _("Channel {f} of {layer}: a = {act}(z); click a position", f=f, layer=tr.name, act=tr.activation)
    chart = cached_chart("position_map", tr.a[0, f], title, picked=(row, col), select="pick")
    show_clickable(st, chart, f"{PREFIX}_map_{layer}", lambda point: set_index(key, (f, point["r"], point["c"])))
    _window(pos)
    st.latex(pos.latex)
    m = st.columns(4)
    m[0].metric(_("Σ products"), f"{pos.terms.total:.6g}")
    m[1].metric(_("+ bias b = z"), f"{pos.reproduced_z:.6g}", help=_("the engine's z: {z:.6g}", z=pos.z))
    m[2].metric(_("a = {act}(z)", act=pos.activation), f"{pos.a:.6g}")
    m[3].metric(_("the map's value you clicked"), f"{float(tr.a[0, f, row, col]):.6g}")
    box = st.expander(_("The largest products, and the engine's code"), key=f"{PREFIX}_products_open",
                      on_change="rerun")
    if box.open:  # drawn only when opened
        with box:
            worked_table(terms_frame(pos.terms, ["W", "x"], _("(input channel, u, v)")))
            source(("conv z", "conv a"), st)


def _window(pos):
    """The window, kernel and products of one input channel (the one adding most, when there are several)."""
    c = pos.kernel.shape[0]
    channel = 0
    if c > 1:
        st.caption(_("The kernel has one 3×3 slice per input channel ({c} here); each slice's products add up to "
                     "one bar below, and the bars add up to Σ products.", c=c))
        show_chart(st, vector_bars(pos.channel_sums, _("Σ of each input channel's products"), _("sum of products"),
                                   _("input channel")), width="stretch")
        strongest = int(np.argmax(np.abs(pos.channel_sums)))
        key = f"{PREFIX}_channel_{pos.layer}_{pos.filter}_{pos.row}_{pos.col}"  # a new position: the default again
        channel = int(st.selectbox(_("Input channel shown"), range(c), index=strongest, key=key))
    st.caption(_("Input window at rows {top}…{bottom}, columns {left}…{right} of the layer's input (channel {ch}).",
                 top=pos.top, bottom=pos.top + pos.window.shape[1] - 1, left=pos.left,
                 right=pos.left + pos.window.shape[2] - 1, ch=channel))
    show_chart(st, cached_chart("window_charts", pos.window[channel], pos.kernel[channel], pos.products[channel],
                                pos.padding), width="content")
