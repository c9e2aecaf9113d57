"""The network drawn as people draw it on a board: units as circles in columns, one column per layer.

Big layers are collapsed NN-SVG style — the first k units, then an ellipsis node "… 112 more" — so a
784-128-64-10 MLP fits on a projector. Edges are coloured by the weight's sign (blue −, red +) and sized
by |w|; only the strongest few per pair of layers are drawn, and the title says how many. With a forward
trace each unit is filled by its activation for that sample, and its tooltip gives bias, z and a.
"""
import altair as alt
import numpy as np
import pandas as pd

from ..engine.shapes import shape_text
from ..i18n import _
from .images import png_data_uri
from .matrices import DIVERGING

DRAWN_KINDS = ("dense", "dropout")  # the unit diagram is for fully connected networks
LABELLED_EDGES = 12  # up to this many edges, each carries its weight as a number
HEADER_PX = 56  # height of the strip of column headers (three lines)
MAP_PX = 30  # a unit's map over the input plane, drawn beside its circle
NAMED_UNITS = 16  # up to this many drawn inputs / outputs get their feature / class name written beside them


def layer_table(net):
    """One row per layer — shape, activation, weights, parameters — and a final "total" row.

    Returns a DataFrame with columns layer, kind, input, output, activation, weights, parameters.
    """
    rows = []
    for row, layer in zip(net.summary(), net.layers):
        shapes = " + ".join(f"{k} {shape_text(p.shape)}" for k, p in layer.params.items())
        rows.append([row["layer"], row["kind"], shape_text(row["input shape"]), shape_text(row["output shape"]),
                     row["activation"] or "—", shapes or "—", int(row["parameters"])])
    rows.append([_("total"), "", shape_text(net.input_shape), shape_text(net.output_shape), "", "", int(net.n_params)])
    return pd.DataFrame(rows, columns=[_("layer"), _("kind"), _("input"), _("output"), _("activation"), _("weights"),
                                       _("parameters")])


def can_draw(net):
    """True for fully connected networks (dense and dropout layers); others get the layer table only."""
    return all(layer.kind in DRAWN_KINDS for layer in net.layers)


def _shown_units(n, max_units, order=None):
    """Which unit indices to draw for a layer of n units: all when n ≤ max_units, else the first
    max_units − 1 (or the first of ``order``) followed by an ellipsis."""
    if n <= max_units:
        return list(range(n)), 0
    k = max_units - 1
    chosen = list(range(k)) if order is None else sorted(int(i) for i in order[:k])
    return chosen, n - k


