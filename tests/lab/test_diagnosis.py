import numpy as np
import pytest

from nnlab.lab import diagnosis
from nnlab.lab.config import LabConfig, build_optimizer, build_spec
from nnlab.data.builtin import load_dataset
from nnlab.lab.describe import layer_in_words as layer_label
from nnlab.lab.diagnosis import diagnose, sci
from nnlab.engine import Network, train
from nnlab.engine.trainer import ErrorRecord, StepRecord
from nnlab.lab.history import History
from nnlab.lab.presets import PRESETS


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


def test_sci_and_layer_label():
    assert sci(1e-5) == "1e-5" and sci(1.6e-5) == "1.6e-5" and sci(0.0234) == "0.0234"
    assert sci(1250) == "1,250" and sci(3.2e7) == "3.2e7" and sci(0) == "0"
    assert layer_label("L3 dense") == "layer 3" and layer_label("L1 conv2d") == "layer 1 (conv2d)"
    assert layer_label("output") == "output"


def test_healthy_run_says_so_with_numbers():
    findings = diagnose(history())
    assert kinds(findings) == ["ok"]
    assert "No problems found" in findings[0].message
    assert "layer 1 gets 1 × the last layer's gradient" in findings[0].message


def test_vanishing_gradient_reports_the_ratio():
    h = history(**{"L1 dense": {"grad_norm": 2e-6}, "L2 dense": {"grad_norm": 1e-3}, "L3 dense": {"grad_norm": 0.2}})
    (f,) = [f for f in diagnose(h) if f.kind == "vanishing"]
    assert f.value == pytest.approx(1e-5) and f.layer == "L1 dense" and f.severity == "warning"
    assert "layer 1 gets 1e-5 of the last layer's gradient" in f.message
    assert "2e-6 vs 0.2" in f.message


def test_exploding_gradient_by_ratio_and_by_size():
    h = history(**{"L1 dense": {"grad_norm": 50.0}, "L2 dense": {"grad_norm": 0.1}})
    (f,) = [f for f in diagnose(h) if f.kind == "exploding"]
    assert f.value == pytest.approx(500) and "500 × the last layer's gradient" in f.message
    h = history(**{"L1 dense": {"grad_norm": 5e3}, "L2 dense": {"grad_norm": 4e3}})
    (f,) = [f for f in diagnose(h) if f.kind == "exploding"]
    assert f.value == pytest.approx(5e3) and "is 5,000" in f.message


def test_dead_relus_and_saturation_are_counted_per_layer():
    h = history(**{"L1 dense": {"dead_frac": 0.1}, "L2 dense": {"dead_frac": 0.4},
                   "L3 dense": {"saturated_frac": 0.6}, "L4 dense": {"saturated_frac": 0.9}})
    found = {f.kind: f for f in diagnose(h)}
    assert "40% of layer 2's ReLUs are dead" in found["dead"].message and found["dead"].value == 0.4
    assert "60% of layer 3's outputs are saturated" in found["saturated"].message
    assert [f.layer for f in diagnose(h) if f.kind == "dead"] == ["L2 dense"]  # 10 % is below the threshold
    # the output layer (L4) may saturate: a confident prediction is not a problem
    assert [f.layer for f in diagnose(h) if f.kind == "saturated"] == ["L3 dense"]


def test_update_ratios_far_from_1e_3():
    h = history(**{"L1 dense": {"update_ratio": 1e-6}, "L2 dense": {"update_ratio": 2e-6},
                   "L3 dense": {"update_ratio": 1e-3}, "L4 dense": {"update_ratio": 0.1}})
    found = {f.kind: f for f in diagnose(h)}
    assert "1e-6 … 2e-6 in layer 1, layer 2" in found["small_updates"].message
    assert found["small_updates"].layer == "L1 dense" and found["small_updates"].value == pytest.approx(1e-6)
    assert "0.1 in layer 4" in found["large_updates"].message


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
    cfg = PRESETS["Vanishing gradients (8 sigmoid layers)"]
    data = load_dataset(cfg.dataset)
    net = Network(build_spec(cfg, data))
    h = History()
    for record in train(net, data.x_train, data.y_train, epochs=1, batch_size=cfg.batch_size,
                        optimizer=build_optimizer(cfg), seed=0):
        h.add(record)
    (f,) = [f for f in diagnose(h) if f.kind == "vanishing"]
    window = h.steps[-max(diagnosis.MIN_STEPS, len(h.steps) // 5):]
    first = np.median([r.layers["L1 dense"]["grad_norm"] for r in window])
    last = np.median([r.layers["L9 dense"]["grad_norm"] for r in window])
    assert f.value == pytest.approx(first / last) and f.value < 1e-3
    assert f"layer 1 gets {sci(first / last)} of the last layer's gradient" in f.message


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
