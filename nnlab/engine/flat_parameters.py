"""All of a network's parameters in one flat array, and all their gradients in another.

Why: every optimiser rule is elementwise, so with one flat vector the optimiser runs each of its few
NumPy operations once per step for the whole network, instead of once per parameter array (a bias of
ten numbers costs as much per call as a weight matrix). Layers keep their ``params`` and ``grad``
dicts, but the arrays in them are views into these two buffers: a layer changes a parameter only in
place and writes its gradients with ``out=``, so nothing is copied together on each step.
"""

from . import aligned


class FlatParameters:
    """``values`` and ``grads``: 1-D arrays holding every parameter (gradient) of ``layers`` back to back,
    in layer order and, within a layer, in the order of its ``params`` dict.

    Building it moves the layers' current parameter values into ``values`` and points each layer's
    ``params[name]`` and ``grad[name]`` at its slice; gradients start at zero.
    """

    def __init__(self, layers, dtype):
        entries = [(layer, name, p) for layer in layers for name, p in layer.params.items()]
        n = sum(p.size for _, _, p in entries)
        self.values, self.grads = aligned.empty(n, dtype), aligned.zeros(n, dtype)  # see engine.aligned
        self.decay_slices = []  # L2 weight decay applies to weight matrices and kernels, not to biases
        weights, every = {layer: [] for layer in layers}, {layer: [] for layer in layers}
        start = 0
        for layer, name, p in entries:
            part = slice(start, start + p.size)
            start += p.size
            self.values[part] = p.reshape(-1)
            layer.params[name] = self.values[part].reshape(p.shape)
            layer.grad[name] = self.grads[part].reshape(p.shape)
            every[layer].append(part)
            if p.ndim >= 2:
                weights[layer].append(part)
                self.decay_slices.append(part)
        # Per layer, the slices its weight norm is taken over: its weight arrays, or (layer norm) all of them.
        self.layer_slices = [(layer, weights[layer] or every[layer]) for layer in layers]
        # The same, with the views of ``values`` and ``grads`` over them made once: the buffers never move, and a
        # per-step norm over a 100k-weight matrix is only a few microseconds, so slicing anew each step would show.
        self.layer_views = [(layer, parts, [self.values[p] for p in parts], [self.grads[p] for p in parts])
                            for layer, parts in self.layer_slices]
        # Per layer, the one slice of all its parameters (back to back, in its params' order): its histograms.
        self.layer_blocks = [(layer, slice(every[layer][0].start, every[layer][-1].stop))
                             for layer in layers if every[layer]]
