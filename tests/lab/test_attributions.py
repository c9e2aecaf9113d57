"""Saliency, integrated gradients, Grad-CAM and occlusion against independent references: central
differences done here, a linear model's exact answer, Pillow's resize, and explicit loops."""
import numpy as np
import pytest
from PIL import Image

from nnlab.engine import Network
from nnlab.lab import attributions as A
from tests.lab.tiny_nets import ATTENTION, CNN, MLP, SPECS, logits, numeric_gradient

# A model whose class scores are linear in the input: z = x·(W1·W2) + b1·W2 + b2.
LINEAR = {"input_shape": [5], "dtype": "float64", "seed": 2, "layers": [
    {"type": "dense", "units": 4, "activation": "identity"},
    {"type": "dense", "units": 3, "activation": "softmax"}]}
# Conv → global average pool → dense: the architecture where Grad-CAM equals CAM exactly.
CAM_NET = {"input_shape": [1, 6, 6], "dtype": "float64", "seed": 6, "layers": [
    {"type": "conv2d", "filters": 4, "kernel": 3, "activation": "relu"},
    {"type": "avgpool2d", "size": 4},
    {"type": "flatten"},
    {"type": "dense", "units": 3, "activation": "softmax"}]}


def sample(net, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, net.n_inputs)


def linear_weights(net):
    return net.layers[0].params["W"] @ net.layers[1].params["W"]


@pytest.mark.parametrize("name", SPECS)
def test_saliency_is_the_logit_gradient_entry_by_entry(name):
    net = Network(SPECS[name])
    x = sample(net)
    result = A.saliency(net, x, cls=1, n_check=5)
    numeric = numeric_gradient(lambda xx: logits(net, xx)[0, 1], x)
    np.testing.assert_allclose(result.gradient, numeric, rtol=1e-6, atol=1e-9)
    assert result.score == pytest.approx(logits(net, x)[0, 1])
    # the entries it checked are the five largest, and its own check agrees with ours
    np.testing.assert_array_equal(result.check_index, np.argsort(-np.abs(numeric))[:5])
    np.testing.assert_allclose(result.check_numeric, numeric[result.check_index], rtol=1e-6)
    assert not result.check_at_kink.any() and result.check_max_rel_error < 1e-6


def test_saliency_flags_a_relu_kink_instead_of_calling_it_an_error():
    # z₁ = x₀ + x₁ with x = (1, −1): the ReLU sits exactly at 0, its slope is 0 on one side, 1 on the other.
    net = Network({"input_shape": [2], "dtype": "float64", "layers": [
        {"type": "dense", "units": 1, "activation": "relu"},
        {"type": "dense", "units": 2, "activation": "softmax"}]})
    net.set_params(0, W=[[1.0], [1.0]], b=[0.0])
    net.set_params(1, W=[[1.0, -1.0]], b=[0.0, 0.0])
    result = A.saliency(net, [1.0, -1.0], cls=0)
    assert result.check_at_kink.all()
    np.testing.assert_allclose(result.check_numeric, 0.5)  # the average of the two one-sided slopes
    assert np.isnan(result.check_max_rel_error)
    smooth = A.saliency(net, [1.0, -0.5], cls=0)  # z = 0.5: on the linear part
    assert not smooth.check_at_kink.any() and smooth.check_max_rel_error < 1e-9


def test_class_score_for_one_sigmoid_output_is_plus_or_minus_the_logit():
    net = Network({"input_shape": [3], "dtype": "float64", "loss": "bce", "layers": [
        {"type": "dense", "units": 1, "activation": "sigmoid"}]})
    x = sample(net)
    z = logits(net, x)[0, 0]
    assert A.saliency(net, x, 1).score == pytest.approx(z)
    assert A.saliency(net, x, 0).score == pytest.approx(-z)
    np.testing.assert_allclose(A.saliency(net, x, 0).gradient, -net.layers[0].params["W"][:, 0])
    with pytest.raises(ValueError, match="classes are 0…1"):
        A.saliency(net, x, 2)


