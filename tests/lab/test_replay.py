"""Replaying an epoch: the snapshot's network gives back the held-out loss the run recorded at that epoch."""
import numpy as np
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.engine.trainer import evaluate
from nnlab.lab.config import LabConfig, build_network
from nnlab.lab.replay import replay_epoch
from nnlab.lab.session import TrainingSession

CFG = LabConfig(dataset="Moons", n_samples=120, noise=0.1, hidden=(6,), activations=("tanh",), lr=0.05,
                batch_size=32, epochs=1)


def full_snapshot(net):
    return {layer.name: {k: v.copy() for k, v in layer.params.items()} for layer in net.param_layers()}


@pytest.fixture(scope="module")
def run():
    moons = load_dataset("Moons", n_samples=120, noise=0.1)
    session = TrainingSession.start(build_network(CFG, moons))
    full = {0: full_snapshot(session.net)}
    for epoch in (1, 2, 3):
        for _ in session.run(moons, CFG):
            pass
        full[epoch] = full_snapshot(session.net)
    return moons, session, full


def test_a_full_snapshot_gives_back_the_recorded_held_out_loss(run):
    moons, session, full = run
    session.history.snapshots = dict(full)
    for epoch in (1, 2, 3):
        replay = replay_epoch(session.net, session.history, epoch, moons)
        record = session.history.epochs[epoch - 1]
        assert replay.params_from_current == []
        assert replay.val_loss == pytest.approx(record.val_loss, rel=1e-6) == replay.recorded_val_loss
        assert replay.val_acc == record.val_acc == replay.recorded_val_acc
    first = replay_epoch(session.net, session.history, 1, moons)
    np.testing.assert_allclose(first.test_output, first.net.predict(moons.x_test))
    assert not np.allclose(first.test_output, session.net.predict(moons.x_test))  # not the current model
    start = replay_epoch(session.net, session.history, 0, moons)
    assert start.recorded_val_loss is None
    x_val, y_val, _ = moons.held_out()
    assert start.val_loss == pytest.approx(evaluate(build_network(CFG, moons), x_val, y_val)[0])


def test_a_weights_only_snapshot_says_what_came_from_now(run):
    moons, session, full = run
    session.history.snapshots = {e: {name: p["W"] for name, p in snap.items()} for e, snap in full.items()}
    replay = replay_epoch(session.net, session.history, 1, moons)
    assert replay.params_from_current == [f"{layer.name} b" for layer in session.net.param_layers()]
    with pytest.raises(ValueError, match="epoch=9 has no weight snapshot"):
        replay_epoch(session.net, session.history, 9, moons)
