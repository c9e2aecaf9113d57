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

from nnlab.engine.flops import forward_flops, training_flops  # noqa: F401 - the benches' FLOP counts


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
