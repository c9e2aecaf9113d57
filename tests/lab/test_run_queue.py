"""RunQueue: at most N runs at once, the others first come first served, told how many are ahead; a run that
stops (its own exception, or the waiting callback's) frees its place."""
import threading

import pytest

from nnlab.lab.run_queue import RunQueue, slots_from_env


def _until(predicate):
    """Wait (without a time limit that could flake) until another thread has got somewhere."""
    event = threading.Event()
    while not predicate():
        event.wait(0.005)


def _start(queue, name, order, seen, hold):
    """A thread that joins the queue, notes each waiting call, and records when its run starts."""
    def body():
        with queue.slot(waiting=lambda ahead, eta: seen.setdefault(name, []).append((ahead, eta))):
            order.append(name)
            hold[name].wait()
    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread


def test_runs_beyond_the_slots_wait_in_order_of_arrival():
    queue = RunQueue(2, poll_s=0.01)
    order, seen = [], {}
    hold = {n: threading.Event() for n in "ABCD"}
    threads = {}
    for n in "ABCD":  # one at a time, so the queue's order is A, B, C, D
        threads[n] = _start(queue, n, order, seen, hold)
        _until(lambda: sum(queue.status()) == len(threads))
    assert queue.status() == (2, 2) and order == ["A", "B"]
    _until(lambda: "D" in seen)
    assert seen["C"][0] == (1, None) and seen["D"][0] == (2, None)  # no finished run yet: no estimate
    assert "A" not in seen and "B" not in seen  # free slots: no waiting message at all
    hold["B"].set()
    threads["B"].join()
    _until(lambda: len(order) == 3)
    assert order == ["A", "B", "C"] and queue.status() == (2, 1)
    _until(lambda: seen["D"][-1][0] == 1)
    assert seen["D"][-1][1] is not None and seen["D"][-1][1] >= 0  # B's duration now gives an estimate
    for n in "ACD":
        hold[n].set()
    for t in threads.values():
        t.join()
    assert order == ["A", "B", "C", "D"] and queue.status() == (0, 0)


def test_the_estimate_is_the_mean_recent_run_for_each_round_of_slots():
    now = [0.0]
    queue = RunQueue(2, clock=lambda: now[0])
    for duration in (10.0, 20.0):
        with queue.slot():
            now[0] += duration
    assert queue._eta(1) == 15.0 and queue._eta(2) == 15.0 and queue._eta(3) == 30.0


def test_a_stopped_run_or_a_stop_while_waiting_frees_its_place():
    queue = RunQueue(1, poll_s=0.01)
    with pytest.raises(KeyError):
        with queue.slot():
            raise KeyError("Stop pressed during the run")
    assert queue.status() == (0, 0)

    class Stop(Exception):
        pass

    def stop_while_waiting(ahead, eta):
        raise Stop

    with queue.slot():
        with pytest.raises(Stop):
            with queue.slot(waiting=stop_while_waiting):
                pass  # pragma: no cover - never reached: the slot is taken
        assert queue.status() == (1, 0)
    assert queue.status() == (0, 0)


def test_slots_from_the_environment():
    assert slots_from_env({"NNLAB_TRAINING_SLOTS": " 3 "}) == 3
    assert slots_from_env({}) >= 1
    with pytest.raises(ValueError, match="NNLAB_TRAINING_SLOTS='two'"):
        slots_from_env({"NNLAB_TRAINING_SLOTS": "two"})
    with pytest.raises(ValueError, match="at least 1"):
        slots_from_env({"NNLAB_TRAINING_SLOTS": "0"})
    with pytest.raises(ValueError, match="at least 1"):
        RunQueue(0)


def test_a_run_of_several_slots_waits_for_all_of_them_and_keeps_its_place():
    queue = RunQueue(2, poll_s=0.01)
    order, seen = [], {}
    hold = {n: threading.Event() for n in "ABC"}
    threads = {"A": _start(queue, "A", order, seen, hold)}
    _until(lambda: queue.status() == (1, 0))

    def compare_body():  # a comparison asking for 3 slots gets the server's 2
        with queue.slot(waiting=lambda ahead, eta: seen.setdefault("B", []).append(ahead), n=3) as held:
            order.append(("B", held))
            hold["B"].wait()
    threads["B"] = threading.Thread(target=compare_body, daemon=True)
    threads["B"].start()
    _until(lambda: "B" in seen)
    threads["C"] = _start(queue, "C", order, seen, hold)  # one slot is free, but B is first in line
    _until(lambda: "C" in seen)
    assert order == ["A"] and seen["B"][0] == 1 and seen["C"][0] == (2, None) and queue.status() == (1, 2)
    hold["A"].set()
    _until(lambda: len(order) == 2)
    assert order == ["A", ("B", 2)] and queue.status() == (2, 1)
    hold["B"].set()
    _until(lambda: len(order) == 3)
    hold["C"].set()
    for t in threads.values():
        t.join()
    assert order[2] == "C" and queue.status() == (0, 0)
    with pytest.raises(ValueError, match="at least 1 training slot"):
        with queue.slot(n=0):
            pass
