"""Subnormal floats read and written as zero while the trainer computes a step.

Why: a float32 smaller than 1.2e-38 is *subnormal*, and an x86 CPU takes a slow path for every operation that reads
or makes one (multiplying an array of them took 3.7 × as long as an array of normal numbers, measured on a 2-core
Xeon). Training makes them steadily: Adam's running mean of a weight whose input is almost always 0 (an MNIST
border pixel) shrinks by β₁ every step, down through that range. On the sidebar's MNIST MLP a second 10-epoch run
took 1.16–1.22 s against 0.96–0.98 s for the first; flushed, 0.92–0.93 s both times. Over 5 epochs of
Fashion-MNIST's 60k images an epoch took 1.47 s, flushed 0.74 s (``bench/train_mlp.py``). The weights those runs
train are bit for bit the same: a subnormal's share of an update is some 30 orders of magnitude below a weight's
last bit.

How: the flush-to-zero and denormals-are-zero bits of the SSE control register (MXCSR), set through glibc's
``fegetmode`` / ``fesetmode`` for the calling thread only and restored on leaving, so everything else (a
page's worked example, another session's thread, a test) keeps IEEE arithmetic. On any other platform than
x86-64 Linux ``Flushed`` changes nothing.
"""
import ctypes
import ctypes.util
import platform
import sys

FLUSH_BITS = (1 << 15) | (1 << 6)  # MXCSR: flush to zero (results), denormals are zero (inputs)


class _Mode(ctypes.Structure):
    """glibc's ``femode_t`` on x86-64: the x87 control word, then MXCSR."""
    _fields_ = [("control_word", ctypes.c_ushort), ("reserved", ctypes.c_ushort), ("mxcsr", ctypes.c_uint)]


def _libm():
    if sys.platform != "linux" or platform.machine() != "x86_64":
        return None
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        get, put = lib.fegetmode, lib.fesetmode
    except (OSError, AttributeError):  # not glibc, or one older than 2.25
        return None
    get.argtypes = put.argtypes = [ctypes.POINTER(_Mode)]
    return get, put


_LIBM = _libm()
SUPPORTED = _LIBM is not None


class Flushed:
    """``with flushed:`` — subnormals are zero inside, on this thread. One per training run (it keeps the mode
    it replaced); a generator may take it up on another thread between steps, never on two at once."""

    def __init__(self):
        self._saved, self._flush = _Mode(), _Mode()

    def __enter__(self):
        if _LIBM is not None:
            get, put = _LIBM
            get(self._saved)
            self._flush.control_word, self._flush.mxcsr = self._saved.control_word, self._saved.mxcsr | FLUSH_BITS
            put(self._flush)
        return self

    def __exit__(self, *_exc):
        if _LIBM is not None:
            _LIBM[1](self._saved)
        return False
