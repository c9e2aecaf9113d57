"""LR range test against an explicit SGD loop, and λmax against exact Hessians: analytic for a quadratic
(linear regression), by central differences in float64 for a tiny tanh network."""
import numpy as np
import pytest

from nnlab.engine import Network, encode_targets
from nnlab.lab import lr_finder as F
from nnlab.lab.weight_vector import get_vector, loss_and_gradient, set_vector
from tests.lab.tiny_nets import MLP

LINEAR_REGRESSION = {"input_shape": [3], "dtype": "float64", "loss": "mse", "seed": 1, "layers": [
    {"type": "dense", "units": 1, "activation": "identity"}]}
WITH_DROPOUT = {**MLP, "layers": [MLP["layers"][0], {"type": "dropout", "rate": 0.3}, MLP["layers"][1]]}


def classification(n=120, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6))
    return x, (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1)


def regression(n=50, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)) * [1.0, 2.0, 0.5] + [0.5, 0, 0]
    return x, (x @ [1.0, -2.0, 0.5] + 0.3).reshape(-1, 1)


def test_the_users_model_is_untouched():
    net = Network(WITH_DROPOUT)
    x, y = classification()
    before = [{k: v.copy() for k, v in layer.params.items()} for layer in net.layers]
    state = net.rng_state()
    net.forward(x[:3])
    cache = net.layers[0].cache
    result = F.lr_range_test(net, x, y, n_steps=40, batch_size=16)
    assert len(result.losses) > 10
    assert net.rng_state() == state and net.layers[0].cache is cache
    for layer, params in zip(net.layers, before):
        for k, v in params.items():
            np.testing.assert_array_equal(layer.params[k], v)


def test_losses_match_an_explicit_sgd_loop_with_exponential_lr():
    net = Network(MLP)
    x, y = classification()
    result = F.lr_range_test(net, x, y, lr_min=1e-3, lr_max=1.0, n_steps=30, batch_size=50, seed=7)
    np.testing.assert_allclose(result.lrs, 1e-3 * 1000 ** (np.arange(30) / 29), rtol=1e-12)
    assert result.lrs[0] == pytest.approx(1e-3) and result.lrs[-1] == pytest.approx(1.0)
    # by hand: the seeded shuffle, batches of 50 (a new shuffle when fewer than 50 are left), θ ← θ − η·∇L
    ref = Network(MLP)
    target = encode_targets(ref, y)
    rng = np.random.default_rng(7)
    order, pos, losses = rng.permutation(120), 0, []
    for lr in result.lrs:
        if pos + 50 > 120:
            order, pos = rng.permutation(120), 0
        idx = order[pos:pos + 50]
        pos += 50
        loss, grad = loss_and_gradient(ref, x[idx], target[idx])
        losses.append(loss)
        set_vector(ref, get_vector(ref) - lr * grad)
    np.testing.assert_allclose(result.losses, losses, rtol=1e-10)
    assert result.diverged_step is None and result.diverged_lr is None
    # the curve: running means and least-squares slopes over windows of 5 steps (NumPy's polyfit)
    assert result.window == 5
    for i in (0, 7, 25):
        window = slice(i, i + 5)
        assert result.smoothed[i] == pytest.approx(np.mean(losses[window]))
        assert result.slopes[i] == pytest.approx(np.polyfit(np.log(result.lrs[window]), losses[window], 1)[0])
        assert result.smoothed_steps[i] == i + 2


def recent_average(losses):
    """The divergence rule's bias-corrected moving average, written out."""
    avg, out = 0.0, []
    for k, loss in enumerate(losses):
        avg = 0.9 * avg + 0.1 * loss
        out.append(avg / (1 - 0.9 ** (k + 1)))
    return np.array(out)


