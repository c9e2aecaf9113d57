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


def test_a_divergence_in_a_later_run_names_the_historys_step(moons):
    """The trainer counts from 1 in every run; the session renumbers the record and its words alike, so the
    message names the step the charts show."""
    session = TrainingSession(build_network(CFG, moons))
    list(session.run(moons, CFG))  # 2 calm epochs: 6 steps
    calm = session.history.n_steps
    error = list(session.run(moons, replace(CFG, lr=1e30, optimizer="sgd", epochs=3)))[-1]
    assert isinstance(error, ErrorRecord) and error.step > calm and error.epoch >= 3
    assert error.message.startswith(f"Training diverged at step {error.step} (epoch {error.epoch}):")
    restored = f"(after step {error.step - 1})" if error.details["kept"] else f"(from the start of epoch {error.epoch})"
    assert restored in error.message
    assert session.history.errors == [error]
