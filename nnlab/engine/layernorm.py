"""Layer normalisation: each token's (or sample's) features rescaled to mean 0 and variance 1.

    x̂ = (x − mean) / √(var + ε);   out = γ ⊙ x̂ + β          (over the last axis)

It keeps the scale of activations steady from block to block whatever the batch, which is why a
transformer block puts one before its attention and one before its feed-forward layer.
"""
import numpy as np

from .layers import Layer


def _row_means(x):
    """Mean over the last axis, keeping it (length 1). NumPy reduces many short rows slowly; a product
    with a vector of 1/D is the same mean, several times faster."""
    return (x @ np.full(x.shape[-1], 1.0 / x.shape[-1], dtype=x.dtype))[..., None]


class LayerNorm(Layer):
    """Normalise the last axis, then scale by ``gamma`` and shift by ``beta`` (both of its length)."""
    kind = "layer_norm"
    EPS = 1e-5

    def build(self, input_shape, rng, dtype, init, sigma):
        d = int(input_shape[-1])
        self.params = {"gamma": np.ones(d, dtype=dtype), "beta": np.zeros(d, dtype=dtype)}
        return super().build(input_shape, rng, dtype, init, sigma)

    # Both passes work in place where they can (the same operations in the same order, so the same
    # numbers): every fresh array of a token batch costs about as much as the arithmetic on it.
    def forward(self, x, training=False):
        xc = x - _row_means(x)
        rstd = 1.0 / np.sqrt(_row_means(xc * xc) + self.EPS)
        xhat = np.multiply(xc, rstd, out=xc)
        self.cache = (xhat, rstd)
        out = xhat * self.params["gamma"]  # explain: layer_norm
        out += self.params["beta"]  # explain: layer_norm
        return out

    def backward(self, grad_out, need_input_grad=True):
        xhat, rstd = self.cache
        d = grad_out.shape[-1]
        work = grad_out * xhat
        np.add.reduce(work.reshape(-1, d), axis=0, out=self.grad_buffer("gamma"))
        np.add.reduce(grad_out.reshape(-1, d), axis=0, out=self.grad_buffer("beta"))
        if not need_input_grad:
            return None
        # ∂x = rstd · (∂x̂ − mean(∂x̂) − x̂ · mean(∂x̂ ⊙ x̂)), with ∂x̂ = ∂out ⊙ γ
        dxhat = grad_out * self.params["gamma"]
        m2 = _row_means(np.multiply(dxhat, xhat, out=work))
        dx = np.subtract(dxhat, _row_means(dxhat), out=dxhat)
        dx -= np.multiply(xhat, m2, out=work)
        dx *= rstd
        return dx