def test_divergence_is_found_and_the_suggestion_comes_before_it():
    net = Network(LINEAR_REGRESSION)
    x, y = regression()
    result = F.lr_range_test(net, x, y, lr_min=1e-4, lr_max=100.0, n_steps=200, batch_size=50)
    k = result.diverged_step
    assert k is not None and len(result.losses) == k + 1 and result.diverged_lr == result.lrs[k]
    recent = recent_average(result.losses)
    assert not recent[k] <= 4 * recent.min()  # past the rule (or not finite)
    assert np.all(recent[:k] <= 4 * np.minimum.accumulate(recent[:k]))
    assert result.suggested_lr is not None and result.suggested_lr < result.diverged_lr
    bound = F.top_hessian_eigenvalue(net, x, y).lr_bound
    assert result.diverged_lr > bound  # full-batch SGD past 2/λmax must blow up


def test_reading_a_known_curve_and_silence_on_noise():
    lrs = np.logspace(-5, 1, 120)
    falling = 2 - np.tanh(np.log(lrs / 1e-2))  # falls fastest at lr = 0.01, lowest at the end
    noisy = falling + np.random.default_rng(0).normal(0, 0.05, 120)
    smoothed, _, k, fall, noise = F.read_curve(lrs, noisy, window=11)
    assert lrs[k] == pytest.approx(1e-2, rel=0.2)
    assert noise < 0.1 and fall == pytest.approx(smoothed[0] - smoothed.min())
    # what comes after the lowest point does not count, however steeply it falls back from a bump
    bump = np.r_[np.linspace(0, 3, 10), np.linspace(3, 1, 10)]
    assert F.read_curve(lrs, np.r_[noisy[:100], noisy[99] + bump], window=11)[2] == k
    assert F.read_curve(lrs, np.log(lrs), window=11)[2] is None  # never falls
    flat = 0.3 + np.random.default_rng(1).normal(0, 0.1, 120)  # a trained model: batch noise only
    _, _, k, fall, noise = F.read_curve(lrs, flat, window=11)
    assert k is None and fall < 2 * noise
    assert F.read_curve(lrs[:4], noisy[:4], window=5)[2] is None  # shorter than one window


def test_largest_eigenvalue_of_a_known_matrix_also_when_a_negative_one_dominates():
    q = np.linalg.qr(np.random.default_rng(0).normal(size=(4, 4)))[0]
    h = q @ np.diag([-5.0, 2.0, 1.0, 0.5]) @ q.T
    top, dominant, history, residual, v = F.largest_eigenvalue(lambda v: h @ v, 4, iterations=500, tol=1e-13)
    assert dominant == pytest.approx(-5.0, rel=1e-8) and top == pytest.approx(2.0, rel=1e-8)
    assert residual < 1e-6 and history[-1] == pytest.approx(top)
    assert abs(v @ q[:, 1]) == pytest.approx(1.0, abs=1e-8)  # the eigenvector of 2


def test_sharpness_of_a_quadratic_is_its_exact_hessian():
    net = Network(LINEAR_REGRESSION)
    x, y = regression()
    a = np.hstack([x, np.ones((len(x), 1))])  # θ = (W₀, W₁, W₂, b)
    exact = np.linalg.eigvalsh(a.T @ a / len(x)).max()
    result = F.top_hessian_eigenvalue(net, x, y, iterations=300, tol=1e-12)
    assert result.eigenvalue == pytest.approx(exact, rel=1e-7)
    assert result.lr_bound == pytest.approx(2 / exact, rel=1e-7) and result.n_samples == 50
    assert result.small_step_check == pytest.approx(exact, rel=1e-6)
    # and the bound is the real edge: full-batch gradient descent converges just below it, blows up just above
    target = encode_targets(net, y)
    for factor, converges in ((0.95, True), (1.05, False)):
        probe = Network(LINEAR_REGRESSION)
        for _ in range(400):
            loss, grad = loss_and_gradient(probe, x, target)
            set_vector(probe, get_vector(probe) - factor * result.lr_bound * grad)
        assert (loss < 1e-6) == converges


