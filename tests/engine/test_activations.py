"""Activations: every f' in the table against central differences of f, and softmax's Jacobian."""
import numpy as np
import pytest

from nnlab.engine import ACTIVATIONS
from nnlab.engine.activations import LEAKY_SLOPE, get_activation

ELEMENTWISE = [name for name, act in ACTIVATIONS.items() if act.elementwise]


def test_table_lists_the_six_activations_with_their_latex():
    assert set(ACTIVATIONS) == {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"}
    for name, act in ACTIVATIONS.items():
        assert act.name == name and act.latex and act.dlatex
    for name in ELEMENTWISE:  # f at a number: the number goes where {z} is, every other brace is LaTeX
        applied = ACTIVATIONS[name].latex_at.format(z="0.02")
        assert "0.02" in applied and "{z}" not in applied
    assert ACTIVATIONS["sigmoid"].latex_at.format(z="0.02") == r"\frac{1}{1+e^{-(0.02)}}"
    assert ACTIVATIONS["softmax"].latex_at == ""  # not elementwise: no single number to plug in


def test_the_leaky_slope_is_written_once():
    slope = f"{LEAKY_SLOPE:g}"
    leaky = ACTIVATIONS["leaky_relu"]
    assert leaky.latex == rf"\max({slope}z,z)" and leaky.dlatex == rf"[z>0]+{slope}[z\le 0]"
    assert leaky.latex_at.format(z="-2") == rf"\max({slope}\cdot-2,\,-2)"
    z = np.array([-2.0, 3.0])
    np.testing.assert_allclose(leaky.f(z), [-2 * LEAKY_SLOPE, 3.0])
    np.testing.assert_allclose(leaky.df(z, leaky.f(z)), [LEAKY_SLOPE, 1.0])


def _grid():
    # Avoid the kink at 0 of relu / leaky_relu: a central difference across it is meaningless.
    z = np.linspace(-4, 4, 41)
    return z[np.abs(z) > 1e-3]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name):
    act = ACTIVATIONS[name]
    z, h = _grid(), 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    analytic = act.df(z, act.f(z))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_backward_is_grad_times_derivative(name):
    act = ACTIVATIONS[name]
    rng = np.random.default_rng(0)
    z, g = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    z[0], g[0] = [0.0, -0.0, np.nan], [-1.0, np.inf, 2.0]  # signed zeros and NaN come out the same too
    a = act.f(z)
    with np.errstate(invalid="ignore"):  # inf · 0 = NaN, as in backward
        got, expected = act.backward(z, a, g), g * act.df(z, a)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))
    assert got.dtype == expected.dtype


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(ACTIVATIONS["identity"].f(z), z)
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].f(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    assert ACTIVATIONS["sigmoid"].f(np.array([0.0]))[0] == 0.5
    np.testing.assert_allclose(ACTIVATIONS["tanh"].f(z), np.tanh(z))
    np.testing.assert_array_equal(ACTIVATIONS["relu"].f(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(ACTIVATIONS["leaky_relu"].f(z), [-2 * LEAKY_SLOPE, 0.0, 3.0])
    np.testing.assert_array_equal(ACTIVATIONS["relu"].df(z, None), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(ACTIVATIONS["leaky_relu"].df(z, None), [LEAKY_SLOPE, LEAKY_SLOPE, 1.0])


def test_sigmoid_does_not_overflow_for_large_inputs():
    z = np.array([-1000.0, -40.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):  # underflow to 0 is fine, overflow is not
        a = ACTIVATIONS["sigmoid"].f(z)
    assert a[0] == 0.0 and a[-1] == 1.0
    assert a[1] == pytest.approx(np.exp(-40.0), rel=1e-12)


def test_activations_keep_float32():
    z = np.linspace(-2, 2, 7, dtype=np.float32)
    for name, act in ACTIVATIONS.items():
        a = act.f(z[None, :])
        assert a.dtype == np.float32, name
        if act.elementwise:
            assert act.df(z, act.f(z)).dtype == np.float32, name


def test_softmax_rows_sum_to_one_and_survive_large_logits():
    z = np.array([[1000.0, 1001.0, 999.0], [-5.0, 0.0, 5.0]])
    with np.errstate(over="raise", invalid="raise"):
        a = ACTIVATIONS["softmax"].f(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)
    e = np.exp([0.0, 1.0, -1.0])
    np.testing.assert_allclose(a[0], e / e.sum(), rtol=1e-14)


def test_softmax_jacobian_matches_central_differences():
    sm = ACTIVATIONS["softmax"]
    rng = np.random.default_rng(1)
    z = rng.normal(size=(3, 4))
    jac = sm.df(z, sm.f(z))
    assert jac.shape == (3, 4, 4)
    h = 1e-6
    for j in range(4):
        step = np.zeros(4)
        step[j] = h
        column = (sm.f(z + step) - sm.f(z - step)) / (2 * h)  # ∂a_i/∂z_j for every sample, every i
        np.testing.assert_allclose(jac[:, :, j], column, rtol=1e-7, atol=1e-10)
    # Each Jacobian row sums to 0: adding a constant to every logit leaves softmax unchanged.
    np.testing.assert_allclose(jac.sum(axis=2), 0.0, atol=1e-15)


def test_softmax_backward_is_the_jacobian_transpose_product():
    sm = ACTIVATIONS["softmax"]
    rng = np.random.default_rng(2)
    z, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    a = sm.f(z)
    expected = np.einsum("nij,ni->nj", sm.df(z, a), g)  # (J^T g)_j = Σ_i g_i ∂a_i/∂z_j
    np.testing.assert_allclose(sm.backward(z, a, g), expected, rtol=1e-12, atol=1e-15)


def test_unknown_activation_is_named_in_the_error():
    with pytest.raises(ValueError, match="activation='swish'"):
        get_activation("swish")
