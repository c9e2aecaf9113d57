"""Turn an uploaded photo or drawing of a digit into a 28×28 input prepared the way MNIST was.

A network trained on MNIST has only seen white digits on black, about 20 px tall, centred by their
centre of mass in a 28×28 field. A raw upload (dark ink on white paper, off-centre, 600 px wide) looks
nothing like that, so it is inverted, cropped, scaled and centred the same way before it is shown to
the network. Untrusted bytes: only common image formats are opened, oversize files and images that
would decompress to huge pixel counts are refused, and every failure is a ``DataError`` with a message.
"""
import io

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..i18n import Later, _
from .dataset import DataError

FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")
MAX_BYTES = 5 * 2 ** 20
MAX_PIXELS = 4096 * 4096    # refuse decompression bombs: checked from the header, before decoding
MAX_ASPECT = 16             # longer side / shorter side: a 16,000,000×1 "picture" is no digit
WORK_SIDE = 512             # larger images are decoded reduced (JPEG draft) and reduced to this; a digit needs 28
SIDE = 28                   # MNIST canvas
BOX = 20                    # MNIST digits were scaled to fit a 20×20 box
NOISE_FLOOR = 0.15          # after contrast stretch, fainter pixels are paper texture / JPEG noise
MIN_CONTRAST = 0.1          # ink must differ from the background by at least this (of the full range)


