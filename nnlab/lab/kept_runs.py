"""Runs kept across a browser refresh: a small, bounded store of each browser's last trained model.

A refresh opens a new Streamlit session, and ``st.session_state`` starts empty: the model would be lost. So
the Training page keeps its last run here, under an unguessable token the page also writes into the URL
(``?resume=…``); a new session whose URL carries a token this process knows offers the run back.

Why it stays safe with many users in one process:

- an entry is only ever reached through its own token (``secrets.token_urlsafe``, 192 bits), never listed;
  whoever holds the URL with the token holds the run — that is the trade-off of a token in the address
  bar (the Share box's link leaves it out);
- an entry holds a *reference* to the session while its run goes on (updated at the end of each epoch: no
  copy per epoch), and its own *copy* once the run ended (made by the training thread itself, so no other
  thread is writing the model then); a run is handed out only from such a copy, and as a new copy, so two
  sessions never share a network, a history or an optimiser;
- at most ``max_entries`` entries, ``max_bytes`` of arrays in all, each kept ``ttl_s`` seconds after its
  last update; the oldest go first. A run bigger than ``max_bytes`` alone is not kept.

Threads only, no Streamlit.
"""
import copy
import secrets
import threading
import time
from dataclasses import dataclass, replace

from ..engine.copying import copy_network
from .session import TrainingSession

MAX_ENTRIES = 8
MAX_BYTES = 256 * 2**20
TTL_S = 30 * 60
TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 random bits


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class KeptRun:
    """One browser's last run: its TrainingSession (network, history, optimiser) and what rebuilds its page."""
    session: TrainingSession
    config: object  # the LabConfig the run trained with
    preset: str  # the sidebar's preset choice
    initial_params: object  # {layer index: {name: array}} as built, or None
    user_dataset: object  # the user's own Dataset the config names, or None for a built-in one
    running: bool  # True: ``session`` is the live one, still training (not to be handed out)
    nbytes: int

    @property
    def epochs(self):
        return self.session.history.last_epoch


def _array_bytes(obj, seen):
    """Bytes of the NumPy arrays reachable from ``obj`` through dicts, lists, tuples and objects' attributes."""
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if hasattr(obj, "nbytes") and hasattr(obj, "dtype"):
        return int(obj.nbytes)
    if isinstance(obj, dict):
        return sum(_array_bytes(v, seen) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(_array_bytes(v, seen) for v in obj)
    if hasattr(obj, "__dict__"):
        return _array_bytes(vars(obj), seen)
    return 0


def run_bytes(session, initial_params=None, user_dataset=None):
    """About how much memory a kept run holds: its network, snapshots, optimiser state and the rest, plus
    1.8 KB per kept step record (their per-layer statistics are plain floats)."""
    seen = set()
    arrays = sum(_array_bytes(obj, seen) for obj in (session.net, session.history.snapshots, session.optimizer,
                                                     initial_params, user_dataset))
    return arrays + 1800 * len(session.history)


def copy_session(session):
    """An independent TrainingSession: a copy of the network, its history and its optimiser (Adam's moments),
    so training the copy continues exactly as the original would have."""
    twin = TrainingSession(copy_network(session.net), copy.deepcopy(session.history), session.snapshots)
    twin.optimizer, twin.optimizer_key = copy.deepcopy(session.optimizer), session.optimizer_key
    return twin


def kept_copy(run):
    """What a restoring session gets: new copies of everything mutable in ``run`` (a finished one)."""
    initial = None if run.initial_params is None else copy.deepcopy(run.initial_params)
    return replace(run, session=copy_session(run.session), initial_params=initial)


class KeptRuns:
    """token -> KeptRun, bounded in count, bytes and time; safe to use from every session's thread."""

    def __init__(self, max_entries=MAX_ENTRIES, max_bytes=MAX_BYTES, ttl_s=TTL_S, clock=time.monotonic):
        if max_entries < 1 or max_bytes < 1 or ttl_s <= 0:
            raise ValueError(f"max_entries={max_entries}, max_bytes={max_bytes}, ttl_s={ttl_s}: give positive bounds")
        self.max_entries, self.max_bytes, self.ttl_s = max_entries, max_bytes, ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._entries = {}  # token -> (time of the last update, KeptRun), oldest update first

    def put(self, token, run):
        """Keep ``run`` as ``token``'s (replacing its earlier one); drop the oldest entries until the bounds
        hold. Returns False (and forgets the token's earlier run) when ``run`` alone is over ``max_bytes``."""
        with self._lock:
            self._entries.pop(token, None)
            self._expire()
            if run.nbytes > self.max_bytes:
                return False
            self._entries[token] = (self._clock(), run)
            while len(self._entries) > self.max_entries or self._bytes() > self.max_bytes:
                del self._entries[next(iter(self._entries))]
            return True

    def get(self, token):
        """``token``'s KeptRun, or None if none is kept (never kept, expired or pushed out)."""
        with self._lock:
            self._expire()
            entry = self._entries.get(token)
            return None if entry is None else entry[1]

    def __len__(self):
        with self._lock:
            self._expire()
            return len(self._entries)

    def nbytes(self):
        with self._lock:
            return self._bytes()

    def _bytes(self):
        return sum(run.nbytes for _saved, run in self._entries.values())

    def _expire(self):
        now = self._clock()
        for token in [t for t, (saved, _run) in self._entries.items() if now - saved > self.ttl_s]:
            del self._entries[token]
