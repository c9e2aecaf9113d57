"""One pooling window worked in numbers, forwards and backwards.

Forwards, an output of max-pooling is the largest value of its size×size window (average pooling: the
mean). Backwards, max-pooling sends the whole gradient to the position that held the maximum and
nothing to the others; average pooling shares it equally, gradient/size² each. The window and the
gradient arriving at it come from the engine's traces; ``engine_window`` is the engine's own ∂L/∂input
over the window, which equals this window's ``share`` whenever windows do not overlap (stride = size).
"""
from dataclasses import dataclass

import numpy as np

from nnlab.i18n import _

from .terms import tex, tex_operand

POOLS = ("maxpool2d", "avgpool2d")


@dataclass(frozen=True)
class PoolWindow:
    """An output of a pooling layer as max (or mean) of its window."""
    layer: int
    kind: str  # "maxpool2d" or "avgpool2d"
    channel: int
    row: int
    col: int
    top: int  # input row and column of the window's first cell
    left: int
    window: np.ndarray  # (size, size), the engine's input values
    winner: tuple | None  # (u, v) in the window of the first maximum in reading order (max-pooling only)
    reproduced: float  # max or mean of the window
    value: float  # the engine's output
    latex: str


@dataclass(frozen=True)
class PoolGradient:
    """Where the gradient of one pooling output goes: to the max's position, or spread evenly."""
    layer: int
    kind: str
    channel: int
    row: int
    col: int
    grad_out: float  # ∂L/∂(this output), as the next layer's backward returned it
    winner: tuple | None
    share: np.ndarray  # (size, size), what this output sends back to each input of its window
    engine_window: np.ndarray  # (size, size), the engine's ∂L/∂input over the window
    overlapping: bool  # windows overlap (stride < size): engine_window adds the neighbours' shares too
    latex: str


def _pool(net, layer, channel, row, col):
    if not 0 <= layer < len(net.layers) or net.layers[layer].kind not in POOLS:
        raise ValueError(f"layer index={layer} is not a pooling layer ({' or '.join(POOLS)})")
    cfg = net.layers[layer].config()
    shape = net.layers[layer].output_shape
    if not (0 <= channel < shape[0] and 0 <= row < shape[1] and 0 <= col < shape[2]):
        raise ValueError(f"position ({channel}, {row}, {col}): layer {layer + 1}'s output has shape {shape}")
    return net.layers[layer].kind, cfg["size"], cfg["stride"]


def _window(x, channel, row, col, size, stride):
    top, left = stride * row, stride * col
    return top, left, np.asarray(x[channel, top:top + size, left:left + size], dtype=np.float64)


def pool_window(net, trace, layer, channel, row, col, sample=0):
    """Output (``channel``, ``row``, ``col``) of pooling ``layer`` from a forward trace."""
    kind, size, stride = _pool(net, layer, channel, row, col)
    tr = trace[layer]
    top, left, window = _window(tr.input[sample], channel, row, col, size, stride)
    value = float(tr.a[sample, channel, row, col])
    cell = rf"a_{{{channel},{row},{col}}}"
    if kind == "maxpool2d":
        winner = tuple(int(i) for i in np.unravel_index(np.argmax(window), window.shape))
        reproduced = float(window[winner])
        latex = (rf"{cell} = \max_{{u,v}} x_{{{channel},{top}+u,{left}+v}} = "
                 rf"x_{{{channel},{top + winner[0]},{left + winner[1]}}} = {tex(reproduced)}")
    else:
        winner = None
        reproduced = float(window.mean())
        latex = (rf"{cell} = \frac{{1}}{{{size * size}}}\sum_{{u,v}} x_{{{channel},{top}+u,{left}+v}}"
                 rf" = \frac{{{tex(window.sum())}}}{{{size * size}}} = {tex(reproduced)}")
    return PoolWindow(layer, kind, channel, row, col, top, left, window, winner, reproduced, value, latex)


def pool_gradient(net, trace, layer, channel, row, col):
    """Where ∂L/∂(output ``channel``, ``row``, ``col``) of pooling ``layer`` goes, from a backward trace."""
    kind, size, stride = _pool(net, layer, channel, row, col)
    grad_out = float(trace.layers[layer].delta[0, channel, row, col])
    _rows, _cols, engine_window = _window(trace.layers[layer].grad_input[0], channel, row, col, size, stride)
    cell = rf"\frac{{\partial L}}{{\partial a_{{{channel},{row},{col}}}}}"
    if kind == "maxpool2d":
        winner = pool_window(net, trace.forward, layer, channel, row, col).winner
        share = np.zeros((size, size))
        share[winner] = grad_out
        to_max, to_others = _("all to the max at "), _(" 0 to the others")
        latex = (rf"{cell} = {tex(grad_out)} \;\rightarrow\; \text{{{to_max}}} (u,v) = {winner},"
                 rf"\text{{{to_others}}}")
    else:
        winner = None
        share = np.full((size, size), grad_out / size ** 2)
        to_each = _(" to each of the {n} inputs", n=size * size)
        latex = (rf"{cell} = {tex(grad_out)} \;\rightarrow\; \frac{{{tex_operand(grad_out)}}}{{{size * size}}}"
                 rf" = {tex(grad_out / size ** 2)} \text{{{to_each}}}")
    return PoolGradient(layer, kind, channel, row, col, grad_out, winner, share, engine_window, stride < size, latex)
