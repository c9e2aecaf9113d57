"""Overfitting: found when the validation loss turns up for good while the training loss falls, silent on noise,
and its words name the right epochs (the best epoch is the argmin of the validation loss)."""
from dataclasses import replace

import numpy as np
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.engine.trainer import EpochRecord
from nnlab.i18n import using_language
from nnlab.i18n.numbers import sig
from nnlab.lab.advice import Setup, setup_for
from nnlab.lab.config import LabConfig, build_network
from nnlab.lab.diagnosis import diagnose
from nnlab.lab.history import History
from nnlab.lab.overfitting import MIN_EPOCHS, check_held_out
from nnlab.lab.session import TrainingSession


def records(val, train=None):
    train = np.linspace(1.0, 0.01, len(val)) if train is None else train
    return [EpochRecord(i + 1, 10 * (i + 1), float(t), None, float(v), None, 0.0)
            for i, (t, v) in enumerate(zip(train, val))]


def u_curve(n=63, turn=12, low=0.167, high=0.254):
    """Falls to ``low`` at epoch ``turn``, then rises steadily to ``high`` (the issue's MNIST run)."""
    epochs = np.arange(1, n + 1)
    fall = low + (0.5 - low) * np.clip((turn - epochs) / (turn - 1), 0, None)
    return np.where(epochs <= turn, fall, low + (high - low) * (epochs - turn) / (n - turn))


def test_the_mnist_run_of_the_issue_is_overfitting():
    val = u_curve()
    check = check_held_out(records(val))
    assert check.overfitting
    assert check.best_epoch == int(np.argmin(val)) + 1 == 12
    assert check.best_loss == pytest.approx(0.167)
    assert check.window == 6 and check.recent_loss == pytest.approx(np.median(val[-6:]))


def test_a_validation_loss_rising_from_epoch_25_of_a_csv_run():
    rng = np.random.default_rng(0)
    val = u_curve(n=40, turn=25, low=0.40, high=0.70) * (1 + 0.02 * rng.normal(size=40))
    check = check_held_out(records(val))
    assert check.overfitting and check.best_epoch == int(np.argmin(val)) + 1
    assert 23 <= check.best_epoch <= 27


@pytest.mark.parametrize("scatter", [0.02, 0.05, 0.1, 0.2])
def test_noise_around_a_plateau_is_not_overfitting(scatter):
    """Twenty seeded plateaus per noise level, each with its lowest point somewhere in the middle."""
    for seed in range(20):
        val = 0.2 * np.maximum(0.05, 1 + scatter * np.random.default_rng(seed).normal(size=60))
        assert not check_held_out(records(val)).overfitting, (scatter, seed)


def test_one_spike_or_a_short_rise_is_not_sustained():
    val = u_curve(n=30, turn=28)  # still falling until two epochs ago
    val[-1] *= 3  # one bad epoch at the end
    assert not check_held_out(records(val)).overfitting
    spike = np.linspace(0.5, 0.2, 30)
    spike[15] = 0.9
    assert not check_held_out(records(spike)).overfitting


def test_validation_and_training_loss_rising_together_is_not_overfitting():
    """Both rising is a learning-rate problem (the batch-loss check reports it), not memorisation."""
    val = u_curve()
    train = np.r_[np.linspace(1.0, 0.1, 12), np.linspace(0.1, 0.5, 51)]
    assert not check_held_out(records(val, train)).overfitting


def test_too_few_epochs_is_not_checked():
    assert check_held_out(records(u_curve()[:MIN_EPOCHS - 1])) is None
    no_val = [replace(r, val_loss=None) for r in records(u_curve())]
    assert check_held_out(no_val) is None


def history_with(epochs, steps=40):
    """A history whose batches are healthy (the loss falls, gradients flow) with these epoch records."""
    from nnlab.engine.trainer import StepRecord
    h = History()
    for i in range(1, steps + 1):
        stats = {name: {"grad_norm": 0.5, "update_ratio": 1e-3} for name in ("L1 dense", "L2 dense")}
        h.add(StepRecord(i, 1, 0.001, 2.0 - i / steps, None, stats))
    for r in epochs:
        h.add(r)
    return h


