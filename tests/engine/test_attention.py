"""Patch embedding, self-attention, layer norm, token-wise dense and token mean pooling: gradient checks
in float64, known values, attention weights in the traces, validation, save/load."""
import numpy as np
import pytest

from nnlab.engine import Network, load_model, model_to_bytes
from nnlab.engine.attention import PatchEmbed, SelfAttention, TokenDense, TokenMeanPool
from nnlab.engine.layernorm import LayerNorm
from nnlab.engine.layers import Dense
from nnlab.engine.zoo import mnist_attention_spec
from tests.engine import layer_checks as checks
from tests.engine.layer_checks import assert_input_gradient, built
from tests.engine.layer_checks import assert_param_gradients as check_all_parameters

HEAD = [{"type": "token_mean_pool"}, {"type": "dense", "units": 3, "activation": "softmax"}]


def float64_net(layers, input_shape=(1, 4, 6), seed=1):
    return checks.float64_net(layers, HEAD, input_shape, seed)


ATTENTION = {"type": "self_attention", "heads": 2}


@pytest.mark.parametrize("layers", [
    [{"type": "patch_embed", "patch": 2, "dim": 4}],
    [{"type": "patch_embed", "patch": 2, "dim": 4}, ATTENTION],
    [{"type": "patch_embed", "patch": 2, "dim": 4}, {**ATTENTION, "residual": False}],
    [{"type": "patch_embed", "patch": 2, "dim": 6}, {"type": "self_attention", "heads": 3, "activation": "tanh"},
     {"type": "self_attention", "heads": 1}],
    [{"type": "patch_embed", "patch": 2, "dim": 4}, {"type": "layer_norm"}, ATTENTION, {"type": "layer_norm"},
     {"type": "token_dense", "units": 5, "activation": "tanh"}],
], ids=["patch_embed", "attention", "no_residual", "two_layers_activation", "block"])
def test_parameter_gradients(layers):
    check_all_parameters(float64_net(layers))


def test_patch_embed_on_several_channels():
    layers = [{"type": "patch_embed", "patch": 2, "dim": 3}, {"type": "self_attention", "heads": 1}]
    check_all_parameters(float64_net(layers, input_shape=(2, 4, 4)))


def test_key_bias_gradient_is_exactly_zero():
    """Adding the same number to every score of a row leaves softmax unchanged, so b_k cannot matter."""
    net = float64_net([{"type": "patch_embed", "patch": 2, "dim": 4}, ATTENTION])
    rows = [r for r in check_all_parameters(net) if r["param"] == "bk"]
    assert rows and all(abs(r["analytic"]) < 1e-12 and abs(r["numeric"]) < 1e-8 for r in rows)


@pytest.mark.parametrize("layer, shape", [
    (PatchEmbed(patch=2, dim=3), (2, 4, 6)),
    (SelfAttention(heads=2), (5, 4)),
    (SelfAttention(heads=2, residual=False, activation="tanh"), (5, 4)),
    (LayerNorm(), (5, 4)),
    (TokenDense(3, activation="tanh"), (5, 4)),
    (TokenMeanPool(), (5, 4)),
], ids=["patch_embed", "attention", "attention_tanh", "layer_norm", "token_dense", "token_mean_pool"])
def test_input_gradients(layer, shape):
    built(layer, shape)
    assert_input_gradient(layer, np.random.default_rng(2).normal(size=(2,) + shape))


def test_patch_embed_cuts_patches_row_by_row():
    layer = built(PatchEmbed(patch=2, dim=4), (1, 4, 4))
    layer.params["W"][...] = np.eye(4)
    layer.params["pos"][...] = 0
    tokens = layer.forward(np.arange(16.0).reshape(1, 1, 4, 4))
    np.testing.assert_array_equal(tokens[0], [[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]])
    assert layer.output_shape == (4, 4)


