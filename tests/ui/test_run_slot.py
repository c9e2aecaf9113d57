"""The Training page's place in the run queue: a waiting run says how many start before it (and, once runs have
finished, about how long), in English and Chinese, and clears the message when it starts."""
import threading

from nnlab.i18n import using_language
from nnlab.lab.run_queue import RunQueue
from nnlab.ui.run_slot import run_slot, waiting_message


class Placeholder:
    """Records what the page would show in an ``st.empty()``."""

    def __init__(self):
        self.shown = []

    def info(self, text, icon=None):
        self.shown.append(text)

    def empty(self):
        self.shown.append(None)


def test_the_waiting_message_counts_runs_and_gives_an_estimate_once_there_is_one():
    assert waiting_message(1, None, 2) == ("Waiting for a free training slot (2 on this server, all busy): 1 run "
                                           "starts before yours. Press Stop to leave the queue.")
    assert waiting_message(3, 41.6, 2).endswith("3 runs start before yours, about 42 s from recent runs. Press "
                                                "Stop to leave the queue.")
    with using_language("zh"):
        text = waiting_message(3, 41.6, 2)
    assert "3" in text and "42" in text and "Waiting" not in text


def test_a_run_waits_with_the_message_then_starts_and_clears_it():
    queue = RunQueue(1, poll_s=0.01)
    where, started = Placeholder(), threading.Event()

    def page():
        with run_slot(where, queue):
            started.set()

    with queue.slot():
        thread = threading.Thread(target=page, daemon=True)
        thread.start()
        while not where.shown:
            started.wait(0.005)
        assert not started.is_set()
    thread.join()
    assert started.is_set()
    assert where.shown[0].startswith("Waiting for a free training slot (1 on this server, all busy): 1 run starts")
    assert where.shown[-1] is None  # emptied before the run draws its progress there
