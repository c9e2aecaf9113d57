"""Bad specs and settings raise ValueError naming the parameter and the value — at the call that was wrong."""
import numpy as np
import pytest

from nnlab.engine import Network, make_optimizer, mlp_spec, train


def dense(units=4, activation="relu", **kw):
    return {"type": "dense", "units": units, "activation": activation, **kw}


def spec(*layers, **kw):
    return {"input_shape": [3], "layers": list(layers) or [dense(2, "softmax")], **kw}


@pytest.mark.parametrize("bad,pattern", [
    (spec(dense(0), dense(2, "softmax")), r"layer 1 \(dense\): units=0"),
    (spec(dense(4), dense(-3, "softmax")), r"layer 2 \(dense\): units=-3"),
    (spec(dense(2.5), dense(2, "softmax")), r"units=2\.5"),
    (spec(dense(4, "swish"), dense(2, "softmax")), r"activation='swish'"),
    (spec(loss="hinge"), r"loss='hinge'"),
    (spec(init="glorot"), r"init='glorot'"),
    (spec(dense(4), dense(2, "sigmoid"), loss="softmax_ce"), r"softmax_ce.*activation='sigmoid'"),
    (spec(dense(4), dense(2, "relu"), loss="bce"), r"bce.*activation='relu'"),
    (spec({"type": "dropout", "rate": 1}, dense(2, "softmax")), r"rate=1"),
    (spec({"type": "dropout", "rate": -0.1}, dense(2, "softmax")), r"rate=-0\.1"),
    (spec({"type": "pool"}), r"type='pool'"),
    (spec(dtype="float16"), r"dtype='float16'"),
    ({"input_shape": [0], "layers": [dense(2, "softmax")]}, r"input_shape=\[0\]"),
    ({"layers": [dense(2, "softmax")]}, r"input_shape"),
    ({"input_shape": [3], "layers": []}, r"layers"),
    ({"input_shape": [3], "layers": [8, 2]}, r"layer=8"),
])
def test_bad_specs_are_named(bad, pattern):
    with pytest.raises(ValueError, match=pattern):
        Network(bad)


def test_softmax_with_mse_is_allowed():
    net = Network(spec(dense(4), dense(3, "softmax"), loss="mse", dtype="float64"))
    np.testing.assert_allclose(net.predict(np.ones((2, 3))).sum(axis=1), 1.0)


def test_mismatched_input_size_at_predict():
    net = Network(mlp_spec([3, 4, 2]))
    with pytest.raises(ValueError, match="input has 5 features per sample, the network expects 3"):
        net.predict(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="input has 4 features"):
        net.forward_trace(np.zeros(4))


@pytest.mark.parametrize("name,kwargs,pattern", [
    ("sgd", {"lr": 0}, r"lr=0"),
    ("adam", {"lr": -1e-3}, r"lr=-0\.001"),
    ("momentum", {"lr": 0.1, "momentum": 1.5}, r"momentum=1\.5"),
    ("sgd", {"lr": 0.1, "weight_decay": -0.5}, r"weight_decay=-0\.5"),
    ("lbfgs", {}, r"optimizer='lbfgs'"),
])
def test_bad_optimizer_settings(name, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        make_optimizer(name, **kwargs)


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    return Network(mlp_spec([3, 4, 2])), rng.normal(size=(10, 3)), rng.integers(0, 2, size=10)


@pytest.mark.parametrize("kwargs,pattern", [
    ({"epochs": 0}, r"epochs=0"),
    ({"epochs": -2}, r"epochs=-2"),
    ({"batch_size": 0}, r"batch_size=0"),
    ({"schedule": "linear"}, r"schedule='linear'"),
])
def test_bad_training_settings_raise_when_train_is_called(problem, kwargs, pattern):
    """Raised by the call itself, not on the first ``next()``: a page validates before it starts."""
    net, x, y = problem
    with pytest.raises(ValueError, match=pattern):
        train(net, x, y, **kwargs)


def test_bad_training_data_is_named(problem):
    net, x, y = problem
    with pytest.raises(ValueError, match="labels run from 0 to 7"):
        train(net, x, np.arange(10) % 8)
    with pytest.raises(ValueError, match="empty"):
        train(net, x[:0], y[:0])
    with pytest.raises(ValueError, match="features"):
        train(net, np.zeros((10, 5)), y)
    with pytest.raises(ValueError, match="x has 10 samples but y has 9"):
        train(net, x, y[:9])


def test_bad_validation_data_is_named_before_training_starts(problem):
    net, x, y = problem
    with pytest.raises(ValueError, match="x_val has 4 samples but y_val has 3"):
        train(net, x, y, x_val=x[:4], y_val=y[:3])
    with pytest.raises(ValueError, match="x_val has 7 features"):
        train(net, x, y, x_val=np.zeros((4, 7)), y_val=y[:4])
    with pytest.raises(ValueError, match="labels run from 0 to 5"):
        train(net, x, y, x_val=x[:6], y_val=np.arange(6))
    with pytest.raises(ValueError, match="x_val and y_val"):
        train(net, x, y, x_val=x[:4])