def test_patch_embed_adds_position_and_bias():
    layer = built(PatchEmbed(patch=2, dim=3), (1, 2, 4))
    layer.params["W"][...] = 0
    layer.params["b"][...] = [1, 2, 3]
    out = layer.forward(np.ones((2, 1, 2, 4)))
    np.testing.assert_array_equal(out, np.broadcast_to(layer.params["pos"] + [1, 2, 3], (2, 2, 3)))


def test_zero_queries_and_keys_attend_uniformly():
    layer = built(SelfAttention(heads=2), (5, 4))
    for name in ("Wq", "Wk"):
        layer.params[name][...] = 0
    layer.params["Wv"][...] = np.eye(4)
    layer.params["Wo"][...] = np.eye(4)
    x = np.random.default_rng(0).normal(size=(3, 5, 4))
    out = layer.forward(x)
    attention = layer.trace_extras()["attention"]
    assert attention.shape == (3, 2, 5, 5)
    np.testing.assert_allclose(attention, 0.2)
    # uniform weights: every token receives the mean of the values, plus itself (residual)
    np.testing.assert_allclose(out, x + x.mean(axis=1, keepdims=True))


def test_attention_weights_are_softmax_of_scaled_scores():
    layer = built(SelfAttention(heads=2), (4, 6))
    x = np.random.default_rng(1).normal(size=(2, 4, 6))
    layer.forward(x)
    attention = layer.trace_extras()["attention"]
    p = layer.params
    q = (x @ p["Wq"] + p["bq"]).reshape(2, 4, 2, 3)[:, :, 1]  # head 1 = features 3..5
    k = (x @ p["Wk"] + p["bk"]).reshape(2, 4, 2, 3)[:, :, 1]
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(3)
    expected = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(attention[:, 1], expected, rtol=1e-12)
    np.testing.assert_allclose(attention.sum(axis=-1), 1.0)


def test_layer_norm_normalises_each_token():
    layer = built(LayerNorm(), (3, 8))
    x = np.random.default_rng(0).normal(3.0, 5.0, size=(2, 3, 8))
    out = layer.forward(x)
    np.testing.assert_allclose(out.mean(axis=-1), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=-1), 1 / (1 + LayerNorm.EPS / x.var(axis=-1)), rtol=1e-9)
    layer.params["gamma"][...] = 2.0
    layer.params["beta"][...] = -1.0
    np.testing.assert_allclose(layer.forward(x), 2 * out - 1)


def test_token_dense_is_dense_on_every_token():
    token = built(TokenDense(3, activation="tanh"), (5, 4))
    dense = built(Dense(3, activation="tanh"), (4,))
    dense.params = {k: v.copy() for k, v in token.params.items()}
    x = np.random.default_rng(0).normal(size=(2, 5, 4))
    np.testing.assert_allclose(token.forward(x), dense.forward(x.reshape(10, 4)).reshape(2, 5, 3))


def test_token_mean_pool_known_values():
    layer = built(TokenMeanPool(), (3, 2))
    out = layer.forward(np.array([[[1.0, 2], [3, 4], [5, 9]]]))
    np.testing.assert_array_equal(out, [[3.0, 5.0]])
    np.testing.assert_array_equal(layer.backward(np.array([[3.0, 6.0]])), [[[1, 2], [1, 2], [1, 2]]])


def test_preset_shapes_and_trace():
    net = Network(mnist_attention_spec())
    shapes = [row["output shape"] for row in net.summary()]
    assert shapes == [(49, 64), (49, 64), (49, 64), (49, 64), (49, 128), (128,), (10,)]
    x = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    fwd = net.forward_trace(x)
    attention = fwd[2].extras["attention"]
    assert attention.shape == (3, 4, 49, 49) and attention.dtype == np.float32
    np.testing.assert_allclose(attention.sum(axis=-1), 1.0, rtol=1e-5)
    assert fwd[0].a.shape == (3, 49, 64)
    assert fwd[4].z.shape == fwd[4].a.shape == (3, 49, 128) and fwd[4].activation == "relu"
    back = net.backward_trace(x, np.eye(10)[[1, 2, 3]])
    assert back.layers[2].grads["Wq"].shape == (64, 64)
    assert back.layers[0].grads["pos"].shape == (49, 64)
    assert back.layers[0].grad_input.shape == (3, 1, 28, 28)
    assert back.layers[2].delta.shape == (3, 49, 64)


