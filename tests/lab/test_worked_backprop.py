"""The backward recursion as shown, against a hand-written NumPy recursion and the engine's backward_trace."""
import numpy as np
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.lab.terms import TOP, tex
from nnlab.lab.worked_backprop import chain_back, delta_step, sample_trace, sgd_update, weight_gradient


def _net(activation="relu", output="softmax", loss="softmax_ce", sizes=(7, 9, 6, 4), seed=3):
    return Network(mlp_spec(list(sizes), activation=activation, output=output, loss=loss, dtype="float64",
                            seed=seed))


def _sample(net, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=net.n_inputs)
    t = np.eye(net.n_outputs)[rng.integers(net.n_outputs)]
    return x, t


def _hand_recursion(net, x, t, f, df, out_delta):
    """δ per dense layer, by hand: forward z = xW + b, a = f(z); δ_L from ``out_delta``;
    δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ f′(z_l)."""
    Ws = [layer.params["W"] for layer in net.layers]
    bs = [layer.params["b"] for layer in net.layers]
    zs, acts, a = [], [], x
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = a @ W + b
        a = f(z) if i < len(Ws) - 1 else None
        zs.append(z)
        acts.append(a)
    deltas = [out_delta(zs[-1], t)]
    for i in range(len(Ws) - 2, -1, -1):
        deltas.insert(0, (deltas[0] @ Ws[i + 1].T) * df(zs[i]))
    return deltas


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _check_all_units(net, x, t, hand):
    trace = sample_trace(net, x, t)
    for layer, expected in enumerate(hand):
        for unit in range(expected.size):
            step = delta_step(net, trace, layer, unit)
            assert step.delta == pytest.approx(expected[unit], rel=1e-10, abs=1e-14)
            assert step.reproduced == pytest.approx(expected[unit], rel=1e-10, abs=1e-14)
            assert step.latex.endswith(f"= {tex(step.reproduced)}")


def test_relu_softmax_ce_matches_a_hand_recursion():
    net = _net()
    x, t = _sample(net)
    hand = _hand_recursion(net, x, t, lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float),
                           lambda z, t: _softmax(z) - t)
    _check_all_units(net, x, t, hand)


def test_tanh_sigmoid_mse_matches_a_hand_recursion():
    net = _net("tanh", "sigmoid", "mse")
    x, t = _sample(net, seed=1)

    def out_delta(z, t):
        a = _sigmoid(z)
        return (a - t) * a * (1 - a)  # ∂(½Σ(a − t)²)/∂z
    hand = _hand_recursion(net, x, t, np.tanh, lambda z: 1 - np.tanh(z) ** 2, out_delta)
    _check_all_units(net, x, t, hand)
    out = delta_step(net, sample_trace(net, x, t), 2, 1)
    assert out.source == "loss" and out.dL_da == pytest.approx(out.a - out.target)
    assert "(a_{1} - t_{1})" in out.latex


def test_softmax_with_mse_uses_the_jacobian():
    net = _net("sigmoid", "softmax", "mse")
    x, t = _sample(net, seed=2)

    def out_delta(z, t):
        p = _softmax(z)
        jacobian = np.diag(p) - np.outer(p, p)
        return jacobian.T @ (p - t)
    hand = _hand_recursion(net, x, t, _sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z)), out_delta)
    _check_all_units(net, x, t, hand)
    trace = sample_trace(net, x, t)
    p = trace.output[0]
    step = delta_step(net, trace, 2, 0)
    assert step.fprime is None and step.softmax_sum == pytest.approx(float(p @ (p - t)))  # Σⱼ ∂L/∂aⱼ·aⱼ


def test_fused_output_is_p_minus_t():
    net = _net()
    x, t = _sample(net)
    trace = sample_trace(net, x, t)
    for unit in range(4):
        step = delta_step(net, trace, 2, unit)
        assert step.source == "fused" and step.terms is None
        assert step.reproduced == pytest.approx(trace.output[0, unit] - t[unit])


def test_terms_list_the_largest_and_account_for_the_rest():
    net = _net(sizes=(5, 8, 30, 3))
    x, t = _sample(net)
    trace = sample_trace(net, x, t)
    step = delta_step(net, trace, 0, 2)  # the next layer has 30 units: a wide sum
    W_next, d_next = net.layers[1].params["W"][2], trace.layers[1].delta[0]
    products = d_next * W_next
    assert step.terms.n_terms == 30 and step.terms.n_more == 30 - TOP
    listed = [term.index[0] for term in step.terms.terms]
    assert listed == list(np.argsort(-np.abs(products), kind="stable")[:TOP])
    for term in step.terms.terms:
        assert term.factors == pytest.approx((d_next[term.index[0]], W_next[term.index[0]]))
        assert term.value == pytest.approx(products[term.index[0]])
    assert step.terms.total == pytest.approx(products.sum())
    assert sum(term.value for term in step.terms.terms) + step.terms.rest == pytest.approx(products.sum())
    assert f"{30 - TOP}\\text{{ more}}" in step.latex