def test_attributions_leave_the_users_float32_model_alone():
    net = Network({**MLP, "dtype": "float32"})
    before = [{k: v.copy() for k, v in layer.params.items()} for layer in net.layers]
    x = sample(net)
    net.forward(x[None])
    cache = net.layers[0].cache
    A.saliency(net, x, 0)
    A.integrated_gradients(net, x, 0, np.zeros(6), steps=4)
    A.occlusion(net, x, 0, np.zeros(6))
    assert net.layers[0].cache is cache
    for layer, params in zip(net.layers, before):
        for k, v in params.items():
            np.testing.assert_array_equal(layer.params[k], v)


def test_integrated_gradients_of_a_linear_model_are_exact():
    net = Network(LINEAR)
    x, base = sample(net, 1), sample(net, 2)
    result = A.integrated_gradients(net, x, cls=2, baseline=base, steps=3)
    np.testing.assert_allclose(result.attributions, (x - base) * linear_weights(net)[:, 2], rtol=1e-12)
    assert abs(result.completeness_error) < 1e-12
    np.testing.assert_allclose(result.convergence_error, 0, atol=1e-12)


def test_integrated_gradients_as_a_trapezoid_sum_of_finite_difference_gradients():
    net = Network(ATTENTION)
    x, base = sample(net, 3), np.zeros(64)
    steps = 8
    result = A.integrated_gradients(net, x, cls=0, baseline=base, steps=steps)
    grads = [numeric_gradient(lambda xx: logits(net, xx)[0, 0], base + a * (x - base))
             for a in np.linspace(0, 1, steps + 1)]
    expected = (x - base) * np.trapezoid(grads, dx=1 / steps, axis=0)
    np.testing.assert_allclose(result.attributions, expected, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(result.path_scores, [logits(net, base + a * (x - base))[0, 0] for a in result.alphas])
    assert result.total == pytest.approx(result.running_total[-1])


def test_completeness_error_shrinks_with_more_steps_on_a_smooth_model():
    net = Network(MLP)
    x, base = sample(net, 4) * 3, np.zeros(6)
    result = A.integrated_gradients(net, x, cls=1, baseline=base, steps=64)
    assert result.score - result.baseline_score == pytest.approx(logits(net, x)[0, 1] - logits(net, base)[0, 1])
    np.testing.assert_array_equal(result.convergence_steps, [64, 32, 16, 8, 4, 2, 1])
    errors = np.abs(result.convergence_error)
    assert errors[0] == pytest.approx(abs(result.completeness_error))
    # the trapezoid rule on a smooth path: once the steps are fine, halving them quarters the error
    np.testing.assert_allclose(errors[1:4] / errors[:3], 4, rtol=0.01)
    assert np.all(np.diff(errors) > 0)
    # each partial sum tracks the score along the path, to within the error of a coarser sum
    np.testing.assert_allclose(result.running_total, result.path_scores - result.path_scores[0], atol=errors[1])


def test_baselines():
    x = np.array([[0.0, 0.2], [0.4, 1.0]])
    np.testing.assert_allclose(A.make_baseline("mean", x), [0.2, 0.6])
    np.testing.assert_allclose(A.make_baseline("zeros", x), [0, 0])
    np.testing.assert_allclose(A.make_baseline("black", x + 0.1, image_shape=(1, 2)), [0.1, 0.1])
    with pytest.raises(ValueError, match="applies to images"):
        A.make_baseline("black", x)
    with pytest.raises(ValueError, match="choose one of"):
        A.make_baseline("white", x)
    with pytest.raises(ValueError, match="steps=0"):
        A.integrated_gradients(Network(LINEAR), np.zeros(5), 0, np.zeros(5), steps=0)


def test_grad_cam_weights_are_mean_gradients_over_each_channel():
    net = Network(CNN)
    x = sample(net, 5)
    result = A.grad_cam(net, x, cls=3)
    assert result.layer == 0 and result.layer_name == "L1 conv2d"
    maps = net.forward_trace(x[None])[0].a[0]
    np.testing.assert_allclose(result.activations, maps)

    def score_of_maps(m):
        out = m[None]
        for layer in net.layers[1:]:
            out = layer.forward(out)
        return float(net.layers[-1].z[0, 3])

    numeric = numeric_gradient(score_of_maps, maps)
    np.testing.assert_allclose(result.alphas, numeric.mean(axis=(1, 2)), rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(result.alphas_check, result.alphas, rtol=1e-6, atol=1e-10)
    assert result.check_max_abs_error < 1e-8
    np.testing.assert_allclose(result.cam, np.maximum((result.alphas[:, None, None] * maps).sum(0), 0))
    assert result.upsampled.shape == (8, 8)


def test_grad_cam_equals_cam_after_global_average_pooling():
    net = Network(CAM_NET)
    result = A.grad_cam(net, sample(net, 6), cls=1)
    np.testing.assert_allclose(result.alphas, net.layers[3].params["W"][:, 1] / 16, rtol=1e-12)


def test_grad_cam_says_when_it_does_not_apply():
    for spec in (MLP, ATTENTION):
        with pytest.raises(ValueError, match="needs a convolution layer"):
            A.grad_cam(Network(spec), np.zeros(Network(spec).n_inputs), 0)
    with pytest.raises(ValueError, match=r"choose one of \[0\]"):
        A.grad_cam(Network(CNN), np.zeros(64), 0, layer=1)


@pytest.mark.parametrize("shape", [(3, 4), (5, 5), (11, 11)])
def test_bilinear_resize_matches_pillow(shape):
    image = np.random.default_rng(7).uniform(size=shape).astype(np.float32)
    ours = A.bilinear_resize(image.astype(np.float64), (28, 28))
    pillow = np.asarray(Image.fromarray(image, mode="F").resize((28, 28), Image.BILINEAR))
    np.testing.assert_allclose(ours, pillow, atol=1e-5)


def test_occlusion_matches_an_explicit_loop_over_patches():
    net = Network(CNN)
    x, base = sample(net, 8), np.full(64, 0.25)
    result = A.occlusion(net, x, cls=2, baseline=base, image_shape=(8, 8), patch=3, stride=2)
    np.testing.assert_array_equal(result.rows, [0, 2, 4, 5])  # the last start touches the edge
    score = logits(net, x)[0, 2]
    for i, r in enumerate(result.rows):
        for j, c in enumerate(result.cols):
            covered = x.reshape(8, 8).copy()
            covered[r:r + 3, c:c + 3] = 0.25
            assert result.drops[i, j] == pytest.approx(score - logits(net, covered.ravel())[0, 2], abs=1e-12)
    # the per-pixel map averages the drops of the patches that cover the pixel: (0, 0) only the first
    assert result.pixel_map[0] == pytest.approx(result.drops[0, 0])
    assert result.pixel_map[2] == pytest.approx(result.drops[0, :2].mean())


def test_occlusion_of_a_table_removes_one_feature_at_a_time():
    net = Network(LINEAR)
    x, base = sample(net, 9), np.zeros(5)
    result = A.occlusion(net, x, cls=0, baseline=base)
    np.testing.assert_allclose(result.drops, x * linear_weights(net)[:, 0], rtol=1e-10)
    with pytest.raises(ValueError, match="patch=9"):
        A.occlusion(Network(CNN), np.zeros(64), 0, np.zeros(64), image_shape=(8, 8), patch=9)
    with pytest.raises(ValueError, match="has 63 pixels"):
        A.occlusion(Network(CNN), np.zeros(64), 0, np.zeros(64), image_shape=(9, 7))
