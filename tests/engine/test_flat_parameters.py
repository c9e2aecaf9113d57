"""Every parameter layer keeps its parameters and gradients as views of the network's two flat buffers,
writes gradients in place, and stays linked through training and deep copies."""
import copy

import numpy as np
import pytest

from nnlab.engine import Network, make_optimizer, mlp_spec, train
from tests.engine.layer_checks import small_cnn_spec

ATTENTION_BLOCK = {"input_shape": [1, 28, 28], "loss": "softmax_ce", "seed": 0, "layers": [
    {"type": "patch_embed", "patch": 7, "dim": 8},
    {"type": "layer_norm"},
    {"type": "self_attention", "heads": 2},
    {"type": "token_dense", "units": 6, "activation": "relu"},
    {"type": "token_mean_pool"},
    {"type": "dense", "units": 10, "activation": "softmax"}]}
SPECS = {"mlp": mlp_spec([784, 8, 10]), "cnn": small_cnn_spec(), "attention": ATTENTION_BLOCK}


def _batch(net, n=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 784), dtype=np.float32), np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]


def _assert_linked(net):
    """Each parameter and gradient array is a view of the flat buffers, and together they tile them."""
    values = [p for layer in net.param_layers() for p in layer.params.values()]
    grads = [g for layer in net.param_layers() for g in layer.grad.values()]
    for p, g in zip(values, grads):
        assert p.base is not None and np.shares_memory(p, net.flat.values)
        assert g.base is not None and np.shares_memory(g, net.flat.grads)
    np.testing.assert_array_equal(np.concatenate([p.ravel() for p in values]), net.flat.values)
    np.testing.assert_array_equal(np.concatenate([g.ravel() for g in grads]), net.flat.grads)


@pytest.mark.parametrize("name", SPECS)
def test_every_layer_writes_its_gradients_into_the_flat_buffer(name):
    net = Network(SPECS[name])
    kinds = {layer.kind for layer in net.param_layers()}
    assert kinds == {"mlp": {"dense"}, "cnn": {"conv2d", "dense"},
                     "attention": {"patch_embed", "layer_norm", "self_attention", "token_dense", "dense"}}[name]
    views = {(layer.name, k): g for layer in net.param_layers() for k, g in layer.grad.items()}
    assert not net.flat.grads.any()
    x, t = _batch(net)
    net.backward(net.forward(x, training=True), t)
    for layer in net.param_layers():
        for k, g in layer.grad.items():
            assert g is views[layer.name, k], f"{layer.name} replaced its gradient {k} instead of writing it"
            assert np.abs(g).sum() > 0, f"{layer.name} {k}: no gradient written"
    _assert_linked(net)


@pytest.mark.parametrize("name", SPECS)
def test_training_moves_the_arrays_the_layers_use(name):
    net = Network(SPECS[name])
    x, t = _batch(net, n=32)
    before = net.predict(x)
    records = list(train(net, x, t.argmax(axis=1), epochs=1, batch_size=16, optimizer=make_optimizer("sgd", lr=0.1)))
    assert len(records) == 3
    _assert_linked(net)
    assert not np.allclose(net.predict(x), before)


def test_a_deep_copy_is_linked_to_its_own_buffers():
    net = Network(SPECS["cnn"])
    twin = copy.deepcopy(net)
    _assert_linked(twin)
    assert not np.shares_memory(twin.flat.values, net.flat.values)
    x, t = _batch(net, n=32)
    before = net.predict(x)
    np.testing.assert_array_equal(twin.predict(x), before)
    list(train(twin, x, t.argmax(axis=1), epochs=1, batch_size=16, optimizer=make_optimizer("sgd", lr=0.1)))
    assert not np.allclose(twin.predict(x), before)     # the copy learned through its own buffers
    np.testing.assert_array_equal(net.predict(x), before)  # and the original is untouched


def test_weight_and_decay_slices_cover_weights_not_biases():
    net = Network(ATTENTION_BLOCK)
    flat = net.flat
    decayed = np.zeros(flat.values.size, bool)
    for part in flat.decay_slices:
        decayed[part] = True
    expected = np.concatenate([np.full(p.size, p.ndim >= 2) for layer in net.param_layers()
                               for p in layer.params.values()])
    np.testing.assert_array_equal(decayed, expected)
    by_layer = {layer.kind: slices for layer, slices in flat.layer_slices}
    norm = next(layer for layer in net.layers if layer.kind == "layer_norm")
    # a layer without weight matrices (layer norm) reports the norm of all its arrays, gamma and beta
    assert [flat.values[s].size for s in by_layer["layer_norm"]] == [p.size for p in norm.params.values()]
    assert [flat.values[s].size for s in by_layer["self_attention"]] == [64] * 4  # Wq, Wk, Wv, Wo


def test_each_layers_weight_views_are_its_slices_of_the_flat_buffers():
    net = Network(mlp_spec([4, 3, 2], seed=0))
    flat = net.flat
    for (layer, parts), (same, views_parts, values, grads) in zip(flat.layer_slices, flat.layer_views):
        assert same is layer and views_parts == parts
        for part, v, g in zip(parts, values, grads):
            assert np.shares_memory(v, flat.values) and np.shares_memory(g, flat.grads)
            np.testing.assert_array_equal(v, flat.values[part])
    flat.values += 1.0  # an update in place: the views see it
    np.testing.assert_array_equal(flat.layer_views[0][2][0], flat.values[flat.layer_slices[0][1][0]])
