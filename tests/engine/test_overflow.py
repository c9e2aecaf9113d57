"""After a divergence (weights near float32's limit, logits ±inf) the engine's own computations give the
right limits or honest inf/NaN, without spilling overflow/invalid RuntimeWarnings into the server log."""
import warnings

import numpy as np
import pytest

from nnlab.engine import ACTIVATIONS, LOSSES, Network, gradient_check, mlp_spec

softmax = ACTIVATIONS["softmax"].f


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_takes_its_limits_at_infinite_and_huge_logits(dtype):
    big = np.finfo(dtype).max
    z = np.array([[np.inf, 1, 2], [np.inf, np.inf, -np.inf], [big, -big, 0], [1, 2, 3]], dtype=dtype)
    a = softmax(z)
    np.testing.assert_array_equal(a[0], [1, 0, 0])
    np.testing.assert_array_equal(a[1], [0.5, 0.5, 0])
    np.testing.assert_array_equal(a[2], [1, 0, 0])
    e = np.exp(np.array([1, 2, 3], dtype=np.float64) - 3)
    np.testing.assert_allclose(a[3], e / e.sum(), rtol=1e-6)
    assert a.dtype == dtype


def test_softmax_of_nan_stays_nan_in_its_row_only():
    a = softmax(np.array([[np.nan, 1.0], [0.0, 0.0]]))
    assert np.isnan(a[0]).all()
    np.testing.assert_array_equal(a[1], [0.5, 0.5])


def test_mse_of_overflowing_outputs_is_inf():
    assert LOSSES["mse"].value(np.array([[3e38]], dtype=np.float32), np.array([[-3e38]], dtype=np.float32)) == np.inf


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_backward_through_infinite_values_is_quiet(name):
    act = ACTIVATIONS[name]
    z = np.array([[np.inf, -np.inf, 1.0]])
    with np.errstate(all="ignore"):  # only the backward step is under test
        a = act.f(z)
    act.backward(z, a, np.array([[np.inf, 0.0, 1.0]]))


def test_a_gradient_check_on_a_diverged_network_is_quiet_and_says_the_values_are_not_finite():
    net = Network(mlp_spec([4, 3, 2], dtype="float64", seed=0))
    rng = np.random.default_rng(0)
    for layer in net.layers:  # z = ±inf in the output layer: inf − inf in backprop
        layer.params["W"][...] = rng.normal(size=layer.params["W"].shape) * 1e200
    rows = gradient_check(net, np.ones((2, 4)), np.eye(2))
    assert len(rows) == 4 * 3 + 3 + 3 * 2 + 2
    assert np.isnan([r["numeric"] for r in rows]).all() and np.isnan([r["analytic"] for r in rows]).all()


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_a_diverged_network_runs_without_warnings(activation):
    """Weights near float32's limit (as after a divergence): forward, traces and backward give inf/NaN
    where the arithmetic overflows, and say nothing into the log (warnings are errors here)."""
    net = Network(mlp_spec([3, 4, 4, 2], activation=activation, output="softmax", seed=0))
    for layer in net.param_layers():
        layer.params["W"][...] = 3e38
    # inputs of one sign: the first sums are +inf whatever order the BLAS kernel adds in (with mixed signs it
    # may give inf − inf = NaN or ±inf, and a sigmoid of −inf is a finite 0), so the second layer's 4 × 3e38
    # overflows on every machine
    x = np.array([[1e3, 2e3, 5e2]])
    out = net.forward(x)
    assert out.shape == (1, 2)
    trace = net.backward_trace(x, np.array([[1.0, 0.0]]))
    assert not np.isfinite(trace.forward[1].z).all()  # the second layer's sums overflowed
    assert len(trace.layers) == 3
