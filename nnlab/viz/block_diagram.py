"""Convolution and attention networks drawn the LeNet way: one block per tensor, left to right, each
labelled with the layer that made it and its shape (e.g. 16×26×26), sized by that shape.

Block height grows with the spatial size (the image side H; √T for T tokens laid out as a patch grid;
√n for a flat vector of n), width with the number of channels or features (logarithmically); images with
several channels get a stack of offset sheets behind them, as in the LeNet drawing.
"""
import textwrap

import altair as alt
import numpy as np
import pandas as pd

from ..i18n import N_, _
from ..engine.shapes import shape_text

SLOT = 112  # px per block column
PX_PER_SIDE = 6.5  # block height per unit of spatial size
MIN_H = 18
MAX_SHEETS = 3  # sheets drawn behind a multi-channel image block
SHEET_OFFSET = 5
LABEL_WIDTH = 16  # characters per line of a block's label
# The kinds' names: the colour key shows them translated.
KIND_COLOURS = {N_("input"): "#d9d9d9", N_("convolution"): "#6baed6", N_("pooling"): "#fdae6b",
                N_("dense"): "#74c476", N_("attention"): "#9e9ac8", N_("reshaping / normalising"): "#bdbdbd"}
KIND_GROUP = {"conv2d": "convolution", "maxpool2d": "pooling", "avgpool2d": "pooling", "dense": "dense",
              "token_dense": "dense", "patch_embed": "attention", "self_attention": "attention",
              "token_mean_pool": "pooling"}


def block_size(shape):
    """(height, width) in px of the block for a tensor of this shape (without the batch axis)."""
    shape = tuple(int(s) for s in shape)
    if len(shape) == 3:  # (C, H, W)
        side, depth = shape[1], shape[0]
    elif len(shape) == 2:  # (T, D) tokens
        side, depth = np.sqrt(shape[0]), shape[1]
    else:
        side, depth = np.sqrt(np.prod(shape)), 1
    return max(MIN_H, PX_PER_SIDE * side), 10 + 5 * np.log2(depth + 1)


def block_frame(net, labels):
    """One row per tensor — the input, then each layer's output — with its label, shape, size and place.

    labels : a few words per layer, in order (``nnlab.lab.describe.layer_labels``).

    Columns: column, layer, label, kind, group, shape, params, x, x2, y, y2 (px; y=0 is the middle line),
    sheets (how many offset sheets to draw behind it).
    """
    rows = [{"layer": "input", "label": "input", "kind": "input", "group": "input", "shape": net.input_shape,
             "params": 0}]
    for layer, label in zip(net.layers, labels, strict=True):
        rows.append({"layer": layer.name, "label": label, "kind": layer.kind,
                     "group": KIND_GROUP.get(layer.kind, "reshaping / normalising"), "shape": layer.output_shape,
                     "params": int(layer.n_params)})
    for i, row in enumerate(rows):
        h, w = block_size(row["shape"])
        cx = (i + 0.5) * SLOT
        shape = tuple(int(s) for s in row["shape"])
        row.update(column=i, x=cx - w / 2, x2=cx + w / 2, y=-h / 2, y2=h / 2, cx=cx,
                   sheets=min(MAX_SHEETS, shape[0] - 1) if len(shape) == 3 else 0, shape=shape_text(shape),
                   head=textwrap.fill(f"{row['layer'].split()[0]} · {row['label']}" if i else _("input"), LABEL_WIDTH))
    return pd.DataFrame(rows)


