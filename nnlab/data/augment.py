"""Image augmentation for flat greyscale batches: new, plausible training images from old ones.

A network that only ever sees centred, upright digits learns that digits are centred and upright;
small random rotations, shifts and noise teach it the digit's shape instead. Every function takes a
flat batch ``x`` of shape (n_samples, h * w) plus ``shape = (h, w)``, works on the whole batch at once
(index arithmetic and bilinear gathers, no loop over samples or pixels) and draws its randomness from
the ``rng`` it is given, so a seeded trainer gives the same augmented batches on every run.
"""
from dataclasses import dataclass
import math

import numpy as np

from ..i18n import _
from .dataset import DataError

FLIP_NOTE = (
    "Horizontal flips are a standard augmentation for photos (a mirrored cat is still a cat), but they "
    "are wrong for digits: handwriting has a direction. A mirrored 2 becomes a 5-like hook, a 3 turns "
    "into Ɛ, a 7 stops being a 7 and a 4 or 9 becomes a shape no one writes. The picture keeps its old "
    "label while its meaning changes, so the network is taught that shapes which are not digits (or "
    "look like another digit) belong to the class, and accuracy on real digits drops. Flip only data "
    "whose meaning survives a mirror."
)


# --------------------------------------------------------------------------- validation helpers

def _check_shape(shape):
    try:
        h, w = (int(s) for s in shape)
    except (TypeError, ValueError):
        raise ValueError(f"image_shape={shape!r}: give (height, width), e.g. (28, 28)") from None
    if h < 1 or w < 1 or (h, w) != tuple(shape):
        raise ValueError(f"image_shape={shape!r}: height and width must be positive integers")
    return h, w


def _as_images(x, shape):
    """(n, h*w) -> float32 (n, h, w) view/copy, checking that the sizes agree."""
    h, w = _check_shape(shape)
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != h * w:
        raise DataError(f"x has shape {x.shape}; augmentation needs a flat batch (n_samples, {h * w}) "
                        f"for image_shape={(h, w)}")
    return x.astype(np.float32, copy=False).reshape(len(x), h, w), h, w


def _check_number(name, value, low, high=math.inf):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r}: give a number") from None
    if not (low <= v <= high):
        hi = "" if high == math.inf else f" and at most {high:g}"
        raise ValueError(f"{name}={value!r}: must be at least {low:g}{hi}")
    return v


def _check_int(name, value, low, high):
    try:
        whole = not isinstance(value, bool) and float(value).is_integer()
    except (TypeError, ValueError):
        whole = False
    if not whole:
        raise ValueError(f"{name}={value!r}: give a whole number")
    v = int(value)
    if not (low <= v <= high):
        raise ValueError(f"{name}={value!r}: must be between {low} and {high}")
    return v


# --------------------------------------------------------------------------- sampling

def _bilinear(imgs, rows, cols):
    """Sample (n, h, w) images at fractional (n, h, w) float32 source coordinates; outside the image reads 0.

    The images get a 2-pixel zero border and coordinates are clipped into it, so every one of the four
    neighbours is a valid index and anything off the image (a coordinate of -inf included) reads black
    without per-corner masks. Each output is two linear interpolations along the columns (top and bottom
    neighbours), then one along the rows. The right and lower neighbours are gathered with the top-left
    index from views of the image that start one column or row later, so one index array serves all four.
    ``rows`` and ``cols`` are overwritten (they become the fractional parts).
    """
    n, h, w = imgs.shape
    hp, wp = h + 4, w + 4
    padded = np.zeros((n, hp, wp), dtype=np.float32)
    padded[:, 2:h + 2, 2:w + 2] = imgs
    flat = padded.reshape(-1)
    np.clip(rows, -1, h, out=rows)
    np.clip(cols, -1, w, out=cols)
    r0, c0 = np.floor(rows), np.floor(cols)
    rows -= r0
    cols -= c0
    # flat index of the top-left neighbour: sample offset + (row + 2)·wp + (column + 2). Row · wp + column
    # is a small whole number, exact in float32, so it is formed there and converted once.
    r0 *= wp
    r0 += c0
    idx = r0.astype(np.intp)
    idx += (np.arange(n, dtype=np.intp) * (hp * wp) + 2 * wp + 2)[:, None, None]
    top, right = np.take(flat, idx), np.take(flat[1:], idx)
    right -= top
    right *= cols
    top += right          # the top pair, interpolated along the columns
    bottom = np.take(flat[wp:], idx)
    np.take(flat[wp + 1:], idx, out=right)
    right -= bottom
    right *= cols
    bottom += right       # the bottom pair
    bottom -= top
    bottom *= rows
    top += bottom         # and between the two, along the rows
    return top


