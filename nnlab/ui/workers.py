"""The server's worker processes: Compare's (``lab.compare_pool``) and the trainer's augmenting one.

They all start from one fork server (``engine.processes``), which imports its modules once, when it starts.
Whichever page starts it first, it must import what every worker needs: started by the Data page without the
lab, each Compare worker imported it itself, ~0.6 s a worker.
"""
from ..data import augment
from ..engine import processes
from ..lab import compare_pool

processes.preload(compare_pool.__name__, augment.__name__)


def warm_up():
    """Start the fork server now, in the background (see ``processes.warm_up``): a page calls this when a click
    of it would start workers."""
    return processes.warm_up()
