"""What a chart looks like once Vega has laid it out, for tests of what a person can read.

Renders a chart's Vega-Lite dict with vl-convert (no browser) under the axis settings Streamlit's theme gives
every chart — the axes fit inside the chart's size, labels 12 px, at most 100 px long, labels that overlap their
neighbours hidden (``labelOverlap``), no tick marks — and reads the scenegraph: per axis its title and the labels
left visible, per legend its title, labels and symbols, and how many marks were drawn.
"""
import vl_convert as vlc

from nnlab.viz.export import VL_VERSION

STREAMLIT_AXIS = {"labelFontSize": 12, "titleFontSize": 14, "labelLimit": 100, "labelOverlap": True, "ticks": False,
                  "labelPadding": 16, "labelSeparation": 2, "labelFlush": True, "labelBound": False}


def scenegraph(chart, width=None):
    spec = chart.to_dict()
    config = spec.setdefault("config", {})
    config["axis"] = {**STREAMLIT_AXIS, **config.get("axis", {})}
    spec.setdefault("autosize", {"type": "fit", "contains": "padding"})  # Streamlit's: axes fit inside the size
    if width is not None:
        spec["width"] = width
    return vlc.vegalite_to_scenegraph(spec, vl_version=VL_VERSION)["scenegraph"]


def _groups(node, role):
    if isinstance(node, dict):
        if node.get("role") == role and node.get("marktype") == "group":
            yield from node.get("items", [])
            return
        for item in node.get("items", []):
            yield from _groups(item, role)


def _texts(node, role):
    out = []
    if isinstance(node, dict):
        if node.get("role") == role:
            for item in node.get("items", []):
                if item.get("opacity", 1) != 0 and item.get("text") not in (None, ""):
                    text = item["text"]
                    out.append(" ".join(text) if isinstance(text, list) else str(text))
            return out
        for item in node.get("items", []):
            out += _texts(item, role)
    return out


def _find(node, role):
    if isinstance(node, dict):
        if node.get("role") == role:
            yield node
        for item in node.get("items", []):
            yield from _find(item, role)


def axes(chart, width=None):
    """[(title, [visible labels])] of every axis drawn, in drawing order."""
    found = [(" ".join(_texts(axis, "axis-title")), _texts(axis, "axis-label"))
             for axis in _groups(scenegraph(chart, width), "axis")]
    return [(title, labels) for title, labels in found if title or labels]  # not the grid lines' own axes


def axis_labels(chart, title, width=None):
    """The visible labels of the (first) axis with this title."""
    for name, labels in axes(chart, width):
        if name == title:
            return labels
    raise KeyError(f"no axis titled {title!r}; the axes are {[n for n, _ in axes(chart, width)]}")


def legends(chart, width=None):
    """[{"title", "labels", "symbols"}] of every legend; symbols: the legend-symbol items (shape, stroke …)."""
    out = []
    for legend in _groups(scenegraph(chart, width), "legend"):
        symbols = [item for mark in _find(legend, "legend-symbol") for item in mark.get("items", [])]
        out.append({"title": " ".join(_texts(legend, "legend-title")), "labels": _texts(legend, "legend-label"),
                    "symbols": symbols})
    return out


def mark_count(chart, width=None):
    """How many items the chart's data marks drew (axes, legends and titles not counted)."""
    return sum(len(node.get("items", [])) for node in _find(scenegraph(chart, width), "mark")
               if node.get("marktype") != "group")