def _open(data, max_bytes):
    """Open the upload and decode it at most a little larger than WORK_SIDE on its longer side, or raise
    DataError saying why not. Returns the image and notes saying what was read."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise DataError(_("image data is a {kind}; give the file's bytes", kind=type(data).__name__))
    data = bytes(data)
    if len(data) == 0:
        raise DataError(_("the image file is empty (0 bytes); choose a PNG or JPEG of a digit"))
    if len(data) > max_bytes:
        raise DataError(_("the image file is {size:.1f} MB; the limit is {limit:.1f} MB — crop or shrink it and "
                          "upload again", size=len(data) / 2 ** 20, limit=max_bytes / 2 ** 20))
    names = ", ".join(FORMATS)
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
            w, h = probe.size
            if w < 1 or h < 1:
                raise DataError(_("the image is {w}×{h} pixels; it has no content", w=w, h=h))
            if w * h > MAX_PIXELS:
                raise DataError(_("the image is {w}×{h} pixels; the limit is {limit:,} pixels (e.g. 4096×4096) — "
                                  "shrink it and upload again", w=w, h=h, limit=MAX_PIXELS))
            if max(w, h) > MAX_ASPECT * min(w, h):
                raise DataError(_("the image is {w}×{h} pixels, more than {ratio} times longer one way than the "
                                  "other; a picture of one digit is closer to square — crop it and upload again",
                                  w=w, h=h, ratio=MAX_ASPECT))
            probe.verify()  # structural check (checksums, chunk layout) without decoding everything
        img = Image.open(io.BytesIO(data), formats=FORMATS)  # verify() leaves the image unusable
        # Later: the notes are returned by a cache that sessions in both languages share (digit_input._prepare).
        notes = [Later("read a {format} of {w}×{h} pixels ({mode})", format=img.format or "image", w=w, h=h,
                       mode=img.mode)]
        img.seek(0)          # first frame of an animated GIF/WebP
        img.draft(img.mode, (WORK_SIDE, WORK_SIDE))  # JPEG: decode at 1/2, 1/4 or 1/8 scale; others: no-op
        img.load()           # decode: truncated files fail here
        img = _reduced(img)
    except DataError:
        raise
    except UnidentifiedImageError:
        raise DataError(_("this file is not an image nnlab can read; upload one of: {formats}", formats=names)) \
            from None
    except Image.DecompressionBombError:
        raise DataError(_("the image would decompress to too many pixels; the limit is {limit:,}",
                          limit=MAX_PIXELS)) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as exc:
        raise DataError(_("the image file is damaged or truncated and cannot be decoded ({reason}); save it "
                          "again as PNG or JPEG and upload again", reason=exc)) from None
    if img.size != (w, h):
        notes.append(Later("reduced it to {w}×{h} pixels before processing (a digit needs only 28×28)",
                           w=img.width, h=img.height))
    return img, notes


def _reduced(img):
    """``img`` averaged down by a whole factor until its longer side is at most WORK_SIDE (EXIF kept)."""
    factor = -(-max(img.size) // WORK_SIDE)
    if factor <= 1:
        return img
    if img.mode not in ("L", "LA", "RGB", "RGBA", "I", "F"):  # palette, 1-bit, 16-bit: a mode reduce averages
        has_alpha = "transparency" in img.info or img.mode in ("PA", "La", "RGBa")
        img = img.convert("I" if img.mode.startswith("I;16") else "LA" if has_alpha else "L")
    return img.reduce(factor)


def _grey(img):
    """Greyscale float array in [0, 1]; transparent areas become background, whatever the ink colour."""
    img = ImageOps.exif_transpose(img)  # phone photos store their rotation in EXIF
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        a = np.asarray(img, dtype=np.float64)
        span = a.max() - a.min()
        return (a - a.min()) / span if span > 0 else np.zeros_like(a)
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    if not has_alpha:
        return np.asarray(img.convert("L"), dtype=np.float64) / 255.0
    rgba = np.asarray(img.convert("RGBA"), dtype=np.float64) / 255.0
    alpha = rgba[..., 3]
    lum = np.asarray(img.convert("RGBA").convert("L"), dtype=np.float64) / 255.0
    # Ink drawn on a transparent layer may be dark or light: put it on the opposite background.
    ink_is_dark = alpha.sum() == 0 or (lum * alpha).sum() / alpha.sum() < 0.5
    background = 1.0 if ink_is_dark else 0.0
    return lum * alpha + background * (1 - alpha)


def prepare_digit(data, max_bytes=MAX_BYTES):
    """Like ``digit_from_image_bytes`` but also returns what was done, in words, for the page.

    Returns
    -------
    image : float32 (784,), values in [0, 1], white digit on black
    notes : tuple of Later (str() gives the words in the current language)
    """
    img, notes = _open(data, max_bytes)
    try:
        a = _grey(img)
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError) as exc:
        raise DataError(_("the image could not be converted to greyscale ({reason}); save it again as PNG or "
                          "JPEG and upload again", reason=exc)) from None

    # 1. MNIST is white ink on black: judge the background from the border and invert if it is light.
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    if np.median(border) > 0.5:
        a = 1.0 - a
        notes.append(Later("inverted the colours (light background → black, dark ink → white)"))

    # 2. Stretch contrast so the background is 0 and the strongest ink is 1; drop faint noise.
    bg = float(np.median(np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])))
    peak = float(a.max())
    if peak - bg < MIN_CONTRAST:
        raise DataError(_("no digit found: the image is (nearly) one flat colour. Upload a picture of a single "
                          "digit, dark on light or light on dark"))
    a = np.clip((a - bg) / (peak - bg), 0.0, 1.0)
    a[a < NOISE_FLOOR] = 0.0

    # 3. Crop to the ink's bounding box.
    rows, cols = np.flatnonzero(a.any(axis=1)), np.flatnonzero(a.any(axis=0))
    a = a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    ih, iw = a.shape

    # 4. Scale the longer side to 20 px, keeping the aspect ratio (anti-aliased, as MNIST was).
    scale = BOX / max(ih, iw)
    nh, nw = max(1, round(ih * scale)), max(1, round(iw * scale))
    small = Image.fromarray(a.astype(np.float32)).resize((nw, nh), Image.Resampling.LANCZOS)
    patch = np.clip(np.asarray(small, dtype=np.float64), 0.0, 1.0)
    if patch.max() <= 0:
        raise DataError(_("no digit found: the marks in the image are too thin or faint to survive scaling to 20 "
                          "pixels; upload a bolder, larger digit"))
    patch /= patch.max()
    notes.append(Later("cropped the ink to {iw}×{ih} px and scaled it to {nw}×{nh} px", iw=iw, ih=ih, nw=nw, nh=nh))

    # 5. Paste into 28×28 so the centre of mass lands on pixel (14, 14), as in MNIST; the digit is kept
    #    whole, so a lopsided one may end up a little off that point.
    mass = patch.sum()
    cy = (patch.sum(axis=1) * np.arange(nh)).sum() / mass
    cx = (patch.sum(axis=0) * np.arange(nw)).sum() / mass
    top = int(np.clip(round(SIDE / 2 - cy), 0, SIDE - nh))
    left = int(np.clip(round(SIDE / 2 - cx), 0, SIDE - nw))
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    out[top:top + nh, left:left + nw] = patch
    notes.append(Later("centred by centre of mass in a 28×28 field"))
    return out.reshape(-1), tuple(notes)


def digit_from_image_bytes(data, max_bytes=MAX_BYTES):
    """Prepare an uploaded image of one digit like MNIST.

    Parameters
    ----------
    data : bytes of a PNG, JPEG, GIF, BMP or WebP file
    max_bytes : refuse larger files (default 5 MB)

    Returns
    -------
    float32 (784,) in [0, 1]: white digit on black, longer side 20 px, centre of mass at (14, 14).

    Raises
    ------
    DataError : empty, too large, not an image, damaged/truncated, or no ink found.
    """
    return prepare_digit(data, max_bytes)[0]


def to_png_bytes(img, shape=(SIDE, SIDE), scale=1):
    """Encode a flat greyscale image with values in [0, 1] as PNG bytes (e.g. for ``st.image``).

    Parameters
    ----------
    img : array (h * w,) or (h, w);  shape : (h, w);  scale : integer upscaling (nearest neighbour)
    """
    a = np.asarray(img, dtype=np.float64)
    h, w = shape
    if a.size != h * w:
        raise ValueError(f"img has {a.size} values; shape={shape!r} needs {h * w}")
    if isinstance(scale, bool) or int(scale) != scale or not 1 <= scale <= 64:
        raise ValueError(f"scale={scale!r}: give a whole number from 1 to 64")
    a = np.nan_to_num(a.reshape(h, w), nan=0.0)
    pixels = np.round(np.clip(a, 0.0, 1.0) * 255).astype(np.uint8)
    image = Image.fromarray(pixels)
    if scale > 1:
        image = image.resize((w * int(scale), h * int(scale)), Image.Resampling.NEAREST)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
