"""Click-to-explain: every z, a, δ, parameter gradient and attention weight of small float64 networks of each
kind, explained — the engine's number, the rule's result from the operands shown, and engine quantities that
exist — against the traces and independent NumPy."""
import numpy as np
import pytest

from nnlab.engine import Network
from nnlab.lab.engine_source import QUANTITIES
from nnlab.lab.explain_cell import explain_attention, explain_backward, explain_forward
from nnlab.lab.worked_backprop import sample_trace
from tests.lab.tiny_nets import SPECS


def _traced(name, seed=0):
    net = Network(SPECS[name])
    x = np.random.default_rng(seed).random((1, int(np.prod(SPECS[name]["input_shape"]))))
    return net, sample_trace(net, x, np.eye(net.n_outputs)[[1]])


def _cells(shape):
    return [tuple(s // 2 for s in shape), tuple(s - 1 for s in shape), (0,) * len(shape)]


@pytest.mark.parametrize("name", list(SPECS))
def test_every_output_of_every_layer_is_reproduced(name):
    net, bt = _traced(name)
    for layer, tr in enumerate(bt.forward):
        for index in _cells(tr.a.shape[1:]):
            e = explain_forward(net, bt.forward, layer, index, "a")
            assert e.value == tr.a[(0, *index)] and e.index == index
            assert e.reproduced == pytest.approx(e.value, rel=1e-10, abs=1e-12)
            assert e.lines and set(e.quantities) <= set(QUANTITIES)
            if tr.activation is not None:
                z = explain_forward(net, bt.forward, layer, index, "z")
                assert z.value == tr.z[(0, *index)]
                assert z.reproduced == pytest.approx(z.value, rel=1e-10, abs=1e-12)


def test_z_of_a_layer_without_activation_is_refused():
    net, bt = _traced("cnn")
    with pytest.raises(ValueError, match="no activation"):
        explain_forward(net, bt.forward, 1, (0, 0, 0), "z")


@pytest.mark.parametrize("name", list(SPECS))
def test_every_delta_and_gradient_is_the_engines_and_worked_ones_agree(name):
    net, bt = _traced(name)
    for layer, g in enumerate(bt.layers):
        for index in _cells(g.delta.shape[1:]):
            e = explain_backward(net, bt, layer, index, "delta")
            assert e.value == g.delta[(0, *index)]
            if e.reproduced is not None:
                assert e.reproduced == pytest.approx(e.value, rel=1e-9, abs=1e-12)
            assert set(e.quantities) <= set(QUANTITIES)
        for param, grad in g.grads.items():
            for index in _cells(grad.shape):
                e = explain_backward(net, bt, layer, index, param)
                assert e.value == grad[index] and e.what == param
                if e.reproduced is not None:
                    assert e.reproduced == pytest.approx(e.value, rel=1e-9, abs=1e-12)


def test_dense_explanations_are_worked_for_every_dense_delta_and_weight():
    net, bt = _traced("mlp")
    for layer in (0, 1):
        e = explain_backward(net, bt, layer, (2,), "delta")
        assert e.reproduced is not None and ("dense delta" in e.quantities or "output delta" in e.quantities)
        w = explain_backward(net, bt, layer, (1, 2), "W")
        x = bt.forward[layer].input[0, 1]
        assert w.reproduced == pytest.approx(x * bt.layers[layer].delta[0, 2], rel=1e-12)
        assert w.quantities == ("dense dW",)
    assert explain_backward(net, bt, 1, (0,), "delta").quantities == ("output delta",)  # softmax + CE: p − t


def test_hidden_delta_by_an_independent_recursion():
    net, bt = _traced("mlp")
    W2 = net.layers[1].params["W"]
    z1 = bt.forward[0].z[0]
    delta2 = bt.forward[1].a[0] - bt.target[0]
    expected = (W2 @ delta2) * (1 - np.tanh(z1) ** 2)
    for unit in range(7):
        e = explain_backward(net, bt, 0, (unit,), "delta")
        assert e.reproduced == pytest.approx(expected[unit], rel=1e-10)


def test_conv_kernel_and_bias_gradients_are_sums_over_positions():
    net, bt = _traced("cnn")
    x = bt.forward[0].input[0, 0]
    delta = bt.layers[0].delta[0]
    f, c, u, v = 2, 0, 1, 2
    by_loop = sum(delta[f, y, xx] * x[y + u, xx + v] for y in range(6) for xx in range(6))
    assert explain_backward(net, bt, 0, (f, c, u, v), "W").reproduced == pytest.approx(by_loop, rel=1e-10)
    assert explain_backward(net, bt, 0, (f,), "b").reproduced == pytest.approx(delta[f].sum(), rel=1e-10)


def test_an_attention_weight_is_the_softmax_of_the_scaled_scores():
    net, bt = _traced("attention")
    tr = bt.forward[2]
    x = tr.input[0]
    p = tr.params
    d = 4  # dim 8 over 2 heads
    q = (x @ p["Wq"] + p["bq"])[:, d:2 * d]  # head 1
    k = (x @ p["Wk"] + p["bk"])[:, d:2 * d]
    s = q[2] @ k.T / np.sqrt(d)
    softmax = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
    for key in range(len(s)):
        e = explain_attention(net, bt.forward, 2, 1, 2, key)
        assert e.value == pytest.approx(softmax[key], rel=1e-10)
        assert e.reproduced == pytest.approx(softmax[key], rel=1e-10)
        assert e.index == (1, 2, key) and "attention scores" in e.quantities
    with pytest.raises(ValueError, match="key token=9"):
        explain_attention(net, bt.forward, 2, 1, 2, 9)


def test_titles_name_the_quantity_the_layer_and_the_cell():
    net, bt = _traced("mlp")
    assert explain_backward(net, bt, 1, (2,), "delta").title == "δ = ∂L/∂z of L2 dense at (2)"
    assert explain_backward(net, bt, 0, (3, 4), "W").title == "∂L/∂W of L1 dense at (3,4)"
    assert explain_forward(net, bt.forward, 0, 5).title == "activation a of L1 dense at (5)"
