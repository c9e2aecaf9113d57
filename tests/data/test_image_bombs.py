"""Image bombs (issue 14), generated in the test: refused from the header, or decoded reduced."""
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from nnlab.data import DataError
from nnlab.data.image_upload import MAX_ASPECT, WORK_SIDE, prepare_digit
from tests import hostile as h


def _seven(size, mode="L", exif=None, fmt="PNG"):
    """A thick 7 filling the middle of a white image of ``size``, encoded as ``fmt``."""
    w, ht = size
    img = Image.new(mode, size, "white")
    ImageDraw.Draw(img).line([(w * 0.3, ht * 0.2), (w * 0.7, ht * 0.2), (w * 0.4, ht * 0.8)], fill="black",
                             width=max(2, w // 12))
    buf = io.BytesIO()
    img.save(buf, format=fmt, **({"exif": exif} if exif else {}))
    return buf.getvalue()


def test_a_very_long_thin_png_is_refused_from_its_header():
    data = h.png_bytes(16_000_000, 1)  # 15.6 KB; decoding it took +851 MB
    assert len(data) < 20_000
    error, peak = h.peak_rss_mb(lambda: prepare_digit(data))
    assert isinstance(error, DataError)
    assert str(error) == (f"the image is 16000000×1 pixels, more than {MAX_ASPECT} times longer one way than the "
                          "other; a picture of one digit is closer to square — crop it and upload again")
    assert peak < 8


@pytest.mark.parametrize("side", [17, 1, 300])
def test_the_aspect_limit_is_exact(side):
    long = side * MAX_ASPECT
    ok = _seven((long, side)) if side > 1 else h.png_bytes(long, side)
    try:
        prepare_digit(ok)
    except DataError as exc:
        assert "times longer" not in str(exc)
    with pytest.raises(DataError, match="times longer"):
        prepare_digit(h.png_bytes(long + 1, side))


def test_a_4096_square_png_is_reduced_before_processing_and_still_gives_the_digit():
    data = _seven((4096, 4096))
    (x, notes), peak = h.peak_rss_mb(lambda: prepare_digit(data))
    assert notes[:2] == ("read a PNG of 4096×4096 pixels (L)",
                         "reduced it to 512×512 pixels before processing (a digit needs only 28×28)")
    assert peak < 60  # the 16 MB decode and a 512² working copy; the full-size float copies took +343 MB
    small, _ = prepare_digit(_seven((512, 512)))
    assert np.abs(x - small).max() < 0.1  # the same digit as from a 512² original


def test_a_large_jpeg_is_decoded_at_a_fraction_of_its_size():
    data = _seven((4000, 3000), mode="RGB", fmt="JPEG")
    (x, notes), peak = h.peak_rss_mb(lambda: prepare_digit(data))
    assert notes[:2] == ("read a JPEG of 4000×3000 pixels (RGB)",
                         "reduced it to 500×375 pixels before processing (a digit needs only 28×28)")
    assert peak < 25  # 1/8-scale decode: 0.6 MB of pixels instead of 36 MB
    assert x.shape == (784,) and x.max() == pytest.approx(1.0)


def test_the_exif_rotation_of_a_reduced_photo_still_applies():
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    big, small = (prepare_digit(_seven(size, mode="RGB", exif=exif.tobytes(), fmt="JPEG"))[0]
                  for size in [(2048, 1536), (256, 192)])
    upright = prepare_digit(_seven((256, 192), mode="RGB", fmt="JPEG"))[0]
    assert np.abs(big - small).max() < 0.25
    assert np.abs(small - upright).max() > 0.5  # the rotation did change the digit
    assert WORK_SIDE < 2048
