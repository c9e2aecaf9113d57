"""A first-come, first-served queue for training runs, shared by every session of one server process.

One process serves a whole class, and NumPy training keeps a core busy: with more runs than cores at once,
every run slows and so does every idle user's page switch (the interpreter lock is shared). So at most
``slots`` runs train at a time; the others wait in order of arrival and are told where they stand. A run
leaves the queue however its script ends — finished, Stop, a closed tab (Streamlit stops the script with
an exception at its next ``st.*`` call, and ``slot``'s ``finally`` frees the place). Threads only, no
Streamlit: the page shows the waiting message through the ``waiting`` callback.
"""
import os
import threading
import time
from collections import deque
from contextlib import contextmanager

SLOTS_ENV = "NNLAB_TRAINING_SLOTS"
RECENT_RUNS = 20  # the estimate of a wait uses the durations of this many latest runs


def slots_from_env(environ=os.environ):
    """The number of concurrent runs: ``$NNLAB_TRAINING_SLOTS`` if set, else the number of cores."""
    text = environ.get(SLOTS_ENV, "").strip()
    if not text:
        return max(1, os.cpu_count() or 1)
    try:
        slots = int(text)
    except ValueError:
        raise ValueError(f"{SLOTS_ENV}={text!r}: give a whole number of concurrent training runs, 1 or more") \
            from None
    if slots < 1:
        raise ValueError(f"{SLOTS_ENV}={slots}: give at least 1 concurrent training run")
    return slots


class RunQueue:
    """At most ``slots`` holders of ``slot()`` at once; the rest wait first come, first served."""

    def __init__(self, slots, poll_s=0.5, clock=time.monotonic):
        if slots < 1:
            raise ValueError(f"slots={slots}: allow at least 1 concurrent training run")
        self.slots = slots
        self.poll_s = poll_s
        self._clock = clock
        self._cond = threading.Condition()
        self._waiting = deque()  # tickets in order of arrival
        self._weights = {}  # ticket -> slots it takes (a comparison's worker processes take one each)
        self._running = {}  # ticket -> start time
        self._durations = deque(maxlen=RECENT_RUNS)

    def status(self):
        """(slots taken, runs waiting) counts, for a page or a benchmark to show."""
        with self._cond:
            return sum(self._weights[t] for t in self._running), len(self._waiting)

    def _ahead(self, ticket):
        """How many slots must come free before ``ticket`` can start: the slots it and the runs waiting ahead
        of it take, less the free ones (0 or less means it can start now; a run of one slot each: how many runs
        must start before it)."""
        index = self._waiting.index(ticket)
        before = sum(self._weights[t] for t in list(self._waiting)[: index + 1])
        taken = sum(self._weights[t] for t in self._running)
        return before + taken - self.slots

    def _eta(self, ahead):
        """Seconds until a run with ``ahead`` runs before it starts, from the recent runs' mean duration:
        each round of ``slots`` runs takes about one mean. None before any run has finished."""
        if not self._durations:
            return None
        mean = sum(self._durations) / len(self._durations)
        return mean * -(-ahead // self.slots)

    @contextmanager
    def slot(self, waiting=None, n=1):
        """Hold a training slot (``n`` of them, at most all) for the ``with`` block, waiting in line first.

        waiting : called as ``waiting(ahead, eta_s)`` about every ``poll_s`` seconds while this run waits
            (``ahead`` runs must start first; ``eta_s`` a rough number of seconds, or None if there is no
            finished run to estimate from). An exception it raises (Streamlit's Stop) leaves the queue.
        Yields the number of slots held.
        """
        if n < 1:
            raise ValueError(f"n={n}: a run takes at least 1 training slot")
        ticket, n = object(), min(n, self.slots)
        with self._cond:
            self._waiting.append(ticket)
            self._weights[ticket] = n
        try:
            while True:
                with self._cond:
                    ahead = self._ahead(ticket)
                    if ahead <= 0:
                        self._waiting.remove(ticket)
                        self._running[ticket] = self._clock()
                        break
                    eta = self._eta(ahead)
                if waiting is not None:
                    waiting(ahead, eta)
                with self._cond:
                    if self._ahead(ticket) > 0:
                        self._cond.wait(self.poll_s)
            yield n
        finally:
            with self._cond:
                if ticket in self._waiting:
                    self._waiting.remove(ticket)
                self._weights.pop(ticket, None)
                started = self._running.pop(ticket, None)
                if started is not None:
                    self._durations.append(self._clock() - started)
                self._cond.notify_all()
