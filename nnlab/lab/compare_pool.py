"""Train a comparison's architectures side by side: one worker process per architecture, at most ``workers``
at once, so two to four of them keep every core of the server busy (threads would share one interpreter lock).

The workers come from the engine's one fork server (``engine.processes``), which imports this module once.

What crosses the process boundary is plain: the worker gets the config's and the dataset's fields (numbers,
strings, tuples — data the server itself prepared, never a user's pickle; the dataset's arrays in one block of
shared memory that every worker maps read-only, since pickling some 30 MB into each one cost ~0.2 s a worker)
and sends back plain messages: ("step", index, steps done), then ("done", index, fields of the result with the
history as its list of records) or ("failed", index, message). The parent rebuilds each CompareResult from those.
Each worker has a pipe of its own (not one shared queue: a worker killed while writing to a shared queue can leave its
lock held, and every other worker then waits forever), whose end of file says that the worker died. A worker
that fails or dies becomes a result with ``error`` set, named after its architecture; however the parent's
loop ends (Streamlit stops a script at its next ``st.*`` call when the user clicks elsewhere), no worker is
left training.
"""
from dataclasses import fields
from multiprocessing import shared_memory
from multiprocessing.connection import wait

import numpy as np

from ..data.dataset import Dataset
from ..engine import processes
from ..engine.flops import training_flops
from ..i18n import _, language, using_language
from .config import LabConfig, build_network
from .history import History

POLL_S = 0.1  # how often the parent looks at the workers (and lets its caller redraw the progress)
PROGRESS_EVERY = 20  # steps between a worker's progress messages
processes.preload(__name__)  # the fork server imports NumPy, the engine and the lab once, for every worker


