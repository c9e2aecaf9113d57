"""Layers for a small vision transformer: patches become tokens, tokens attend to each other.

Tokens are laid out (n, T, D): n samples, T tokens (image patches), D features per token.

- ``PatchEmbed`` cuts the image into p×p patches, projects each linearly to D features and adds a
  learned position embedding (attention alone cannot tell where a patch came from).
- ``SelfAttention`` is multi-head scaled dot-product attention, softmax(Q·Kᵀ/√d)·V per head, with
  Q/K/V/output projections and a residual connection; it keeps the attention weights
  (n, heads, T, T) for the pages to show.
- ``TokenDense`` (a dense layer applied to every token) and ``TokenMeanPool`` complete a transformer
  block (with ``layernorm.LayerNorm``) and hand a flat (n, D) vector to an ordinary dense head.
"""
import numpy as np

from ..i18n import _
from .activations import get_activation
from .initializers import initialize
from .layers import Dense, Layer, positive_int

# Position embeddings start at about the scale of a patch's projection (ViT uses 0.02, for far longer
# training): with the few epochs a page trains for, tiny ones are learned too slowly to help
# (measured on the preset: 87% test accuracy after 4 epochs with 0.02, 91% with 0.5).
POSITION_SIGMA = 0.5


def _tokens_shape(kind, input_shape):
    if len(input_shape) != 2:
        raise ValueError(_("{kind} needs tokens (tokens, features), got shape {shape}; put a 'patch_embed' layer "
                           "before it", kind=kind, shape=tuple(input_shape)))
    return tuple(int(s) for s in input_shape)


def _row_sums(x):
    """Σ over the last axis, keeping it (length 1). NumPy reduces many short rows slowly; a product
    with a vector of ones is the same sum, several times faster."""
    return (x @ np.ones(x.shape[-1], dtype=x.dtype))[..., None]


def _affine(x2, w, b):
    """x2·w + b, the bias added in place: one fresh (n·T, D) array, not two."""
    out = x2 @ w
    out += b
    return out


UNDERFLOW = 1e-30  # a row whose exps sum below this lost its precision to underflow


def _softmax(s):
    """Softmax over the last axis of the scores s (n, heads, T, T).

    Softmax is unchanged by subtracting any number from a row; subtracting each row's maximum keeps
    exp from overflowing. The maximum of each whole (T, T) matrix does that job as well and is much
    cheaper to find, except for a row so far below its matrix's maximum that its exps underflow: such
    rows (rare) are redone with their own maximum.
    """
    e = s - s.reshape(s.shape[:-2] + (-1,)).max(axis=-1)[..., None, None]
    np.exp(e, out=e)
    total = _row_sums(e)
    low = total[..., 0] < UNDERFLOW
    if low.any():
        rows = s[low]
        rows = np.exp(rows - rows.max(axis=-1, keepdims=True))
        e[low] = rows
        total[low] = rows.sum(axis=-1, keepdims=True)
    e /= total
    return e