def test_the_finding_names_the_best_epoch_and_what_to_try():
    val = u_curve()
    h = history_with(records(val))
    (f,) = diagnose(h, Setup(init="he", l2=1e-4, dropout=0.0, images=True))
    check = check_held_out(h.epochs)
    assert f.kind == "overfitting" and f.epoch == 12 and f.severity == "warning"
    assert f.message == (
        f"Overfitting: the validation loss was lowest at epoch 12 (0.167) and has risen since, to "
        f"{sig(check.recent_loss)} (median of the last 6 epochs), while the training loss kept falling "
        f"({sig(check.train_at_best)} at epoch 12, {sig(check.train_recent)} now). The network is memorising its "
        "training samples; epoch 12 is the best epoch.")
    assert f.items == ("Stop at the best epoch (early stopping): reset, then train for 12 epochs.",
                       "Raise the L2 weight decay above 1e−4.",  # L2 is on already: "add L2" would be no news
                       "Add dropout after the hidden layers (e.g. 0.2).",
                       "Augment the training images (Data page, tab “Image augmentation”).",
                       "Train on more data, if you have it.")
    fixed = Setup(init="he", dropout=None, images=True, augmenting=True)  # a CNN preset, augmenting already
    (f,) = diagnose(h, fixed)
    assert f.items == ("Stop at the best epoch (early stopping): reset, then train for 12 epochs.",
                       "Add L2 weight decay (the sidebar's L2, e.g. 1e-4).", "Train on more data, if you have it.")
    with using_language("zh"):
        (zh,) = diagnose(h, fixed)
    assert "过拟合" in zh.message and "12" in zh.message and zh.message != f.message


def test_a_healthy_run_says_the_validation_loss_did_not_rise():
    val = np.linspace(0.6, 0.2, 20)
    (ok,) = diagnose(history_with(records(val)))
    assert ok.kind == "ok"
    assert ok.items[-1] == ("Overfitting: no sustained rise of the validation loss (lowest at epoch 20, 0.2; 0.221 "
                            "over the last 3 epochs).")


def test_a_small_training_set_overfits_for_real():
    """150 digits, 60 epochs of a 128-unit MLP: the validation loss turns up around epoch 11 and keeps rising."""
    cfg = LabConfig(dataset="Digits 8×8", hidden=(128,), activations=("relu",), lr=0.01, epochs=60, batch_size=32)
    data = load_dataset(cfg.dataset)
    data = replace(data, x_train=data.x_train[:150], y_train=data.y_train[:150])
    session = TrainingSession.start(build_network(cfg, data))
    for _record in session.run(data, cfg):
        pass
    h = session.history
    val = [e.val_loss for e in h.epochs]
    findings = diagnose(h, setup_for(cfg, data))
    assert [f.kind for f in findings] == ["overfitting"]
    assert findings[0].epoch == int(np.argmin(val)) + 1
    assert f"lowest at epoch {findings[0].epoch} ({sig(min(val))})" in findings[0].message
    # the same run, looked at three epochs after its best epoch: too early to call it
    early = History()
    for record in h.steps + h.epochs[:findings[0].epoch + 3]:
        early.add(record)
    assert "overfitting" not in {f.kind for f in diagnose(early)}


def test_a_small_sustained_rise_is_reported_as_the_start_of_overfitting_never_as_fine():
    """A 12 % rise over 30 epochs with little noise: below the warning's 20 %, above the noise: an info note."""
    val = u_curve(n=60, turn=30, low=0.2, high=0.224) * (1 + 0.002 * np.random.default_rng(1).normal(size=60))
    check = check_held_out(records(val))
    assert check.rising and not check.overfitting and 0.05 < check.rise < 0.2
    (f,) = diagnose(history_with(records(val)), Setup(init="he", images=True))
    assert f.kind == "overfitting_start" and f.severity == "info" and f.epoch == int(np.argmin(val)) + 1
    assert f.message.startswith(f"Overfitting may be starting: the validation loss was lowest at epoch {f.epoch} "
                                f"({sig(check.best_loss)}) and is now {round(100 * check.rise)}% higher")
    assert f.items[0] == f"Stop at the best epoch (early stopping): reset, then train for {f.epoch} epochs."
    for seed in range(20):  # and a flat noisy plateau gets no such note
        flat = 0.2 * (1 + 0.05 * np.random.default_rng(seed).normal(size=60))
        assert not check_held_out(records(flat)).rising, seed


def test_early_stopping_advice_counts_one_epoch_in_the_singular():
    from nnlab.lab.advice import overfitting_actions

    one = overfitting_actions(Setup(), 1)[0]
    assert one == "Stop at the best epoch (early stopping): reset, then train for 1 epoch."
    assert overfitting_actions(Setup(), 2)[0].endswith("train for 2 epochs.")
