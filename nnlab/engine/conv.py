"""Convolution and pooling layers on images indexed (n, channels, height, width), as in PyTorch.

Why im2col: a convolution is a dot product of every k×k window with every kernel. Copying the windows
into the columns of one matrix (k·k slice copies, one per kernel offset — never a loop over pixels or
samples) turns the whole layer into three matrix products that BLAS runs at full speed:

    cols (C·k·k, L·n)    one row per (channel, kernel offset), one column per (position, sample)
    z     = W (F, C·k·k) @ cols            -> (F, L·n), i.e. (F, out_h, out_w, n) in memory
    ∂W    = δ (F, L·n) @ colsᵀ             -> (F, C·k·k)
    ∂cols = Wᵀ @ δ, added back window by window (col2im) -> ∂x

One product per pass for the whole batch (not one per sample), each on contiguous operands. Pooling is
separable — max or mean along the width, then along the height — so it is a few whole-array
operations on strided views; backward routes each gradient to the offset that won (max) or spreads
it evenly (average).

Memory layout ("batch last"): the arrays these layers pass on are indexed (n, C, H, W) like any other,
but stored as (C, H, W, n) — the sample index varies fastest. That is the order z comes out of the
product above, so no layer pays for a transposing copy; and every strided view a pooling pass or an
im2col copy takes still reads runs of n contiguous numbers, which NumPy processes with vector
instructions (on a strided width view of an (n, C, H, W) array it cannot). Values do not depend on
the layout; only the order in which ∂W and ∂b add up their n·L terms does.
"""
import numpy as np

from ..i18n import _
from .activations import get_activation
from .initializers import initialize
from .layers import Layer, positive_int

PADDINGS = ("valid", "same")
INFERENCE_COLS_BYTES = 32 * 2**20  # bigger inference batches go through the convolution in chunks


def _image_shape(kind, input_shape):
    if len(input_shape) != 3:
        raise ValueError(_("{kind} needs an image input (channels, height, width), got shape {shape}; set "
                           "input_shape to e.g. [1, 28, 28]", kind=kind, shape=tuple(input_shape)))
    return tuple(int(s) for s in input_shape)


