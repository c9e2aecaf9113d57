"""Losses: values by hand, ∂L/∂a against central differences, and the fused δ = (a − t)/n."""
import numpy as np
import pytest

from nnlab.engine import ACTIVATIONS, LOSSES
from nnlab.engine.losses import COMPATIBLE_OUTPUTS, check_output_activation, get_loss


def test_mse_is_half_sum_over_outputs_averaged_over_batch():
    a = np.array([[0.5, 1.0], [2.0, -1.0]])
    t = np.array([[1.0, 1.0], [0.0, 0.0]])
    # sample 1: ½(0.25 + 0) = 0.125; sample 2: ½(4 + 1) = 2.5; mean = 1.3125
    assert LOSSES["mse"].value(a, t) == pytest.approx(1.3125, abs=1e-15)


def test_bce_value_by_hand():
    a = np.array([[0.9], [0.2]])
    t = np.array([[1.0], [0.0]])
    expected = -(np.log(0.9) + np.log(0.8)) / 2
    assert LOSSES["bce"].value(a, t) == pytest.approx(expected, rel=1e-14)


def test_softmax_ce_value_by_hand():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    t = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    assert LOSSES["softmax_ce"].value(p, t) == pytest.approx(-(np.log(0.7) + np.log(0.1)) / 2, rel=1e-14)


def test_cross_entropies_stay_finite_at_zero_probability():
    assert np.isfinite(LOSSES["bce"].value(np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])))
    assert np.isfinite(LOSSES["softmax_ce"].value(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])))


def _outputs_and_targets(name, rng):
    a = rng.uniform(0.1, 0.9, size=(4, 3))
    if name == "softmax_ce":
        a /= a.sum(axis=1, keepdims=True)
        t = np.eye(3)[[0, 2, 1, 2]]
    elif name == "bce":
        t = rng.integers(0, 2, size=(4, 3)).astype(float)
    else:
        t = rng.uniform(-1, 1, size=(4, 3))
    return a, t


@pytest.mark.parametrize("name", list(LOSSES))
def test_grad_matches_central_differences(name):
    loss = LOSSES[name]
    a, t = _outputs_and_targets(name, np.random.default_rng(0))
    grad = loss.grad(a, t)
    h = 1e-6
    for idx in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[idx] += h
        down[idx] -= h
        numeric = (loss.value(up, t) - loss.value(down, t)) / (2 * h)
        assert grad[idx] == pytest.approx(numeric, rel=1e-6, abs=1e-9), idx


@pytest.mark.parametrize("name", [n for n in LOSSES if LOSSES[n].fused])
def test_fused_delta_equals_chain_rule(name):
    """The shortcut δ = (a − t)/n used by the network equals ∂L/∂a pushed back through the activation."""
    loss = LOSSES[name]
    act = ACTIVATIONS[loss.fused]
    rng = np.random.default_rng(1)
    z = rng.normal(size=(5, 3))
    a = act.f(z)
    t = np.eye(3)[[0, 1, 2, 0, 1]] if name == "softmax_ce" else rng.integers(0, 2, (5, 3)).astype(float)
    chained = act.backward(z, a, loss.grad(a, t))
    np.testing.assert_allclose(chained, (a - t) / len(a), rtol=1e-10, atol=1e-14)


def test_the_table_names_each_loss_and_its_output():
    assert list(LOSSES) == ["softmax_ce", "bce", "mse"]  # the sidebar's order
    assert [loss.label for loss in LOSSES.values()] == ["softmax cross-entropy", "binary cross-entropy", "MSE ½Σ(y−t)²"]
    assert all(loss.latex.startswith("L=") and loss.dlatex for loss in LOSSES.values())
    assert {name: loss.fused for name, loss in LOSSES.items()} == {"softmax_ce": "softmax", "bce": "sigmoid",
                                                                   "mse": None}


def test_compatible_outputs():
    assert COMPATIBLE_OUTPUTS["bce"] == {"sigmoid"}
    assert COMPATIBLE_OUTPUTS["softmax_ce"] == {"softmax"}
    for act in ACTIVATIONS:
        check_output_activation("mse", act)  # mse accepts every output, softmax included
    check_output_activation("bce", "sigmoid")
    with pytest.raises(ValueError, match="activation='relu'"):
        check_output_activation("bce", "relu")
    with pytest.raises(ValueError, match="activation='sigmoid'"):
        check_output_activation("softmax_ce", "sigmoid")


def test_unknown_loss_is_named():
    with pytest.raises(ValueError, match="loss='hinge'"):
        get_loss("hinge")