def test_sharpness_of_a_tanh_network_matches_its_finite_difference_hessian():
    net = Network(MLP)
    x, y = classification(n=30)
    target = encode_targets(net, y)
    theta = get_vector(net)
    eps, n = 1e-5, theta.size
    hessian = np.empty((n, n))
    for j in range(n):
        step = np.zeros(n)
        step[j] = eps
        set_vector(net, theta + step)
        plus = loss_and_gradient(net, x, target)[1]
        set_vector(net, theta - step)
        minus = loss_and_gradient(net, x, target)[1]
        hessian[:, j] = (plus - minus) / (2 * eps)
    set_vector(net, theta)
    eig = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    result = F.top_hessian_eigenvalue(net, x, y, iterations=400, tol=1e-12)
    assert result.eigenvalue == pytest.approx(eig.max(), rel=1e-5)
    assert abs(result.dominant) == pytest.approx(np.abs(eig).max(), rel=1e-5)
    np.testing.assert_array_equal(get_vector(net), theta)


def test_sharpness_of_a_relu_network_matches_pytorchs_exact_hessian():
    """ReLU kinks: central differences must not step across them. Reference: PyTorch's exact
    Hessian-vector products (double backprop), their largest eigenvalue found by SciPy's Lanczos."""
    torch = pytest.importorskip("torch")
    from scipy.sparse.linalg import LinearOperator, eigsh

    net = Network({"input_shape": [6], "dtype": "float64", "seed": 2, "layers": [
        {"type": "dense", "units": 64, "activation": "relu"},
        {"type": "dense", "units": 3, "activation": "softmax"}]})
    x, y = classification(n=1000, seed=3)
    (w1, b1), (w2, b2) = ((torch.tensor(layer.params["W"]), torch.tensor(layer.params["b"])) for layer in net.layers)
    theta = torch.tensor(get_vector(net), requires_grad=True)
    a, b, c, d = torch.split(theta, [w1.numel(), b1.numel(), w2.numel(), b2.numel()])
    hidden = torch.relu(torch.tensor(x) @ a.reshape(w1.shape) + b)
    loss = torch.nn.functional.cross_entropy(hidden @ c.reshape(w2.shape) + d, torch.tensor(y))
    (grad,) = torch.autograd.grad(loss, theta, create_graph=True)

    def exact_hvp(v):
        return torch.autograd.grad(grad, theta, torch.tensor(v.ravel()), retain_graph=True)[0].numpy()

    exact = eigsh(LinearOperator((net.n_params,) * 2, matvec=exact_hvp), k=1, which="LA")[0][0]
    result = F.top_hessian_eigenvalue(net, x, y, n_samples=1000, iterations=100, tol=1e-10)
    assert result.eigenvalue == pytest.approx(exact, rel=1e-6)
    assert result.small_step_check == pytest.approx(result.eigenvalue, rel=1e-6)
    # a step 100× larger lets units switch inside it: the estimate drifts, and the check gives it away
    coarse = F.top_hessian_eigenvalue(net, x, y, n_samples=1000, iterations=100, tol=1e-10, eps=1e-4)
    assert abs(coarse.eigenvalue - exact) > 1e-3 * exact
    assert abs(coarse.small_step_check - coarse.eigenvalue) > 0.1 * exact


def test_bad_settings_are_refused_by_name():
    net = Network(MLP)
    x, y = classification()
    with pytest.raises(ValueError, match="0 < lr_min < lr_max"):
        F.lr_range_test(net, x, y, lr_min=1.0, lr_max=0.1)
    with pytest.raises(ValueError, match="n_steps=1"):
        F.lr_range_test(net, x, y, n_steps=1)
    with pytest.raises(ValueError, match="batch_size=0"):
        F.lr_range_test(net, x, y, batch_size=0)
    with pytest.raises(ValueError, match="optimizer='lion'"):
        F.lr_range_test(net, x, y, optimizer="lion")


def test_the_suggestion_trains_better_than_a_hundredth_of_it():
    x, y = classification(n=600, seed=4)
    result = F.lr_range_test(Network(MLP), x, y, lr_min=1e-4, lr_max=100.0, n_steps=150, batch_size=32)
    assert result.suggested_lr is not None and result.suggested_lr < result.diverged_lr
    final = {}
    for lr in (result.suggested_lr, result.suggested_lr / 100):
        net = Network(MLP)
        target = encode_targets(net, y)
        for _ in range(100):
            loss, grad = loss_and_gradient(net, x, target)
            set_vector(net, get_vector(net) - lr * grad)
        final[lr] = loss
    assert final[result.suggested_lr] < final[result.suggested_lr / 100] - 0.1
