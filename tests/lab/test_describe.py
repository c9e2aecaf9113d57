"""nnlab.lab.describe: specs and runs in words (and config.spec_mismatch: whether a fixed spec fits a dataset)."""
import numpy as np

from nnlab.data.dataset import Dataset
from nnlab.engine import Network, mlp_spec, train
from nnlab.engine.zoo import mnist_attention_spec, mnist_cnn_spec
from nnlab.lab.config import spec_mismatch
from nnlab.i18n import using_language
from nnlab.engine.schedules import SCHEDULES
from nnlab.lab.describe import layer_label, schedule_name, training_status
from nnlab.lab.history import History


def dataset(n_features, n_classes, name="toy"):
    x = np.zeros((n_classes, n_features), np.float32)
    y = np.arange(n_classes, dtype=np.int64)
    return Dataset(name, "", x, y, x, y, x, y, class_names=tuple(str(i) for i in range(n_classes)))


def test_layer_labels():
    assert [layer_label(layer) for layer in mnist_cnn_spec()["layers"]] == [
        "conv 3×3 ×16 relu", "max-pool 2×2", "conv 3×3 ×32 relu", "max-pool 2×2", "flatten", "dense 64 relu",
        "dense 10 softmax"]
    assert [layer_label(layer) for layer in mnist_attention_spec()["layers"]][:6] == [
        "4×4 patches → 64 features", "layer norm", "self-attention, 4 heads", "layer norm", "per-token dense 128 relu",
        "mean over tokens"]
    assert layer_label({"type": "conv2d", "filters": 8, "kernel": 5, "stride": 2, "padding": "same",
                        "activation": "tanh"}) == "conv 5×5 ×8 stride 2 same tanh"
    assert layer_label({"type": "avgpool2d", "size": 3}) == "average-pool 3×3"
    with using_language("zh"):
        assert layer_label({"type": "maxpool2d", "size": 2}) == "最大池化 2×2"
    assert layer_label({"type": "dropout", "rate": 0.2}) == "dropout 0.2"


def test_spec_mismatch_names_the_dataset_and_the_fix():
    spec = mnist_cnn_spec()
    assert spec_mismatch(spec, dataset(784, 10)) is None
    problem = spec_mismatch(spec, dataset(4, 3, "Iris"))
    assert "1×28×28 inputs (784 values)" in problem and "“Iris” has 4 features" in problem
    assert "MNIST subset" in problem
    problem = spec_mismatch(spec, dataset(784, 3, "three"))
    assert "ends in 10 outputs" in problem and "has 3" in problem


def test_training_status_in_words():
    net = Network(mlp_spec([4, 3], seed=0))
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(10, 4)).astype(np.float32), rng.integers(0, 3, 10)
    hist = History()
    assert training_status(hist) == "untrained: fresh initial weights"
    records = list(train(net, x, y, epochs=2, batch_size=4, seed=0))
    for r in records[:2]:  # two steps, no finished epoch
        hist.add(r)
    assert training_status(hist) == "trained for 2 steps (less than one epoch)"
    for r in records[2:]:
        hist.add(r)
    assert training_status(hist) == f"trained for 2 epochs ({hist.n_steps} steps)"
    with using_language("zh"):
        assert training_status(hist) == f"已训练 2 轮（{hist.n_steps} 步）"
        assert training_status(History()) == "未训练：全新的初始权重"


def test_every_schedule_has_a_name_in_both_languages():
    assert [schedule_name(k) for k in SCHEDULES] == ["constant", "step decay", "cosine"]
    with using_language("zh"):
        assert [schedule_name(k) for k in SCHEDULES] == ["恒定", "按步衰减", "余弦"]
