"""The Training page's place in the server's queue of training runs (``lab.run_queue``): one queue per
process, so a class of users on one server shares its cores fairly and idle users' pages stay quick."""
from contextlib import contextmanager

from ..i18n import ngettext
from ..lab.run_queue import RunQueue, slots_from_env

QUEUE = RunQueue(slots_from_env())


def waiting_message(ahead, eta_s, slots):
    """What a waiting user reads: how many runs start before theirs and, once runs have finished, how long."""
    if eta_s is None:
        return ngettext("Waiting for a free training slot ({slots} on this server, all busy): {n} run "
                        "starts before yours. Press Stop to leave the queue.",
                        "Waiting for a free training slot ({slots} on this server, all busy): {n} runs "
                        "start before yours. Press Stop to leave the queue.", ahead, slots=slots)
    return ngettext("Waiting for a free training slot ({slots} on this server, all busy): {n} run starts "
                    "before yours, about {eta:.0f} s from recent runs. Press Stop to leave the queue.",
                    "Waiting for a free training slot ({slots} on this server, all busy): {n} runs start "
                    "before yours, about {eta:.0f} s from recent runs. Press Stop to leave the queue.",
                    ahead, slots=slots, eta=max(eta_s, 1))


@contextmanager
def run_slot(where, queue=QUEUE, n=1):
    """Hold ``n`` of the server's training slots (at most all; yields how many) for the ``with`` block; while
    waiting, say so in ``where`` (a placeholder, emptied when the run starts). The Compare page takes one per
    worker process it starts."""
    shown = []

    def waiting(ahead, eta_s):
        where.info(waiting_message(ahead, eta_s, queue.slots), icon=":material/hourglass_top:")
        shown.append(True)

    with queue.slot(waiting, n=n) as held:
        if shown:
            where.empty()
        yield held
