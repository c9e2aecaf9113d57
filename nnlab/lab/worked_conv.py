"""One convolution worked in numbers, forwards and backwards (CNN Explainer's click-a-cell view).

Forwards, for a position (filter f, row y, column x) of a feature map: the C×k×k input window, the
kernel W[f], their elementwise products, the sum plus the bias b[f], and the activation — arriving at
the z and a the engine's ``forward_trace`` holds there. Backwards: the δ of that position and its share
of ∂L/∂W[f] (δ times the window), and one kernel weight's gradient as the sum over every position
∂L/∂W[f,c,u,v] = Σ_{y,x} δ[f,y,x]·x[c, s·y+u, s·x+v].

The operands (input, W, b, z, a, δ, ∂L/∂W) are the engine's; padding follows the engine's
``conv_padding``, so a window hanging over the border reads zeros exactly where the engine does.
"""
from dataclasses import dataclass

import numpy as np

from nnlab.engine import ACTIVATIONS
from nnlab.engine.conv import conv_padding

from .terms import TermSum, tex, tex_operand, tex_terms, term_sum

LATEX_TERMS = 5  # products written out in a position's formula (all of them are in its table)


@dataclass(frozen=True)
class ConvPosition:
    """z[f, y, x] = Σ_{c,u,v} W[f,c,u,v]·x[c, s·y+u, s·x+v] + b[f], a = f(z), with its numbers."""
    layer: int
    filter: int
    row: int
    col: int
    top: int  # input row of the window's first row (negative when it starts in the padding)
    left: int  # input column of the window's first column
    window: np.ndarray  # (C, k, k) input values, 0 in the padding
    padding: np.ndarray  # (k, k) bool: True where the window lies over the zero border
    kernel: np.ndarray  # (C, k, k), W[f]
    products: np.ndarray  # (C, k, k), window ⊙ kernel
    channel_sums: np.ndarray  # (C,), Σ of each channel's k×k products
    terms: TermSum  # the largest products, indices (c, u, v)
    bias: float
    reproduced_z: float  # Σ products + b
    z: float  # the engine's z
    activation: str
    a: float  # the engine's a
    latex: str


@dataclass(frozen=True)
class KernelGradient:
    """∂L/∂W[f,c,u,v] as the sum over output positions of δ[f,y,x]·x[c, s·y+u, s·x+v]."""
    layer: int
    index: tuple  # (f, c, u, v)
    terms: TermSum  # indices (y, x), factors (δ, x)
    grad: float  # the engine's ∂L/∂W[f,c,u,v]
    latex: str


@dataclass(frozen=True)
class ConvDelta:
    """δ of one output position, δ = ∂L/∂a·f′(z), and what it adds to ∂L/∂W[f] and ∂L/∂b[f]."""
    layer: int
    filter: int
    row: int
    col: int
    next_layer: int
    dL_da: float  # what layer ``next_layer``'s backward returned for this position
    fprime: float
    reproduced: float
    delta: float  # the engine's δ
    kernel_share: np.ndarray  # (C, k, k), δ·window: this position's term of ∂L/∂W[f]
    latex: str


def _conv(net, layer):
    if not 0 <= layer < len(net.layers) or net.layers[layer].kind != "conv2d":
        kind = net.layers[layer].kind if 0 <= layer < len(net.layers) else "missing"
        raise ValueError(f"layer index={layer} is {kind}, not a conv2d layer")
    return net.layers[layer]


def padded_input(net, layer, x):
    """x (n, C, H, W) with the zero border the engine adds for this layer; and (kernel, stride)."""
    cfg = net.layers[layer].config()
    k, s = cfg["kernel"], cfg["stride"]
    top, bottom, _ = conv_padding(x.shape[2], k, s, cfg["padding"])
    left, right, _ = conv_padding(x.shape[3], k, s, cfg["padding"])
    return np.pad(x.astype(np.float64), ((0, 0), (0, 0), (top, bottom), (left, right))), k, s, (top, left)


def _position(net, layer, shape, f, row, col):
    if not (0 <= f < shape[0] and 0 <= row < shape[1] and 0 <= col < shape[2]):
        raise ValueError(f"position ({f}, {row}, {col}): layer {layer + 1}'s feature maps have shape {shape}")