# --------------------------------------------------------------------------- transforms

def pad(x, shape, pad):
    """Place each image in the centre of a larger zero canvas, ``pad`` pixels wider on every side.

    Gives rotations and shifts room so strokes are not cut off at the border.

    Parameters
    ----------
    x : array (n_samples, h * w);  shape : (h, w);  pad : int >= 0
    Returns
    -------
    x_padded : float32 (n_samples, (h + 2 pad) * (w + 2 pad)), new_shape : (h + 2 pad, w + 2 pad)
    """
    imgs, h, w = _as_images(x, shape)
    p = _check_int("pad", pad, 0, 1000)
    out = np.zeros((len(imgs), h + 2 * p, w + 2 * p), dtype=np.float32)
    out[:, p:p + h, p:p + w] = imgs
    return out.reshape(len(imgs), -1), (h + 2 * p, w + 2 * p)


def rotate_by(x, shape, degrees, dy=0, dx=0):
    """Rotate each image about its centre by its own angle (degrees, counter-clockwise as displayed), then
    move it by whole pixels (``dy`` down, ``dx`` right; what leaves the canvas is cut, new area is 0).

    Bilinear interpolation; corners that come from outside the image are black (0). The move is exactly
    ``shift_by`` of the rotated images, done in the same pass: each output pixel samples the point the
    rotation would have put ``(dy, dx)`` pixels before it, so the pair costs one rotation.

    Parameters
    ----------
    x : array (n_samples, h * w);  shape : (h, w);  degrees : scalar or array (n_samples,)
    dy, dx : int scalars or int arrays (n_samples,)
    Returns
    -------
    float32 (n_samples, h * w)
    """
    imgs, h, w = _as_images(x, shape)
    n = len(imgs)
    theta = np.deg2rad(np.broadcast_to(np.asarray(degrees, dtype=np.float64), (n,)))
    cos, sin = np.cos(theta)[:, None], np.sin(theta)[:, None]
    cy, cx = (h - 1) / 2, (w - 1) / 2
    # Each output row i reads the rotated image's row i − dy (column j: column j − dx), per sample.
    src_r = np.arange(h) - np.broadcast_to(np.asarray(dy, dtype=np.int64), (n,))[:, None]
    src_c = np.arange(w) - np.broadcast_to(np.asarray(dx, dtype=np.int64), (n,))[:, None]
    yd, xd = src_r - cy, src_c - cx
    # Inverse map: each output pixel (row offset yd, column offset xd from the centre) reads the source
    # point rotated back by -theta (the row axis points down). Both coordinates are a per-row part plus a
    # per-column part, so the (n, h, w) grids cost one addition each.
    row_part, col_part = (cy + yd * cos).astype(np.float32), (xd * sin).astype(np.float32)
    # A row or column moved in from off the canvas reads a point outside the image, which is 0: -inf in its
    # part of the source row makes every pixel of it such a point.
    row_part[(src_r < 0) | (src_r >= h)] = -np.inf
    col_part[(src_c < 0) | (src_c >= w)] = -np.inf
    rows = row_part[:, :, None] + col_part[:, None, :]
    cols = (cx - yd * sin).astype(np.float32)[:, :, None] + (xd * cos).astype(np.float32)[:, None, :]
    return _bilinear(imgs, rows, cols).reshape(n, -1)


def rotate(x, shape, max_degrees, rng):
    """Rotate each image by an angle drawn uniformly from [-max_degrees, max_degrees].

    Parameters
    ----------
    x : array (n_samples, h * w);  shape : (h, w);  max_degrees : 0..180;  rng : np.random.Generator
    Returns
    -------
    float32 (n_samples, h * w)
    """
    m = _check_number("max_degrees", max_degrees, 0, 180)
    angles = rng.uniform(-m, m, size=len(x))
    return rotate_by(x, shape, angles)


