"""Block diagram of CNN and attention networks: one block per tensor, labelled with kind and shape, sized
by the shape."""
import numpy as np
import pytest

from nnlab.engine import Network
from nnlab.engine.zoo import mnist_attention_spec, mnist_cnn_spec
from nnlab.lab.describe import layer_labels
from nnlab.viz.block_diagram import PX_PER_SIDE, block_diagram, block_frame, block_size


def _net_and_labels(spec):
    net = Network(spec)
    return net, layer_labels(net)


def test_cnn_blocks_have_the_layer_shapes_and_labels():
    frame = block_frame(*_net_and_labels(mnist_cnn_spec()))
    assert frame["shape"].tolist() == ["1×28×28", "16×26×26", "16×13×13", "32×11×11", "32×5×5", "800", "64", "10"]
    assert frame["label"].tolist()[1:3] == ["conv 3×3 ×16 relu", "max-pool 2×2"]
    assert frame["group"].tolist()[:3] == ["input", "convolution", "pooling"]
    assert frame["params"].tolist() == [0, 160, 0, 4640, 0, 0, 51264, 650]
    heights = (frame["y2"] - frame["y"]).to_numpy()
    assert heights[0] == pytest.approx(28 * PX_PER_SIDE) and heights[1] == pytest.approx(26 * PX_PER_SIDE)
    assert heights[1] > heights[2] > heights[3] > heights[4]  # the image shrinks through the network
    assert frame["sheets"].tolist()[:5] == [0, 3, 3, 3, 3]  # one channel: a single sheet
    assert (frame["x"].diff().dropna() > 0).all()  # left to right


def test_attention_blocks_and_sizes():
    frame = block_frame(*_net_and_labels(mnist_attention_spec()))
    assert frame["shape"].tolist() == ["1×28×28", "49×64", "49×64", "49×64", "49×64", "49×128", "128", "10"]
    assert frame.loc[3, "label"] == "self-attention, 4 heads" and frame.loc[3, "group"] == "attention"
    h, w = block_size((49, 64))
    assert h == pytest.approx(7 * PX_PER_SIDE) and w == pytest.approx(10 + 5 * np.log2(65))
    assert block_size((49, 128))[1] > w


def test_chart_draws_every_block_and_a_key():
    spec = block_diagram(*_net_and_labels(mnist_cnn_spec()), title="CNN").to_dict()
    data = list(spec["datasets"].values())
    blocks = next(d for d in data if len(d) == 8 and "head" in d[0])
    assert [b["layer"] for b in blocks][:2] == ["input", "L1 conv2d"]
    sheets = next(d for d in data if len(d) == 12)  # 3 behind each of the 4 multi-channel image blocks
    assert {s["layer"] for s in sheets} == {"L1 conv2d", "L2 maxpool2d", "L3 conv2d", "L4 maxpool2d"}
    key = next(d for d in data if "kx" in d[0])
    assert [k["group"] for k in key] == ["input", "convolution", "pooling", "dense", "reshaping / normalising"]
    assert spec["title"] == "CNN"