def conv_position(net, trace, layer, f, row, col, sample=0):
    """The convolution at (filter ``f``, ``row``, ``col``) of conv ``layer``, from a forward trace."""
    _conv(net, layer)
    tr = trace[layer]
    _position(net, layer, tr.z.shape[1:], f, row, col)
    padded, k, s, (top, left) = padded_input(net, layer, tr.input[sample:sample + 1])
    window = padded[0, :, s * row:s * row + k, s * col:s * col + k]
    rows, cols = top - s * row, left - s * col  # offset of the real image inside this window
    h, w = tr.input.shape[2:]
    uu, vv = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    pad_mask = (uu < rows) | (uu >= rows + h) | (vv < cols) | (vv >= cols + w)
    kernel = tr.params["W"][f].astype(np.float64)
    products = window * kernel
    terms = term_sum(kernel, window, top=k * k)
    bias = float(tr.params["b"][f])
    z, a = float(tr.z[sample, f, row, col]), float(tr.a[sample, f, row, col])
    reproduced = terms.total + bias
    # a line per step, the largest LATEX_TERMS products written out: the whole sum is wider than the page
    latex = (rf"\begin{{aligned}} z_{{{f},{row},{col}}} &= \sum_{{c,u,v}} W_{{{f},c,u,v}}\, "
             rf"x_{{c,{s}\cdot{row}+u,{s}\cdot{col}+v}} + b_{{{f}}} \\"
             rf" &= {tex_terms(term_sum(kernel, window, top=LATEX_TERMS))} + {tex_operand(bias)} \\"
             rf" &= {tex(reproduced)} \\"
             rf" a &= \mathrm{{{tr.activation}}}({tex(z)}) = {tex(a)} \end{{aligned}}")
    return ConvPosition(layer, f, row, col, -rows, -cols, window, pad_mask, kernel, products,
                        products.sum(axis=(1, 2)), terms, bias, reproduced, z, tr.activation, a, latex)


def kernel_inputs(net, layer, x, channel, u, v):
    """x[n, c, s·y+u, s·x+v] at every output position (y, x): what kernel weight W[·, c, u, v] multiplies
    there, (n, out_h, out_w). Times δ[n, f] and summed, they give ∂L/∂W[f, c, u, v]."""
    padded, k, s, _ = padded_input(net, layer, x)
    oh, ow = net.layers[layer].output_shape[1:]
    return padded[:, channel, u:u + s * (oh - 1) + 1:s, v:v + s * (ow - 1) + 1:s]


def conv_kernel_gradient(net, trace, layer, index, top=5):
    """∂L/∂W[f,c,u,v] of conv ``layer`` as a sum over positions, from a one-sample backward trace."""
    _conv(net, layer)
    index = tuple(int(i) for i in index)
    shape = trace.forward[layer].params["W"].shape
    if len(index) != 4 or not all(0 <= i < n for i, n in zip(index, shape)):
        raise ValueError(f"kernel index {index}: layer {layer + 1}'s W has shape {shape}")
    f, c, u, v = index
    step = "" if net.layers[layer].config()["stride"] == 1 else str(net.layers[layer].config()["stride"])
    seen = kernel_inputs(net, layer, trace.forward[layer].input, c, u, v)
    terms = term_sum(trace.layers[layer].delta[0, f], seen[0], top=top)
    latex = (rf"\frac{{\partial L}}{{\partial W_{{{f},{c},{u},{v}}}}} = \sum_{{y,x}} \delta_{{{f},y,x}}\,"
             rf"x_{{{c},{step}y+{u},{step}x+{v}}} = {tex_terms(terms)} = {tex(terms.total)}")
    return KernelGradient(layer, index, terms, float(trace.layers[layer].grads["W"][index]), latex)


def conv_delta(net, trace, layer, f, row, col):
    """δ at (``f``, ``row``, ``col``) of conv ``layer`` and its share of the kernel's gradient."""
    _conv(net, layer)
    if layer == len(net.layers) - 1:
        raise ValueError("a conv2d output layer has no following layer to take ∂L/∂a from")
    tr = trace.forward[layer]
    _position(net, layer, tr.z.shape[1:], f, row, col)
    dL_da = float(trace.layers[layer + 1].grad_input[0, f, row, col])
    zz, aa = tr.z[0, f, row:row + 1, col], tr.a[0, f, row:row + 1, col]
    fprime = float(ACTIVATIONS[tr.activation].df(zz, aa)[0])
    delta = float(trace.layers[layer].delta[0, f, row, col])
    padded, k, s, _ = padded_input(net, layer, tr.input)
    window = padded[0, :, s * row:s * row + k, s * col:s * col + k]
    reproduced = dL_da * fprime
    latex = (rf"\delta_{{{f},{row},{col}}} = \frac{{\partial L}}{{\partial a}}\, f'(z) = {tex_operand(dL_da)}"
             rf" \cdot {tex_operand(fprime)} = {tex(reproduced)};\quad \frac{{\partial L}}{{\partial W_{{{f}}}}}"
             rf" \mathrel{{+}}= \delta \cdot x_{{\text{{window}}}},\; \frac{{\partial L}}{{\partial b_{{{f}}}}}"
             rf" \mathrel{{+}}= {tex(delta)}")
    return ConvDelta(layer, f, row, col, layer + 1, dL_da, fprime, reproduced, delta, delta * window, latex)
