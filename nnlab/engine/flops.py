"""How much arithmetic a network costs: the matrix-product FLOPs of a forward pass and of training.

The benches report achieved GFLOP/s with it, and Compare starts its costliest architectures first (so the
short ones fill in beside them rather than leaving a core idle at the end).
"""
import numpy as np


def forward_flops(net):
    """Matrix-product FLOPs of one sample's forward pass through ``net``, per layer (list)."""
    out = []
    for layer in net.layers:
        kind = layer.kind
        if kind in ("dense", "token_dense"):
            tokens = int(np.prod(layer.input_shape[:-1])) if len(layer.input_shape) > 1 else 1
            out.append(2 * tokens * layer.input_shape[-1] * layer.units)
        elif kind == "conv2d":
            c, k = layer.input_shape[0], layer.kernel
            f, oh, ow = layer.output_shape
            out.append(2 * f * c * k * k * oh * ow)
        elif kind == "patch_embed":
            t, d = layer.output_shape
            out.append(2 * t * layer.params["W"].shape[0] * d)
        elif kind == "self_attention":
            t, d = layer.input_shape
            out.append(4 * 2 * t * d * d + 2 * 2 * t * t * d)  # q, k, v, o projections; scores and A·V
        else:
            out.append(0)
    return out


def training_flops(net, n_train, n_val, epochs):
    """Matrix-product FLOPs of ``epochs`` epochs of training on ``n_train`` samples with a validation
    pass over ``n_val`` samples after each (see the module docstring)."""
    per_layer = forward_flops(net)
    forward = sum(per_layer)
    step = forward + 2 * forward - per_layer[0]  # backward: weight and input gradients, none into the data
    return epochs * (n_train * step + n_val * forward)
