"""The two image presets learn the fixed MNIST split with their recommended settings (seeded; checks
accuracy, not time).

Training runs with one BLAS thread (threadpoolctl comes with scikit-learn): the numbers then do not
depend on the machine's core count, and a busy shared runner cannot stall every matrix product while
OpenBLAS waits for its second thread (measured on a loaded 2-core machine: 27 s instead of 57 s
for the two tests).
"""
import contextlib

import pytest

from nnlab.data.mnist import mnist_split
from nnlab.engine import EpochRecord, ErrorRecord, Network, evaluate, make_optimizer, train
from nnlab.engine.zoo import PRESETS


@pytest.fixture(scope="module")
def split():
    return mnist_split(seed=0)


def one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn's dependency; without it, train with the default threads
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def train_preset(name, split):
    build, settings = PRESETS[name]
    x_train, y_train, x_test, y_test = split
    net = Network(build(seed=0))
    with one_blas_thread():
        records = list(train(net, x_train, y_train, epochs=settings["epochs"],
                             batch_size=settings["batch_size"],
                             optimizer=make_optimizer(settings["optimizer"], lr=settings["lr"]),
                             schedule=settings["schedule"], seed=0, hist_every=0))
    assert not [r.message for r in records if isinstance(r, ErrorRecord)]
    epochs = [r for r in records if isinstance(r, EpochRecord)]
    assert len(epochs) == settings["epochs"]
    assert epochs[-1].train_loss < epochs[0].train_loss
    return evaluate(net, x_test, y_test)[1]


def test_mnist_cnn_reaches_97_percent(split):
    assert train_preset("MNIST CNN", split) >= 0.97


def test_mnist_patch_attention_reaches_90_percent(split):
    assert train_preset("MNIST patch attention", split) >= 0.90