def conv_padding(size, kernel, stride, padding):
    """(before, after, out_size) along one axis. 'same' follows TensorFlow: out = ⌈size/stride⌉,
    the padding split evenly with any odd pixel after; 'valid' pads nothing."""
    if padding == "same":
        out = -(-size // stride)
        total = max((out - 1) * stride + kernel - size, 0)
        return total // 2, total - total // 2, out
    return 0, 0, (size - kernel) // stride + 1


BATCH_LAST = (1, 2, 3, 0)  # the axes of an (n, C, H, W) batch in the order they are stored


def is_batch_last(x):
    """Whether an (n, C, H, W) array is stored batch last (see the module docstring): its sample index
    varies fastest in memory (it may be a view of a bigger such array, e.g. a cropped gradient)."""
    return x.ndim == 4 and x.shape[0] > 1 and x.strides[0] == x.itemsize < min(x.strides[1:])


def _window(grid, di, dj, out_h, out_w, stride):
    """The strided view of a (C, H, W, n) grid seen by kernel offset (di, dj) at every output position."""
    return grid[:, di:di + stride * (out_h - 1) + 1:stride, dj:dj + stride * (out_w - 1) + 1:stride]


class Workspace:
    """Scratch arrays a layer reuses from one training step to the next.

    Fresh multi-megabyte temporaries on every step can cost as much as the arithmetic of a small
    convolution (the allocator may hand big blocks back to the system, and every new page is faulted in
    again). Only arrays that never leave the layer live here, one per name, replaced when the batch shape
    changes; in inference mode (``keep=False``) nothing is kept, so predicting on a large set does not
    pin large buffers. A kept buffer starts as zeros, and callers rely on that: regions they never write
    stay zero. ``zeros=False`` is for arrays the caller overwrites entirely.
    """

    def __init__(self):
        self.arrays = {}

    def get(self, name, shape, dtype, keep, zeros=True, batch_last=False):
        """An array of ``shape``; ``batch_last``: an (n, C, H, W) one stored as (C, H, W, n)."""
        if batch_last:
            stored = self.get(f"{name}/batch-last", tuple(shape[1:]) + (shape[0],), dtype, keep, zeros)
            return stored.transpose(3, 0, 1, 2)
        if not keep:
            return np.zeros(shape, dtype=dtype) if zeros else np.empty(shape, dtype=dtype)
        buf = self.arrays.get(name)
        if buf is None or buf.shape != shape or buf.dtype != dtype:
            buf = self.arrays[name] = np.zeros(shape, dtype=dtype)
        return buf


class Conv2D(Layer):
    """2-D convolution with its activation: z = W ⋆ x + b, a = f(z).

    W has shape (filters, channels, kernel, kernel) and b shape (filters,), as in PyTorch's Conv2d.
    """
    kind = "conv2d"

    def __init__(self, filters, kernel=3, stride=1, padding="valid", activation="relu", init=None):
        super().__init__()
        self.filters = positive_int("filters", filters)
        self.kernel = positive_int("kernel", kernel)
        self.stride = positive_int("stride", stride)
        if padding not in PADDINGS:
            raise ValueError(_("padding={value} is unknown; choose one of {choices}", value=repr(padding),
                               choices=list(PADDINGS)))
        self.padding, self.init = padding, init
        self.activation = get_activation(activation)
        self.work = Workspace()

    def build(self, input_shape, rng, dtype, init, sigma):
        c, h, w = _image_shape("a conv2d layer", input_shape)
        k, s = self.kernel, self.stride
        top, bottom, out_h = conv_padding(h, k, s, self.padding)
        left, right, out_w = conv_padding(w, k, s, self.padding)
        if out_h < 1 or out_w < 1:
            raise ValueError(_("kernel={k} is larger than the {h}×{w} input; use a smaller kernel or padding='same'",
                               k=k, h=h, w=w))
        self.pads = (top, bottom, left, right)
        self.padded = (h + top + bottom, w + left + right)
        fan_in, fan_out = c * k * k, self.filters * k * k
        self.params = {
            "W": initialize(self.init or init, (self.filters, c, k, k), fan_in, fan_out, rng, sigma, dtype),
            "b": np.zeros(self.filters, dtype=dtype),
        }
        self.input_shape, self.output_shape = (c, h, w), (self.filters, out_h, out_w)
        return self.output_shape

    # im2col: cols has shape (C·k·k, L·n), one row per (channel, kernel offset) and one column per
    # (position, sample), so each product below is ONE matrix multiplication for the whole batch
    # (one BLAS call, not one per sample):
    #     z = W (F, C·k·k) @ cols -> (F, L·n);  ∂W = δ (F, L·n) @ colsᵀ;  ∂cols = Wᵀ @ δ
    # The padded input is kept as (C, Hp, Wp, n), so one output position is n adjacent numbers.
    # Positions per sample, L:
    # - stride 1 ("wide rows"): in the flattened padded image of each channel, the window of kernel
    #   offset (di, dj) at every position and sample is ONE contiguous slice starting at (di·Wp + dj)·n,
    #   so each offset is one long copy per channel. L = out_h·Wp covers whole padded rows; the k−1
    #   spare columns per row are computed and dropped, and their δ is 0 in backward, so they add
    #   nothing to any gradient.
    # - stride > 1: one strided view per offset, L = out_h·out_w.
    def _row_width(self):
        return self.padded[1] if self.stride == 1 else self.output_shape[2]

    def _flat_image(self, name, n, dtype, keep):
        """(C, (Hp·Wp + spare)·n) buffer and its (C, Hp, Wp, n) view; spare = k−1 zero columns for stride 1."""
        hp, wp = self.padded
        spare = self.kernel - 1 if self.stride == 1 else 0
        c = self.input_shape[0]
        flat = self.work.get(name, (c, (hp * wp + spare) * n), dtype, keep)
        return flat, flat[:, :hp * wp * n].reshape(c, hp, wp, n, copy=False)

    def _im2col(self, x, keep):
        n, c, h, w = x.shape
        k, s = self.kernel, self.stride
        top, left = self.pads[0], self.pads[2]
        wp = self.padded[1]
        out_h, out_w = self.output_shape[1:]
        flat, grid = self._flat_image("image", n, x.dtype, keep)
        grid[:, top:top + h, left:left + w] = x.transpose(BATCH_LAST)  # the border stays 0
        length = out_h * self._row_width() * n
        cols = self.work.get("cols", (c * k * k, length), x.dtype, keep, zeros=False)
        taps = cols.reshape(c, k * k, length)
        for di in range(k):
            for dj in range(k):
                if s == 1:
                    start = (di * wp + dj) * n
                    taps[:, di * k + dj] = flat[:, start:start + length]
                else:
                    taps[:, di * k + dj].reshape(c, out_h, out_w, n)[...] = \
                        _window(grid, di, dj, out_h, out_w, s)
        return cols

    def _col2im(self, dcols, n):
        (c, h, w), k, s = self.input_shape, self.kernel, self.stride
        top, left = self.pads[0], self.pads[2]
        wp = self.padded[1]
        out_h, out_w = self.output_shape[1:]
        taps = dcols.reshape(c, k * k, -1)
        length = taps.shape[-1]
        flat, grid = self._flat_image("grad_image", n, dcols.dtype, keep=False)  # returned: always fresh
        for di in range(k):
            for dj in range(k):
                if s == 1:
                    start = (di * wp + dj) * n
                    flat[:, start:start + length] += taps[:, di * k + dj]
                else:
                    _window(grid, di, dj, out_h, out_w, s)[...] += \
                        taps[:, di * k + dj].reshape(c, out_h, out_w, n)
        return grid[:, top:top + h, left:left + w].transpose(3, 0, 1, 2)

    def _linear(self, x, keep):
        """z = W ⋆ x + b for a batch (stored batch last), with its cols (kept for backward)."""
        n = x.shape[0]
        f, out_h, out_w = self.output_shape
        cols = self._im2col(x, keep)
        z_wide = self.work.get("z_wide", (f, cols.shape[1]), x.dtype, keep, zeros=False)
        np.matmul(self.params["W"].reshape(f, -1), cols, out=z_wide)  # explain: conv z
        # One pass drops the spare columns and adds the bias.
        z = np.empty((f, out_h, out_w, n), dtype=x.dtype)
        np.add(z_wide.reshape(f, out_h, -1, n)[:, :, :out_w], self.params["b"][:, None, None, None], out=z)
        return z.transpose(3, 0, 1, 2), cols

    def forward(self, x, training=False):
        n = x.shape[0]
        chunk = max(1, INFERENCE_COLS_BYTES // (self._cols_bytes(1, x.dtype)))
        if training or n <= chunk:
            self.z, cols = self._linear(x, keep=training)
            self.cache = (cols, x, training)
        else:  # a big inference batch, in chunks: cols for all of it could take hundreds of MB
            self.z = np.concatenate([self._linear(x[i:i + chunk], False)[0] for i in range(0, n, chunk)])
            self.cache = (None, x, False)  # backward, if ever, rebuilds cols
        self.a = self.activation.f(self.z)  # explain: conv a
        return self.a

    def _cols_bytes(self, n, dtype):
        c, k = self.input_shape[0], self.kernel
        return c * k * k * n * self.output_shape[1] * self._row_width() * np.dtype(dtype).itemsize

    def backward(self, grad_a, need_input_grad=True):
        # explain: conv delta
        return self.backward_from_z(self.activation.backward(self.z, self.a, grad_a), need_input_grad)

    def backward_from_z(self, delta, need_input_grad=True):
        self.delta = delta
        cols, x, keep = self.cache
        if cols is None:
            cols = self._im2col(x, keep=False)
        n, f, out_h, out_w = delta.shape
        # δ in the layout of z_wide, (F, L·n); spare columns are never written, so they stay 0.
        wide = self.work.get("delta_wide", (f, out_h, self._row_width(), n), delta.dtype, keep)
        wide[:, :, :out_w] = delta.transpose(BATCH_LAST)
        d = wide.reshape(f, -1)
        W = self.params["W"]
        ones = np.ones(d.shape[1], dtype=d.dtype)  # ∂b = row sums of δ, as a matrix-vector product
        np.matmul(d, ones, out=self.grad_buffer("b"))
        # ∂W = δ colsᵀ, computed as (cols δᵀ)ᵀ: the same numbers, and BLAS is quicker with the long
        # shared dimension last in both operands.
        dw_t = self.work.get("dW_t", (cols.shape[0], f), d.dtype, keep, zeros=False)
        np.matmul(cols, d.T, out=dw_t)  # explain: conv dW
        self.grad_buffer("W").reshape(f, -1)[...] = dw_t.T
        if not need_input_grad:
            return None
        dcols = self.work.get("dcols", cols.shape, delta.dtype, keep, zeros=False)
        return self._col2im(np.matmul(W.reshape(f, -1).T, d, out=dcols), n)

    def config(self):
        cfg = {"type": self.kind, "filters": self.filters, "kernel": self.kernel, "stride": self.stride,
               "padding": self.padding, "activation": self.activation.name}
        if self.init:
            cfg["init"] = self.init
        return cfg


class _Pool2D(Layer):
    """Windows of size×size moved by ``stride`` (default = size, no overlap). Rows and columns that do
    not fill a whole window are dropped, as in PyTorch.

    Both poolings are separable: pool along the width first (``size`` strided views of the columns),
    then along the height of that result: 2·size whole-array operations instead of size²."""

    def __init__(self, size=2, stride=None):
        super().__init__()
        self.size = positive_int("size", size)
        self.stride = self.size if stride is None else positive_int("stride", stride)
        self.work = Workspace()

    def build(self, input_shape, rng, dtype, init, sigma):
        c, h, w = _image_shape(f"a {self.kind} layer", input_shape)
        if h < self.size or w < self.size:
            raise ValueError(_("size={size} is larger than the {h}×{w} input; use a smaller pool", size=self.size, h=h,
                               w=w))
        out_h, out_w = (h - self.size) // self.stride + 1, (w - self.size) // self.stride + 1
        self.input_shape, self.output_shape = (c, h, w), (c, out_h, out_w)
        return self.output_shape

    def _views(self, x, axis):
        """The size strided views of x along ``axis`` (2 = height, 3 = width), one per window offset."""
        out = self.output_shape[axis - 1]
        span = self.stride * (out - 1) + 1
        index = [slice(None)] * 4
        views = []
        for offset in range(self.size):
            index[axis] = slice(offset, offset + span, self.stride)
            views.append(x[tuple(index)])
        return views

    def _zero_border(self, dx, axis):
        """Zero the rows/columns of dx (along ``axis``) that no window covers."""
        covered = self.stride * (self.output_shape[axis - 1] - 1) + self.size
        index = [slice(None)] * 4
        index[axis] = slice(covered, None)
        dx[tuple(index)] = 0

    def _spread(self, grads, dx, axis):
        """Backward of one pooling pass: each offset's share of the gradient goes back to its view of
        ``dx``; returns dx. When the windows tile dx (stride = size), only the uncovered border needs
        zeros first."""
        views = self._views(dx, axis)
        if self.stride == self.size:
            self._zero_border(dx, axis)
            for view, g in zip(views, grads):
                view[...] = g
        else:  # overlapping windows add up; with gaps between windows the gaps stay 0
            dx[...] = 0
            for view, g in zip(views, grads):
                view += g
        return dx

    def _buffer(self, name, shape, dtype, keep, batch_last):
        """A scratch array in the input's layout (pooling writes every entry); name None: a fresh one."""
        return self.work.get(name, shape, dtype, keep and name is not None, zeros=False, batch_last=batch_last)

    @staticmethod
    def _in_layout(g, batch_last):
        """g stored like the forward input (a gradient from Flatten arrives in C order), so that every
        pass of backward runs on operands in one layout."""
        if batch_last and not is_batch_last(g):
            return np.ascontiguousarray(g.transpose(BATCH_LAST)).transpose(3, 0, 1, 2)
        return g

    def _stage_shape(self, x_shape):
        """Shape after the width pass: full height, pooled width."""
        return x_shape[:3] + (self.output_shape[2],)

    def config(self):
        return {"type": self.kind, "size": self.size, "stride": self.stride}


class MaxPool2D(_Pool2D):
    """Max over each window. Backward sends each gradient to the first maximum of its window in
    row-major order (PyTorch's rule for ties): the first maximal column within each row, then the
    first row holding the maximum."""
    kind = "maxpool2d"

    @staticmethod
    def _max(views, out):
        """Maximum over the offsets into ``out`` and, per output, which offset holds it first: a bool
        "second one won" for size 2, else int8 offsets. Only strict improvements move the winner,
        so ties stay with the earlier offset. (Bool masks multiply much faster than np.where.)"""
        if len(views) == 2:
            winner = views[1] > views[0]
            np.maximum(views[0], views[1], out=out)
            return out, winner
        winner = np.zeros_like(out, dtype=np.int8)  # in out's layout
        np.copyto(out, views[0])
        for i, v in enumerate(views[1:], start=1):
            better = v > out
            np.maximum(out, v, out=out)
            winner *= ~better
            winner += better * np.int8(i)
        return out, winner

    def _route(self, g, winner, dx, axis):
        """Backward of one max pass: g goes to the view of dx at the offset that won, 0 elsewhere.
        Written straight into the views (``out=``): no temporaries."""
        views = self._views(dx, axis)
        if self.stride != self.size:  # overlap: one position can win for several outputs; or gaps
            dx[...] = 0
            for i, view in enumerate(views):
                view += g * (winner == i)
            return dx
        self._zero_border(dx, axis)
        if winner.dtype == bool:  # size 2: the second offset gets g where it won, the first the rest
            np.multiply(g, winner, out=views[1])
            np.subtract(g, views[1], out=views[0])
        else:
            for i, view in enumerate(views):
                np.multiply(g, winner == i, out=view)
        return dx

    def forward(self, x, training=False):
        bl = is_batch_last(x)
        stage = self._buffer("stage", self._stage_shape(x.shape), x.dtype, training, bl)
        stage, win_w = self._max(self._views(x, 3), stage)  # explain: maxpool forward
        out = self._buffer(None, (x.shape[0],) + self.output_shape, x.dtype, training, bl)
        out, win_h = self._max(self._views(stage, 2), out)
        self.cache = (win_w, win_h, x.shape, training, bl)
        return out

    def backward(self, grad_out, need_input_grad=True):
        if not need_input_grad:
            return None
        win_w, win_h, shape, keep, bl = self.cache
        grad_out = self._in_layout(grad_out, bl)
        d_stage = self._buffer("d_stage", self._stage_shape(shape), grad_out.dtype, keep, bl)
        self._route(grad_out, win_h, d_stage, 2)  # explain: maxpool backward
        return self._route(d_stage, win_w, self._buffer(None, shape, grad_out.dtype, keep, bl), 3)


class AvgPool2D(_Pool2D):
    """Mean over each window; backward spreads each gradient evenly over its window."""
    kind = "avgpool2d"

    @staticmethod
    def _sum(views, out):
        np.add(views[0], views[1], out=out) if len(views) > 1 else np.copyto(out, views[0])
        for v in views[2:]:
            out += v
        return out

    def forward(self, x, training=False):
        bl = is_batch_last(x)
        # explain: avgpool forward
        stage = self._sum(self._views(x, 3), self._buffer("stage", self._stage_shape(x.shape), x.dtype,
                                                          training, bl))
        out = self._sum(self._views(stage, 2), self._buffer(None, (x.shape[0],) + self.output_shape, x.dtype,
                                                            training, bl))
        out *= 1.0 / self.size ** 2
        self.cache = (x.shape, training, bl)
        return out

    def backward(self, grad_out, need_input_grad=True):
        if not need_input_grad:
            return None
        shape, keep, bl = self.cache
        g = self._in_layout(grad_out, bl) * (1.0 / self.size ** 2)
        # explain: avgpool backward
        d_stage = self._spread([g] * self.size, self._buffer("d_stage", self._stage_shape(shape),
                                                             grad_out.dtype, keep, bl), 2)
        return self._spread([d_stage] * self.size, self._buffer(None, shape, grad_out.dtype, keep, bl), 3)