def diagram_frames(net, trace=None, max_units=12, top_edges=40, pick="first", input_names=None, output_names=None,
                   maps=None):
    """Node and edge tables behind ``network_diagram``.

    trace : ``net.forward_trace(x)`` for one sample, or None (units are then drawn unfilled).
    pick : "first" draws the first k units of a big layer; "active" the k with the largest |a| for the sample.
    input_names / output_names : the inputs' feature names and the outputs' class names, if they have any.
    maps : {column: (units, rows, cols)} each unit's output over the input plane (column 0 the inputs, then
    one per dense layer), for 2-D data; each drawn unit's map becomes a PNG in the node's ``map`` field.
    Returns (nodes, edges, info): nodes one row per drawn unit or ellipsis; edges one row per drawn
    weight; info has n_weights, n_edges and top_edges.
    """
    if not can_draw(net):
        kinds = sorted({layer.kind for layer in net.layers} - set(DRAWN_KINDS))
        raise ValueError(_("the unit diagram draws dense networks only; this one has {kinds} layers",
                           kinds=", ".join(kinds)))
    if max_units < 2:
        raise ValueError(_("max_units={n}: draw at least 2 units per layer", n=max_units))
    if top_edges < 1:
        raise ValueError(_("top_edges={n}: draw at least 1 edge per pair of layers", n=top_edges))
    if pick not in ("first", "active"):
        raise ValueError(_("pick={pick}: use 'first' or 'active'", pick=repr(pick)))
    if pick == "active" and trace is None:
        pick = "first"
    dense = [(i, layer) for i, layer in enumerate(net.layers) if layer.kind == "dense"]
    # columns: the input, then every dense layer (dropout has no units of its own)
    columns = [{"name": _("input ({n})", n=net.n_inputs), "head": _("input\n{n} values", n=net.n_inputs),
                "size": net.n_inputs, "values": None, "z": None, "b": None, "activation": "input",
                "names": input_names}]
    if trace is not None:
        columns[0]["values"] = np.asarray(trace[0].input, dtype=np.float64).reshape(-1)
    for i, layer in dense:
        col = {"name": f"{layer.name} · {layer.activation.name} ({layer.units})",
               "head": _("{name}\n{act}\n{n} units", name=layer.name, act=layer.activation.name, n=layer.units),
               "size": layer.units,
               "values": None, "z": None, "b": layer.params["b"].astype(np.float64),
               "activation": layer.activation.name, "layer_index": i, "names": None}
        if trace is not None:
            col["values"] = np.asarray(trace[i].a, dtype=np.float64).reshape(-1)
            col["z"] = np.asarray(trace[i].z, dtype=np.float64).reshape(-1)
        columns.append(col)
    if output_names is not None and len(output_names) == columns[-1]["size"]:
        columns[-1]["names"] = [str(c) for c in output_names]
    if columns[0]["names"] is not None and len(columns[0]["names"]) != net.n_inputs:
        columns[0]["names"] = None

    nodes, positions = [], []
    for c, col in enumerate(columns):
        order = None
        if pick == "active" and col["values"] is not None:
            order = np.argsort(-np.abs(col["values"]), kind="stable")
        shown, hidden = _shown_units(col["size"], max_units, order)
        n_slots = len(shown) + (1 if hidden else 0)
        ys = np.arange(n_slots) - (n_slots - 1) / 2
        vals = col["values"]
        scale = float(np.abs(vals).max()) if vals is not None and vals.size else 0.0
        pos = {}
        for slot, unit in enumerate(shown):
            a = None if vals is None else float(vals[unit])
            name = str(col["names"][unit]) if col["names"] is not None else _("unit {u}", u=unit)
            nodes.append({"column": c, "y": float(ys[slot]), "layer": col["name"], "unit": int(unit),
                          "kind": "input" if c == 0 else "unit", "label": "", "name": name,
                          "named": col["names"] is not None,
                          "a": a, "fill": (a / scale if scale else 0.0) if a is not None else None,
                          "z": None if col["z"] is None else float(col["z"][unit]),
                          "bias": None if col["b"] is None else float(col["b"][unit]),
                          "map": _map_uri(maps[c][unit]) if maps is not None and c in maps else None})
            pos[unit] = float(ys[slot])
        if hidden:
            nodes.append({"column": c, "y": float(ys[-1]), "layer": col["name"], "unit": -1, "kind": "ellipsis",
                          "label": _("… {n} more", n=hidden), "name": "", "named": False, "a": None, "fill": None,
                          "z": None, "bias": None, "map": None})
        positions.append(pos)

    edges, n_weights = [], 0
    for c in range(1, len(columns)):
        W = net.layers[columns[c]["layer_index"]].params["W"]
        n_weights += W.size
        src, dst = list(positions[c - 1]), list(positions[c])
        block = np.asarray(W[np.ix_(src, dst)], dtype=np.float64)
        flat = np.abs(block).ravel()
        keep = np.argsort(-flat, kind="stable")[:top_edges]
        pair_max = float(flat.max()) or 1.0  # colours are relative per pair: first-layer weights are small
        for k in keep:
            i, j = np.unravel_index(k, block.shape)
            edges.append({"x": c - 1, "x2": c, "y": positions[c - 1][src[i]], "y2": positions[c][dst[j]],
                          "from": _("{name} unit {u}", name=columns[c - 1]["name"], u=src[i]),
                          "to": _("{name} unit {u}", name=columns[c]["name"], u=dst[j]),
                          "w": float(block[i, j]), "w_rel": float(block[i, j]) / pair_max,
                          "abs_rel": float(abs(block[i, j])) / pair_max})
    info = {"n_weights": n_weights, "n_edges": len(edges), "top_edges": top_edges, "pick": pick,
            "columns": [col["name"] for col in columns], "heads": [col["head"] for col in columns]}
    columns = ["x", "x2", "y", "y2", "from", "to", "w", "w_rel", "abs_rel"]
    return pd.DataFrame(nodes), pd.DataFrame(edges, columns=columns), info


