import numpy as np
import pytest

from nnlab.lab import diagnosis
from nnlab.lab.config import LabConfig, build_optimizer, build_spec
from nnlab.data.builtin import load_dataset
from nnlab.lab.describe import layer_in_words as layer_label
from nnlab.lab.diagnosis import diagnose
from nnlab.engine import Network, train
from nnlab.engine.trainer import ErrorRecord, StepRecord
from nnlab.lab.history import History
from nnlab.lab.presets import PRESETS
from nnlab.i18n.numbers import percent, sig
from nnlab.lab.advice import Setup, setup_for

from .preset_runs import short_run


def history(n=50, losses=None, **per_layer):
    """A synthetic history: per_layer maps layer name -> dict of constant statistics."""
    layers = per_layer or {"L1 dense": {}, "L2 dense": {}}
    losses = np.linspace(2.0, 0.5, n) if losses is None else losses
    h = History()
    for i, loss in enumerate(losses, start=1):
        stats = {name: {"grad_norm": 0.5, "weight_norm": 3.0, "update_ratio": 1e-3, "act_mean": 0.2, "act_std": 0.5,
                        **extra} for name, extra in layers.items()}
        h.add(StepRecord(i, 1 + i // 20, 0.1, float(loss), 0.5, stats))
    return h


def kinds(findings):
    return [f.kind for f in findings]


def test_layer_label():
    assert layer_label("L3 dense") == "layer 3" and layer_label("L1 conv2d") == "layer 1 (conv2d)"
    assert layer_label("output") == "output"


def test_healthy_run_says_so_with_numbers():
    findings = diagnose(history())
    assert kinds(findings) == ["ok"]
    assert findings[0].message == "No problems found in these checks:"
    gradient, updates, loss, overfitting = findings[0].items  # no ReLU or sigmoid layer: no unit check
    assert gradient.startswith("Gradient flow: layer 1 gets 1 × the last layer's gradient")
    assert updates.startswith("Update / weight ratios 0.001 per step")
    k = 5  # a tenth of the 50 batches
    assert loss == (f"The loss fell from {sig(np.mean(np.linspace(2, 0.5, 50)[:k]))} to "
                    f"{sig(np.mean(np.linspace(2, 0.5, 50)[-k:]))} (mean of the first and last 5 batches).")
    assert overfitting == "Overfitting: not checked yet; it needs a validation loss for at least 6 epochs."


def test_vanishing_gradient_reports_the_ratio():
    h = history(**{"L1 dense": {"grad_norm": 2e-6}, "L2 dense": {"grad_norm": 1e-3}, "L3 dense": {"grad_norm": 0.2}})
    (f,) = [f for f in diagnose(h) if f.kind == "vanishing"]
    assert f.value == pytest.approx(1e-5) and f.layer == "L1 dense" and f.severity == "warning"
    assert "layer 1 gets 1e−5 of the last layer's gradient" in f.message
    assert "2e−6 vs 0.2" in f.message


def test_exploding_gradient_by_ratio_and_by_size():
    h = history(**{"L1 dense": {"grad_norm": 50.0}, "L2 dense": {"grad_norm": 0.1}})
    (f,) = [f for f in diagnose(h) if f.kind == "exploding"]
    assert f.value == pytest.approx(500) and "500 × the last layer's gradient" in f.message
    h = history(**{"L1 dense": {"grad_norm": 5e3}, "L2 dense": {"grad_norm": 4e3}})
    (f,) = [f for f in diagnose(h) if f.kind == "exploding"]
    assert f.value == pytest.approx(5e3) and "is 5,000" in f.message


HELD_BACK = np.linspace(2.0, 1.6, 50)  # the loss fell by a fifth only


def test_dead_relus_and_saturation_while_training_is_held_back():
    h = history(losses=HELD_BACK, **{"L1 dense": {"dead_frac": 0.1}, "L2 dense": {"dead_frac": 0.4},
                                     "L3 dense": {"saturated_frac": 0.6}, "L4 dense": {"saturated_frac": 0.9}})
    found = {f.kind: f for f in diagnose(h)}
    end_share = np.mean(HELD_BACK[-5:]) / np.mean(HELD_BACK[:5])
    assert found["dead"].message == (
        "Dead ReLUs: on each of the last 10 batches at least 40% of layer 2's units output 0 for every sample, so no "
        f"gradient flows through them, and training is held back: the loss is still {percent(end_share)} of its "
        "starting value.")
    assert found["dead"].value == 0.4
    assert found["saturated"].message.startswith("60% of layer 3's outputs are saturated")
    assert [f.layer for f in diagnose(h) if f.kind == "dead"] == ["L2 dense"]  # 10 % is below the threshold
    # the output layer (L4) may saturate: a confident prediction is not a problem
    assert [f.layer for f in diagnose(h) if f.kind == "saturated"] == ["L3 dense"]


def test_units_that_do_not_hold_training_back_are_not_a_problem():
    """A network whose loss fell to a quarter learns well: 40 % silent ReLUs or 90 % saturated tanh units are its
    way of solving the task (the 95.8 % CNN, the 95 % spiral model); half a layer dead is reported anyway."""
    h = history(**{"L1 dense": {"dead_frac": 0.4}, "L2 dense": {"saturated_frac": 0.9}, "L3 dense": {}})
    (ok,) = diagnose(h)
    assert ok.kind == "ok"
    end_share = np.mean(np.linspace(2, 0.5, 50)[-5:]) / np.mean(np.linspace(2, 0.5, 50)[:5])
    assert (f"Dead ReLUs: up to 40% of layer 1's units are silent on every recent batch, but they do not hold training "
            f"back: the loss fell to {percent(end_share)} of its starting value.") in ok.items
    assert (f"Saturated sigmoid/tanh outputs: 90% of layer 2's, but they do not hold training back: the loss fell to "
            f"{percent(end_share)} of its starting value.") in ok.items
    (dead,) = diagnose(history(**{"L1 dense": {"dead_frac": 0.6}, "L2 dense": {}}))
    assert dead.kind == "dead" and dead.message.endswith("at least half of the layer has stopped learning.")


def test_a_unit_dead_on_one_batch_only_is_not_dead():
    """Dead = silent on every recent batch: the least share over them, not one batch's (a unit that fires for one
    class in forty is silent on many batches of 32 and still learns)."""
    h = History()
    for i in range(1, 51):
        share = 0.6 if i % 2 else 0.2  # every other batch, many units happen to stay silent
        stats = {"L1 dense": {"grad_norm": 0.5, "update_ratio": 1e-3, "dead_frac": share},
                 "L2 dense": {"grad_norm": 0.5, "update_ratio": 1e-3}}
        h.add(StepRecord(i, 1, 0.1, float(HELD_BACK[i - 1]), 0.5, stats))
    assert "dead" not in kinds(diagnose(h))


def test_no_problem_found_says_what_was_checked_for_relu_layers():
    h = history(**{"L1 dense": {"dead_frac": 0.05}, "L2 dense": {"dead_frac": 0.12}, "L3 dense": {}})
    (ok,) = diagnose(h)
    assert ("Dead ReLUs: no layer has more than 12% of its units silent on every recent batch (most: layer 2); a "
            "warning from 25%.") in ok.items


def test_update_ratios_far_from_1e_3():
    h = history(**{"L1 dense": {"update_ratio": 1e-6}, "L2 dense": {"update_ratio": 2e-6},
                   "L3 dense": {"update_ratio": 1e-3}, "L4 dense": {"update_ratio": 0.1}})
    found = {f.kind: f for f in diagnose(h)}
    assert found["small_updates"].message == ("Update / weight ratio 1e−6 … 2e−6 in layer 1, layer 2, far below "
                                              "the usual ≈ 0.001 per step: those weights barely move.")
    assert found["small_updates"].items == ("Raise the learning rate (now 0.1).",)
    assert found["small_updates"].layer == "L1 dense" and found["small_updates"].value == pytest.approx(1e-6)
    assert "0.1 in layer 4, far above" in found["large_updates"].message
    assert found["large_updates"].items == ("Lower the learning rate (now 0.1).",)


def test_no_gradient_at_all():
    h = history(**{"L1 dense": {"grad_norm": 0.0, "dead_frac": 1.0}, "L2 dense": {"grad_norm": 0.0}})
    findings = diagnose(h)
    assert findings[0].kind == "no_gradient" and findings[0].severity == "error"
    assert "vanishing" not in kinds(findings) and "dead" in kinds(findings)


def test_loss_not_decreasing_and_rising():
    flat = history(losses=np.full(40, 2.3))
    (f,) = [f for f in diagnose(flat) if f.kind == "not_decreasing"]
    assert "2.3 over the first 4 batches, 2.3 over the last 4" in f.message
    rising = history(losses=np.linspace(1.0, 3.0, 40))
    (f,) = [f for f in diagnose(rising) if f.kind == "loss_rising"]
    assert f.value == pytest.approx(np.mean(np.linspace(1, 3, 40)[-4:]) / np.mean(np.linspace(1, 3, 40)[:4]))


def test_divergence_comes_first_and_too_early_to_judge_otherwise():
    h = history(n=3)
    h.add(ErrorRecord(4, 1, "Training diverged at step 4 …", {"loss": float("inf")}))
    findings = diagnose(h)
    assert kinds(findings) == ["diverged"] and findings[0].severity == "error"
    assert "step 4" in findings[0].message
    assert diagnose(History()) == []


def test_vanishing_preset_trained_for_real():
    """The preset's 8 sigmoid layers: the first gets ~1e-5 of the last layer's gradient."""
    cfg, data, session = short_run("Vanishing gradients (8 sigmoid layers)")
    h = session.history
    (f,) = [f for f in diagnose(h, setup_for(cfg, data)) if f.kind == "vanishing"]
    window = h.steps[-max(diagnosis.MIN_STEPS, len(h.steps) // 5):]
    first = np.median([r.layers["L1 dense"]["grad_norm"] for r in window])
    last = np.median([r.layers["L9 dense"]["grad_norm"] for r in window])
    assert f.value == pytest.approx(first / last) and f.value < 1e-3
    assert f"layer 1 gets {sig(first / last)} of the last layer's gradient" in f.message
    # sigmoid with Xavier: both remedies are new to this setup; the small updates of layers 1-5 are the
    # vanishing gradient's doing, so "raise the learning rate" is not said
    assert f.items == ("Use ReLU activations in the hidden layers: their slope is 1 wherever they are active.",
                       "Use He initialisation.", "Use fewer layers.")


def test_advice_leaves_out_what_is_already_chosen():
    dead = history(losses=HELD_BACK, **{"L1 dense": {"dead_frac": 0.4}, "L2 dense": {}})
    he_relu = Setup(init="he", activations=frozenset({"relu", "softmax"}))
    (f,) = [f for f in diagnose(dead, he_relu) if f.kind == "dead"]
    assert f.items == ("Lower the learning rate (now 0.1).",
                       "Use leaky ReLU: its small slope below 0 lets a unit come back.")
    leaky_xavier = Setup(init="xavier", activations=frozenset({"leaky_relu", "softmax"}))
    (f,) = [f for f in diagnose(dead, leaky_xavier) if f.kind == "dead"]
    assert f.items == ("Lower the learning rate (now 0.1).", "Use He initialisation.")
    saturated = history(losses=HELD_BACK, **{"L1 dense": {"saturated_frac": 0.5}, "L2 dense": {}})
    (f,) = [f for f in diagnose(saturated, Setup(init="xavier", activations=frozenset({"tanh"}))) if f.kind ==
            "saturated"]
    assert f.items == ("Use ReLU activations in the hidden layers.",)
    exploding = history(**{"L1 dense": {"grad_norm": 50.0}, "L2 dense": {"grad_norm": 0.1}})
    (f,) = [f for f in diagnose(exploding, Setup(init="he")) if f.kind == "exploding"]
    assert f.items == ("Lower the learning rate (now 0.1).",)
    (f,) = [f for f in diagnose(exploding, Setup(init="normal")) if f.kind == "exploding"]
    assert f.items[1] == "Use He (ReLU) or Xavier (sigmoid, tanh) initialisation."


def test_setup_for_reads_the_config():
    mlp = setup_for(LabConfig(l2=1e-4, dropout=0.2), load_dataset("Iris"))
    assert mlp == Setup(init="he", activations=frozenset({"relu", "softmax"}), l2=1e-4, dropout=0.2)
    cnn = setup_for(PRESETS["MNIST CNN"], load_dataset("Digits 8×8"), augmenting=True)
    assert cnn.dropout is None and cnn.images and cnn.augmenting and cnn.activations == {"relu", "softmax"}


def test_healthy_relu_network_trained_for_real():
    cfg = LabConfig(dataset="Digits 8×8", hidden=(32,), activations=("relu",), lr=3e-3, epochs=2)
    data = load_dataset(cfg.dataset)
    net = Network(build_spec(cfg, data))
    h = History()
    for record in train(net, data.x_train, data.y_train, epochs=2, batch_size=64, optimizer=build_optimizer(cfg)):
        h.add(record)
    assert kinds(diagnose(h)) == ["ok"]


def test_small_updates_at_the_end_of_a_decaying_schedule_are_not_reported():
    # Cosine decay brings the learning rate (and with it ‖ΔW‖/‖W‖) towards 0 on purpose at the end of a run.
    def run(lrs, ratios):
        h = History()
        for i, (lr, ratio) in enumerate(zip(lrs, ratios), start=1):
            stats = {name: {"grad_norm": 0.5, "weight_norm": 3.0, "update_ratio": float(ratio), "act_mean": 0.2,
                            "act_std": 0.5} for name in ("L1 conv2d", "L2 dense")}
            h.add(StepRecord(i, 1, float(lr), 2.0 - i / len(lrs), 0.5, stats))
        return kinds(diagnose(h))

    cosine = 0.002 * 0.5 * (1 + np.cos(np.pi * np.arange(100) / 100))  # ends near 0
    assert "small_updates" not in run(cosine, 1e-3 * cosine / cosine[0])
    assert "small_updates" in run(np.full(100, 0.002), np.full(100, 1e-6))  # constant lr: still reported
