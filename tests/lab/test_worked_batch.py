"""Per-sample gradients from one batch trace, against one backward pass per sample."""
import numpy as np
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.lab.worked_batch import batch_gradient

CNN = {"input_shape": [1, 6, 6], "dtype": "float64", "seed": 3, "layers": [
    {"type": "conv2d", "filters": 2, "kernel": 3, "stride": 2, "padding": "same"}, {"type": "flatten"},
    {"type": "dense", "units": 3, "activation": "softmax"}]}
TOKENS = {"input_shape": [1, 4, 4], "dtype": "float64", "seed": 3, "layers": [
    {"type": "patch_embed", "patch": 2, "dim": 4}, {"type": "token_dense", "units": 5, "activation": "tanh"},
    {"type": "token_mean_pool"}, {"type": "dense", "units": 3, "activation": "softmax"}]}


def _batch(net, n=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, net.n_inputs)), np.eye(net.n_outputs)[rng.integers(0, net.n_outputs, n)]


@pytest.mark.parametrize("spec,layer,param,index", [
    (mlp_spec([5, 4, 3], dtype="float64", seed=3), 0, "W", (2, 1)),
    (mlp_spec([5, 4, 3], dtype="float64", seed=3), 1, "b", (2,)),
    (CNN, 0, "W", (1, 0, 2, 0)),
    (CNN, 0, "b", (1,)),
    (TOKENS, 1, "W", (3, 4)),
    (TOKENS, 1, "b", (0,)),
])
def test_per_sample_gradients_match_one_pass_per_sample(spec, layer, param, index):
    net = Network(spec)
    x, t = _batch(net)
    result = batch_gradient(net, net.backward_trace(x, t), layer, param, index)
    alone = [net.backward_trace(x[n:n + 1], t[n:n + 1]).layers[layer].grads[param][index] for n in range(len(x))]
    np.testing.assert_allclose(result.per_sample, alone, rtol=1e-10, atol=1e-14)
    assert result.mean == pytest.approx(np.mean(alone), rel=1e-10, abs=1e-14)
    assert result.grad == pytest.approx(result.mean, rel=1e-10, abs=1e-14)  # the engine's batch gradient
    assert result.n_push_down == sum(g > 0 for g in alone) and result.n_push_up == sum(g < 0 for g in alone)
    assert list(result.order) == list(np.argsort(-np.abs(alone), kind="stable"))


def test_other_layers_and_bad_indices_are_refused():
    net = Network(TOKENS)
    trace = net.backward_trace(*_batch(net))
    with pytest.raises(ValueError, match="dense and conv2d"):
        batch_gradient(net, trace, 0, "W", (0, 0))
    with pytest.raises(ValueError, match=r"shape \(4, 5\)"):
        batch_gradient(net, trace, 1, "W", (4, 0))
    with pytest.raises(ValueError, match="no parameter 'gamma'"):
        batch_gradient(net, trace, 1, "gamma", (0,))
