"""Learning: the reference MLP on the bundled MNIST split, and every optimiser on an easy 2-D problem."""
import numpy as np
import pytest
from sklearn.datasets import make_moons

from nnlab.engine import ErrorRecord, Network, StepRecord, evaluate, make_optimizer, mlp_spec, train


def run(gen):
    """Consume a training generator; return (step records, epoch records), failing on an error record."""
    steps, epochs = [], []
    for rec in gen:
        assert not isinstance(rec, ErrorRecord), rec.message
        (steps if isinstance(rec, StepRecord) else epochs).append(rec)
    return steps, epochs


def test_mlp_reaches_95_percent_on_the_fixed_mnist_split():
    from nnlab.data.mnist import mnist_split

    x_train, y_train, x_test, y_test = mnist_split(seed=0)
    net = Network(mlp_spec([784, 128, 64, 10], activation="relu", output="softmax", loss="softmax_ce", seed=0))
    steps, epochs = run(train(net, x_train, y_train, epochs=10, batch_size=64,
                              optimizer=make_optimizer("adam", lr=1e-3), x_val=x_test, y_val=y_test, seed=0))
    assert len(steps) == 10 * 125 and [e.epoch for e in epochs] == list(range(1, 11))
    test_loss, test_acc = evaluate(net, x_test, y_test)
    assert test_acc >= 0.95, test_acc
    assert epochs[-1].val_acc == pytest.approx(test_acc)
    assert epochs[-1].train_loss < epochs[0].train_loss / 3


def moons(n=400, seed=0):
    x, y = make_moons(n_samples=n, noise=0.1, random_state=seed)
    return x.astype(np.float32), y.astype(np.int64)


@pytest.mark.parametrize("name,lr,epochs", [("sgd", 0.2, 150), ("momentum", 0.05, 100), ("adam", 0.01, 100)])
def test_each_optimizer_learns_moons(name, lr, epochs):
    x, y = moons()
    x_test, y_test = moons(seed=1)
    net = Network(mlp_spec([2, 16, 16, 2], activation="tanh", seed=0, init="xavier"))
    before = evaluate(net, x_test, y_test)
    run(train(net, x, y, epochs=epochs, batch_size=32, optimizer=make_optimizer(name, lr=lr), seed=0))
    loss, acc = evaluate(net, x_test, y_test)
    assert acc >= 0.95, (name, acc)
    assert loss < before[0] / 4


@pytest.mark.parametrize("name,lr", [("sgd", 1.0), ("momentum", 0.1), ("adam", 0.03)])
def test_each_optimizer_learns_xor_with_one_sigmoid_output(name, lr):
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    net = Network(mlp_spec([2, 8, 1], activation="tanh", output="sigmoid", loss="bce", init="xavier", seed=0))
    run(train(net, np.tile(x, (8, 1)), np.tile(y, 8), epochs=300, batch_size=8,
              optimizer=make_optimizer(name, lr=lr), seed=0))
    out = net.predict(x)[:, 0]
    np.testing.assert_array_equal(out > 0.5, y.astype(bool))
    assert np.all(np.abs(out - y) < 0.2), out
