"""1-D arrays whose data starts on a 64-byte boundary: a cache line, and one AVX-512 register.

Why: NumPy takes its memory from ``malloc``, which aligns a large block to 16 bytes only, so a buffer of
the training's hot path (the flat parameters, their gradients, Adam's moments) usually starts 16 or 48
bytes into a cache line, and every vector load of every pass over it straddles two lines. Aligned, the
sidebar's MNIST MLP trained its 10 epochs in 0.90–0.97 s against 1.06–1.10 s with the same buffers 16 bytes
off (``bench/train_mlp.py``'s nnlab run, three fresh processes each), with bit-identical numbers. NumPy has
no Python-level way to ask for an alignment, so an array is cut out of a slightly larger byte buffer at its
first boundary.
"""
import numpy as np

ALIGNMENT = 64  # bytes


def empty(n, dtype):
    """An uninitialised 1-D array of ``n`` items of ``dtype``, its first byte on a 64-byte boundary."""
    dtype = np.dtype(dtype)
    raw = np.empty(n * dtype.itemsize + ALIGNMENT, dtype=np.uint8)
    start = -raw.ctypes.data % ALIGNMENT
    return raw[start:start + n * dtype.itemsize].view(dtype)


def zeros(n, dtype):
    """``empty``, filled with zeros."""
    out = empty(n, dtype)
    out.fill(0)
    return out


def is_aligned(a):
    """Whether ``a``'s first byte is on a 64-byte boundary."""
    return a.ctypes.data % ALIGNMENT == 0
