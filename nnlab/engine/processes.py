"""Worker processes from one fork server, and shared memory that is never over-filled.

Why processes: two threads share one interpreter lock, so work beside a training step in a thread waits for
the step's many small NumPy calls (and they for it); a process has its own. Why from a fork server, not
``fork``: the parent is a Streamlit server full of threads, and forking it could copy a lock some other
thread holds. The fork server starts once per server process with the modules that ``preload`` named
imported, so each worker after it starts in a fraction of a second. The Compare page (``lab.compare_pool``)
and the trainer's augmenting process (``batch_process``) share it.
"""
import contextlib
import multiprocessing
import os
import sys
import threading
import types

CONTEXT = "forkserver"
SHM_DIR = "/dev/shm"  # where Linux keeps shared memory: a RAM file system of limited size (64 MB in Docker)

_PRELOAD = [__name__]  # modules the fork server imports once, before its first worker
_MAIN_LOCK = threading.Lock()
_WARM_LOCK = threading.Lock()
_warming = None  # the thread of this process's one warm-up


def room_for(nbytes):
    """Whether the shared-memory file system has room for ``nbytes``, twice over (others use it too).
    Writing past a full one kills the writer with SIGBUS, so a block it cannot hold is never made."""
    try:
        found = os.statvfs(SHM_DIR)
    except OSError:  # not Linux: shared memory is not such a file system there
        return True
    return found.f_bavail * found.f_frsize >= 2 * nbytes


def preload(*modules):
    """Have the fork server import ``modules`` too, if it has not started yet (after, a worker imports them)."""
    for name in modules:
        if name not in _PRELOAD:
            _PRELOAD.append(name)


def context():
    """The multiprocessing context every nnlab worker starts from."""
    ctx = multiprocessing.get_context(CONTEXT)
    ctx.set_forkserver_preload(list(_PRELOAD))  # read when the server starts; later calls change nothing
    return ctx


def can_start_workers():
    """False in a daemonic process (a Compare worker), which multiprocessing forbids to have children."""
    return not multiprocessing.current_process().daemon


def warm_up():
    """Start the fork server now, on a background thread (returned), if it is not running: a page calls this
    when it is drawn, so that its first worker does not wait about a second for a fresh interpreter to import
    NumPy and the engine (``bench/compare.py`` measures a first click after it)."""
    global _warming
    with _WARM_LOCK:
        if _warming is None:  # once per process: a page calls this on every rerun
            _warming = threading.Thread(target=_start_fork_server, daemon=True, name="nnlab-forkserver-start")
            _warming.start()
    return _warming


def _start_fork_server():
    # A first worker that does nothing: starting it waits until the server has imported its preload modules.
    proc = context().Process(target=int, daemon=True, name="nnlab-warm-up")
    with empty_main():
        proc.start()
    proc.join()


@contextlib.contextmanager
def empty_main():
    """multiprocessing runs the parent's ``__main__`` file again in each child. In a Streamlit server that is the
    page script being run (under AppTest, a temporary file already deleted), which a worker must never execute:
    while a worker starts, ``__main__`` is an empty module, and the worker imports only nnlab."""
    with _MAIN_LOCK:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main
