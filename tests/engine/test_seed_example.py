"""The seed article's worked example (§4.1–4.2), through forward_trace / backward_trace.

One sigmoid neuron, x = (0.5, 0.1), W = (0.3, 0.7), b = −0.2, target 0.8, L = ½(y − t)².
z = 0.5·0.3 + 0.1·0.7 − 0.2 = 0.02 — the article prints 0.35 and carries that slip through
y, L and δ. The engine must give the correct values, not the article's.
"""
import numpy as np
import pytest

from nnlab.engine import Network

X = np.array([[0.5, 0.1]])
T = np.array([[0.8]])
CORRECT = {"z": 0.02, "y": 0.5049998, "L": 0.0435125, "delta": -0.0737427,
           "dW": (-0.0368713, -0.0073743), "db": -0.0737427}
ARTICLE_SLIPS = {"z": 0.35, "y": 0.59, "L": 0.0441, "delta": -0.1148}


@pytest.fixture
def neuron():
    net = Network({"input_shape": [2], "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}],
                   "loss": "mse", "dtype": "float64"})
    net.set_params(0, W=[[0.3], [0.7]], b=[-0.2])
    return net


def engine_values(net):
    fwd = net.forward_trace(X)[0]
    back = net.backward_trace(X, T)
    grad = back.layers[0]
    return {"z": fwd.z[0, 0], "y": fwd.a[0, 0], "L": back.loss, "delta": grad.delta[0, 0],
            "dW": grad.grads["W"][:, 0], "db": grad.grads["b"][0]}


def test_forward_and_backward_give_the_correct_values(neuron):
    got = engine_values(neuron)
    for key, value in CORRECT.items():
        np.testing.assert_allclose(got[key], value, rtol=0, atol=1e-6, err_msg=key)


def test_values_follow_from_the_formulas(neuron):
    """The same numbers from the formulas, to full precision (not only to the printed 7 digits)."""
    z = 0.5 * 0.3 + 0.1 * 0.7 - 0.2
    y = 1 / (1 + np.exp(-z))
    delta = (y - 0.8) * y * (1 - y)
    got = engine_values(neuron)
    assert got["z"] == pytest.approx(z, abs=1e-15)
    assert got["y"] == pytest.approx(y, rel=1e-14)
    assert got["L"] == pytest.approx(0.5 * (y - 0.8) ** 2, rel=1e-13)
    assert got["delta"] == pytest.approx(delta, rel=1e-13)
    np.testing.assert_allclose(got["dW"], [0.5 * delta, 0.1 * delta], rtol=1e-13)
    # forward_trace keeps the layer's input and parameters too
    trace = neuron.forward_trace(X)[0]
    np.testing.assert_array_equal(trace.input, X)
    np.testing.assert_array_equal(trace.params["W"], [[0.3], [0.7]])
    assert trace.activation == "sigmoid" and trace.name == "L1 dense"


def test_engine_does_not_reproduce_the_articles_slips(neuron):
    got = engine_values(neuron)
    assert abs(got["z"] - ARTICLE_SLIPS["z"]) > 0.3
    assert abs(got["y"] - ARTICLE_SLIPS["y"]) > 0.08
    assert abs(got["L"] - ARTICLE_SLIPS["L"]) > 5e-4
    assert abs(got["delta"] - ARTICLE_SLIPS["delta"]) > 0.04


def test_one_sgd_step_moves_the_output_toward_the_target(neuron):
    from nnlab.engine import make_optimizer

    back = neuron.backward_trace(X, T)
    opt = make_optimizer("sgd", lr=0.5)
    layer = neuron.layers[0]
    opt.step([layer.params["W"], layer.params["b"]], [back.layers[0].grads["W"], back.layers[0].grads["b"]],
             [True, False])
    np.testing.assert_allclose(layer.params["W"][:, 0], [0.3 + 0.5 * 0.0368713, 0.7 + 0.5 * 0.0073743],
                               atol=1e-6)
    assert layer.params["b"][0] == pytest.approx(-0.2 + 0.5 * 0.0737427, abs=1e-6)
    assert neuron.predict(X)[0, 0] > CORRECT["y"]
