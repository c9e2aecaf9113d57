"""The worked attention row against a direct softmax and a NumPy attention written out here."""
import numpy as np
import pytest

from nnlab.engine import Network
from nnlab.lab.worked_attention import attention_row


def _net(residual=True, activation=None, heads=2, dim=8):
    attention = {"type": "self_attention", "heads": heads, "residual": residual,
                 **({"activation": activation} if activation else {})}
    return Network({"input_shape": [1, 8, 8], "dtype": "float64", "seed": 7, "layers": [
        {"type": "patch_embed", "patch": 2, "dim": dim}, attention, {"type": "token_mean_pool"},
        {"type": "dense", "units": 3, "activation": "softmax"}]})


def _direct(net, x, head, query):
    """q, the scores and a direct softmax, head outputs and the projection, from the parameters."""
    tokens = net.forward_trace(x)[0].a[0]  # the attention layer's input, (16, 8)
    p = net.layers[1].params
    d = tokens.shape[1] // net.layers[1].heads
    Q, K, V = (tokens @ p["W" + s] + p["b" + s] for s in "qkv")
    heads = []
    for h in range(net.layers[1].heads):
        cols = slice(h * d, (h + 1) * d)
        s = Q[query, cols] @ K[:, cols].T / np.sqrt(d)
        weights = np.exp(s) / np.exp(s).sum()  # direct, without subtracting the max
        heads.append((s, weights, weights @ V[:, cols]))
    y = np.concatenate([h[2] for h in heads]) @ p["Wo"] + p["bo"]
    return Q[query, head * d:(head + 1) * d], heads[head], y, tokens[query]


@pytest.mark.parametrize("residual", [True, False])
def test_row_matches_a_direct_softmax(residual):
    net = _net(residual)
    x = np.random.default_rng(0).random((1, 64))
    trace = net.forward_trace(x)
    for head, query in [(0, 0), (1, 5), (1, 15)]:
        row = attention_row(net, trace, 1, head, query)
        q, (scores, weights, head_out), y, token = _direct(net, x, head, query)
        np.testing.assert_allclose(row.q, q, rtol=1e-12)
        np.testing.assert_allclose(row.scores, scores, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(row.weights, weights, rtol=1e-12)  # the engine's row
        np.testing.assert_allclose(row.exps / row.exps.sum(), weights, rtol=1e-12)
        assert row.weights.sum() == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_allclose(row.head_output, head_out, rtol=1e-12, atol=1e-14)
        expected = y + (token if residual else 0)
        np.testing.assert_allclose(row.projected, expected, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(row.output, expected, rtol=1e-12, atol=1e-14)  # the engine's z
        assert list(row.order[:3]) == list(np.argsort(-weights, kind="stable")[:3])
        assert (" + x_{" in row.latex[3]) == residual


def test_with_an_activation_the_output_is_z():
    net = _net(activation="tanh")
    x = np.random.default_rng(1).random((1, 64))
    trace = net.forward_trace(x)
    row = attention_row(net, trace, 1, 1, 3)
    np.testing.assert_allclose(np.tanh(row.output), trace[1].a[0, 3], rtol=1e-12)
    np.testing.assert_allclose(row.projected, row.output, rtol=1e-12, atol=1e-14)


def test_bad_head_or_token_is_named():
    net = _net()
    trace = net.forward_trace(np.zeros((1, 64)))
    with pytest.raises(ValueError, match="heads 0…1"):
        attention_row(net, trace, 1, 2, 0)
    with pytest.raises(ValueError, match="tokens 0…15"):
        attention_row(net, trace, 1, 0, 16)
    with pytest.raises(ValueError, match="not a self_attention"):
        attention_row(net, trace, 0, 0, 0)