def test_trace_keeps_its_own_copy_of_the_attention():
    net = Network(mnist_attention_spec())
    rng = np.random.default_rng(0)
    first = net.forward_trace(rng.random((2, 784)))[2].extras["attention"]
    kept = first.copy()
    net.forward_trace(rng.random((2, 784)))
    np.testing.assert_array_equal(first, kept)


def test_save_load_round_trip():
    spec = {**mnist_attention_spec(seed=2, dim=8, heads=2), "input_shape": [1, 8, 8]}
    spec["layers"][2] = {"type": "self_attention", "heads": 2, "residual": False, "activation": "tanh",
                         "init": "xavier"}
    spec["layers"][0]["patch"] = 2
    net = Network(spec)
    back = load_model(model_to_bytes(net))
    assert back.spec["layers"] == net.spec["layers"]
    assert back.spec["layers"][2] == spec["layers"][2]
    x = np.random.default_rng(1).random((3, 64), dtype=np.float32)
    np.testing.assert_array_equal(back.predict(x), net.predict(x))


@pytest.mark.parametrize("layers, input_shape, message", [
    ([{"type": "patch_embed", "patch": 5}], [1, 28, 28], "patch=5"),
    ([{"type": "patch_embed", "dim": 0}], [1, 28, 28], "dim=0"),
    ([{"type": "patch_embed"}], [784], "input_shape"),
    ([{"type": "patch_embed", "dim": 30}, {"type": "self_attention", "heads": 4}], [1, 28, 28], "heads=4"),
    ([{"type": "self_attention"}], [1, 28, 28], "patch_embed"),
    ([{"type": "patch_embed"}, {"type": "self_attention", "activation": "swish"}], [1, 28, 28], "swish"),
])
def test_bad_settings_are_named(layers, input_shape, message):
    with pytest.raises(ValueError, match=message):
        Network({"input_shape": input_shape, "layers": layers + HEAD})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_of_rows_far_below_their_matrix_maximum(dtype):
    from nnlab.engine.attention import _softmax

    s = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    s[0, 1, 2] -= 1000.0  # every exp in this row underflows if shifted by the matrix maximum
    s[1, 0, 3] += 500.0   # and this row would push the others down
    s = s.astype(dtype).astype(np.float64)  # the reference sees exactly the scores the layer sees
    expected = np.exp(s - s.max(axis=-1, keepdims=True))
    expected /= expected.sum(axis=-1, keepdims=True)
    out = _softmax(s.astype(dtype))
    assert out.dtype == dtype
    np.testing.assert_allclose(out, expected, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-30)


@pytest.mark.parametrize("layer", [LayerNorm(), SelfAttention(heads=2), SelfAttention(heads=2, activation="tanh"),
                                   TokenDense(5, activation="relu")], ids=repr)
def test_passes_that_work_in_place_leave_their_inputs_and_cache_alone(layer):
    """Forward and backward reuse their own fresh arrays in place: the input, the incoming gradient, the
    output already returned and what backward needs must come out untouched, so a second backward gives
    the same numbers, bit for bit."""
    built(layer, (5, 4))
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=(3, 5, 4)), rng.normal(size=(3, 5) + layer.output_shape[1:])
    x_kept, g_kept = x.copy(), g.copy()
    out = layer.forward(x, training=True)
    out_kept = out.copy()
    first = layer.backward(g).copy(), {k: v.copy() for k, v in layer.grad.items()}
    second = layer.backward(g), layer.grad
    np.testing.assert_array_equal(x, x_kept)
    np.testing.assert_array_equal(g, g_kept)
    np.testing.assert_array_equal(out, out_kept)
    np.testing.assert_array_equal(second[0], first[0])
    for name in first[1]:
        np.testing.assert_array_equal(second[1][name], first[1][name])
