"""Images in charts: each image becomes one PNG data-URI row, so a grid of 100 digits is 100 rows of
chart data instead of 78,400 pixel rows (Altair embeds all chart data in the page)."""
import base64
import io

import altair as alt
import numpy as np
import pandas as pd
from PIL import Image

# Diverging blue (negative) – white (0) – red (positive), for weights and gradients.
_BLUE, _WHITE, _RED = np.array([33, 102, 172]), np.array([247, 247, 247]), np.array([178, 24, 43])
_GAP = np.array([150, 150, 150])  # NaN pixels
CAPTION_PX = 11  # caption font size
CHAR_PX = 6.5  # about one character of an 11 px caption
MAX_COLUMN_PX = 160  # wider captions are cut with "…"


def to_rgb(img, cmap="gray", vmax=None):
    """2-D array -> uint8 RGB. 'gray': 0 black … max white (activations, pixels). 'diverging': centred
    on 0 with ±vmax at full blue/red, so signs read at a glance. NaN pixels are drawn mid-grey: the
    gaps between tiles of a mosaic (e.g. a filter's kernels side by side)."""
    img = np.asarray(img, dtype=np.float64)
    gap = np.isnan(img)
    if gap.all():
        img = np.zeros_like(img)
    elif gap.any():
        img = np.where(gap, np.nanmin(img), img)
    if cmap == "diverging":
        vmax = vmax or float(np.abs(img).max()) or 1.0
        t = np.clip(img / vmax, -1, 1)[..., None]
        rgb = np.where(t < 0, _WHITE + (-t) * (_BLUE - _WHITE), _WHITE + t * (_RED - _WHITE))
    else:
        lo = float(img.min())
        hi = vmax if vmax is not None else float(img.max())
        t = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)
        rgb = np.repeat(np.clip(t, 0, 1)[..., None] * 255, 3, axis=-1)
    rgb[gap] = _GAP
    return np.round(rgb).astype(np.uint8)


def png_data_uri(img, cmap="gray", vmax=None, scale=1):
    """A 2-D array as a ``data:image/png;base64,…`` URI (nearest-neighbour upscaled by ``scale``)."""
    return rgb_data_uri(to_rgb(img, cmap, vmax), scale)


def rgb_data_uri(rgb, scale=1):
    """An (h, w, 3) uint8 RGB array as a PNG data URI (nearest-neighbour upscaled by ``scale``)."""
    if scale > 1:
        rgb = rgb.repeat(scale, axis=0).repeat(scale, axis=1)
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def column_px(captions, size):
    """Width of a grid column: the image and a margin, or the longest caption if that is wider (so captions
    such as "Ankle boot" under 56-px images do not run into their neighbours), at most MAX_COLUMN_PX."""
    longest = max((len(str(c)) for c in captions), default=0)
    return int(min(MAX_COLUMN_PX, max(size + 8, np.ceil(longest * CHAR_PX) + 8)))


def image_grid(images, shape, captions=None, ncols=10, size=56, cmap="gray", shared_scale=False, title=None,
               tooltips=None):
    """A grid of small images with a caption under each.

    images : (n, h*w) or (n, h, w); captions : n strings; tooltips : optional dict column -> n values.
    With ``shared_scale`` one colour scale spans all images (compare magnitudes between tiles).
    """
    images = np.asarray(images).reshape((-1,) + tuple(shape))
    n = len(images)
    vmax = float(np.nanmax(np.abs(images))) if shared_scale and n and not np.isnan(images).all() else None
    frame = pd.DataFrame({
        "url": [png_data_uri(im, cmap, vmax, scale=max(1, size // max(shape))) for im in images],
        "col": np.arange(n) % ncols, "row": np.arange(n) // ncols,
        "caption": list(captions) if captions is not None else [str(i) for i in range(n)],
        **(tooltips or {})})
    base = alt.Chart().encode(
        x=alt.X("col:O", axis=None), y=alt.Y("row:O", axis=None),
        # channel objects rather than shorthand strings: Altair validates shorthand slowly (~5 ms each)
        tooltip=[alt.Tooltip("caption:N")] + [
            alt.Tooltip(f"{k}:{'Q' if pd.api.types.is_numeric_dtype(frame[k]) else 'N'}") for k in (tooltips or {})])
    pics = base.mark_image(width=size, height=size)
    chart = pics.encode(url=alt.Url("url:N"))
    column = column_px(frame["caption"], size)
    text = base.mark_text(dy=size / 2 + 8, fontSize=CAPTION_PX, limit=column - 4).encode(text=alt.Text("caption:N"))
    # Size per row/column step, on the layer itself: Streamlit's height="content" ignores a fixed
    # height, and the rows of images then overlapped. The data on the layer too: given to each part, Altair
    # would serialise both to find that they are the same (over half of building a grid of 32 tiles: 42 → 19 ms).
    out = alt.layer(chart, text, data=frame).properties(width=alt.Step(column), height=alt.Step(size + 22))
    return out.properties(title=title) if title else out