class PatchEmbed(Layer):
    """(C, H, W) image -> (T, D) tokens: each p×p patch (flattened channel-major, C·p·p values) times
    W (C·p·p, D), plus b and the position embedding ``pos`` (T, D). Patches are numbered row by row."""
    kind = "patch_embed"

    def __init__(self, patch=4, dim=32, init=None):
        super().__init__()
        self.patch, self.dim, self.init = positive_int("patch", patch), positive_int("dim", dim), init

    def build(self, input_shape, rng, dtype, init, sigma):
        if len(input_shape) != 3:
            raise ValueError(_("{kind} needs an image input (channels, height, width), got shape {shape}; set "
                               "input_shape to e.g. [1, 28, 28]", kind="patch_embed", shape=tuple(input_shape)))
        c, h, w = (int(s) for s in input_shape)
        p = self.patch
        if h % p or w % p:
            raise ValueError(_("patch={p} does not divide the {h}×{w} image; choose a patch size that divides both "
                               "(for 28×28: 2, 4, 7, 14)", p=p, h=h, w=w))
        self.grid = (h // p, w // p)
        t, n_in = self.grid[0] * self.grid[1], c * p * p
        self.params = {
            "W": initialize(self.init or init, (n_in, self.dim), n_in, self.dim, rng, sigma, dtype),
            "b": np.zeros(self.dim, dtype=dtype),
            "pos": initialize("normal", (t, self.dim), t, self.dim, rng, POSITION_SIGMA, dtype),
        }
        self.input_shape, self.output_shape = (c, h, w), (t, self.dim)
        return self.output_shape

    def _patches(self, x):
        n, c = x.shape[:2]
        (gh, gw), p = self.grid, self.patch
        # (n, C, gh, p, gw, p) -> (n, gh, gw, C, p, p) -> (n·T, C·p·p): one row per patch
        return x.reshape(n, c, gh, p, gw, p).transpose(0, 2, 4, 1, 3, 5).reshape(n * gh * gw, c * p * p)

    def forward(self, x, training=False):
        patches = self._patches(x)
        self.cache = patches
        out = (patches @ self.params["W"]).reshape((x.shape[0],) + self.output_shape)  # explain: patch_embed z
        out += self.params["b"]
        out += self.params["pos"]
        return out

    def backward(self, grad_out, need_input_grad=True):
        patches = self.cache
        g2 = grad_out.reshape(-1, self.dim)
        np.matmul(patches.T, g2, out=self.grad_buffer("W"))
        np.add.reduce(g2, axis=0, out=self.grad_buffer("b"))
        np.add.reduce(grad_out, axis=0, out=self.grad_buffer("pos"))
        if not need_input_grad:
            return None
        n = grad_out.shape[0]
        c = self.input_shape[0]
        (gh, gw), p = self.grid, self.patch
        dp = g2 @ self.params["W"].T  # (n·T, C·p·p)
        return dp.reshape(n, gh, gw, c, p, p).transpose(0, 3, 1, 4, 2, 5).reshape((n,) + self.input_shape)

    def config(self):
        cfg = {"type": self.kind, "patch": self.patch, "dim": self.dim}
        if self.init:
            cfg["init"] = self.init
        return cfg


class SelfAttention(Layer):
    """Multi-head self-attention over tokens (n, T, D):

        Q, K, V = x·W_q + b_q, x·W_k + b_k, x·W_v + b_v      split into ``heads`` heads of D/heads
        A = softmax(Q·Kᵀ / √(D/heads))                          (n, heads, T, T), each row sums to 1
        y = concat_heads(A·V)·W_o + b_o;   out = x + y (residual) or y

    The residual keeps each token's own features flowing past the mixing, which makes training stable.
    An optional ``activation`` is applied to ``out`` (z = out, a = f(z)).
    """
    kind = "self_attention"
    NAMES = ("q", "k", "v")

    def __init__(self, heads=4, activation=None, residual=True, init=None):
        super().__init__()
        self.heads, self.residual, self.init = positive_int("heads", heads), bool(residual), init
        self.activation = None if activation is None else get_activation(activation)

    def build(self, input_shape, rng, dtype, init, sigma):
        t, d = _tokens_shape("self_attention", input_shape)
        if d % self.heads:
            raise ValueError(_("heads={heads} does not divide the token size {d}; choose a number of heads that "
                               "divides {d}", heads=self.heads, d=d))
        self.params = {}
        for name in self.NAMES + ("o",):
            self.params["W" + name] = initialize(self.init or init, (d, d), d, d, rng, sigma, dtype)
            self.params["b" + name] = np.zeros(d, dtype=dtype)
        self.input_shape = self.output_shape = (t, d)
        return self.output_shape

    def _split(self, m, n, t):
        # (n·T, D) -> (n, heads, T, D/heads)
        return m.reshape(n, t, self.heads, -1).transpose(0, 2, 1, 3)

    def forward(self, x, training=False):
        n, t, d = x.shape
        p = self.params
        x2 = x.reshape(-1, d)
        q, k, v = (self._split(_affine(x2, p["W" + s], p["b" + s]), n, t) for s in self.NAMES)  # explain: attention qkv
        # Scale the queries rather than the (T×T) scores: the same numbers, a third of the work.
        qs = q * float(1.0 / np.sqrt(d // self.heads))
        attn = _softmax(qs @ k.transpose(0, 1, 3, 2))  # explain: attention scores
        # explain: attention heads
        heads_out = (attn @ v).transpose(0, 2, 1, 3).reshape(n * t, d)  # concat heads per token
        out = (heads_out @ p["Wo"]).reshape(n, t, d)  # explain: attention output
        out += p["bo"]
        if self.residual:
            out += x
        self.cache = (x2, qs, k, v, attn, heads_out)
        if self.activation is None:
            return out
        self.z, self.a = out, self.activation.f(out)
        return self.a

    def backward(self, grad_out, need_input_grad=True):
        if self.activation is not None:
            grad_out = self.activation.backward(self.z, self.a, grad_out)
        return self._backward(grad_out, need_input_grad)

    def backward_from_z(self, delta, need_input_grad=True):
        if self.activation is None:
            raise NotImplementedError("self_attention without an activation has no z to fuse with")
        return self._backward(delta, need_input_grad)

    def _backward(self, g, need_input_grad):
        # Also the whole backward when there is no activation (backward calls it with ∂L/∂out).
        self.delta = g
        x2, qs, k, v, attn, heads_out = self.cache
        n, t, d = g.shape
        p = self.params
        scale = float(1.0 / np.sqrt(d // self.heads))
        g2 = g.reshape(-1, d)
        np.matmul(heads_out.T, g2, out=self.grad_buffer("Wo"))
        np.add.reduce(g2, axis=0, out=self.grad_buffer("bo"))
        d_heads = self._split(g2 @ p["Wo"].T, n, t)                 # ∂L/∂(A·V), (n, h, T, dh)
        dv = attn.transpose(0, 1, 3, 2) @ d_heads
        # softmax backward, row by row: ∂L/∂S = A ⊙ (∂L/∂A − Σ_j A_j·∂L/∂A_j), in place.
        ds = d_heads @ v.transpose(0, 1, 3, 2)                       # ∂L/∂A
        ds -= _row_sums(ds * attn)
        ds *= attn
        dq = ds @ k
        dq *= scale                                                  # S = (scale·Q)·Kᵀ
        dk = ds.transpose(0, 1, 3, 2) @ qs
        dx = g2.copy() if (self.residual and need_input_grad) else None
        for s, dm in zip(self.NAMES, (dq, dk, dv)):
            dm2 = dm.transpose(0, 2, 1, 3).reshape(n * t, d)  # back to (n·T, D)
            np.matmul(x2.T, dm2, out=self.grad_buffer("W" + s))
            np.add.reduce(dm2, axis=0, out=self.grad_buffer("b" + s))
            if need_input_grad:
                part = dm2 @ p["W" + s].T
                if dx is None:
                    dx = part
                else:
                    dx += part  # in place: the same sum, one array fewer
        return dx.reshape(n, t, d) if need_input_grad else None

    def trace_extras(self):
        return {} if self.cache is None else {"attention": self.cache[4]}

    def config(self):
        cfg = {"type": self.kind, "heads": self.heads, "residual": self.residual}
        if self.activation is not None:
            cfg["activation"] = self.activation.name
        if self.init:
            cfg["init"] = self.init
        return cfg


class TokenDense(Dense):
    """A dense layer applied to every token separately, with shared weights: (n, T, D) -> (n, T, units).
    W has shape (D, units), like Dense; this is the feed-forward half of a transformer block."""
    kind = "token_dense"

    def build(self, input_shape, rng, dtype, init, sigma):
        return self._build_weights(_tokens_shape("token_dense", input_shape), rng, dtype, init, sigma)


class TokenMeanPool(Layer):
    """(n, T, D) -> (n, D): the average token, a flat summary a dense head can classify."""
    kind = "token_mean_pool"

    def build(self, input_shape, rng, dtype, init, sigma):
        t, d = _tokens_shape("token_mean_pool", input_shape)
        self.input_shape, self.output_shape = (t, d), (d,)
        return self.output_shape

    def forward(self, x, training=False):
        self.cache = x.shape
        return x.mean(axis=1)  # explain: token_mean_pool

    def backward(self, grad_out, need_input_grad=True):
        n, t, d = self.cache
        return np.broadcast_to(grad_out[:, None, :] * (1.0 / t), (n, t, d)).copy()