def plain(obj):
    """A dataclass's fields as a dict (shallow: arrays are not copied here; the pipe copies them)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


ALIGN = 64  # bytes: each shared array starts on a cache line
_ATTACHED = []  # in a worker: the shared blocks its dataset's arrays view


def share_arrays(dataset):
    """(block, description): the dataset's numeric arrays copied once into a new shared-memory block, and
    what a worker needs to rebuild the dataset from it (``attach``). The caller closes and unlinks the block.
    Without room for it, the block is None and the description carries the arrays themselves (pickled into
    each worker: slower, never a crash)."""
    found = plain(dataset)
    arrays = {k: v for k, v in found.items() if isinstance(v, np.ndarray) and not v.dtype.hasobject}
    places, end = {}, 0
    for name, a in arrays.items():
        places[name] = (end, a.shape, a.dtype.str)
        end += -(-a.nbytes // ALIGN) * ALIGN
    if not processes.room_for(end):
        return None, {"fields": found}
    block = shared_memory.SharedMemory(create=True, size=max(end, 1))
    for name, (offset, shape, dtype) in places.items():
        np.ndarray(shape, dtype, buffer=block.buf, offset=offset)[...] = arrays[name]
    rest = {k: v for k, v in found.items() if k not in arrays}
    return block, {"block": block.name, "arrays": places, "fields": rest}


def attach(shared):
    """The dataset described by ``share_arrays``, its arrays read-only views of the shared block (kept open
    for as long as the process lives: the views need it); or, without a block, its fields as they came."""
    if "block" not in shared:
        return Dataset(**shared["fields"])
    block = shared_memory.SharedMemory(name=shared["block"])
    _ATTACHED.append(block)  # unmapped while views remain, the arrays would point at nothing (a crash)
    found = dict(shared["fields"])
    for name, (offset, shape, dtype) in shared["arrays"].items():
        view = np.ndarray(shape, dtype, buffer=block.buf, offset=offset)
        view.flags.writeable = False
        found[name] = view
    return Dataset(**found)


def _work(index, label, config_fields, shared_data, lang, messages):
    """A worker's whole life: train one architecture, say how far it got, send its result (``messages``: the
    writing end of its pipe)."""
    from threadpoolctl import threadpool_limits

    from .compare import train_one  # here, not at the top: compare imports this module

    threadpool_limits(limits=1, user_api="blas")  # one BLAS thread per process: the processes are the parallelism
    try:
        with using_language(lang):
            def step(k):
                if k % PROGRESS_EVERY == 0:
                    messages.send(("step", index, k))
            result = train_one(label, LabConfig(**config_fields), attach(shared_data), step)
            found = plain(result)
            history = found.pop("history")
            found["records"] = [*history.steps, *history.epochs, *history.errors]
            messages.send(("done", index, found))
    except Exception as exc:  # noqa: BLE001 - whatever went wrong becomes the page's message, not a dead worker
        with using_language(lang):
            messages.send(("failed", index, _("{arch}: training stopped with an error: {problem}", arch=label,
                                              problem=f"{type(exc).__name__}: {exc}")))


def _rebuild(found):
    from .compare import CompareResult

    history = History()
    for record in found.pop("records"):
        history.add(record)
    return CompareResult(history=history, **found)


def _failed(label, config, dataset, message):
    from .compare import CompareResult, result_key
    from .describe import config_line

    return CompareResult(label, result_key(config, dataset), config_line(config, dataset), History(), 0, 0.0, {},
                         error=message)


def start_order(jobs, dataset):
    """The jobs' indices, costliest training first (matrix-product FLOPs): with fewer workers than jobs, the
    short runs then fill in beside the long ones instead of one long run finishing alone on one core."""
    def cost(index):
        config = jobs[index][1]
        try:
            net = build_network(config, dataset)
        except Exception:  # noqa: BLE001 - a config that cannot be built fails in its worker, with the message
            return 0
        return training_flops(net, len(dataset.x_train), len(dataset.x_val), config.epochs)
    return sorted(range(len(jobs)), key=cost, reverse=True)


def train_side_by_side(jobs, dataset, workers, progress=None):
    """Train ``jobs`` — (label, LabConfig) each — in up to ``workers`` processes at once.

    progress : optional ``f(steps)``: called about every POLL_S with {index: steps done} of the jobs so far.
    Returns [CompareResult] in the order of ``jobs``, and the set of indices whose worker failed or died
    (their results carry the error; a caller should not cache them).
    """
    if workers < 1:
        raise ValueError(f"workers={workers}: give at least 1 worker process")
    ctx = processes.context()
    block, shared_data = share_arrays(dataset)
    lang = language()
    waiting = [(i, jobs[i]) for i in start_order(jobs, dataset)]
    running, results, failed, steps = {}, {}, set(), {}  # running: index -> (process, reading end of its pipe)
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                i, (label, config) = waiting.pop(0)
                reader, writer = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_work, args=(i, label, plain(config), shared_data, lang, writer),
                                   daemon=True, name=f"nnlab-compare-{i}")
                with processes.empty_main():
                    proc.start()
                writer.close()  # the worker holds the only writing end now: its death reads as end of file
                running[i] = (proc, reader)
            ready = wait([reader for _proc, reader in running.values()], timeout=POLL_S)
            for i, (proc, reader) in list(running.items()):
                if reader not in ready:
                    continue
                try:
                    kind, _index, payload = reader.recv()
                except (EOFError, OSError):  # died without a word (killed, out of memory)
                    proc.join(timeout=5)
                    kind, payload = "died", _("{arch}: its training process stopped unexpectedly (exit code {code}).",
                                              arch=jobs[i][0], code=proc.exitcode)
                if kind == "step":
                    steps[i] = payload
                    continue
                if kind == "done":
                    results[i] = _rebuild(payload)
                else:
                    results[i], failed = _failed(*jobs[i], dataset, payload), failed | {i}
                proc.join(timeout=5)
                reader.close()
                del running[i]
            if progress is not None:
                progress(dict(steps))
    finally:
        for proc, _reader in running.values():
            proc.terminate()
        for proc, reader in running.values():
            proc.join()
            reader.close()
        if block is not None:
            block.close()
            block.unlink()  # every worker has ended: no one maps it any more
    return [results[i] for i in range(len(jobs))], failed
