"""TrainingSession: runs continue the history's numbering, keep snapshots, and reuse the optimiser (Adam's
moments) only while its settings stay the same — checked against one uninterrupted training."""
from dataclasses import replace

import numpy as np
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.engine import EpochRecord, ErrorRecord, StepRecord, train
from nnlab.lab.config import LabConfig, build_network, build_optimizer
from nnlab.lab.session import TrainingSession

CFG = LabConfig(dataset="Moons", n_samples=120, noise=0.1, hidden=(6,), activations=("tanh",), lr=0.01,
                batch_size=32, epochs=2)


@pytest.fixture(scope="module")
def moons():
    return load_dataset("Moons", n_samples=120, noise=0.1)


def test_a_second_run_numbers_on_and_snapshots_every_epoch(moons):
    session = TrainingSession.start(build_network(CFG, moons))
    assert sorted(session.history.snapshots) == [0]
    first = list(session.run(moons, CFG))
    second = list(session.run(moons, CFG))
    hist = session.history
    per_epoch = -(-len(moons.x_train) // CFG.batch_size)  # 3 steps of 32 (96 training samples)
    assert [r.step for r in hist.steps] == list(range(1, 4 * per_epoch + 1))
    assert [e.epoch for e in hist.epochs] == [1, 2, 3, 4] and [e.step for e in hist.epochs] == [3, 6, 9, 12]
    assert sorted(hist.snapshots) == [0, 1, 2, 3, 4]
    assert [e.seconds for e in hist.epochs] == sorted(e.seconds for e in hist.epochs)  # time runs on too
    assert first[-1] is hist.epochs[1] and second[0] is hist.steps[2 * per_epoch]
    assert session.in_run(second[-1]) == (2 * per_epoch, 2)  # counted within the second run


def test_two_runs_with_one_optimiser_equal_one_long_run(moons):
    """Adam's moments carry over: 2 + 2 epochs give the weights of the same 4 epochs trained at once, except
    for the shuffling seed, which moves on with the epochs (seed + epochs done)."""
    session = TrainingSession(build_network(CFG, moons))
    for _ in session.run(moons, CFG):
        pass
    adam = session.optimizer
    for _ in session.run(moons, CFG):
        pass
    assert session.optimizer is adam

    net = build_network(CFG, moons)
    optimizer = build_optimizer(CFG)
    x_val, y_val, _ = moons.held_out()
    for seed in (CFG.seed, CFG.seed + 2):
        for _ in train(net, moons.x_train, moons.y_train, epochs=2, batch_size=32, optimizer=optimizer,
                       x_val=x_val, y_val=y_val, seed=seed):
            pass
    for mine, theirs in zip(session.net.param_layers(), net.param_layers()):
        np.testing.assert_array_equal(mine.params["W"], theirs.params["W"])


def test_changed_settings_get_a_new_optimiser(moons):
    session = TrainingSession(build_network(CFG, moons))
    adam = session.optimizer_for(CFG)
    assert session.optimizer_for(CFG) is adam
    assert session.optimizer_for(replace(CFG, epochs=7)) is adam  # epochs are not the optimiser's
    assert session.optimizer_for(replace(CFG, lr=0.1)) is not adam
    assert session.optimizer_for(replace(CFG, optimizer="sgd")).__class__.__name__ != adam.__class__.__name__


def test_without_snapshots_and_a_divergence_stops_the_run(moons):
    session = TrainingSession(build_network(replace(CFG, lr=3.0, optimizer="sgd", epochs=30), moons),
                              snapshots=False)
    wild = replace(CFG, lr=1e30, optimizer="sgd", epochs=3)
    records = list(session.run(moons, wild))
    assert isinstance(records[-1], ErrorRecord) and session.history.errors == [records[-1]]
    assert not session.history.snapshots
    assert all(isinstance(r, (StepRecord, EpochRecord)) for r in records[:-1])


def test_bad_settings_raise_when_the_run_starts(moons):
    session = TrainingSession(build_network(CFG, moons))
    with pytest.raises(ValueError, match="batch_size"):
        next(session.run(moons, replace(CFG, batch_size=0)))


def test_a_partial_epoch_after_a_stop_is_not_counted(moons):
    """Stopped in the middle of epoch 2 (one whole epoch done), then one more epoch: two whole epochs in all,
    numbered 1 and 2, and the partial epoch's steps stay in the history."""
    session = TrainingSession(build_network(CFG, moons))
    records = session.run(moons, replace(CFG, epochs=3))
    per_epoch = -(-len(moons.x_train) // CFG.batch_size)
    for record in records:
        if isinstance(record, StepRecord) and record.step == per_epoch + 1:
            break  # Stop: the first step of epoch 2 was taken
    records.close()
    assert session.history.last_epoch == 1 and session.history.n_steps == per_epoch + 1
    for _ in session.run(moons, replace(CFG, epochs=1)):
        pass
    hist = session.history
    assert [e.epoch for e in hist.epochs] == [1, 2] and hist.last_epoch == 2
    assert hist.epochs[-1].step == 2 * per_epoch + 1 and hist.n_steps == 2 * per_epoch + 1
def full_snapshot(net):
    return {layer.name: {k: v.copy() for k, v in layer.params.items()} for layer in net.param_layers()}


def assert_params_equal(net, snapshot, rtol=0.0):
    layers = {layer.name: layer for layer in net.layers}
    for name, params in snapshot.items():
        for k, v in params.items():
            np.testing.assert_allclose(layers[name].params[k], v, rtol=rtol, atol=1e-7 if rtol else 0)


def test_a_branch_from_a_full_snapshot_retraces_the_run_with_the_same_settings(moons):
    """Plain SGD keeps no state, so a branch from epoch 2 trained with the same settings lands on the very
    weights the run reached at epoch 4; the run itself is left as it was."""
    cfg = replace(CFG, optimizer="sgd", lr=0.1, epochs=1)
    session = TrainingSession.start(build_network(cfg, moons))
    session.history.snapshots[0] = full_snapshot(session.net)
    for epoch in range(1, 5):
        for _ in session.run(moons, cfg):
            pass
        session.history.snapshots[epoch] = full_snapshot(session.net)
    final = full_snapshot(session.net)
    branch, missing = session.branch(2)
    assert missing == [] and branch.net is not session.net
    assert [e.epoch for e in branch.history.epochs] == [1, 2] and sorted(branch.history.snapshots) == [0, 1, 2]
    assert branch.history.n_steps == session.history.epochs[1].step
    assert_params_equal(branch.net, session.history.snapshots[2])
    for _run in range(2):
        for _ in branch.run(moons, cfg):
            pass
    assert [e.epoch for e in branch.history.epochs] == [1, 2, 3, 4]
    assert_params_equal(branch.net, final, rtol=1e-6)
    assert len(session.history.epochs) == 4  # the original run is untouched
    np.testing.assert_array_equal(session.net.layers[0].params["W"], final[session.net.layers[0].name]["W"])
    # with other settings the branch goes elsewhere
    other, _ = session.branch(2)
    for _ in other.run(moons, replace(cfg, lr=0.5, epochs=2)):
        pass
    assert not np.allclose(other.net.layers[0].params["W"], final[session.net.layers[0].name]["W"])


def test_a_branch_from_a_weights_only_snapshot_names_what_it_took_from_now(moons):
    session = TrainingSession.start(build_network(CFG, moons))
    for _ in session.run(moons, CFG):
        pass
    weights_only = {name: next(iter(p.values())) if isinstance(p, dict) else p
                    for name, p in session.history.snapshots[0].items()}
    session.history.snapshots[0] = weights_only
    branch, missing = session.branch(0)
    names = [layer.name for layer in session.net.param_layers()]
    assert missing == [f"{name} b" for name in names]
    np.testing.assert_array_equal(branch.net.layers[0].params["b"], session.net.layers[0].params["b"])
    np.testing.assert_array_equal(branch.net.layers[0].params["W"], weights_only[names[0]])
    assert branch.history.epochs == [] and branch.history.steps == [] and list(branch.history.snapshots) == [0]
    with pytest.raises(ValueError, match=r"epoch=7 has no weight snapshot; choose one of \[0, 1, 2\]"):
        session.branch(7)
