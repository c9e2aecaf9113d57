"""The one class-prediction rule: the largest output, or class 1 above 0.5 for a single output — and the
trainer's accuracy follows it."""
import numpy as np
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.engine.outputs import predict_classes
from nnlab.engine.trainer import accuracy


def test_softmax_outputs_take_the_largest_and_its_probability():
    labels, confidence = predict_classes(np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]))
    assert labels.tolist() == [1, 0] and labels.dtype == np.int64
    assert confidence == pytest.approx([0.7, 0.5])


def test_a_single_sigmoid_output_is_class_1_above_one_half():
    labels, confidence = predict_classes(np.array([[0.9], [0.2], [0.5]], dtype=np.float32))
    assert labels.tolist() == [1, 0, 0]  # exactly 0.5 is not above it
    assert confidence == pytest.approx([0.9, 0.8, 0.5]) and confidence.dtype == np.float64


def test_on_a_real_network_and_in_the_trainers_accuracy():
    net = Network(mlp_spec([3, 4, 5], seed=2))
    x = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
    out = net.predict(x)
    labels, confidence = predict_classes(out)
    assert labels.tolist() == out.argmax(axis=1).tolist()
    assert confidence == pytest.approx(out.max(axis=1), rel=1e-6)
    y = labels.copy()
    y[:2] = (y[:2] + 1) % 5  # two of six wrong
    assert accuracy(out, y) == pytest.approx(4 / 6)
    assert accuracy(np.array([[0.7], [0.4], [0.51]]), np.array([1, 1, 1])) == pytest.approx(2 / 3)
