"""Backprop against central differences, in float64, for every layer × activation × loss combination.

Inputs are chosen so gradients are of a readable size: weights N(0, 0.5²) keep sigmoid/tanh out of
saturation, biases are non-zero, and ε = 1e-5 keeps the difference quotient's rounding noise far below the 1e-6 bar.
"""
import numpy as np
import pytest

from nnlab.engine import ACTIVATIONS, LOSSES, Network, gradient_check
from nnlab.engine.gradcheck import relative_error
from nnlab.engine.losses import COMPATIBLE_OUTPUTS

EPS = 1e-5
MAX_REL_ERROR = 1e-6
NOISE_FLOOR = 1e-4
HIDDEN = list(ACTIVATIONS)
LOSS_OUTPUTS = [(loss, out) for loss in LOSSES for out in sorted(COMPATIBLE_OUTPUTS[loss] or ACTIVATIONS)]


def make_case(hidden, loss, output, dropout, seed=1):
    """A 4 → 5 → (dropout) → 4 → 3 float64 network and a batch of 6 with targets the loss accepts."""
    layers = [{"type": "dense", "units": 5, "activation": hidden}]
    if dropout:
        layers.append({"type": "dropout", "rate": 0.3})
    layers += [{"type": "dense", "units": 4, "activation": hidden},
               {"type": "dense", "units": 3, "activation": output}]
    net = Network({"input_shape": [4], "layers": layers, "loss": loss, "init": "normal", "sigma": 0.5,
                   "seed": seed, "dtype": "float64"})
    rng = np.random.default_rng(seed + 1)
    # Non-zero biases: with zero biases a sample whose ReLU inputs are all dead gives z = 0 exactly,
    # on the kink, where a central difference measures half a slope. The output biases lean positive
    # so that a ReLU output layer is not dead for the whole batch (all-zero gradients check nothing).
    last = len(net.layers) - 1
    for i, layer in enumerate(net.layers):
        if layer.params:
            net.set_params(i, b=rng.normal(0.5 if i == last else 0.0, 0.2, size=layer.params["b"].shape))
    x = rng.normal(size=(6, 4))
    if loss == "softmax_ce":
        t = np.eye(3)[rng.integers(0, 3, size=6)]
    elif loss == "bce":
        t = rng.integers(0, 2, size=(6, 3)).astype(float)
    elif output in ("sigmoid", "softmax"):
        t = rng.uniform(0, 1, size=(6, 3))
    else:
        t = rng.uniform(-1, 1, size=(6, 3))
    return net, x, t


def assert_gradients_agree(rows):
    """Max relative error < 1e-6 over every checked entry.

    The difference quotient carries rounding noise of about ulp(L)/ε ≈ 1e-11 here, so an entry smaller
    than NOISE_FLOOR = 1e-4 cannot show 1e-6 *relative* agreement; such entries are measured against
    the floor instead (|analytic − numeric| < 1e-10), and at least three quarters of the non-zero entries
    must be above it so that the check stays a relative one.
    """
    assert rows, "nothing was checked"
    errors = [relative_error(r["analytic"], r["numeric"], floor=NOISE_FLOOR) for r in rows]
    worst = int(np.argmax(errors))
    assert errors[worst] < MAX_REL_ERROR, rows[worst]
    sizes = np.array([max(abs(r["analytic"]), abs(r["numeric"])) for r in rows])
    sizes = sizes[sizes > 0]  # exact zeros (dead ReLU units) agree exactly; they don't count either way
    assert sizes.size and np.mean(sizes >= NOISE_FLOOR) >= 0.75, "gradients too small to check"


@pytest.mark.parametrize("dropout", [False, True], ids=["dense", "dense+dropout"])
@pytest.mark.parametrize("loss,output", LOSS_OUTPUTS, ids=[f"{loss}-{out}" for loss, out in LOSS_OUTPUTS])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_backprop_matches_central_differences(hidden, loss, output, dropout):
    net, x, t = make_case(hidden, loss, output, dropout)
    rows = gradient_check(net, x, t, eps=EPS, training=dropout)
    n_params = sum(p.size for layer in net.layers for p in layer.params.values())
    assert len(rows) == n_params  # every entry of every W and b
    assert_gradients_agree(rows)


def test_combination_table_covers_softmax_with_mse():
    assert ("mse", "softmax") in LOSS_OUTPUTS and ("softmax_ce", "softmax") in LOSS_OUTPUTS
    assert ("bce", "sigmoid") in LOSS_OUTPUTS and len(LOSS_OUTPUTS) == len(ACTIVATIONS) + 2


def test_dropout_masks_are_replayed_in_training_mode():
    """In training mode the check must see the same masks each time, and they must really drop units."""
    net, x, t = make_case("tanh", "mse", "identity", dropout=True)
    state = net.rng_state()
    out1 = net.forward(x, training=True)
    mask = net.layers[1].cache
    assert 0 < np.mean(mask == 0) < 1
    net.set_rng_state(state)
    np.testing.assert_array_equal(net.forward(x, training=True), out1)
    assert not np.allclose(out1, net.predict(x))
    # Without replaying, a gradient check in training mode would compare different networks.
    rows = gradient_check(net, x, t, eps=EPS, training=True)
    assert_gradients_agree(rows)


def test_input_gradient_matches_central_differences():
    """∂L/∂x from backward_trace, the quantity a saliency map draws."""
    net, x, t = make_case("sigmoid", "softmax_ce", "softmax", dropout=False)
    trace = net.backward_trace(x, t)
    grad_x = trace.layers[0].grad_input
    numeric = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += EPS
        down[idx] -= EPS
        numeric[idx] = (net.loss_value(net.predict(up), t) - net.loss_value(net.predict(down), t)) / (2 * EPS)
    np.testing.assert_allclose(grad_x, numeric, rtol=MAX_REL_ERROR, atol=1e-10)


def test_backward_trace_grads_equal_gradient_check_analytic():
    net, x, t = make_case("relu", "mse", "sigmoid", dropout=False)
    trace = net.backward_trace(x, t)
    rows = gradient_check(net, x, t, eps=EPS)
    for row in rows:
        i = next(k for k, layer in enumerate(net.layers) if layer.name == row["layer"])
        assert trace.layers[i].grads[row["param"]][row["index"]] == row["analytic"]


def test_gradient_check_samples_entries_and_refuses_float32():
    net, x, t = make_case("tanh", "mse", "identity", dropout=False)
    rows = gradient_check(net, x, t, eps=EPS, max_per_param=3, seed=0)
    assert len(rows) == 3 * 6  # three W and three b arrays, 3 entries each (every b has ≥ 3 entries)
    assert {r["param"] for r in rows} == {"W", "b"}
    spec = {**net.spec, "dtype": "float32"}
    with pytest.raises(ValueError, match="float64"):
        gradient_check(Network(spec), x, t)


def test_gradient_check_catches_a_wrong_gradient():
    """The check itself must fail when backprop is wrong: corrupt one analytic gradient on purpose."""
    net, x, t = make_case("tanh", "mse", "identity", dropout=False)
    layer = net.layers[0]
    original = layer.backward_from_z

    def wrong(delta, need_input_grad=True):
        out = original(delta, need_input_grad)
        layer.grad["W"] = layer.grad["W"] * 1.001
        return out

    layer.backward_from_z = wrong
    rows = gradient_check(net, x, t, eps=EPS)
    assert max(r["rel_error"] for r in rows if r["layer"] == layer.name and r["param"] == "W") > 5e-4
