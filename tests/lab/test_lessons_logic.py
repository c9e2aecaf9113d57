"""The checks' arithmetic at its edges, on small hand-made records: band edges, a loss that rose, a validation
loss that never turned up, fewer epochs than bands, a message missing a value."""
from types import SimpleNamespace

import pytest

from nnlab.engine import EpochRecord, StepRecord
from nnlab.lab.lesson_checks import CHECKS
from nnlab.lab.lesson_run import Run, band_of, band_options
from nnlab.lab.lesson_text import Message, placeholders


def steps(losses, epoch=1):
    return tuple(StepRecord(i + 1, epoch, 0.1, loss, None, {"L1 dense": {"grad_norm": 1.0}})
                 for i, loss in enumerate(losses))


def epochs(train, val):
    return tuple(EpochRecord(i + 1, i + 1, t, None, v, None, 0.0) for i, (t, v) in enumerate(zip(train, val)))


def test_an_edge_belongs_to_the_band_above_it():
    edges = [0.1, 0.5]
    assert [band_of(v, edges) for v in (0.0, 0.0999, 0.1, 0.4999, 0.5, 1.0)] == \
        ["band0", "band0", "band1", "band1", "band2", "band2"]
    assert [o.label.render() for o in band_options(edges)] == ["below 10 %", "10 % to 50 %", "50 % or more"]


@pytest.mark.parametrize("end, answer", [(0.49, "more_than_half"), (0.51, "less_than_half"), (1.0, "no_fall"),
                                         (1.2, "no_fall")])
def test_how_far_the_loss_fell(end, answer):
    q = CHECKS["loss_change"].ask(Run(steps=steps([1.0, 0.8]), epochs=epochs([end], [None])), {})
    assert q.answer == answer
    assert ("did not fall" in q.explanation.render()) == (answer == "no_fall")


def test_a_validation_loss_that_never_turned_up_is_no_overfitting():
    run = Run(epochs=epochs([1.0, 0.8, 0.6], [1.0, 0.9, 0.85]))
    q = CHECKS["best_val_epoch"].ask(run, {"bands": 4})
    assert [o.label.render() for o in q.options] == ["epoch 1", "epoch 2", "epoch 3"] and q.answer == "epochs3"
    assert "overfits" not in q.explanation.render()


def test_epochs_split_into_bands_of_nearly_equal_length():
    run = Run(epochs=epochs([1.0] * 10, [float(v) for v in (5, 4, 3, 2, 1, 2, 3, 4, 5, 6)]))
    q = CHECKS["best_val_epoch"].ask(run, {"bands": 3})
    assert [o.label.render() for o in q.options] == ["epochs 1 to 3", "epochs 4 to 7", "epochs 8 to 10"]
    assert q.answer == "epochs4"


def test_a_message_needs_every_value_of_its_template():
    with pytest.raises(ValueError, match=r"needs values for \['epochs'\]"):
        Message("Train for {epochs} epochs.")
    assert placeholders("{a} and {b:.2f}") == {"a", "b"}
    with pytest.raises(ValueError, match="plain name"):
        placeholders("{0}")
    assert Message("{n} steps", {"n": "3"}).render(lambda t, **v: "第 " + t.format(**v)) == "第 3 steps"


def test_a_run_is_made_from_a_history_and_keeps_the_other_parts():
    history = SimpleNamespace(steps=list(steps([1.0, 0.5])), epochs=list(epochs([0.7], [None])), errors=[])
    run = Run.of(history, config={"lr": 0.1}, net=None)
    assert run.steps == tuple(history.steps) and run.config == {"lr": 0.1}
    history.steps.append(steps([0.1])[0])  # the run is a copy: training on does not change what a check read
    assert len(run.steps) == 2
