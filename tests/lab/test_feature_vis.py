"""Activation maximisation and the top samples: the objective's gradient against central differences,
the ascent against the analytic optimum of a linear unit, the blur against SciPy, the ranking against
the network's own traces."""
import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from nnlab.engine import Network
from nnlab.lab import feature_vis as F
from tests.lab.tiny_nets import ATTENTION, CNN, MLP, numeric_gradient

# (spec, layer, unit): a conv channel, a token layer's feature, a dense unit
UNITS = [(CNN, 0, 2), (CNN, 3, 1), (ATTENTION, 3, 4), (MLP, 0, 5)]


def unit_mean_z(net, x, layer, unit):
    """The objective from the network's forward trace: the unit's mean pre-activation per sample."""
    z = net.forward_trace(np.atleast_2d(x))[layer].z
    if z.ndim == 4:
        return z[:, unit].mean(axis=(1, 2))
    return z[:, :, unit].mean(axis=1) if z.ndim == 3 else z[:, unit]


@pytest.mark.parametrize("spec, layer, unit", UNITS)
def test_unit_gradient_against_central_differences(spec, layer, unit):
    net = Network(spec)
    x = np.random.default_rng(0).normal(size=(1, net.n_inputs))
    value, grad = F.unit_gradient(net, x, layer, unit)
    assert value[0] == pytest.approx(unit_mean_z(net, x, layer, unit)[0])
    numeric = numeric_gradient(lambda xx: unit_mean_z(net, xx, layer, unit)[0], x)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("spec, layer, unit", UNITS)
def test_top_samples_rank_by_the_traced_objective(spec, layer, unit):
    net = Network(spec)
    x = np.random.default_rng(1).normal(size=(40, net.n_inputs))
    top = F.top_samples(net, x, layer, unit, k=5)
    reference = unit_mean_z(net, x, layer, unit)
    np.testing.assert_array_equal(top.index, np.argsort(-reference)[:5])
    np.testing.assert_allclose(top.objective, reference[top.index], rtol=1e-12)
    a = net.forward_trace(x)[layer].a
    mean_a = (a[:, unit].mean(axis=(1, 2)) if a.ndim == 4 else
              a[:, :, unit].mean(axis=1) if a.ndim == 3 else a[:, unit])
    np.testing.assert_allclose(top.activation, mean_a[top.index], rtol=1e-12)


def test_ties_go_to_the_lower_index():
    net = Network(MLP)
    x = np.zeros((4, 6))  # every sample gives the same value
    np.testing.assert_array_equal(F.top_samples(net, x, 0, 0, k=3).index, [0, 1, 2])


def test_ascent_on_a_dense_unit_reaches_the_analytic_optimum():
    """For z = x·w + b on [0, 1] with a small L2 penalty, the best input is 1 where w > 0, 0 where w < 0."""
    net = Network(MLP)
    w = net.layers[0].params["W"][:, 3]
    result = F.maximise_unit(net, 0, 3, steps=200, lr=0.1, l2=1e-4)
    best = (w > 0).astype(float)
    np.testing.assert_allclose(result.images[-1], best, atol=1e-9)
    assert result.objective[-1] == pytest.approx(best @ w + net.layers[0].params["b"][3])
    assert result.objective[-1] > result.objective[0]
    np.testing.assert_allclose(result.activation, np.tanh(result.objective), rtol=1e-12)


def test_ascent_on_an_image_records_steps_and_is_seeded():
    net = Network(CNN)
    kwargs = {"image_shape": (8, 8), "steps": 24, "n_records": 4, "seed": 3}
    a, b = F.maximise_unit(net, 0, 1, **kwargs), F.maximise_unit(net, 0, 1, **kwargs)
    np.testing.assert_array_equal(a.images, b.images)
    np.testing.assert_array_equal(a.record_steps, [0, 8, 16, 24])
    assert a.images.shape == (4, 64) and a.objective.shape == (25,)
    assert a.images.min() >= 0 and a.images.max() <= 1
    assert a.objective[-1] > a.objective[0] + 0.1
    x = np.random.default_rng(4).uniform(size=(200, 64))
    assert a.objective[-1] > F.top_samples(net, x, 0, 1, k=1).objective[0]  # beats every random image
    np.testing.assert_allclose(a.objective[a.record_steps], unit_mean_z(net, a.images, 0, 1), rtol=1e-5)
    c = F.maximise_unit(net, 0, 1, **{**kwargs, "seed": 4})
    assert not np.array_equal(a.images[0], c.images[0])


def test_jittered_gradient_is_the_gradient_of_the_shifted_picture():
    net = Network(CNN)
    x = np.random.default_rng(6).uniform(size=64)
    shift = (1, -2)
    grad = F.jittered_gradient(net, x, 0, 1, shift, (8, 8))

    def shifted(xx):
        return unit_mean_z(net, np.roll(xx.reshape(8, 8), shift, axis=(0, 1)).ravel(), 0, 1)[0]
    np.testing.assert_allclose(grad, numeric_gradient(shifted, x), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("sigma", [0.5, 1.0])
def test_gaussian_blur_matches_scipy(sigma):
    image = np.random.default_rng(5).uniform(size=(9, 11))
    reference = gaussian_filter(image, sigma, mode="mirror", truncate=3.0)
    np.testing.assert_allclose(F.gaussian_blur(image, sigma), reference, rtol=1e-12)


def test_bad_units_and_settings_are_refused_by_name():
    net = Network(CNN)
    with pytest.raises(ValueError, match="units 0…2"):
        F.maximise_unit(net, 0, 3)
    with pytest.raises(ValueError, match="layers 0…4"):
        F.top_samples(net, np.zeros((2, 64)), 5, 0)
    with pytest.raises(ValueError, match="has 63 pixels"):
        F.maximise_unit(net, 0, 0, image_shape=(9, 7))
    with pytest.raises(ValueError, match="steps=0"):
        F.maximise_unit(net, 0, 0, steps=0)
