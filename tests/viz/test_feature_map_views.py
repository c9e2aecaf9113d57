"""Feature-map views: kernel mosaics and grids, feature-map grids and the top-activating digits carry the
engine's numbers (read back from the chart data) and draw signs in the right colours."""
import base64
import io

import numpy as np
import pytest
from PIL import Image

from nnlab.engine import Network
from nnlab.engine.zoo import mnist_cnn_spec
from nnlab.viz.feature_maps import (channel_kernels_grid, conv_layer_indices, kernel_grid, kernel_mosaics, map_grid,
                                    top_images_grid)
from nnlab.viz.images import to_rgb


def data(chart):
    """The chart's first inline dataset as a list of row dicts."""
    spec = chart.to_dict()
    return next(iter(spec["datasets"].values()))


def pixels(url):
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"))


def test_conv_layers_of_the_cnn_preset():
    assert conv_layer_indices(Network(mnist_cnn_spec())) == [0, 2]


def test_mosaic_tiles_each_filters_kernels_with_nan_gaps():
    W = np.arange(2 * 4 * 2 * 2, dtype=float).reshape(2, 4, 2, 2)
    tiles = kernel_mosaics(W)
    assert tiles.shape == (2, 5, 5)  # 2×2 kernels of 2×2 with one gap pixel between them
    np.testing.assert_array_equal(tiles[1, 0:2, 0:2], W[1, 0])
    np.testing.assert_array_equal(tiles[1, 3:5, 3:5], W[1, 3])
    np.testing.assert_array_equal(tiles[0, 0:2, 3:5], W[0, 1])
    assert np.isnan(tiles[:, 2, :]).all() and np.isnan(tiles[:, :, 2]).all()
    np.testing.assert_array_equal(kernel_mosaics(W[:, :1]), W[:, 0])
    with pytest.raises(ValueError, match="filters, channels, k, k"):
        kernel_mosaics(np.zeros((3, 3)))


def test_nan_pixels_are_grey_and_do_not_spoil_the_scale():
    rgb = to_rgb(np.array([[1.0, np.nan], [-1.0, 0.0]]), "diverging")
    assert tuple(rgb[0, 1]) == (150, 150, 150)
    assert rgb[0, 0, 0] > rgb[0, 0, 2] and rgb[1, 0, 2] > rgb[1, 0, 0]  # +1 red, −1 blue, at full strength
    assert tuple(rgb[1, 1]) == (247, 247, 247)


def test_kernel_grid_rows_tooltips_and_colours():
    W = np.zeros((3, 1, 3, 3))
    W[0, 0, 1, 1] = 2.0
    W[1, 0, 0, 0] = -1.0
    rows = data(kernel_grid(W, "kernels"))
    assert [r["caption"] for r in rows] == ["filter 0", "filter 1", "filter 2"]
    assert [r["largest |w|"] for r in rows] == [2.0, 1.0, 0.0]
    assert [r["sum of w"] for r in rows] == [2.0, -1.0, 0.0]
    p0, p1 = pixels(rows[0]["url"]), pixels(rows[1]["url"])
    scale = p0.shape[0] // 3
    centre = p0[scale + scale // 2, scale + scale // 2]
    assert tuple(centre) == (178, 24, 43)  # the largest positive weight: full red
    corner = p1[0, 0]
    assert corner[2] > corner[0]  # −1 is blue (half strength on the layer's shared scale)


def test_one_filters_kernels_per_input_channel():
    W = np.random.default_rng(0).normal(size=(4, 3, 3, 3))
    rows = data(channel_kernels_grid(W, 2))
    assert [r["caption"] for r in rows] == ["from ch 0", "from ch 1", "from ch 2"]
    np.testing.assert_allclose([r["largest |w|"] for r in rows], np.abs(W[2]).reshape(3, -1).max(axis=1))
    with pytest.raises(ValueError, match="filters 0…3"):
        channel_kernels_grid(W, 4)


def test_map_grid_tooltips_are_each_channels_mean_and_max():
    maps = np.random.default_rng(1).random((5, 6, 6))
    rows = data(map_grid(maps, "maps"))
    np.testing.assert_allclose([r["mean"] for r in rows], maps.reshape(5, -1).mean(axis=1))
    np.testing.assert_allclose([r["max"] for r in rows], maps.reshape(5, -1).max(axis=1))
    with pytest.raises(ValueError, match="channels, height, width"):
        map_grid(maps[0], "one map")


def test_top_images_grid_keeps_the_order_and_values():
    images = np.random.default_rng(2).random((10, 16))
    values = np.linspace(0, 1, 10)
    rows = data(top_images_grid(images, [9, 3], values, (4, 4), labels=list("abcdefghij"), statistic="max"))
    assert [r["test sample"] for r in rows] == [9, 3]
    assert [r["max activation"] for r in rows] == pytest.approx([1.0, 1 / 3])
    assert [r["label"] for r in rows] == ["j", "d"]
    assert rows[0]["caption"] == "#9 · 1"
