"""Augmented training batches made in a process of their own, while the training step runs in this one.

Why a process: augmenting a batch costs about as much as a step, and a thread beside the step bought almost
nothing, as the two share one interpreter lock and each waits for the other's many small NumPy calls. On a
2-core machine a plain MNIST epoch took 1.9 × as long with a thread augmenting beside it, 1.04 × with a
process doing the same (medians of 5 rounds).

The worker owns a copy of the trainer's random generator and draws from it exactly as ``trainer._batches``
does: each epoch's permutation, then each batch's augmentation in turn. So the batches, and every number of
the run, are those of a plain loop. The worker sends each epoch's order; this process gathers the batches'
rows into ``depth`` slots of a small shared-memory block (the training set itself never crosses: copying the
bundled set's 25 MB took 25–28 ms a run, a sixth of a plain epoch), the worker augments each slot in place, and
this process copies it out and hands the slot back refilled. Over the pipe go small messages: ("order", permutation),
("batch", k) when batch k is ready in slot k % depth, ("failed", exception); and back, one credit per filled
slot. What is pickled is the generator's state and the augmenter (nnlab's own callable, never user data).
"""
import collections
import contextlib
import ctypes
import pickle
from multiprocessing import shared_memory

import numpy as np

from ..i18n import _
from . import processes


class WorkerDied(RuntimeError):
    """The augmenting process ended without a word: the run cannot go on (its random generator died with it)."""


ALIGN = 64  # bytes: each array in the block starts on a cache line
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
KEEP_BYTES = 64 << 20  # freed memory the worker keeps for reuse (its batches need a few MB)


def usable(augment):
    """Whether ``augment`` may run in another process: it says it is a function of its batch and rng alone
    (``pure``; a user's callable may keep state here), it pickles, and this process may start workers."""
    if not getattr(augment, "pure", False) or not processes.can_start_workers():
        return False
    try:
        pickle.dumps(augment)
    except Exception:  # noqa: BLE001 - whatever cannot be pickled stays on the thread
        return False
    return True


def _layout(x, batch_size, depth):
    """{slot: (offset, shape, dtype)} of the ``depth`` batch slots in one block, and the block's size."""
    places, end = {}, 0
    shape, dtype = (batch_size, x.shape[1]), x.dtype
    for k in range(depth):
        places[k] = (end, shape, dtype.str)
        end += -(-batch_size * x.shape[1] * dtype.itemsize // ALIGN) * ALIGN
    return places, end


def _views(block, places):
    return {k: np.ndarray(shape, dtype, buffer=block.buf, offset=offset)
            for k, (offset, shape, dtype) in places.items()}


@contextlib.contextmanager
def batches(x, epochs, batch_size, rng, augment, depth):
    """Yields an iterator of the run's (start, rows, batch), as ``trainer._batches`` gives them, made up to
    ``depth`` ahead in a worker process; or None if none can be made (``usable``, no room in shared memory).
    On leaving, the worker is stopped and the block unlinked, however the run ended."""
    places, size = _layout(x, batch_size, depth)
    if not (usable(augment) and processes.room_for(size)):
        yield None
        return
    block = shared_memory.SharedMemory(create=True, size=size)
    ours = theirs = proc = source = None
    slots = {}
    try:
        slots = _views(block, places)
        processes.preload(__name__, type(augment).__module__)
        ctx = processes.context()
        ours, theirs = ctx.Pipe()
        proc = ctx.Process(target=_produce, daemon=True, name="nnlab-batches",
                           args=(block.name, places, len(x), epochs, batch_size, rng.bit_generator.state, augment,
                                 theirs))
        with processes.empty_main():
            proc.start()
        theirs.close()  # the worker holds the only other end now: its death reads as end of file
        source = _received(ours, slots, x, batch_size, proc)
        yield source
    finally:
        if source is not None:
            source.close()  # it holds views of the block
        if proc is not None:
            if proc.is_alive():
                proc.terminate()
            proc.join()
        for end in (ours, theirs):
            if end is not None:
                end.close()
        slots.clear()  # the views must go before the block is unmapped
        block.close()
        block.unlink()


def _received(conn, slots, x, batch_size, proc):
    """The worker's batches in order. Each slot is filled with the rows of a batch whose epoch order has come,
    as soon as it is free; a finished batch is copied out of its slot (the step keeps its input as a cache,
    and the slot is refilled meanwhile)."""
    depth = len(slots)
    pending = collections.deque()  # (start, rows) of every batch of the orders come so far, not yet filled
    filled = collections.deque()   # (start, rows) of the batches in the slots, oldest first
    given = 0  # batches handed to the worker so far
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # it died without a word (killed, out of memory)
            proc.join(timeout=5)
            raise WorkerDied(_("Training stopped: the process augmenting its batches ended unexpectedly (exit "
                               "code {code}). The weights are those of the last step.", code=proc.exitcode)) from None
        if message[0] == "failed":
            raise message[1]
        ready = None
        if message[0] == "order":
            order = message[1]
            pending.extend((start, order[start:start + batch_size]) for start in range(0, len(order), batch_size))
        else:
            start, idx = filled.popleft()
            ready = start, idx, slots[message[1] % depth][:len(idx)].copy()
        while pending and len(filled) < depth:  # refilled before the step, so the worker has work meanwhile
            start, idx = pending.popleft()
            np.take(x, idx, axis=0, out=slots[given % depth][:len(idx)])
            filled.append((start, idx))
            given += 1
            with contextlib.suppress(BrokenPipeError):  # a worker that failed: its message comes first
                conn.send(None)  # a credit: the next slot holds the next batch's rows
        if ready is not None:
            yield ready


def _keep_freed_memory():
    """Have glibc keep the memory this process frees. An augmented batch's temporaries (200–400 KB each) lie
    above glibc's first mmap threshold, so each was mapped and unmapped anew: ~450 page faults a batch, which
    doubled the time per batch. Safe here, in a process of our own that lives one run; not in the server."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(M_MMAP_THRESHOLD, KEEP_BYTES // 2)
        libc.mallopt(M_TRIM_THRESHOLD, KEEP_BYTES)
    except (OSError, AttributeError):  # not glibc: its allocator has its own ways
        pass


def _produce(block_name, places, n, epochs, batch_size, rng_state, augment, conn):
    """The worker: ``trainer._batches``'s draws, in its order — each epoch's permutation (sent), then each of its
    batches augmented in its slot once this process's parent has filled it."""
    _keep_freed_memory()
    block = shared_memory.SharedMemory(name=block_name)
    slots = _views(block, places)
    try:
        rng = np.random.Generator(getattr(np.random, rng_state["bit_generator"])())
        rng.bit_generator.state = rng_state
        k = 0
        for _epoch in range(epochs):
            conn.send(("order", rng.permutation(n)))
            for start in range(0, n, batch_size):
                conn.recv()  # the slot holds the batch's rows
                xb = slots[k % len(slots)][:min(batch_size, n - start)]
                xb[...] = np.asarray(augment(xb, rng), dtype=xb.dtype)
                conn.send(("batch", k))
                k += 1
    except (EOFError, BrokenPipeError):  # the parent has gone: nothing to say, to no one
        pass
    except Exception as exc:  # noqa: BLE001 - the parent raises it where the thread would have
        try:
            conn.send(("failed", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle goes as its words
            conn.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        slots.clear()
        with contextlib.suppress(BufferError):  # a view still held by a traceback: the exit unmaps it anyway
            block.close()
