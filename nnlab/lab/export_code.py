"""The model as code: one standalone Python file that needs only NumPy and predicts what nnlab predicts.

Why: people who built a network want to keep it and run it elsewhere without nnlab. The file reads like
the Forward page: one small function per layer kind, each with its formula in a comment, and the
network as a sequence of calls. Weights are embedded: arrays of at most ``LITERAL_MAX_VALUES`` numbers
as literals (readable), larger ones as the hexadecimal of their little-endian bytes (exact, and decoded
with the built-in ``bytes.fromhex``, so the file imports nothing but NumPy).
"""
import numpy as np

from ..engine.activations import LEAKY_SLOPE
from ..engine.layernorm import LayerNorm

LITERAL_MAX_VALUES = 64  # arrays up to this size are written as numbers, bigger ones as hex bytes
HEX_LINE = 96  # hex characters per line of the weights section
BATCH = 256  # samples per chunk in the exported predict, so large sets need little memory

# Layer and activation functions of the exported file, by name: the source, then the names it calls.
FUNCTIONS = {
    "dense": ('''def dense(x, W, b):
    # z = x·W + b   (over the last axis, so it also applies to every token)
    return x @ W + b''', ()),
    "sigmoid": ('''def sigmoid(z):
    # a = 1 / (1 + e^−z), written as e^z / (1 + e^z) for z < 0 so that exp never overflows
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))''', ()),
    "tanh": ('''def tanh(z):
    # a = tanh z
    return np.tanh(z)''', ()),
    "relu": ('''def relu(z):
    # a = max(0, z)
    return np.maximum(z, 0)''', ()),
    "leaky_relu": (f'''def leaky_relu(z):
    # a = max({LEAKY_SLOPE}·z, z)
    return np.where(z > 0, z, {LEAKY_SLOPE} * z)''', ()),
    "softmax": ('''def softmax(z):
    # a_i = e^(z_i − max z) / Σ_j e^(z_j − max z)   (subtracting the maximum keeps exp from overflowing)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)''', ()),
    "windows": ('''def windows(x, size, stride):
    # every size×size window of the images x (n, C, H, W), moved by stride: (n, C, out_h, out_w, size, size)
    view = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(2, 3))
    return view[:, :, ::stride, ::stride]''', ()),
    "conv2d": ('''def conv2d(x, W, b, stride, pads):
    # z[n, f, i, j] = Σ_c Σ_di Σ_dj W[f, c, di, dj] · x[n, c, i·stride + di, j·stride + dj] + b[f]
    top, bottom, left, right = pads
    x = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    z = np.tensordot(windows(x, W.shape[-1], stride), W, axes=([1, 4, 5], [1, 2, 3]))  # (n, out_h, out_w, F)
    return z.transpose(0, 3, 1, 2) + b[:, None, None]''', ("windows",)),
    "maxpool2d": ('''def maxpool2d(x, size, stride):
    # y[n, c, i, j] = max of the size×size window at (i·stride, j·stride)
    return windows(x, size, stride).max(axis=(-2, -1))''', ("windows",)),
    "avgpool2d": ('''def avgpool2d(x, size, stride):
    # y[n, c, i, j] = mean of the size×size window at (i·stride, j·stride)
    return windows(x, size, stride).mean(axis=(-2, -1))''', ("windows",)),
    "flatten": ('''def flatten(x):
    # (n, C, H, W) -> (n, C·H·W), in C order
    return x.reshape(len(x), -1)''', ()),
    "patch_embed": ('''def patch_embed(x, W, b, pos, patch):
    # token t = patch_t·W + b + pos_t: each patch×patch square (channel-major), numbered row by row
    n, c, h, w = x.shape
    gh, gw = h // patch, w // patch
    patches = x.reshape(n, c, gh, patch, gw, patch).transpose(0, 2, 4, 1, 3, 5).reshape(n, gh * gw, -1)
    return patches @ W + b + pos''', ()),
    "layer_norm": (f'''def layer_norm(x, gamma, beta):
    # y = (x − mean) / √(variance + {LayerNorm.EPS}) · γ + β, over each token's features
    xc = x - x.mean(axis=-1, keepdims=True)
    return xc / np.sqrt((xc * xc).mean(axis=-1, keepdims=True) + {LayerNorm.EPS}) * gamma + beta''', ()),
    "self_attention": ('''def self_attention(x, Wq, bq, Wk, bk, Wv, bv, Wo, bo, heads, residual):
    # A = softmax(Q·Kᵀ / √d) per head (Q = x·Wq + bq, …, d = D / heads);  y = concat(A·V)·Wo + bo;  out = x + y
    n, t, d = x.shape
    def split(m):  # (n, T, D) -> (n, heads, T, d)
        return m.reshape(n, t, heads, d // heads).transpose(0, 2, 1, 3)
    q, k, v = split(x @ Wq + bq), split(x @ Wk + bk), split(x @ Wv + bv)
    attention = softmax(q @ k.transpose(0, 1, 3, 2) / (d // heads) ** 0.5)
    y = (attention @ v).transpose(0, 2, 1, 3).reshape(n, t, d) @ Wo + bo
    return x + y if residual else y''', ("softmax",)),
    "token_mean_pool": ('''def token_mean_pool(x):
    # (n, T, D) -> (n, D): the average token
    return x.mean(axis=1)''', ()),
}