def test_dropout_between_dense_layers_is_skipped_at_inference():
    spec = {"input_shape": [6], "dtype": "float64", "seed": 4, "layers": [
        {"type": "dense", "units": 5, "activation": "relu"}, {"type": "dropout", "rate": 0.5},
        {"type": "dense", "units": 3, "activation": "softmax"}]}
    net = Network(spec)
    x, t = _sample(net)
    trace = sample_trace(net, x, t)
    W2 = net.layers[2].params["W"]
    expected = (trace.layers[2].delta[0] @ W2.T) * (trace.forward[0].z[0] > 0)
    for unit in range(5):
        step = delta_step(net, trace, 0, unit)
        assert step.next_layer == 2 and step.reproduced == pytest.approx(expected[unit])
    assert delta_step(net, trace, 2, 0).previous_layer == 0


def test_weight_gradient_is_input_times_delta():
    net = _net()
    x, t = _sample(net)
    trace = sample_trace(net, x, t)
    a1 = np.maximum(x @ net.layers[0].params["W"] + net.layers[0].params["b"], 0)
    g = weight_gradient(net, trace, 1, 3, 2)
    assert g.a_k == pytest.approx(a1[3])
    assert g.reproduced == pytest.approx(a1[3] * trace.layers[1].delta[0, 2])
    assert g.grad == pytest.approx(g.reproduced) and g.bias_grad == pytest.approx(g.delta)
    g0 = weight_gradient(net, trace, 0, 5, 1)
    assert g0.a_k == pytest.approx(x[5])  # the first layer's inputs are the pixels themselves


def test_sgd_update_matches_a_hand_step():
    net = _net()
    x, t = _sample(net)
    trace = sample_trace(net, x, t)
    g = trace.layers[1].grads["W"][3, 2]
    step = sgd_update(trace, 1, 3, 2, lr=0.25)
    assert step.before == net.layers[1].params["W"][3, 2]
    assert step.after == pytest.approx(step.before - 0.25 * g)
    assert net.layers[1].params["W"][3, 2] == step.before  # the model itself does not move
    with pytest.raises(ValueError, match="learning rate"):
        sgd_update(trace, 1, 3, 2, lr=0)


def test_chain_back_follows_the_strongest_flow():
    net = _net(sizes=(6, 8, 7, 5, 4))
    x, t = _sample(net)
    trace = sample_trace(net, x, t)
    steps = chain_back(net, trace, 3, 2)
    assert [s.layer for s in steps] == [3, 2, 1, 0]
    for later, earlier in zip(steps, steps[1:]):
        z_prev = trace.forward[earlier.layer].z[0]
        share = later.delta * net.layers[later.layer].params["W"][:, later.unit] * (z_prev > 0)
        assert earlier.unit == int(np.argmax(np.abs(share)))
    assert steps[-1].previous_layer is None


def test_bad_requests_say_what_is_wrong():
    net = Network({"input_shape": [1, 6, 6], "dtype": "float64", "layers": [
        {"type": "conv2d", "filters": 2, "kernel": 3}, {"type": "flatten"},
        {"type": "dense", "units": 3, "activation": "softmax"}]})
    x, t = np.zeros(36), np.eye(3)[0]
    trace = sample_trace(net, x, t)
    with pytest.raises(ValueError, match="conv2d layer"):
        delta_step(net, trace, 0, 0)
    with pytest.raises(ValueError, match="units 0…2"):
        delta_step(net, trace, 2, 3)
    with pytest.raises(ValueError, match="one sample"):
        sample_trace(net, np.zeros((2, 36)), np.eye(3)[:2])


def test_cnn_chain_stops_at_the_first_dense_layer_and_a_trailing_dropout_hands_back_dl_da():
    net = Network({"input_shape": [1, 6, 6], "dtype": "float64", "seed": 2, "layers": [
        {"type": "conv2d", "filters": 2, "kernel": 3}, {"type": "flatten"},
        {"type": "dense", "units": 5, "activation": "tanh"}, {"type": "dense", "units": 3, "activation": "softmax"}]})
    x, t = _sample(net)
    steps = chain_back(net, sample_trace(net, x, t), 3, 0)
    assert [s.layer for s in steps] == [3, 2]
    assert steps[-1].previous_layer is None and steps[-1].flows_to.n_terms == 32  # the 2×4×4 flattened maps

    net = Network({"input_shape": [4], "dtype": "float64", "loss": "mse", "seed": 2, "layers": [
        {"type": "dense", "units": 3, "activation": "relu"}, {"type": "dense", "units": 2, "activation": "identity"},
        {"type": "dropout", "rate": 0.2}]})
    x, t = np.array([0.5, -1.0, 2.0, 0.1]), np.array([1.0, -1.0])
    trace = sample_trace(net, x, t)
    step = delta_step(net, trace, 1, 1)
    assert (step.source, step.next_layer) == ("layer", 2)
    assert step.dL_da == pytest.approx(trace.output[0, 1] - t[1]) and step.reproduced == pytest.approx(step.delta)
    assert r"\text{from layer 3}" in step.latex
