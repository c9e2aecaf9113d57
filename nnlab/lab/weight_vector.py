"""A network's parameters as one flat vector θ, and the loss and its gradient as functions of θ.

The loss landscape moves θ along directions, the Hessian estimate differentiates ∇L(θ), and both
think of "the weights" as one point in a space with ``net.n_params`` dimensions. The order is fixed:
layers in order, each layer's parameters in the order of ``layer.params``.

A weight snapshot (as a run's history keeps them) is a dict layer name -> either one array (that
layer's first parameter, its weights) or a dict parameter name -> array. Parameters a snapshot does
not hold are taken from the current model, and the functions say which, so a page can tell.
"""
import numpy as np

from ..engine.copying import copy_network


def param_names(net):
    """(layer index, parameter name) of every parameter array, in vector order."""
    return [(i, name) for i, layer in enumerate(net.layers) for name in layer.params]


def get_vector(net):
    """θ as a float64 copy, shape (n_params,)."""
    arrays = [net.layers[i].params[name].reshape(-1) for i, name in param_names(net)]
    return np.concatenate(arrays).astype(np.float64) if arrays else np.zeros(0)


def set_vector(net, theta):
    """Write θ (n_params,) into the network's parameter arrays, in place."""
    theta = np.asarray(theta)
    if theta.shape != (net.n_params,):
        raise ValueError(f"the weight vector has shape {theta.shape}; this network has {net.n_params} parameters")
    start = 0
    for i, name in param_names(net):
        p = net.layers[i].params[name]
        p[...] = theta[start:start + p.size].reshape(p.shape)
        start += p.size


def split_vector(net, theta):
    """θ cut into one array per parameter, shaped like it: {(layer index, name): array} (views)."""
    out, start = {}, 0
    for i, name in param_names(net):
        p = net.layers[i].params[name]
        out[(i, name)] = theta[start:start + p.size].reshape(p.shape)
        start += p.size
    return out


def snapshot_vector(net, snapshot):
    """θ of a weight snapshot, and the names ("L1 dense b", …) of the parameters it did not hold
    (their current values are used)."""
    by_name = {layer.name: i for i, layer in enumerate(net.layers)}
    unknown = sorted(set(snapshot) - set(by_name))
    if unknown:
        raise ValueError(f"the snapshot has layers {unknown} that this network does not have")
    theta = get_vector(net)
    pieces = split_vector(net, theta)
    taken = set()
    for layer_name, arrays in snapshot.items():
        i = by_name[layer_name]
        params = net.layers[i].params
        if not isinstance(arrays, dict):  # one array: the layer's first parameter, its weights
            arrays = {next(iter(params)): arrays}
        for name, value in arrays.items():
            if name not in params:
                raise ValueError(f"the snapshot's layer {layer_name} has no parameter {name!r}")
            value = np.asarray(value)
            if value.shape != params[name].shape:
                raise ValueError(f"the snapshot's {layer_name} {name} has shape {value.shape}; the network's "
                                 f"has {params[name].shape}")
            pieces[(i, name)][...] = value
            taken.add((i, name))
    missing = [f"{net.layers[i].name} {name}" for i, name in param_names(net) if (i, name) not in taken]
    return theta, missing


def network_at(net, snapshot):
    """A copy of ``net`` with a snapshot's weights, and the names of the parameters the snapshot did not
    hold (those keep ``net``'s current values): the network as it was at that epoch, as far as it is known."""
    copy = copy_network(net)
    theta, missing = snapshot_vector(copy, snapshot)
    set_vector(copy, theta)
    return copy, missing


def loss_at(net, x, target):
    """The loss of the network's current weights on (x, target), inference mode (no dropout)."""
    return float(net.loss_value(net.forward(x, training=False), target))


def loss_and_gradient(net, x, target):
    """(L, ∇L as a float64 vector in θ's order) at the current weights, inference mode."""
    out = net.forward(x, training=False)
    loss = float(net.loss_value(out, target))
    net.backward(out, target, need_input_grad=False)
    grads = [net.layers[i].grad[name].reshape(-1) for i, name in param_names(net)]
    return loss, np.concatenate(grads).astype(np.float64)
