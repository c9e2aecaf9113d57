"""Small float64 networks of every kind, and a central-difference gradient, for the Explain tests."""
import numpy as np

MLP = {"input_shape": [6], "dtype": "float64", "seed": 5, "layers": [
    {"type": "dense", "units": 7, "activation": "tanh"},
    {"type": "dense", "units": 3, "activation": "softmax"}]}
CNN = {"input_shape": [1, 8, 8], "dtype": "float64", "seed": 3, "layers": [
    {"type": "conv2d", "filters": 3, "kernel": 3, "activation": "tanh"},
    {"type": "avgpool2d", "size": 2},
    {"type": "flatten"},
    {"type": "dense", "units": 5, "activation": "tanh"},
    {"type": "dense", "units": 4, "activation": "softmax"}]}
ATTENTION = {"input_shape": [1, 8, 8], "dtype": "float64", "seed": 4, "layers": [
    {"type": "patch_embed", "patch": 4, "dim": 8},
    {"type": "layer_norm"},
    {"type": "self_attention", "heads": 2},
    {"type": "token_dense", "units": 6, "activation": "tanh"},
    {"type": "token_mean_pool"},
    {"type": "dense", "units": 3, "activation": "softmax"}]}
SPECS = {"mlp": MLP, "cnn": CNN, "attention": ATTENTION}


def numeric_gradient(f, x, eps=1e-6):
    """∂f/∂x by central differences, one entry at a time (f returns a float)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + eps
        plus = f(x)
        flat[j] = old - eps
        minus = f(x)
        flat[j] = old
        out[j] = (plus - minus) / (2 * eps)
    return grad


def logits(net, x):
    """The last layer's z for a batch, read from the network's own forward trace."""
    return net.forward_trace(np.atleast_2d(x))[-1].z
