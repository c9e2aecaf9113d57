"""Charts for slides: valid, non-empty PNG and SVG in the slide theme, Chinese text drawn as glyphs, and a
zip with one PNG and one SVG per chart."""
import io
import xml.etree.ElementTree as ET
import zipfile

import altair as alt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from nnlab.viz.data_views import before_after_chart, histogram_chart
from nnlab.viz.export import CONTAINER_WIDTH, chart_to_png, chart_to_svg, charts_to_zip, file_stem

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def loss_chart(title="Training loss", **properties):
    frame = pd.DataFrame({"step": np.arange(40), "loss": np.exp(-np.arange(40) / 8)})
    return alt.Chart(frame).mark_line().encode(
        x=alt.X("step:Q", title="step"), y=alt.Y("loss:Q", title="loss (nats)")
    ).properties(title=title, width=400, height=250, **properties)


def svg_texts(svg_bytes):
    """(text, font size in px) of every text element of an SVG, which must parse as XML."""
    root = ET.fromstring(svg_bytes)
    assert root.tag == f"{SVG}svg"
    return root, [("".join(t.itertext()), float(t.get("font-size", "0px").rstrip("px")))
                  for t in root.iter(f"{SVG}text")]


def png_image(png_bytes):
    assert png_bytes.startswith(PNG_SIGNATURE)
    return Image.open(io.BytesIO(png_bytes))


@pytest.mark.parametrize("scale", [1, 2])
def test_png_is_the_svg_drawn_at_the_scale(scale):
    chart = loss_chart()
    root, _ = svg_texts(chart_to_svg(chart))
    width, height = float(root.get("width")), float(root.get("height"))
    assert width > 400 and height > 250  # the plot plus its axes and title
    image = png_image(chart_to_png(chart, scale=scale))
    assert image.size == (round(scale * width), round(scale * height))
    pixels = np.asarray(image.convert("L"))
    assert pixels[0, 0] == 255 and (pixels < 128).mean() > 0.005  # white background, something drawn


def test_svg_holds_the_title_and_slide_sized_fonts():
    chart = histogram_chart(np.random.default_rng(0).normal(size=500), "Weights of layer 1", "weight value")
    _, texts = svg_texts(chart_to_svg(chart))
    by_text = dict(texts)
    assert by_text["Weights of layer 1"] == 22
    assert by_text["weight value"] == 16 and by_text["samples"] == 16  # axis titles
    tick_labels = [size for text, size in texts if text.replace(".", "").replace("−", "").isdigit()]
    assert tick_labels and min(tick_labels) == 14
    assert min(size for _, size in texts) >= 14


def test_theme_overrides_a_charts_own_sizes_and_leaves_the_chart_alone():
    chart = loss_chart().configure_title(fontSize=9).configure_axis(labelFontSize=8, grid=False)
    before = chart.to_dict()
    svg = chart_to_svg(chart)
    assert chart.to_dict() == before
    _, texts = svg_texts(svg)
    assert dict(texts)["Training loss"] == 22 and min(size for _, size in texts) >= 14
    assert b'class="mark-rule role-axis-grid"' not in svg  # the chart's own grid=False is kept


def test_compound_and_container_charts_render():
    pair = before_after_chart(np.arange(50.0), np.arange(50.0) / 10, "age", "standardise")
    _, texts = svg_texts(chart_to_svg(pair))
    assert {"age: as in the file", "age: after standardise"} <= {t for t, _ in texts}
    root, _ = svg_texts(chart_to_svg(loss_chart().properties(width="container")))
    assert float(root.get("width")) > CONTAINER_WIDTH


def title_band(png_bytes, rows=60):
    """The top rows of a scale-2 PNG, where the title is drawn, as grey levels."""
    return np.asarray(png_image(png_bytes).convert("L"))[:rows].astype(int)


def test_chinese_titles_are_drawn_as_glyphs_not_boxes():
    """A missing glyph is drawn as the same empty box for every character, so two different Chinese
    titles of the same length would give the same pixels; real glyphs differ, and each has ink."""
    a, b = (title_band(chart_to_png(loss_chart(title))) for title in ("训练损失", "梯度范数"))
    blank = title_band(chart_to_png(loss_chart(" ")))
    assert (blank < 128).sum() == 0
    for band in (a, b):
        assert (band < 128).sum() > 300
    assert (np.abs(a - b) > 64).sum() > 300
    assert "训练损失" in {t for t, _ in svg_texts(chart_to_svg(loss_chart("训练损失")))[1]}


def test_zip_holds_one_png_and_one_svg_per_chart():
    charts = {"Loss curve": loss_chart(), "loss/curve": loss_chart("again"), "损失 曲线": loss_chart("损失")}
    with zipfile.ZipFile(io.BytesIO(charts_to_zip(charts, scale=1))) as archive:
        names = archive.namelist()
        assert names == ["Loss_curve.png", "Loss_curve.svg", "loss_curve-2.png", "loss_curve-2.svg",
                         "损失_曲线.png", "损失_曲线.svg"]
        for name in names:
            data = archive.read(name)
            if name.endswith(".png"):
                assert png_image(data).size[0] > 400
            else:
                svg_texts(data)
        assert b"again" in archive.read("loss_curve-2.svg")
    with pytest.raises(ValueError, match="no charts"):
        charts_to_zip({})


def test_file_stems_are_safe():
    assert file_stem("../../etc/passwd") == "etc_passwd"
    assert file_stem("Weights: layer 1 (W)") == "Weights_layer_1_W"
    assert file_stem("***") == "chart"
