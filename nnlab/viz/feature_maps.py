"""What a convolution layer looks for and what it finds: kernels as small diverging heatmaps, the
feature map of every channel, and the test images that excite one channel most.

All images go through ``image_grid`` (one PNG row per image), so a layer of 32 channels is 32 rows of
chart data, not 32×26×26 pixel rows.
"""
import numpy as np

from ..i18n import _
from .images import image_grid

KERNEL_PX = 48  # on-screen size of one k×k kernel
MOSAIC_PX = 96  # on-screen size of one filter's mosaic of kernels
MAP_PX = 84  # on-screen size of one feature map
ROW_PX = 800  # widest row of tiles: fits the content column of a 1400 px window beside the sidebar


def fit_columns(n, ncols, size):
    """Tiles per row for ``n`` tiles of ``size`` px: at most ``ncols`` and at most what fits in ``ROW_PX``
    (a tile takes size + 8 px), spread evenly over the rows (16 tiles → 2 rows of 8, not 14 + 2)."""
    fit = max(1, min(int(ncols), ROW_PX // (int(size) + 8), max(int(n), 1)))
    rows = -(-max(int(n), 1) // fit)
    return -(-max(int(n), 1) // rows)


def conv_layer_indices(net):
    """0-based indices of the network's convolution layers."""
    return [i for i, layer in enumerate(net.layers) if layer.kind == "conv2d"]


def kernel_mosaics(W):
    """One small image per filter: its kernels, one per input channel, tiled row by row.

    W : (filters, channels, k, k). With one input channel the tiles are the k×k kernels themselves;
    with C channels each tile is a ⌈√C⌉-wide grid of them, one NaN pixel (drawn grey) between kernels.
    Returns (filters, h, w) float64.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 4 or W.shape[2] != W.shape[3]:
        raise ValueError(_("W has shape {shape}; expected convolution weights (filters, channels, k, k)",
                           shape=W.shape))
    f, c, k, _k = W.shape
    if c == 1:
        return W[:, 0].copy()
    ncols = int(np.ceil(np.sqrt(c)))
    nrows = -(-c // ncols)
    out = np.full((f, nrows * (k + 1) - 1, ncols * (k + 1) - 1), np.nan)
    for ch in range(c):  # a loop over input channels (≤ a few dozen), not over pixels
        r, col = divmod(ch, ncols)
        out[:, r * (k + 1):r * (k + 1) + k, col * (k + 1):col * (k + 1) + k] = W[:, ch]
    return out


def kernel_grid(W, title=None, ncols=None):
    """Every filter of a convolution layer as a diverging tile (blue −, white 0, red +), one colour scale
    for the whole layer so strong and weak filters compare. W : (filters, channels, k, k)."""
    tiles = kernel_mosaics(W)
    f, c = W.shape[0], W.shape[1]
    side = max(tiles.shape[1:])
    size = max(1, (KERNEL_PX if c == 1 else MOSAIC_PX) // side) * side
    ncols = ncols or (16 if c == 1 else 8)
    W = np.asarray(W, dtype=np.float64).reshape(f, -1)
    tips = {_("filter"): np.arange(f), _("largest |w|"): np.abs(W).max(axis=1), _("sum of w"): W.sum(axis=1)}
    return image_grid(tiles, tiles.shape[1:], captions=[_("filter {i}", i=i) for i in range(f)],
                      ncols=fit_columns(f, ncols, size), size=size, cmap="diverging", shared_scale=True, title=title,
                      tooltips=tips)


def channel_kernels_grid(W, channel, title=None, ncols=16):
    """The kernels of one filter, one per input channel: what it looks for in each incoming map."""
    W = np.asarray(W, dtype=np.float64)
    if not 0 <= int(channel) < W.shape[0]:
        raise ValueError(_("channel={c}: this layer has filters 0…{last}", c=channel, last=W.shape[0] - 1))
    kernels = W[int(channel)]
    c, k = kernels.shape[0], kernels.shape[1]
    tips = {_("input channel"): np.arange(c), _("largest |w|"): np.abs(kernels.reshape(c, -1)).max(axis=1)}
    return image_grid(kernels, (k, k), captions=[_("from ch {i}", i=i) for i in range(c)],
                      ncols=fit_columns(c, ncols, KERNEL_PX),
                      size=KERNEL_PX, cmap="diverging", shared_scale=True, title=title, tooltips=tips)


def map_grid(maps, title=None, diverging=False, ncols=8, size=MAP_PX, captions=None):
    """Every channel of one sample's feature maps, (channels, h, w), as a grid of images on one shared
    scale: black 0 … white the layer's largest value (or blue − / white 0 / red + when ``diverging``,
    for pre-activations z). Tooltips carry each map's mean and maximum. Captions default to "ch 0", …"""
    maps = np.asarray(maps, dtype=np.float64)
    if maps.ndim != 3:
        raise ValueError(_("maps has shape {shape}; expected (channels, height, width) of one sample",
                           shape=maps.shape))
    c = maps.shape[0]
    flat = maps.reshape(c, -1)
    tips = {_("channel"): np.arange(c), _("mean"): flat.mean(axis=1), _("max"): flat.max(axis=1)}
    captions = [_("ch {i}", i=i) for i in range(c)] if captions is None else list(captions)
    return image_grid(maps, maps.shape[1:], captions=captions, ncols=fit_columns(c, ncols, size),
                      size=size, cmap="diverging" if diverging else "gray", shared_scale=True, title=title,
                      tooltips=tips)


def top_images_grid(images, indices, values, image_shape, labels=None, statistic="mean", title=None, ncols=8):
    """The chosen test images, captioned with their activation (the statistic) and their label.

    images : (n, h*w) all candidates; indices : which to show, in order; values : (n,) the statistic.
    """
    indices = np.asarray(indices, dtype=int)
    values = np.asarray(values, dtype=np.float64)
    captions = [f"#{i} · {values[i]:.3g}" for i in indices]
    tips = {_("test sample"): indices, _("{statistic} activation", statistic=statistic): values[indices]}
    if labels is not None:
        tips[_("label")] = [str(labels[i]) for i in indices]
    return image_grid(np.asarray(images)[indices], image_shape, captions=captions,
                      ncols=fit_columns(len(indices), ncols, 72),
                      size=72, title=title, tooltips=tips)
