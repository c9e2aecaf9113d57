"""Switching units off by editing a copy's weights equals forcing their activations to 0 explicitly."""
import numpy as np
import pytest

from nnlab.engine import Network, evaluate, mlp_spec
from nnlab.lab.interventions import edit_weight, intervention, removal_ranking, switch_off, switchable

CNN = {"input_shape": [1, 10, 10], "dtype": "float64", "seed": 5, "layers": [
    {"type": "conv2d", "filters": 3, "kernel": 3, "activation": "relu"}, {"type": "maxpool2d", "size": 2},
    {"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same", "activation": "tanh"},
    {"type": "avgpool2d", "size": 2}, {"type": "flatten"},
    {"type": "dense", "units": 6, "activation": "sigmoid"}, {"type": "dropout", "rate": 0.3},
    {"type": "dense", "units": 3, "activation": "softmax"}]}
ATTENTION = {"input_shape": [1, 8, 8], "dtype": "float64", "seed": 6, "layers": [
    {"type": "patch_embed", "patch": 2, "dim": 8}, {"type": "self_attention", "heads": 4},
    {"type": "token_dense", "units": 5, "activation": "sigmoid"}, {"type": "token_mean_pool"},
    {"type": "dense", "units": 3, "activation": "softmax"}]}


def _x(net, n=5, seed=0):
    return np.random.default_rng(seed).normal(size=(n, net.n_inputs))


def _attention_without(layer, x, heads_off):
    """Self-attention written out in NumPy, with the outputs of ``heads_off`` set to 0 before W_o."""
    p, n_heads = layer.params, layer.heads
    d = x.shape[-1] // n_heads
    Q, K, V = (x @ p["W" + s] + p["b" + s] for s in "qkv")
    out = np.zeros_like(x)
    for h in range(n_heads):
        if h in heads_off:
            continue
        cols = slice(h * d, (h + 1) * d)
        s = Q[..., cols] @ np.swapaxes(K[..., cols], -1, -2) / np.sqrt(d)
        A = np.exp(s - s.max(axis=-1, keepdims=True))
        A /= A.sum(axis=-1, keepdims=True)
        out[..., cols] = A @ V[..., cols]
    return out @ p["Wo"] + p["bo"] + x


def _forced(net, x, layer, off):
    """Forward pass with layer ``layer``'s outputs ``off`` forced to 0 (feature axis: channels for images,
    the last axis otherwise); heads of an attention layer dropped inside it."""
    h = x.reshape((len(x),) + net.input_shape)
    for i, lay in enumerate(net.layers):
        if i == layer and lay.kind == "self_attention":
            h = _attention_without(lay, h, off)
            continue
        h = lay.forward(h).copy()
        if i == layer and h.ndim == 4:
            h[:, off] = 0
        elif i == layer:
            h[..., off] = 0
    return h


@pytest.mark.parametrize("spec,layer,off", [
    (mlp_spec([6, 5, 4, 3], activation="sigmoid", dtype="float64", seed=2), 0, [1, 3]),  # sigmoid(0) ≠ 0
    (mlp_spec([6, 5, 4, 3], dtype="float64", seed=2), 1, [0]),
    (CNN, 0, [1]), (CNN, 2, [0, 3]), (CNN, 5, [2, 4]),
    (ATTENTION, 1, [1]), (ATTENTION, 1, [0, 2, 3]), (ATTENTION, 2, [4]),
])
def test_switching_off_equals_forcing_the_activation_to_zero(spec, layer, off):
    net = Network(spec)
    x = _x(net)
    before = {i: {k: v.copy() for k, v in lay.params.items()} for i, lay in enumerate(net.layers)}
    switched, edits = switch_off(net, {layer: off})
    expected = _forced(net, x, layer, off)
    np.testing.assert_allclose(switched.predict(x), expected, rtol=1e-10, atol=1e-12)
    assert not np.allclose(net.predict(x), expected)  # the switch did change something
    for i, lay in enumerate(net.layers):  # the model itself is untouched
        for k, v in lay.params.items():
            np.testing.assert_array_equal(v, before[i][k])
    assert len(edits) == 1