def shift_by(x, shape, dy, dx):
    """Move each image by whole pixels (dy down, dx right); what leaves the canvas is cut, new area is 0.

    Parameters
    ----------
    x : array (n_samples, h * w);  shape : (h, w);  dy, dx : int scalars or int arrays (n_samples,)
    Returns
    -------
    float32 (n_samples, h * w)
    """
    imgs, h, w = _as_images(x, shape)
    n = len(imgs)
    dy = np.broadcast_to(np.asarray(dy, dtype=np.int64), (n,))
    dx = np.broadcast_to(np.asarray(dx, dtype=np.int64), (n,))
    # Each image on a zero canvas m pixels wider on every side (m = the largest shift); output pixel (i, j)
    # is canvas pixel (i + m − dy, j + m − dx): one gather with a per-sample offset.
    m = int(max(np.abs(dy).max(initial=0), np.abs(dx).max(initial=0)))
    m = min(m, max(h, w))  # a shift of a whole side or more leaves nothing: the canvas border is all zeros
    hc, wc = h + 2 * m, w + 2 * m
    canvas = np.zeros((n, hc, wc), dtype=np.float32)
    canvas[:, m:m + h, m:m + w] = imgs
    start = np.arange(n) * (hc * wc) + (m - np.clip(dy, -m, m)) * wc + (m - np.clip(dx, -m, m))
    idx = start[:, None, None] + (np.arange(h)[:, None] * wc + np.arange(w))[None]
    return np.take(canvas.reshape(-1), idx).reshape(n, -1)


def shift(x, shape, max_pixels, rng):
    """Shift each image by random whole pixels, dy and dx each uniform in [-max_pixels, max_pixels].

    Parameters
    ----------
    x : array (n_samples, h * w);  shape : (h, w);  max_pixels : int, 0 <= max_pixels < min(h, w)
    Returns
    -------
    float32 (n_samples, h * w)
    """
    h, w = _check_shape(shape)
    m = _check_int("max_pixels", max_pixels, 0, min(h, w) - 1)
    return shift_by(x, shape, *_shift_draws(m, len(x), rng))


def _shift_draws(max_pixels, n, rng):
    """(dy, dx): n whole-pixel moves each, uniform in [-max_pixels, max_pixels], dy drawn first."""
    return rng.integers(-max_pixels, max_pixels + 1, size=n), rng.integers(-max_pixels, max_pixels + 1, size=n)


def hflip(x, shape, p, rng):
    """Mirror each image left-right with probability ``p`` (see FLIP_NOTE for why not on digits).

    Parameters
    ----------
    x : array (n_samples, h * w);  shape : (h, w);  p : probability in [0, 1]
    Returns
    -------
    float32 (n_samples, h * w)
    """
    imgs, h, w = _as_images(x, shape)
    p = _check_number("p", p, 0, 1)
    flip = rng.random(len(imgs)) < p
    out = np.where(flip[:, None, None], imgs[:, :, ::-1], imgs)
    return out.astype(np.float32, copy=False).reshape(len(imgs), -1)


def gaussian_noise(x, sigma, rng):
    """Add independent N(0, sigma²) noise to every pixel, then clip to the valid range [0, 1].

    Parameters
    ----------
    x : array (n_samples, n_features);  sigma : >= 0
    Returns
    -------
    float32, same shape as x
    """
    s = _check_number("sigma", sigma, 0)
    x = np.asarray(x, dtype=np.float32)
    out = standard_normal(rng, x.shape)
    out *= np.float32(s)
    out += x
    return np.clip(out, 0.0, 1.0, out=out)


def standard_normal(rng, shape):
    """float32 N(0, 1) draws by the Box–Muller transform of ``rng``'s uniforms, ~3× faster than
    ``rng.standard_normal`` (whose ziggurat was half of an augmented batch's time).

    Each pair of uniforms (u, v) gives √(−2 ln(1 − u))·(cos 2πv, sin 2πv), two independent standard normals.
    The float32 uniforms are multiples of 2⁻²⁴, so |draw| ≤ √(2·24·ln 2) ≈ 5.77: the tail beyond is cut
    (a chance of 3·10⁻⁸ per pixel under the exact normal; invisible in a picture).
    """
    n = math.prod(shape)
    half = (n + 1) // 2
    u = rng.random(2 * half, dtype=np.float32)
    radius, angle = u[:half], u[half:]
    np.subtract(np.float32(1), radius, out=radius)  # (0, 1]: the log is finite
    np.log(radius, out=radius)
    radius *= np.float32(-2)
    np.sqrt(radius, out=radius)
    angle *= np.float32(2 * np.pi)
    out = np.empty(2 * half, dtype=np.float32)
    np.multiply(radius, np.cos(angle), out=out[:half])
    np.multiply(radius, np.sin(angle, out=angle), out=out[half:])
    return out[:n].reshape(shape)


# --------------------------------------------------------------------------- config for the trainer

