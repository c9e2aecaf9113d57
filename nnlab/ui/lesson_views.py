"""The live views a lesson embeds: each name of ``lab.lessons.VIEWS`` drawn by the existing page's own section.

Nothing here draws a chart or a table of its own: every view prepares what the page script prepares (the
sample picker, a trace, the attention of one digit) and calls that page's section function, so a lesson shows
exactly what the full page shows and stays in step with it. ``VIEW_SECTIONS`` has one entry per view name; a
test keeps it equal to ``VIEWS``.
"""
from dataclasses import dataclass, field

import streamlit as st

from ..i18n import _
from ..lab.inspect import attention_weights, sample
from ..viz.attention import attention_layer_indices, patch_grid
from ..viz.feature_maps import conv_layer_indices
from ..viz.network_diagram import can_draw
from . import architecture, attention, backprop, feature_maps, forward, state, training, training_live
from . import data as data_sections
from .data_augment import augment_section
from .widgets.digit_input import choose_digit, say_prediction
from .widgets.sample_picker import pick_sample


@dataclass
class ViewContext:
    """What the views of one lesson share in one page run: the data, the learner's model and history, and
    whatever a view prepared that the next one needs too (one sample picker per page, not two)."""
    cfg: object
    data: object
    net: object  # the learner's model itself (training changes it)
    hist: object
    memo: dict = field(default_factory=dict)

    def copy(self):
        """A copy of the model to look inside (traces fill caches; the learner's model is never touched)."""
        if "copy" not in self.memo:
            self.memo["copy"] = state.model_copy()
        return self.memo["copy"]


def _train_first(ctx):
    if not ctx.hist.steps:
        st.info(_("Train the network first (the Train button above, or on the Training page): this view shows "
                  "what training recorded."), icon=":material/monitoring:")
        return True
    return False


def training_live_view(ctx):
    training_live.check_interrupted(ctx.hist)
    clicked = training_live.controls(ctx.cfg)
    view = training_live.LiveView(ctx.data)
    if clicked:
        training_live.run(state.training_session(), ctx.data, ctx.cfg, view)
    else:
        training_live.show_outcome(ctx.hist, view.outcome)
        view.draw(ctx.hist, ctx.net)


def gradient_flow_view(ctx):
    if not _train_first(ctx):
        training.flow_section(ctx.hist)


def weights_view(ctx):
    if not _train_first(ctx):
        training.weights_section(ctx.hist, ctx.net, ctx.data)


def results_view(ctx):
    if not _train_first(ctx):
        training.results_section(ctx.net, ctx.data)


def architecture_table_view(ctx):
    architecture.table_section(ctx.copy())


def architecture_units_view(ctx):
    net = ctx.copy()
    if not can_draw(net):
        architecture.blocks_section(net)
        return
    x, _t, _y = sample(ctx.data, net, pick_sample(ctx.data, architecture.PREFIX))
    architecture.units_section(net, net.forward_trace(x), ctx.data)


def forward_layers_view(ctx):
    net = ctx.copy()
    x, _t, _y = sample(ctx.data, net, pick_sample(ctx.data, forward.PREFIX))
    forward.layer_section(net, net.forward_trace(x), ctx.data)


def backprop_chain_view(ctx):
    net = ctx.copy()
    x, t, y = sample(ctx.data, net, pick_sample(ctx.data, backprop.PREFIX))
    bt = net.backward_trace(x, t)
    backprop.loss_section(net, bt, ctx.data, y)
    backprop.layer_section(bt, ctx.data)


def conv_blocks_view(ctx):
    net = ctx.copy()
    convs = conv_layer_indices(net)
    if not convs:
        st.info(_("The current model has no convolution layer, so it has no feature maps: set the lesson up "
                  "above."), icon=":material/grid_on:")
        return
    x, caption, _label = choose_digit(ctx.data, feature_maps.PREFIX)
    trace = net.forward_trace(x)
    say_prediction(ctx.data, caption, trace[-1].a[0])
    feature_maps.conv_blocks(net, trace, convs)


def _attention(ctx):
    """(x, A, grid, query) of the attention page for one digit, prepared once per run, or None."""
    if "attention" not in ctx.memo:
        net = ctx.copy()
        layers = attention_layer_indices(net)
        grid = None
        if layers:
            index = attention.choose_layer(net, layers)
            grid = patch_grid(net, index)
        if grid is None:
            st.info(_("The current model has no self-attention over image patches: set the lesson up above."),
                    icon=":material/visibility:")
            ctx.memo["attention"] = None
        else:
            x, caption, _label = choose_digit(ctx.data, attention.PREFIX)
            say_prediction(ctx.data, caption, net.predict(x)[0])
            ctx.memo["attention"] = (x, attention_weights(net, x, index)[0], grid, attention.choose_query(grid))
    return ctx.memo["attention"]


def head_matrices_view(ctx):
    prepared = _attention(ctx)
    if prepared:
        _x, A, grid, query = prepared
        attention.head_matrices(A, grid, query)


def query_over_digit_view(ctx):
    prepared = _attention(ctx)
    if prepared:
        attention.query_over_digit(*prepared)


VIEW_SECTIONS = {
    "training.live": training_live_view,
    "training.gradient_flow": gradient_flow_view,
    "training.weights": weights_view,
    "training.results": results_view,
    "architecture.table": architecture_table_view,
    "architecture.units": architecture_units_view,
    "forward.seed_neuron": lambda ctx: forward.neuron_section(),
    "forward.layers": forward_layers_view,
    "backprop.seed_neuron": lambda ctx: backprop.neuron_section(),
    "backprop.chain": backprop_chain_view,
    "data.about": lambda ctx: data_sections.about_section(ctx.data),
    "data.look": lambda ctx: data_sections.look_section(),
    "data.augment": lambda ctx: augment_section(ctx.data),
    "feature_maps.conv_blocks": conv_blocks_view,
    "attention.head_matrices": head_matrices_view,
    "attention.query_over_digit": query_over_digit_view,
}


def views_of(lesson):
    """The lesson's views in the order its file lists them; a lesson whose task trains gets the Train button (the
    live view) first when its file does not list it, so the task can be done without leaving the lesson."""
    if lesson.done_epochs and "training.live" not in lesson.views:
        return ("training.live",) + lesson.views
    return lesson.views


def draw_views(lesson, ctx):
    for name in views_of(lesson):
        VIEW_SECTIONS[name](ctx)
