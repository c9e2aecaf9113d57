"""Part of a network, forward and back: the output of any layer, and the gradient of any function of it
with respect to the input (or to an earlier layer's output).

Attribution views need ∂(class score)/∂input and ∂(class score)/∂(a conv layer's maps); feature
visualisation needs ∂(a unit's activation)/∂input. Training only ever starts backward from the loss,
so these start it from a gradient the caller chooses, using each layer's own ``forward``/``backward``.

They overwrite the layers' caches and ``grad`` arrays: run them on a copy (``copying.copy_network``),
never on a model someone is training or showing.
"""
import numpy as np


def check_layer_index(net, index):
    """``index`` as an int in 0 … len(layers) − 1, or a ValueError naming the valid range."""
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) \
            or not 0 <= index < len(net.layers):
        raise ValueError(f"layer index={index!r}: this network has layers 0…{len(net.layers) - 1}")
    return int(index)


def forward_to(net, x, index, pre_activation=False, start=0):
    """Run layers ``start`` … ``index`` in inference mode; return layer ``index``'s output a, or its
    pre-activation z with ``pre_activation`` (layers without an activation: their output).

    x : the input of layer ``start``: for ``start=0`` the samples, flat (n_samples, n_features) like
    every dataset or already in ``net.input_shape``; else (n_samples,) + layer ``start − 1``'s output shape.
    Returns (n_samples,) + layer ``index``'s output shape.
    """
    index = check_layer_index(net, index)
    if not 0 <= start <= index:
        raise ValueError(f"start={start!r}: give a layer from 0 to {index}")
    out = np.asarray(x, dtype=net.dtype)
    if start == 0:
        out = out[None] if out.ndim == 1 else out
        if out.size != len(out) * net.n_inputs:
            raise ValueError(f"input has {out.size // max(len(out), 1)} values per sample, the network "
                             f"expects {net.n_inputs} (input_shape={net.input_shape})")
        out = out.reshape((len(out),) + net.input_shape)
    for layer in net.layers[start:index + 1]:
        out = layer.forward(out, training=False)
    last = net.layers[index]
    return last.z if (pre_activation and last.activation is not None) else out


def backward_from(net, index, grad, to=-1, pre_activation=False):
    """After ``forward_to(net, x, index, pre_activation)``: given ``grad`` = ∂S/∂(that output), return
    ∂S/∂(output of layer ``to``), or ∂S/∂input for ``to=-1`` (in the network's input shape)."""
    index = check_layer_index(net, index)
    if not -1 <= to < index:
        raise ValueError(f"to={to!r}: give a layer below {index} (or -1 for the input)")
    layer = net.layers[index]
    grad = np.asarray(grad, dtype=net.dtype)
    if pre_activation and layer.activation is not None:
        grad = layer.backward_from_z(grad)
    else:
        grad = layer.backward(grad)
    for i in range(index - 1, to, -1):
        grad = net.layers[i].backward(grad)
    return grad


def input_gradient(net, x, index, grad_fn, pre_activation=False):
    """The value of layer ``index`` on x and ∂S/∂x, where S = Σ grad ⊙ value and grad = grad_fn(value).

    ``grad_fn`` maps the layer's output (n, …) to the gradient to push back, e.g. a one-hot on the
    chosen class. Returns (value, grad_x) with grad_x shaped like x.
    """
    x = np.asarray(x, dtype=net.dtype)
    value = forward_to(net, x, index, pre_activation)
    grad = backward_from(net, index, grad_fn(value), -1, pre_activation)
    return value, grad.reshape(x.shape)
