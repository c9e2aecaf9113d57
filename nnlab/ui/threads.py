"""One BLAS thread for the whole server process.

Why: one Streamlit process serves every session, each script run on its own thread, on a machine that is
often shared (CI has two cores; a classroom server has many users). OpenBLAS's worker threads spin while
they wait for work, so two of them per matrix product fight every other run and process for the cores:
measured on the 2-core machine, an epoch of the MNIST MLP took 0.2 s with one BLAS thread and 0.5–5 s
with two (load average 0.3–8), an epoch of the MNIST CNN 3 s against 90 s; on an idle machine two threads
won at most 15 % on a bare 64×784×128 product. OpenBLAS's thread count is a process-wide setting, so it
is set once for the process, not per training run (a per-run limit would change every other session's
runs too, and its restore would hand two threads to a run still in progress). Parallelism comes from
sessions running side by side, not from threads inside one product.
"""
from functools import cache

from threadpoolctl import threadpool_limits

SERVER_BLAS_THREADS = 1


@cache
def one_blas_thread():
    """Limit NumPy's BLAS to one thread for the rest of the process (idempotent: the first call sets it)."""
    return threadpool_limits(limits=SERVER_BLAS_THREADS, user_api="blas")