def _numbers(node):
    """A unit's bias, z and a (an input's value) for its tooltip, as the sample gives them."""
    if node.kind == "input":
        return "" if node.a is None or pd.isna(node.a) else f"x = {node.a:.4f}"
    parts = [(_("bias"), node.bias), ("z", node.z), ("a", node.a)]
    return " · ".join(f"{k} {v:.4f}" for k, v in parts if v is not None and not pd.isna(v))


def _map_uri(values):
    """One unit's map over the input plane as a small PNG: the grid's first row (lowest x₂) at the bottom,
    blue − / white 0 / red + when it takes both signs, else black 0 … white its largest value."""
    img = np.flipud(np.asarray(values, dtype=np.float64))
    cmap = "diverging" if img.min() < 0 < img.max() else "gray"
    return png_data_uri(img, cmap, scale=max(1, MAP_PX // max(img.shape)))


def diagram_title(info):
    """The sentence stating what is drawn: N, the strongest-edge rule, and how many weights exist."""
    if info["n_edges"] == info["n_weights"]:
        return _("Edges: all {n:,} weights", n=info["n_weights"])
    return _("Edges: the {top} strongest |w| between each pair of drawn layers ({drawn} edges drawn of {n:,} "
             "weights)", top=info["top_edges"], drawn=info["n_edges"], n=info["n_weights"])


def network_diagram(net, trace=None, max_units=12, top_edges=40, pick="first", width=960, height=500,
                    input_names=None, output_names=None, maps=None):
    """The Altair drawing of a dense network (see module docstring): a strip of column headers over
    the layered drawing (edges, units, ellipses), inputs and outputs named, and with ``maps`` each unit's
    output over the input plane beside it. Returns an alt.VConcatChart."""
    nodes, edges, info = diagram_frames(net, trace, max_units, top_edges, pick, input_names, output_names, maps)
    n_cols = len(info["columns"])
    x_scale = alt.Scale(domain=[-0.4, n_cols - 0.6])
    x = alt.X("column:Q", axis=None, scale=x_scale)
    y_top = max(float(nodes["y"].abs().max()), 1.0)
    y_extent = y_top + 0.8
    y_scale = alt.Scale(domain=[y_extent, -y_extent])
    lines = alt.Chart(edges).mark_rule(opacity=0.75).encode(
        x=alt.X("x:Q", axis=None, scale=x_scale), x2=alt.X2("x2:Q"),
        y=alt.Y("y:Q", axis=None, scale=y_scale), y2=alt.Y2("y2:Q"),
        color=alt.Color("w_rel:Q", title=[_("w ÷ largest |w|"), _("of its layer pair")],
                        scale=alt.Scale(domain=[-1, 1], **DIVERGING),
                        legend=alt.Legend(gradientLength=220, orient="bottom", direction="horizontal")),
        strokeWidth=alt.StrokeWidth("abs_rel:Q", scale=alt.Scale(domain=[0, 1], range=[0.3, 5]), legend=None),
        tooltip=[alt.Tooltip("from:N", title=_("from")), alt.Tooltip("to:N", title=_("to")),
                 alt.Tooltip("w:Q", title=_("weight w"), format=".4f")])
    units = nodes[nodes["kind"].isin(["input", "unit"])].copy()
    units["numbers"] = [_numbers(row) for row in units.itertuples()]  # an input has no bias and no z
    has_fill = nodes["fill"].notna().any()
    fill = (alt.Color("fill:Q", title=[_("activation a ÷"), _("largest |a| of its layer")],
                      scale=alt.Scale(scheme="greys", domain=[-1, 1] if (nodes["fill"] < 0).any() else [0, 1]),
                      legend=alt.Legend(gradientLength=220, orient="bottom", direction="horizontal"))
            if has_fill else alt.value("#dddddd"))
    circles = alt.Chart(units).mark_circle(size=260, opacity=1, stroke="#333333", strokeWidth=1).encode(
        x=x, y=alt.Y("y:Q", axis=None, scale=y_scale), color=fill,
        tooltip=[alt.Tooltip("layer:N", title=_("layer")), alt.Tooltip("name:N", title=_("unit")),
                 alt.Tooltip("numbers:N", title=_("values"))])
    dots = alt.Chart(nodes[nodes["kind"] == "ellipsis"]).mark_text(fontSize=13, fontStyle="italic").encode(
        x=x, y=alt.Y("y:Q", axis=None, scale=y_scale), text=alt.Text("label:N"),
        tooltip=[alt.Tooltip("layer:N", title=_("layer")), alt.Tooltip("label:N", title=_("units not drawn"))])
    # column headers in their own strip above, sharing the x scale, so they never run into the units
    heads = alt.Chart(pd.DataFrame({"column": range(n_cols), "name": info["heads"]})).mark_text(
        fontSize=13 if n_cols <= 6 else 11, fontWeight="bold", lineBreak="\n", baseline="top").encode(
        x=x, y=alt.value(4), text=alt.Text("name:N")).properties(width=width, height=HEADER_PX)
    layers = [lines, circles, dots]
    for column, dx, align in ((0, -14, "right"), (n_cols - 1, 14, "left")):  # the features, the classes
        named = nodes[nodes["named"] & (nodes["column"] == column)]
        if 0 < len(named) <= NAMED_UNITS:
            layers.append(alt.Chart(named).mark_text(
                dx=dx if nodes["map"].isna().all() or column == 0 else dx + MAP_PX + 6, align=align,
                fontSize=12).encode(x=x, y=alt.Y("y:Q", axis=None, scale=y_scale), text=alt.Text("name:N")))
    with_maps = nodes[nodes["map"].notna()]
    if len(with_maps):  # each unit's output over the input plane, just right of its circle
        layers.append(alt.Chart(with_maps).mark_image(width=MAP_PX, height=MAP_PX, xOffset=MAP_PX / 2 + 14).encode(
            x=x, y=alt.Y("y:Q", axis=None, scale=y_scale), url=alt.Url("map:N"),
            tooltip=[alt.Tooltip("layer:N", title=_("layer")), alt.Tooltip("name:N", title=_("unit"))]))
    if 0 < len(edges) <= LABELLED_EDGES:  # a small network: write each weight on its edge
        mid = edges.assign(mx=(edges["x"] + edges["x2"]) / 2, my=(edges["y"] + edges["y2"]) / 2)
        layers.insert(1, alt.Chart(mid).mark_text(fontSize=12, dy=-8, color="#333333").encode(
            x=alt.X("mx:Q", axis=None, scale=x_scale), y=alt.Y("my:Q", axis=None, scale=y_scale),
            text=alt.Text("w:Q", format=".3f")))
    body = alt.layer(*layers).resolve_scale(color="independent").properties(width=width, height=height - HEADER_PX)
    return alt.vconcat(heads, body, spacing=0).properties(title=alt.Title(
        _("{sizes} units", sizes=" → ".join(str(c.split("(")[-1].rstrip(")")) for c in info["columns"])),
        subtitle=[diagram_title(info)], fontSize=15, subtitleFontSize=13)).configure_view(stroke=None).configure_legend(
        titleLimit=400)  # legends below the drawing: at any page width they never get cut off
