import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from PIL import Image, ImageDraw

from nnlab.data import DataError
from nnlab.data.image_upload import digit_from_image_bytes, prepare_digit, to_png_bytes


def _encode(img, fmt="PNG", **kw):
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _seven(size=(300, 200), ink="black", paper="white", mode="RGB"):
    """A big, thick 7 drawn far right of centre."""
    img = Image.new(mode, size, paper)
    ImageDraw.Draw(img).line([(200, 20), (280, 20), (220, 180)], fill=ink, width=14)
    return img


def _com(a):
    r = np.arange(a.shape[0])
    c = np.arange(a.shape[1])
    m = a.sum()
    return (a.sum(1) * r).sum() / m, (a.sum(0) * c).sum() / m


def _check_mnist_like(x):
    assert x.dtype == np.float32 and x.shape == (784,)
    a = x.reshape(28, 28)
    assert a.min() >= 0 and a.max() == pytest.approx(1.0)
    cy, cx = _com(a)
    assert abs(cy - 14) <= 1 and abs(cx - 14) <= 1
    rows, cols = np.flatnonzero(a.any(1)), np.flatnonzero(a.any(0))
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    assert max(height, width) <= 20 and max(height, width) >= 19
    # White digit on black: the border is black and the ink is bright.
    assert a[0].max() == 0 and a[-1].max() == 0 and a[:, 0].max() == 0 and a[:, -1].max() == 0
    return a, height, width


def test_black_on_white_off_centre_digit_is_prepared_like_mnist():
    x = digit_from_image_bytes(_encode(_seven()))
    a, height, width = _check_mnist_like(x)
    assert height == 20 and 9 <= width <= 12             # tall 7 (88×169 ink) keeps its aspect ratio
    assert a.sum() > 20                                    # plenty of ink
    # The horizontal bar of the 7 is at the top of the digit.
    top = np.flatnonzero(a.any(1))[0]
    assert a[top:top + 3].sum() > a[top + 8:top + 11].sum()


def test_white_on_black_is_not_inverted_and_notes_say_what_happened():
    light = prepare_digit(_encode(_seven()))
    dark = prepare_digit(_encode(_seven(ink="white", paper="black")))
    np.testing.assert_allclose(light[0], dark[0], atol=1e-6)
    assert any("inverted" in str(n) for n in light[1])
    assert not any("inverted" in str(n) for n in dark[1])


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "BMP", "WEBP"])
def test_other_formats(fmt):
    _check_mnist_like(digit_from_image_bytes(_encode(_seven(), fmt)))


@pytest.mark.parametrize("ink", [(0, 0, 0, 255), (255, 255, 255, 255)])
def test_transparent_background_with_dark_or_light_ink(ink):
    img = _seven(ink=ink, paper=(0, 0, 0, 0), mode="RGBA")
    _check_mnist_like(digit_from_image_bytes(_encode(img)))


def test_greyscale_small_image_is_scaled_up():
    img = Image.new("L", (12, 10), 230)
    ImageDraw.Draw(img).line([(6, 1), (6, 8)], fill=20, width=2)   # a short "1"
    a, height, width = _check_mnist_like(digit_from_image_bytes(_encode(img)))
    assert height == 20 and width <= 6


def test_to_png_bytes_round_trip():
    x = digit_from_image_bytes(_encode(_seven()))
    back = np.asarray(Image.open(io.BytesIO(to_png_bytes(x))), dtype=np.float32) / 255
    np.testing.assert_allclose(back, x.reshape(28, 28), atol=1 / 255)
    big = Image.open(io.BytesIO(to_png_bytes(x, scale=4)))
    assert big.size == (112, 112)
    with pytest.raises(ValueError, match="shape"):
        to_png_bytes(np.zeros(10))


def _png_header_only(width, height):
    """A tiny PNG whose header claims the given size (a decompression-bomb shape)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("data, match", [
    (b"", "empty"),
    (b"digit,label\n1,2\nthis is a text file\n", "not an image"),
    (_encode(_seven())[:400], "damaged or truncated"),
    (_encode(Image.new("RGB", (64, 64), "white")), "no digit found"),
    (_encode(Image.new("L", (64, 64), 0)), "no digit found"),
    (_png_header_only(5_000, 5_000), "5000×5000 pixels"),   # below Pillow's own bomb limit: ours
    (_png_header_only(50_000, 50_000), "too many pixels"),
    (b"%PDF-1.4\n" + bytes(200), "not an image"),
])
def test_bad_files_raise_data_error(data, match):
    with pytest.raises(DataError, match=match):
        digit_from_image_bytes(data)


def test_corrupted_png_body_raises_data_error():
    data = bytearray(_encode(_seven()))
    data[60:80] = bytes(20)                    # overwrite part of the compressed pixel data
    with pytest.raises(DataError):
        digit_from_image_bytes(bytes(data))


def test_too_many_bytes_and_wrong_type():
    data = _encode(_seven())
    with pytest.raises(DataError, match="limit"):
        digit_from_image_bytes(data, max_bytes=100)
    with pytest.raises(DataError, match="bytes"):
        digit_from_image_bytes("not bytes")


_SMALL = {fmt: _encode(_seven().resize((60, 40)), fmt) for fmt in ("PNG", "JPEG", "BMP", "GIF")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.integers(0, 2000), st.sampled_from(["PNG", "JPEG", "BMP", "GIF"]))
def test_random_or_mangled_bytes_give_an_image_or_data_error(noise, where, fmt):
    base = bytearray(_SMALL[fmt])
    where = min(where, len(base))
    data = bytes(base[:where]) + noise + bytes(base[where + len(noise):])
    for candidate in (noise, data):
        try:
            x = digit_from_image_bytes(candidate)
        except DataError as exc:
            assert str(exc)
        else:
            assert x.shape == (784,) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
