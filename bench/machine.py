"""What the benchmarks report beside their timings: the work done (matrix-product FLOPs), the machine's
measured sgemm peak, its load and the BLAS threads, so a time can be read as a share of the physical limit.

FLOPs count only the matrix products of a workload (2·m·n·k each): the forward pass of every dense,
convolution, patch-embedding and attention layer, and a backward pass of twice that (the weight gradient
and the input gradient), except for the first layer, whose input gradient training skips. Elementwise work
(activations, pooling, normalisation, the optimiser) is left out, so achieved GFLOP/s understate what a
memory-bound step does, but every way of running one workload is divided by the same count.
"""
import os
import time

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


def sgemm_peak(sizes=(256, 512, 1024), repeats=5):
    """Best GFLOP/s of a float32 NumPy matrix product (the BLAS NumPy uses, its default threads), over
    square sizes and repeats: the machine's practical peak for this process, measured now."""
    rng = np.random.default_rng(0)
    best = 0.0
    for n in sizes:
        a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
        out = np.empty_like(a)
        np.matmul(a, b, out=out)  # warm-up: threads started, pages touched
        for _ in range(repeats):
            t0 = time.perf_counter()
            np.matmul(a, b, out=out)
            best = max(best, 2 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    return best


def blas_threads():
    """Threads of the BLAS NumPy itself uses (threadpoolctl, if installed), else None."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    numpys = [p for p in blas if "numpy" in p["filepath"]] or blas  # wheels bundle it in numpy.libs
    return numpys[0]["num_threads"] if numpys else None


def limit_blas_threads(n):
    """Limit every BLAS loaded so far (NumPy's, SciPy's) to ``n`` threads for the rest of the run."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(n, user_api="blas")


def load_average():
    """The 1-minute load average (nan where the system has none): other processes stretch timings."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def gflops(flops, seconds):
    return None if seconds is None or not seconds else round(flops / seconds / 1e9, 2)