def test_what_can_be_switched_off():
    assert switchable(Network(CNN)) == {0: ("channel", 3), 2: ("channel", 4), 5: ("unit", 6)}
    assert switchable(Network(ATTENTION)) == {1: ("head", 4), 2: ("unit", 5)}
    net = Network(mlp_spec([6, 5, 3], dtype="float64"))
    with pytest.raises(ValueError, match="layer 2 \\(dense\\) has no units to switch off"):
        switch_off(net, {1: [0]})
    with pytest.raises(ValueError, match="units 0…4; \\[5\\] do not exist"):
        switch_off(net, {0: [5]})


def test_intervention_reports_the_engines_numbers():
    net = Network(CNN)
    x_test = _x(net, n=40, seed=1)
    y_test = np.random.default_rng(2).integers(0, 3, 40)
    result = intervention(net, {0: [0], 5: [1, 2]}, x_test[3], x_test, y_test, max_samples=30)
    switched, _ = switch_off(net, {0: [0], 5: [1, 2]})
    np.testing.assert_allclose(result.output_after, switched.predict(x_test[3:4])[0])
    np.testing.assert_allclose(result.output_before, net.predict(x_test[3:4])[0])
    assert result.predicted_after == int(np.argmax(result.output_after))
    assert result.accuracy_before == evaluate(net, x_test[:30], y_test[:30])[1]
    assert result.accuracy_after == evaluate(switched, x_test[:30], y_test[:30])[1]
    assert result.off == {0: (0,), 5: (1, 2)} and result.n_test == 30
    with pytest.raises(ValueError, match="nothing is switched off"):
        intervention(net, {0: []}, x_test[3], x_test, y_test)


@pytest.mark.parametrize("spec,layer", [(CNN, 0), (CNN, 2), (ATTENTION, 1), (ATTENTION, 2)])
def test_ranking_rows_equal_a_full_evaluation(spec, layer):
    net = Network(spec)
    x = _x(net, n=60, seed=3)
    y = np.random.default_rng(4).integers(0, 3, 60)
    ranking = removal_ranking(net, layer, x, y, max_samples=50)
    assert ranking.n_samples == 50
    loss0, acc0 = evaluate(net, x[:50], y[:50])
    assert ranking.loss == pytest.approx(loss0) and ranking.accuracy == acc0
    assert sorted(r.index for r in ranking.rows) == list(range(switchable(net)[layer][1]))
    for row in ranking.rows:
        loss, acc = evaluate(switch_off(net, {layer: [row.index]})[0], x[:50], y[:50])
        assert row.loss == pytest.approx(loss, rel=1e-10) and row.accuracy == acc
        assert row.accuracy_drop == pytest.approx(acc0 - acc)
    keys = [(-r.accuracy_drop, -r.loss_increase) for r in ranking.rows]
    assert keys == sorted(keys)


def test_editing_one_weight_moves_only_what_is_downstream():
    net = Network(mlp_spec([6, 5, 4, 3], activation="tanh", dtype="float64", seed=2))
    x = _x(net, n=1)
    old = net.layers[1].params["W"][2, 3]
    edit = edit_weight(net, x, 1, "W", (2, 3), old + 1.5)
    assert edit.old == old and edit.new == old + 1.5 and net.layers[1].params["W"][2, 3] == old
    assert [c.layer for c in edit.changes] == [1, 2]
    assert edit.changes[0].n_changed == 1  # only unit 3 of layer 2 reads that weight
    a1 = np.tanh(x[0] @ net.layers[0].params["W"] + net.layers[0].params["b"])
    z2 = a1 @ net.layers[1].params["W"] + net.layers[1].params["b"]
    z2_new = z2.copy()
    z2_new[3] += 1.5 * a1[2]
    assert edit.changes[0].max_abs_change == pytest.approx(abs(np.tanh(z2_new[3]) - np.tanh(z2[3])))
    z3 = np.tanh(z2_new) @ net.layers[2].params["W"] + net.layers[2].params["b"]
    expected = np.exp(z3 - z3.max()) / np.exp(z3 - z3.max()).sum()
    np.testing.assert_allclose(edit.output_after, expected, rtol=1e-12)
    with pytest.raises(ValueError, match="finite"):
        edit_weight(net, x, 1, "W", (2, 3), float("nan"))
