"""The store of runs kept across a browser refresh: bounded in count, bytes and time; one token, one run;
handed out only as an independent copy that trains on exactly as the original would."""
import numpy as np
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.lab.config import LabConfig, build_network
from nnlab.lab.kept_runs import KeptRun, KeptRuns, copy_session, kept_copy, new_token, run_bytes
from nnlab.lab.session import TrainingSession

CFG = LabConfig(dataset="Moons", n_samples=100, hidden=(4,), activations=("tanh",), epochs=2, batch_size=32,
                seed=3, optimizer="adam")


@pytest.fixture(scope="module")
def data():
    return load_dataset("Moons", seed=0, n_samples=100, noise=0.2)


def trained(data, epochs=2):
    session = TrainingSession.start(build_network(CFG, data))
    for _record in session.run(data, LabConfig(**{**CFG.__dict__, "epochs": epochs})):
        pass
    return session


def kept(nbytes=10, session=None, running=False):
    return KeptRun(session=session, config=CFG, preset="(custom)", initial_params=None, user_dataset=None,
                   running=running, nbytes=nbytes)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_tokens_are_long_random_and_url_safe():
    tokens = {new_token() for _i in range(50)}
    assert len(tokens) == 50
    assert all(len(t) == 32 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)


def test_one_token_one_run_and_no_other_token_sees_it():
    store = KeptRuns()
    a, b = kept(), kept()
    store.put("tok-a", a)
    store.put("tok-b", b)
    assert store.get("tok-a") is a and store.get("tok-b") is b
    assert store.get("tok-c") is None and store.get("") is None
    store.put("tok-a", kept(20))  # a later run replaces the token's earlier one
    assert store.get("tok-a").nbytes == 20 and len(store) == 2


def test_at_most_max_entries_the_oldest_update_goes_first():
    store = KeptRuns(max_entries=3)
    for token in "abcd":
        store.put(token, kept())
    assert [t for t in "abcd" if store.get(t)] == ["b", "c", "d"]
    store.put("b", kept())  # updating b makes c the oldest
    store.put("e", kept())
    assert [t for t in "bcde" if store.get(t)] == ["b", "d", "e"]


def test_bytes_are_capped_and_a_run_too_big_alone_is_not_kept():
    store = KeptRuns(max_entries=10, max_bytes=100)
    store.put("a", kept(40))
    store.put("b", kept(40))
    store.put("c", kept(40))  # 120 > 100: a goes
    assert store.get("a") is None and store.nbytes() == 80
    assert store.put("b", kept(101)) is False  # too big alone: not kept, and b's earlier run is forgotten
    assert store.get("b") is None and store.get("c") is not None and store.nbytes() == 40


def test_runs_expire_ttl_after_their_last_update():
    clock = Clock()
    store = KeptRuns(ttl_s=60, clock=clock)
    store.put("a", kept())
    clock.now = 50
    store.put("b", kept())
    clock.now = 61
    assert store.get("a") is None and store.get("b") is not None and len(store) == 1
    clock.now = 111
    assert store.get("b") is None and len(store) == 0


def test_bounds_must_be_positive():
    with pytest.raises(ValueError, match="positive bounds"):
        KeptRuns(max_entries=0)


def test_a_kept_copy_shares_nothing_mutable_and_trains_on_exactly_like_the_original(data):
    original = trained(data)
    run = kept(session=copy_session(original))
    restored = kept_copy(run).session
    assert restored.net is not run.session.net and restored.history is not run.session.history
    assert restored.optimizer is not run.session.optimizer
    for a, b in zip(restored.net.layers, original.net.layers):
        for name in a.params:
            assert a.params[name] is not b.params[name]
            np.testing.assert_array_equal(a.params[name], b.params[name])
    assert restored.history.last_epoch == 2 and restored.history.n_steps == original.history.n_steps
    more = LabConfig(**{**CFG.__dict__, "epochs": 1})
    for session in (original, restored):  # Adam's moments came along: the third epoch is the same
        for _record in session.run(data, more):
            pass
    assert restored.history.epochs[-1].train_loss == original.history.epochs[-1].train_loss
    np.testing.assert_array_equal(restored.net.layers[0].params["W"], original.net.layers[0].params["W"])
    assert run.session.history.last_epoch == 2  # the kept copy itself did not move


def test_run_bytes_counts_the_weights_and_the_snapshots(data):
    session = trained(data)
    weights = sum(a.nbytes for layer in session.net.layers for a in layer.params.values())
    snapshots = sum(a.nbytes for layers in session.history.snapshots.values() for p in layers.values()
                    for a in p.values())
    size = run_bytes(session)
    assert size >= weights + snapshots + 1800 * len(session.history)
    assert run_bytes(session, user_dataset=data) >= size + data.x_train.nbytes