@dataclass(frozen=True)
class AugmentConfig:
    """What to do to each training batch; every field at 0 means "off"."""
    rotation_degrees: float = 0.0   # max |angle|, 0..180
    shift_pixels: int = 0           # max |shift| per axis, in pixels
    flip_probability: float = 0.0   # chance of a left-right mirror (wrong for digits: see FLIP_NOTE)
    noise_sigma: float = 0.0        # std of added gaussian noise, pixel values in [0, 1]

    def __post_init__(self):
        _check_number("rotation_degrees", self.rotation_degrees, 0, 180)
        _check_int("shift_pixels", self.shift_pixels, 0, 1000)
        _check_number("flip_probability", self.flip_probability, 0, 1)
        _check_number("noise_sigma", self.noise_sigma, 0, 1)

    @property
    def is_identity(self):
        return not (self.rotation_degrees or self.shift_pixels or self.flip_probability or self.noise_sigma)

    def describe(self):
        """One line in words, for notes and captions, in the language of the moment."""
        parts = []
        if self.rotation_degrees:
            parts.append(_("rotation ±{degrees:g}°", degrees=self.rotation_degrees))
        if self.shift_pixels:
            parts.append(_("shift ±{pixels} px", pixels=int(self.shift_pixels)))
        if self.flip_probability:
            parts.append(_("horizontal flip p={p:g}", p=self.flip_probability))
        if self.noise_sigma:
            parts.append(_("gaussian noise σ={sigma:g}", sigma=self.noise_sigma))
        return _(", ").join(parts) if parts else _("no augmentation")


def make_augmenter(config, image_shape):
    """A function ``f(x_batch, rng) -> x_batch`` for ``train(..., augment=f)``: an ``Augmenter``.

    Applies, in order, rotation, shift, flip and noise (each only if on), drawing from the trainer's
    seeded ``rng``. Returns float32 of the input's shape.
    """
    if not isinstance(config, AugmentConfig):
        raise ValueError(f"config={config!r}: give an AugmentConfig")
    h, w = _check_shape(image_shape)
    if config.shift_pixels >= min(h, w):
        raise ValueError(_("shift_pixels={shift}: must be smaller than the image side {side}",
                           shift=config.shift_pixels, side=min(h, w)))
    return Augmenter(config, (h, w))


@dataclass(frozen=True)
class Augmenter:
    """``config``'s augmentation of flat batches of ``image_shape`` images (made by ``make_augmenter``, which checks
    them). A class, not a closure, so that it pickles: it is a function of its batch and ``rng`` alone
    (``pure``), so the trainer may run it in a process of its own, beside the training step."""
    config: AugmentConfig
    image_shape: tuple
    pure = True

    def __call__(self, x_batch, rng):
        config, (h, w) = self.config, self.image_shape
        x = np.asarray(x_batch)
        if x.ndim != 2 or x.shape[1] != h * w:
            raise DataError(f"x_batch has shape {x.shape}; expected (n_samples, {h * w}) for image_shape={(h, w)}")
        # Every transform returns a new array, so the caller's batch is never modified; with none on, copy.
        out = x.astype(np.float32, copy=config.is_identity)
        if config.rotation_degrees and config.shift_pixels:  # one pass; the same draws as rotate, then shift
            angles = rng.uniform(-config.rotation_degrees, config.rotation_degrees, size=len(out))
            dy, dx = _shift_draws(config.shift_pixels, len(out), rng)
            out = rotate_by(out, (h, w), angles, dy, dx)
        elif config.rotation_degrees:
            out = rotate(out, (h, w), config.rotation_degrees, rng)
        elif config.shift_pixels:
            out = shift(out, (h, w), config.shift_pixels, rng)
        if config.flip_probability:
            out = hflip(out, (h, w), config.flip_probability, rng)
        if config.noise_sigma:
            out = gaussian_noise(out, config.noise_sigma, rng)
        return out


def preview_grid(x, shape, config, n=8, seed=0):
    """Pick ``n`` samples (seeded) and return them with one augmented copy each, for a side-by-side view.

    Parameters
    ----------
    x : array (n_samples, h * w);  shape : (h, w);  config : AugmentConfig;  n : how many (>= 1)
    Returns
    -------
    originals, augmented : float32 (min(n, n_samples), h, w) each
    """
    imgs, h, w = _as_images(x, shape)
    n = _check_int("n", n, 1, 10_000)
    if len(imgs) == 0:
        raise DataError("x is empty: there is nothing to preview")
    rng = np.random.default_rng(seed)
    idx = np.arange(len(imgs)) if len(imgs) <= n else np.sort(rng.choice(len(imgs), n, replace=False))
    originals = imgs[idx].reshape(len(idx), h * w)
    augmented = make_augmenter(config, (h, w))(originals, rng)
    return originals.reshape(-1, h, w).copy(), augmented.reshape(-1, h, w)