def block_diagram(net, labels, title=None):
    """The Altair drawing: blocks (with stacked sheets for multi-channel images), arrows between them, the
    layer above and the shape below each block; colour = kind of layer; tooltips with parameter counts."""
    frame = block_frame(net, labels)
    sheets = pd.DataFrame([{**r, "x": r["x"] + k * SHEET_OFFSET, "x2": r["x2"] + k * SHEET_OFFSET,
                            "y": r["y"] + k * SHEET_OFFSET, "y2": r["y2"] + k * SHEET_OFFSET}
                           for r in frame.to_dict("records") for k in range(r["sheets"], 0, -1)],
                          columns=frame.columns)
    top = float(frame["y2"].max()) + MAX_SHEETS * SHEET_OFFSET
    label_px = 14 * int(frame["head"].str.count("\n").max() + 1)  # the labels' lines, drawn downwards from the top
    width = SLOT * len(frame)
    xs = alt.Scale(domain=[0, width], nice=False, zero=False)
    ys = alt.Scale(domain=[-top - 70, top + label_px + 12], nice=False, zero=False)
    x, x2 = alt.X("x:Q", scale=xs, axis=None), alt.X2("x2:Q")
    y, y2 = alt.Y("y:Q", scale=ys, axis=None), alt.Y2("y2:Q")
    groups = [g for g in KIND_COLOURS if g in set(frame["group"])]
    colour = alt.Color("group:N", title=_("layer kind"), scale=alt.Scale(domain=groups,
                                                                        range=[KIND_COLOURS[g] for g in groups]),
                       legend=None)
    tips = [alt.Tooltip("layer:N", title=_("layer")), alt.Tooltip("label:N", title=_("what it does")),
            alt.Tooltip("shape:N", title=_("output shape")), alt.Tooltip("params:Q", title=_("parameters"), format=",")]
    back = alt.Chart(sheets).mark_rect(stroke="#555555", strokeWidth=0.8).encode(
        x=x, x2=x2, y=y, y2=y2, color=colour, tooltip=tips)
    blocks = alt.Chart(frame).mark_rect(stroke="#333333", strokeWidth=1).encode(
        x=x, x2=x2, y=y, y2=y2, color=colour, tooltip=tips)
    links = frame.assign(a=frame["x2"] + 4, b=frame["x"].shift(-1) - 4, zero=0.0).iloc[:-1]
    arrows = alt.Chart(links).mark_rule(color="#888888").encode(
        x=alt.X("a:Q", scale=xs, axis=None), x2=alt.X2("b:Q"), y=alt.Y("zero:Q", scale=ys, axis=None))
    heads = alt.Chart(frame.assign(ty=top + 6 + label_px)).mark_text(baseline="top", fontSize=11,
                                                                    lineBreak="\n").encode(
        x=alt.X("cx:Q", scale=xs, axis=None), y=alt.Y("ty:Q", scale=ys, axis=None), text=alt.Text("head:N"))
    shapes = alt.Chart(frame.assign(ty=frame["y"] - 8)).mark_text(baseline="top", fontSize=12,
                                                                   fontWeight="bold").encode(
        x=alt.X("cx:Q", scale=xs, axis=None), y=alt.Y("ty:Q", scale=ys, axis=None), text=alt.Text("shape:N"))
    # The colour key as marks of its own along the bottom: a legend would take space from the drawing
    # (the chart is fitted into its width and height), squashing the blocks.
    key = pd.DataFrame({"group": groups, "name": [_(g) for g in groups],
                        "kx": [8 + 150 * i for i in range(len(groups))]})
    key["ky"] = -top - 55
    key_boxes = alt.Chart(key).mark_square(size=120, stroke="#333333", strokeWidth=0.8, opacity=1).encode(
        x=alt.X("kx:Q", scale=xs, axis=None), y=alt.Y("ky:Q", scale=ys, axis=None), color=colour)
    key_text = alt.Chart(key).mark_text(align="left", dx=10, fontSize=12).encode(
        x=alt.X("kx:Q", scale=xs, axis=None), y=alt.Y("ky:Q", scale=ys, axis=None), text=alt.Text("name:N"))
    height = int(2 * top + label_px + 82)
    chart = alt.layer(back, blocks, arrows, heads, shapes, key_boxes, key_text).properties(width=width, height=height)
    if title:
        chart = chart.properties(title=title)
    return chart.configure_view(stroke=None)
