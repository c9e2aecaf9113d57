"""Charts for slides: any Altair chart as PNG or SVG bytes, rendered on the server by vl-convert.

Why on the server: the download works without the browser's chart menu, in the same light theme and
slide-sized fonts for every chart (axis and legend labels 14 px, titles 16–22 px, at ``scale`` 2 a
900-px-wide chart becomes an 1800-px-wide PNG). The font list starts with Noto Sans CJK, so the same
charts render in Chinese; vl-convert finds the system's fonts (Debian: ``fonts-noto-cjk``) and falls back
to any installed font that has a glyph. The chart itself is never changed: the theme goes into a copy
of its Vega-Lite dict.
"""
import io
import re
import zipfile

import altair as alt
import vl_convert as vlc

from ..i18n import _

FONT = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, DejaVu Sans, Arial, sans-serif"
TEXT = "#222222"
SLIDE_CONFIG = {
    "background": "white",
    "font": FONT,
    "title": {"fontSize": 22, "subtitleFontSize": 16, "color": TEXT, "subtitleColor": TEXT},
    "axis": {"labelFontSize": 14, "titleFontSize": 16, "labelColor": TEXT, "titleColor": TEXT},
    "legend": {"labelFontSize": 14, "titleFontSize": 16, "labelColor": TEXT, "titleColor": TEXT},
    "header": {"labelFontSize": 14, "titleFontSize": 16, "labelColor": TEXT, "titleColor": TEXT},
}
SCALE = 2  # PNG pixels per chart pixel: sharp on a projector
CONTAINER_WIDTH = 900  # a chart that fills its page column ("container") gets this width on a slide
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])  # the Vega-Lite that Altair writes


def _merged(base, override):
    """``base`` with ``override`` laid over it, dicts merged key by key (neither is changed)."""
    out = dict(base)
    for key, value in override.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def slide_spec(chart):
    """The chart's Vega-Lite dict (``chart`` is an Altair chart or such a dict, left unchanged) with the
    slide theme laid over its own configuration."""
    spec = dict(chart) if isinstance(chart, dict) else chart.to_dict()
    spec["config"] = _merged(spec.get("config", {}), SLIDE_CONFIG)
    if spec.get("width") == "container":
        spec["width"] = CONTAINER_WIDTH
    return spec


def _svg(chart):
    return vlc.vegalite_to_svg(slide_spec(chart), vl_version=VL_VERSION)


def chart_to_svg(chart):
    """SVG (UTF-8 bytes) of the chart in the slide theme; text stays text, in the font list FONT."""
    return _svg(chart).encode("utf-8")


def chart_to_png(chart, scale=SCALE):
    """PNG bytes of the chart in the slide theme, ``scale`` image pixels per chart pixel (drawn from its SVG,
    the same pixels as vl-convert's direct PNG)."""
    return vlc.svg_to_png(_svg(chart), scale=scale)


def file_stem(name):
    """A file name from a chart's name: letters (any script), digits, '-' and '_'; runs of others -> '_'."""
    stem = re.sub(r"[^\w-]+", "_", name).strip("_")
    return stem or "chart"


def chart_files(chart, scale=SCALE):
    """``(png, svg)`` bytes of one chart (an Altair chart or its Vega-Lite dict): Vega runs once for both."""
    svg = _svg(chart)
    return vlc.svg_to_png(svg, scale=scale), svg.encode("utf-8")


def file_stems(names):
    """name -> file stem for each name; names that give the same stem are numbered (``loss``, ``loss-2``),
    ignoring case (zip tools on Windows and macOS do)."""
    stems, used = {}, set()
    for name in names:
        stem = base = file_stem(name)
        count = 1
        while stem.lower() in used:
            count += 1
            stem = f"{base}-{count}"
        used.add(stem.lower())
        stems[name] = stem
    return stems


def files_to_zip(files):
    """A zip (bytes) with ``<stem>.png`` and ``<stem>.svg`` for each ``{name: (png, svg)}`` (``chart_files``)."""
    if not files:
        raise ValueError(_("there are no charts to put in the zip; draw a chart first"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, stem in file_stems(files).items():
            png, svg = files[name]
            archive.writestr(f"{stem}.png", png)
            archive.writestr(f"{stem}.svg", svg)
    return buffer.getvalue()


def charts_to_zip(charts, scale=SCALE):
    """A zip (bytes) with ``<name>.png`` and ``<name>.svg`` for each chart of ``{name: chart}``, e.g. all
    the charts of a page. Names that give the same file name are numbered (``loss``, ``loss-2``)."""
    if not charts:
        raise ValueError(_("there are no charts to put in the zip; draw a chart first"))
    return files_to_zip({name: chart_files(chart, scale) for name, chart in charts.items()})
