import numpy as np
import pytest

from nnlab.data import DataError
from nnlab.data.augment import (FLIP_NOTE, AugmentConfig, gaussian_noise, hflip, make_augmenter, pad,
                                preview_grid, rotate, rotate_by, shift, shift_by)


def _pattern(h=28, w=28):
    """An asymmetric 'L' with a dot: no rotation or mirror maps it onto itself."""
    img = np.zeros((h, w), dtype=np.float32)
    img[h // 4:3 * h // 4, w // 4] = 1.0          # vertical bar
    img[3 * h // 4 - 1, w // 4:w // 2 + 2] = 0.7   # foot
    img[h // 4, 3 * w // 4 - 1] = 0.4              # a lone dot, top right
    return img


def _com(imgs):
    """Centre of mass (row, col) of each (h, w) image."""
    m = imgs.sum(axis=(1, 2))
    r = np.arange(imgs.shape[1])
    c = np.arange(imgs.shape[2])
    return np.stack([(imgs.sum(2) * r).sum(1) / m, (imgs.sum(1) * c).sum(1) / m], axis=1)


@pytest.mark.parametrize("shape", [(28, 28), (8, 8)])
@pytest.mark.parametrize("k", [1, -1, 2])
def test_rotate_by_multiples_of_90_matches_rot90(shape, k):
    rng = np.random.default_rng(0)
    x = np.stack([_pattern(*shape), rng.random(shape).astype(np.float32)])
    out = rotate_by(x.reshape(2, -1), shape, 90 * k).reshape(2, *shape)
    np.testing.assert_allclose(out, np.rot90(x, k, axes=(1, 2)), atol=1e-5)
    assert not np.allclose(out[0], x[0])


def test_rotate_by_per_sample_angles_and_small_angle_is_smooth():
    x = np.stack([_pattern(), _pattern()]).reshape(2, -1)
    out = rotate_by(x, (28, 28), np.array([0.0, 90.0])).reshape(2, 28, 28)
    np.testing.assert_allclose(out[0], _pattern(), atol=1e-6)
    np.testing.assert_allclose(out[1], np.rot90(_pattern()), atol=1e-6)
    # A 10° turn keeps the ink (up to bilinear resampling, ~1%) and the centre of mass turns about the
    # image centre by 10° counter-clockwise.
    img = np.zeros((28, 28), np.float32)
    img[13:15, 20:23] = 1.0                        # a blob right of centre
    turned = rotate_by(img.reshape(1, -1), (28, 28), 10).reshape(1, 28, 28)
    assert turned.sum() == pytest.approx(img.sum(), rel=0.01)
    (r, c), = _com(turned)
    angle = np.degrees(np.arctan2(-(r - 13.5), c - 13.5))  # rows point down: flip for maths angle
    assert angle == pytest.approx(10.0, abs=0.5)


def _bilinear_by_hand(img, degrees, dy, dx):
    """rotate_by's documented map, pixel by pixel in float64: output (i, j) reads the rotated image at
    (i - dy, j - dx) (0 if that is off the canvas), i.e. the source point turned back by the angle about the
    centre, weighted from its four neighbours, each 0 off the image."""
    h, w = img.shape
    cy, cx = (h - 1) / 2, (w - 1) / 2
    t = np.deg2rad(degrees)
    out = np.zeros((h, w))

    def px(r, c):
        return float(img[r, c]) if 0 <= r < h and 0 <= c < w else 0.0
    for i in range(h):
        for j in range(w):
            si, sj = i - dy, j - dx
            if not (0 <= si < h and 0 <= sj < w):
                continue
            r = cy + (si - cy) * np.cos(t) + (sj - cx) * np.sin(t)
            c = cx - (si - cy) * np.sin(t) + (sj - cx) * np.cos(t)
            r0, c0 = int(np.floor(r)), int(np.floor(c))
            fr, fc = r - r0, c - c0
            top = px(r0, c0) * (1 - fc) + px(r0, c0 + 1) * fc
            bottom = px(r0 + 1, c0) * (1 - fc) + px(r0 + 1, c0 + 1) * fc
            out[i, j] = top * (1 - fr) + bottom * fr
    return out


@pytest.mark.parametrize("shape", [(5, 7), (9, 6)])
def test_rotate_by_equals_bilinear_worked_by_hand(shape):
    """Every output pixel is its four source neighbours weighted by the fractional position (a random image
    with negative values, angles that are no multiple of 90°, shifts that move pixels off the canvas)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, shape[0] * shape[1])).astype(np.float32)
    degrees, dy, dx = np.array([17.0, -33.0, 151.0, 4.5]), np.array([0, 1, -2, 0]), np.array([0, -1, 0, 3])
    out = rotate_by(x, shape, degrees, dy, dx).reshape(4, *shape)
    for k in range(4):
        hand = _bilinear_by_hand(x[k].reshape(shape), degrees[k], dy[k], dx[k])
        np.testing.assert_allclose(out[k], hand, atol=2e-5)
    assert np.abs(out).max() > 0.5


def test_rotate_random_is_seeded_and_bounded():
    x = np.tile(_pattern().reshape(1, -1), (6, 1))
    a = rotate(x, (28, 28), 30, np.random.default_rng(1))
    b = rotate(x, (28, 28), 30, np.random.default_rng(1))
    c = rotate(x, (28, 28), 30, np.random.default_rng(2))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert a.dtype == np.float32 and a.shape == x.shape
    assert a.min() >= 0 and a.max() <= 1 + 1e-6
    np.testing.assert_array_equal(rotate(x, (28, 28), 0, np.random.default_rng(0)), x)
    with pytest.raises(ValueError, match="max_degrees"):
        rotate(x, (28, 28), 200, np.random.default_rng(0))


def test_shift_by_moves_centre_of_mass_exactly():
    x = np.stack([_pattern()] * 3).reshape(3, -1)
    dy, dx = np.array([2, -3, 0]), np.array([-1, 4, 0])
    out = shift_by(x, (28, 28), dy, dx).reshape(3, 28, 28)
    moved = _com(out) - _com(x.reshape(3, 28, 28))
    np.testing.assert_allclose(moved, np.stack([dy, dx], axis=1), atol=1e-5)
    np.testing.assert_array_equal(out[2], _pattern())
    np.testing.assert_array_equal(out[0, 2:, :27], _pattern()[:26, 1:])  # integer shift: exact copy
    assert out[0, :2].sum() == 0 and out[0, :, 27].sum() == 0         # new area is zero


def test_shift_crops_what_leaves_the_canvas():
    img = np.zeros((8, 8), np.float32)
    img[0, 7] = 1.0
    out = shift_by(img.reshape(1, -1), (8, 8), 0, 1)
    assert out.sum() == 0


def test_shift_random_is_seeded_and_integer():
    x = np.stack([_pattern()] * 20).reshape(20, -1)
    a = shift(x, (28, 28), 3, np.random.default_rng(5)).reshape(20, 28, 28)
    b = shift(x, (28, 28), 3, np.random.default_rng(5)).reshape(20, 28, 28)
    np.testing.assert_array_equal(a, b)
    moved = _com(a) - _com(x.reshape(20, 28, 28))
    np.testing.assert_allclose(moved, np.rint(moved), atol=1e-4)   # whole pixels
    assert np.abs(moved).max() <= 3 + 1e-4 and np.abs(moved).max() >= 1
    with pytest.raises(ValueError, match="max_pixels"):
        shift(x, (28, 28), 28, np.random.default_rng(0))


def test_hflip():
    x = np.stack([_pattern(), np.random.default_rng(0).random((28, 28)).astype(np.float32)])
    flat = x.reshape(2, -1)
    out = hflip(flat, (28, 28), 1.0, np.random.default_rng(0)).reshape(2, 28, 28)
    np.testing.assert_array_equal(out, x[:, :, ::-1])
    np.testing.assert_array_equal(hflip(flat, (28, 28), 0.0, np.random.default_rng(0)), flat)
    many = np.tile(_pattern().reshape(1, -1), (400, 1))
    half = hflip(many, (28, 28), 0.5, np.random.default_rng(3)).reshape(400, 28, 28)
    flipped = (half == _pattern()[:, ::-1]).all(axis=(1, 2))
    kept = (half == _pattern()).all(axis=(1, 2))
    assert (flipped ^ kept).all() and 160 < flipped.sum() < 240
    assert "7" in FLIP_NOTE and "label" in FLIP_NOTE


def test_gaussian_noise_std_and_clipping():
    x = np.full((200, 64), 0.5, np.float32)
    out = gaussian_noise(x, 0.05, np.random.default_rng(0))   # 10 sigma from the clip bounds
    assert np.std(out - x) == pytest.approx(0.05, rel=0.03)
    assert abs(np.mean(out - x)) < 0.002
    strong = gaussian_noise(x, 2.0, np.random.default_rng(0))
    assert strong.min() == 0.0 and strong.max() == 1.0
    np.testing.assert_array_equal(gaussian_noise(x, 0.05, np.random.default_rng(0)), out)
    assert not np.array_equal(gaussian_noise(x, 0.05, np.random.default_rng(1)), out)
    with pytest.raises(ValueError, match="sigma"):
        gaussian_noise(x, -1, np.random.default_rng(0))


@pytest.mark.parametrize("shape", [(400, 501), (3,), (1, 1)])
def test_the_noise_draws_are_standard_normal(shape):
    from scipy import stats

    from nnlab.data.augment import standard_normal

    z = standard_normal(np.random.default_rng(0), shape)
    assert z.shape == shape and z.dtype == np.float32 and np.isfinite(z).all()
    if z.size < 1000:
        return
    flat = z.ravel().astype(np.float64)
    assert stats.kstest(flat, "norm").pvalue > 0.01  # the whole distribution, not only two moments
    assert abs(flat.mean()) < 0.005 and flat.std() == pytest.approx(1, abs=0.005)
    assert stats.kurtosis(flat, fisher=False) == pytest.approx(3, abs=0.03)
    assert np.mean(np.abs(flat) > 3) == pytest.approx(2 * stats.norm.sf(3), rel=0.1)
    assert abs(np.corrcoef(flat[:-1], flat[1:])[0, 1]) < 0.01  # neighbours (and the pair halves) independent
    half = (flat.size + 1) // 2
    assert abs(np.corrcoef(flat[:half - 1] ** 2, flat[half:2 * half - 1] ** 2)[0, 1]) < 0.01


@pytest.mark.parametrize("shape", [(28, 28), (8, 8)])
def test_pad_centres_image_in_bigger_canvas(shape):
    h, w = shape
    x = np.stack([_pattern(h, w), 1 - _pattern(h, w)]).reshape(2, -1)
    out, new_shape = pad(x, shape, 3)
    assert new_shape == (h + 6, w + 6) and out.shape == (2, (h + 6) * (w + 6)) and out.dtype == np.float32
    canvas = out.reshape(2, h + 6, w + 6)
    np.testing.assert_array_equal(canvas[:, 3:3 + h, 3:3 + w], x.reshape(2, h, w))
    assert canvas.sum() == pytest.approx(x.sum())            # the border is all zero
    np.testing.assert_allclose(_com(canvas) - _com(x.reshape(2, h, w)), 3.0, atol=1e-5)
    same, same_shape = pad(x, shape, 0)
    np.testing.assert_array_equal(same, x)
    assert same_shape == shape


def test_zero_config_is_identity_and_augmenter_is_seeded():
    x = np.random.default_rng(0).random((16, 784)).astype(np.float64)
    ident = make_augmenter(AugmentConfig(), (28, 28))
    assert AugmentConfig().is_identity and AugmentConfig().describe() == "no augmentation"
    out = ident(x, np.random.default_rng(0))
    assert out.dtype == np.float32 and out.shape == x.shape
    np.testing.assert_array_equal(out, x.astype(np.float32))

    cfg = AugmentConfig(rotation_degrees=15, shift_pixels=2, noise_sigma=0.05)
    f = make_augmenter(cfg, (28, 28))
    a, b = f(x, np.random.default_rng(7)), f(x, np.random.default_rng(7))
    c = f(x, np.random.default_rng(8))
    assert a.dtype == np.float32 and a.shape == x.shape
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert a.min() >= 0 and a.max() <= 1
    x_before = x.copy()
    f(x, np.random.default_rng(0))
    np.testing.assert_array_equal(x, x_before)               # the caller's batch is untouched
    assert "rotation ±15°" in cfg.describe()


def test_augmenter_works_with_the_trainer():
    from nnlab.engine.network import Network, mlp_spec
    from nnlab.engine.trainer import EpochRecord, train
    rng = np.random.default_rng(0)
    x = rng.random((64, 64)).astype(np.float32)
    y = rng.integers(0, 3, 64)
    f = make_augmenter(AugmentConfig(rotation_degrees=10, shift_pixels=1, noise_sigma=0.02), (8, 8))

    def run():
        net = Network(mlp_spec([64, 8, 3], seed=0))
        return [r.train_loss for r in train(net, x, y, epochs=2, batch_size=32, seed=3, augment=f)
                if isinstance(r, EpochRecord)]
    first, second = run(), run()
    assert first == second and len(first) == 2 and np.isfinite(first).all()


def test_config_and_input_validation():
    with pytest.raises(ValueError, match="rotation_degrees"):
        AugmentConfig(rotation_degrees=-5)
    with pytest.raises(ValueError, match="shift_pixels"):
        AugmentConfig(shift_pixels=1.5)
    with pytest.raises(ValueError, match="flip_probability"):
        AugmentConfig(flip_probability=2)
    with pytest.raises(ValueError, match="shift_pixels"):
        make_augmenter(AugmentConfig(shift_pixels=8), (8, 8))
    with pytest.raises(ValueError, match="image_shape"):
        make_augmenter(AugmentConfig(), (28,))
    with pytest.raises(DataError, match="784"):
        make_augmenter(AugmentConfig(), (28, 28))(np.zeros((2, 64)), np.random.default_rng(0))
    with pytest.raises(DataError, match="64"):
        rotate_by(np.zeros((2, 784)), (8, 8), 10)


def test_preview_grid():
    x = np.stack([np.roll(_pattern(), k, axis=1) for k in range(20)]).reshape(20, -1)
    cfg = AugmentConfig(rotation_degrees=20)
    orig, aug = preview_grid(x, (28, 28), cfg, n=6, seed=1)
    assert orig.shape == aug.shape == (6, 28, 28)
    assert all(any(np.array_equal(o, xi.reshape(28, 28)) for xi in x) for o in orig)
    assert not np.allclose(orig, aug)
    orig2, aug2 = preview_grid(x, (28, 28), cfg, n=6, seed=1)
    np.testing.assert_array_equal(aug, aug2)
    small_o, small_a = preview_grid(x[:3], (28, 28), AugmentConfig(), n=6)
    assert small_o.shape == (3, 28, 28)
    np.testing.assert_array_equal(small_o, small_a)


@pytest.mark.parametrize("shape, max_shift", [((28, 28), 2), ((7, 11), 3)])
def test_rotation_and_shift_in_one_pass_equal_rotating_then_shifting(shape, max_shift):
    """The augmenter rotates and shifts in one bilinear pass (rotate_by's dy, dx): bit for bit what rotate then
    shift give with the same draws, including pixels moved in from off the canvas (0) — and the draws that
    follow (noise) are the same too."""
    rng = np.random.default_rng(3)
    x = rng.random((40, shape[0] * shape[1]), dtype=np.float32)
    aug = make_augmenter(AugmentConfig(rotation_degrees=30, shift_pixels=max_shift, noise_sigma=0.1), shape)
    for seed in range(5):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        got = aug(x, ours)
        want = gaussian_noise(shift(rotate(x, shape, 30, theirs), shape, max_shift, theirs), 0.1, theirs)
        np.testing.assert_array_equal(got, want)
        assert ours.random() == theirs.random()
    dy, dx = np.full(40, max_shift), np.full(40, -max_shift)
    moved = rotate_by(x, shape, 0.0, dy, dx).reshape(40, *shape)
    assert (moved[:, :max_shift] == 0).all() and (moved[:, :, -max_shift:] == 0).all()
    np.testing.assert_array_equal(moved, shift_by(rotate_by(x, shape, 0.0), shape, dy, dx).reshape(40, *shape))


def test_the_augmentation_is_described_in_the_language_of_the_moment():
    from nnlab.i18n import using_language

    cfg = AugmentConfig(rotation_degrees=15, shift_pixels=2)
    assert cfg.describe() == "rotation ±15°, shift ±2 px"
    with using_language("zh"):
        assert cfg.describe() == "旋转 ±15°，平移 ±2 像素"
        assert AugmentConfig().describe() == "不做数据增强"
