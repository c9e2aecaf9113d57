"""Forward agreement with an independent implementation: scikit-learn's MLPClassifier.

Fit it briefly, copy ``coefs_`` / ``intercepts_`` into a float64 nnlab network (W is (n_in, n_out) in
both), and compare ``predict_proba``. scikit-learn uses softmax outputs for several classes and one
logistic unit for two, so both cases are covered.
"""
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from nnlab.engine import Network, mlp_spec


def fit(x, y, activation):
    clf = MLPClassifier(hidden_layer_sizes=(16, 8), activation=activation, learning_rate_init=0.01, max_iter=200,
                        random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, y)
    return clf


def copy_into_nnlab(clf, activation, output):
    sizes = [clf.coefs_[0].shape[0]] + [w.shape[1] for w in clf.coefs_]
    loss = "softmax_ce" if output == "softmax" else "bce"
    net = Network(mlp_spec(sizes, activation=activation, output=output, loss=loss, dtype="float64"))
    for i, (w, b) in enumerate(zip(clf.coefs_, clf.intercepts_)):
        assert net.layers[i].params["W"].shape == w.shape  # same layout, no transpose
        net.set_params(i, W=w, b=b)
    return net


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_multiclass_softmax_probabilities_agree(activation):
    x, y = load_iris(return_X_y=True)
    x = StandardScaler().fit_transform(x)
    clf = fit(x, y, activation)
    ours = {"logistic": "sigmoid"}.get(activation, activation)
    net = copy_into_nnlab(clf, ours, "softmax")
    expected = clf.predict_proba(x)
    got = net.predict(x)
    assert got.shape == expected.shape == (150, 3)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)
    # a fitted model, not a constant one: predictions vary and are mostly right
    assert np.mean(got.argmax(axis=1) == y) > 0.8


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_binary_logistic_output_agrees(activation):
    x, y = load_breast_cancer(return_X_y=True)
    x = StandardScaler().fit_transform(x)
    clf = fit(x, y, activation)
    assert clf.coefs_[-1].shape[1] == 1  # one logistic unit for two classes
    net = copy_into_nnlab(clf, activation, "sigmoid")
    expected = clf.predict_proba(x)[:, 1]
    got = net.predict(x)[:, 0]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)
    assert np.mean((got > 0.5) == y) > 0.9


def test_forward_trace_hidden_activations_agree_with_a_hand_forward():
    """The intermediate a's, not only the output: recompute each layer with NumPy from the copied weights."""
    x, y = load_iris(return_X_y=True)
    x = StandardScaler().fit_transform(x)
    clf = fit(x, y, "tanh")
    net = copy_into_nnlab(clf, "tanh", "softmax")
    a = x
    for layer_trace, w, b in zip(net.forward_trace(x), clf.coefs_, clf.intercepts_):
        z = a @ w + b
        np.testing.assert_allclose(layer_trace.z, z, rtol=0, atol=1e-12)
        a = np.tanh(z) if layer_trace.activation == "tanh" else layer_trace.a
        np.testing.assert_allclose(layer_trace.a, a, rtol=0, atol=1e-12)