# Layer kind -> the expression computing that layer from ``x`` (``args``: its weight names); None for a
# layer that does nothing at prediction time. The expression starts with the FUNCTIONS entry it calls.
CALLS = {
    "dense": lambda layer, args: f"dense(x, {args})",
    "token_dense": lambda layer, args: f"dense(x, {args})",
    "dropout": None,
    "conv2d": lambda layer, args: f"conv2d(x, {args}, stride={layer.stride}, pads={tuple(layer.pads)})",
    "maxpool2d": lambda layer, args: f"maxpool2d(x, size={layer.size}, stride={layer.stride})",
    "avgpool2d": lambda layer, args: f"avgpool2d(x, size={layer.size}, stride={layer.stride})",
    "flatten": lambda layer, args: "flatten(x)",
    "patch_embed": lambda layer, args: f"patch_embed(x, {args}, patch={layer.patch})",
    "layer_norm": lambda layer, args: f"layer_norm(x, {args})",
    "self_attention": lambda layer, args: (f"self_attention(x, {args}, heads={layer.heads}, "
                                           f"residual={layer.residual})"),
    "token_mean_pool": lambda layer, args: "token_mean_pool(x)",
}


def _with_dependencies(used):
    """The functions ``used`` plus those they call, in the order of FUNCTIONS (callees defined first)."""
    needed = set(used)
    for name in used:
        needed.update(FUNCTIONS[name][1])
    return [name for name in FUNCTIONS if name in needed]


def _array_source(array, dtype_code):
    """Python source for one parameter array: literal numbers when small, else hex of its bytes."""
    if array.size <= LITERAL_MAX_VALUES and np.all(np.isfinite(array)):
        # str of a float32/float64 scalar: the shortest decimal that reads back to exactly that value.
        text = np.array2string(array, separator=", ", threshold=array.size + 1, max_line_width=100,
                               formatter={"float_kind": str})
        return f"np.array({text}, dtype=DTYPE)"
    raw = array.astype(dtype_code).tobytes().hex()
    lines = "\n".join(f'    "{raw[i:i + HEX_LINE]}"' for i in range(0, len(raw), HEX_LINE))
    return f"weights(\n{lines},\n    {tuple(array.shape)})"


def _header(net, title):
    rows = "\n".join(f"    {r['layer']:<22} {str(r['output shape']):<16} {r['activation'] or '-':<11} "
                     f"{r['parameters']:>9,}" for r in net.summary())
    title = " ".join(str(title).split()).replace("\\", "/").replace('"', "'")  # one line that cannot end the docstring
    shaped = "" if len(net.input_shape) == 1 else f" or (n_samples, {', '.join(map(str, net.input_shape))})"
    return f'''"""{title} — a neural network exported from nnlab, runnable with NumPy alone.

    import numpy as np
    from this_file import predict
    y = predict(x)   # x: (n_samples, {net.n_inputs}){shaped}; y: (n_samples, {net.n_outputs})

predict(x) computes what nnlab computed: the same layers and the same {net.dtype.name} weights.

    layer                  output shape     activation  parameters
{rows}
    total {net.n_params:,} parameters
"""'''


def network_to_python(net, title="nnlab model"):
    """The source of a standalone NumPy module whose ``predict(x)`` reproduces ``net.predict(x)``.

    Parameters
    ----------
    net : nnlab.engine.Network (float32 or float64; trained or not)
    title : str, the first words of the file's docstring

    Returns
    -------
    str, Python source. Raises ValueError naming the layer type for a layer kind it cannot write.
    """
    calls, used, weights = [], [], []
    dtype_code = "<f4" if net.dtype == np.float32 else "<f8"
    for i, layer in enumerate(net.layers, start=1):
        names = [f"L{i}_{p}" for p in layer.params]
        if layer.kind not in CALLS:
            raise ValueError(f"layer {layer.name!r} has type {layer.kind!r}, which the code export cannot "
                             f"write; it writes {', '.join(CALLS)}")
        if CALLS[layer.kind] is None:
            calls.append(f"    # {layer.name} (rate {layer.rate}): only active in training, nothing to do here")
            continue
        expr = CALLS[layer.kind](layer, ", ".join(names))
        used.append(expr.split("(")[0])
        if layer.activation is not None and layer.activation.name != "identity":
            used.append(layer.activation.name)
            expr = f"{layer.activation.name}({expr})"
        calls.append(f"    x = {expr}  # {layer.name} -> {tuple(layer.output_shape)}")
        weights += [f"{n} = {_array_source(layer.params[p], dtype_code)}" for n, p in zip(names, layer.params)]
    functions = "\n\n\n".join(FUNCTIONS[name][0] for name in _with_dependencies(used))
    body = "\n".join(calls)
    return f'''{_header(net, title)}
import numpy as np

DTYPE = np.{net.dtype.name}
INPUT_SHAPE = {tuple(net.input_shape)}
BATCH = {BATCH}  # samples per chunk in predict, so that large sets need little memory


# ---- the layers: one function per kind, with the formula it computes ----
{functions}


# ---- the network: the layers in order ----
def forward(x):
{body}
    return x


def predict(x):
    """Outputs for any number of samples; x may be flat (n, {net.n_inputs}) or shaped (n, *INPUT_SHAPE)."""
    x = np.asarray(x, dtype=DTYPE).reshape((-1,) + INPUT_SHAPE)
    if len(x) <= BATCH:
        return forward(x)
    return np.concatenate([forward(x[i:i + BATCH]) for i in range(0, len(x), BATCH)])


# ---- the weights: literal numbers, or the hexadecimal of their {dtype_code} bytes ----
def weights(hex_bytes, shape):
    return np.frombuffer(bytes.fromhex(hex_bytes), dtype="{dtype_code}").astype(DTYPE).reshape(shape)


{chr(10).join(weights)}
'''
