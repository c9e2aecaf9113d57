"""During a continued run, the progress line and the decision boundary's title name the history's moment
(the epoch and step the curves and headline numbers count), not the run's own count from 1."""
from types import SimpleNamespace

import pytest

from nnlab.data.builtin import load_dataset
from nnlab.engine import StepRecord
from nnlab.lab.config import LabConfig, build_network
from nnlab.lab.session import TrainingSession
from nnlab.ui.training_live import LiveView, boundary_title

CFG = LabConfig(dataset="Moons", n_samples=120, noise=0.1, hidden=(6,), activations=("tanh",), lr=0.01,
                batch_size=32, epochs=2)  # 96 training samples: 3 steps an epoch


@pytest.fixture(scope="module")
def moons():
    return load_dataset("Moons", n_samples=120, noise=0.1)


class FakeProgress:
    def progress(self, value, text):
        self.value, self.text = value, text


def test_mid_run_progress_and_boundary_name_the_historys_epoch_and_step(moons):
    session = TrainingSession.start(build_network(CFG, moons))
    list(session.run(moons, CFG))  # epochs 1-2, steps 1-6
    records = session.run(moons, CFG)  # epochs 3-4, steps 7-12
    for record in records:
        if isinstance(record, StepRecord) and record.step == 8:  # the second step of epoch 3
            break
    hist = session.history
    assert (hist.steps[-1].step, hist.steps[-1].epoch, hist.last_epoch) == (8, 3, 2)
    view = SimpleNamespace(progress=FakeProgress())
    run_step, run_epoch = session.in_run(record)
    LiveView.show_progress(view, hist, run_step, 6, run_epoch, 2, 1.0)
    assert view.progress.text == ("Epoch 3 (1 of 2 in this run) · step 8 (2 of 6 in this run) · 1.0 s elapsed · "
                                  "about 2 s left")
    assert view.progress.value == pytest.approx(2 / 6)
    assert boundary_title(hist) == "Decision boundary at step 8 (during epoch 3)"
    list(records)  # the run ends on a whole epoch: the title says so
    assert boundary_title(hist) == "Decision boundary after 4 epochs"
