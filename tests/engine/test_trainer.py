"""The training generator: records checked against quantities computed by hand, NaN stop, early stop,
reproducibility."""
import numpy as np
import pytest

from nnlab.engine import (EpochRecord, ErrorRecord, Network, StepRecord, evaluate, make_optimizer, mlp_spec,
                          train)
from nnlab.engine.trainer import HIST_BINS, SATURATION, histogram


def tanh_regression(seed=0, n=24):
    """3 → 4 (tanh) → 2 (identity), MSE, float64, with data."""
    net = Network(mlp_spec([3, 4, 2], activation="tanh", output="identity", loss="mse", init="xavier",
                           seed=seed, dtype="float64"))
    rng = np.random.default_rng(seed + 10)
    x = rng.normal(size=(n, 3))
    y = rng.normal(size=(n, 2))
    return net, x, y


def hand_gradients(W1, b1, W2, b2, x, t):
    """∂L/∂W for the tanh → identity MSE network, written out independently of the engine."""
    z1 = x @ W1 + b1
    a1 = np.tanh(z1)
    out = a1 @ W2 + b2
    d2 = (out - t) / len(x)  # L = ½ Σ (out − t)² / n
    d1 = (d2 @ W2.T) * (1 - a1 ** 2)
    return {"W1": x.T @ d1, "b1": d1.sum(0), "W2": a1.T @ d2, "b2": d2.sum(0), "a1": a1}


def weights(net):
    return [{k: v.copy() for k, v in layer.params.items()} for layer in net.param_layers()]


def test_step_records_match_hand_computed_norms_and_ratios():
    net, x, y = tanh_regression()
    gen = train(net, x, y, epochs=3, batch_size=len(x), optimizer=make_optimizer("adam", lr=0.05), seed=0,
                hist_every=0)
    before = weights(net)
    names = [layer.name for layer in net.param_layers()]
    n_checked = 0
    for rec in gen:
        if not isinstance(rec, StepRecord):
            continue
        after = weights(net)
        (W1, b1), (W2, b2) = [(p["W"], p["b"]) for p in before]
        hand = hand_gradients(W1, b1, W2, b2, x, y)  # full batch: the order of samples does not matter
        for name, W_before, W_after, gW in ((names[0], W1, after[0]["W"], hand["W1"]),
                                            (names[1], W2, after[1]["W"], hand["W2"])):
            stats = rec.layers[name]
            assert stats["weight_norm"] == pytest.approx(np.linalg.norm(W_before), rel=1e-12)
            assert stats["grad_norm"] == pytest.approx(np.linalg.norm(gW), rel=1e-9)
            ratio = np.linalg.norm(W_after - W_before) / np.linalg.norm(W_before)
            assert stats["update_ratio"] == pytest.approx(ratio, rel=1e-9)
            assert 0 < ratio < 1
        a1 = hand["a1"]
        stats = rec.layers[names[0]]
        assert stats["act_mean"] == pytest.approx(a1.mean(), rel=1e-9)
        assert stats["act_std"] == pytest.approx(a1.std(), rel=1e-9)
        lo, hi = SATURATION["tanh"]
        assert stats["saturated_frac"] == pytest.approx(np.mean((a1 < lo) | (a1 > hi)), abs=1e-12)
        assert "dead_frac" not in stats
        assert rec.loss == pytest.approx(0.5 * np.sum((np.tanh(x @ W1 + b1) @ W2 + b2 - y) ** 2) / len(x),
                                         rel=1e-12)
        assert rec.accuracy is None  # regression
        before = after
        n_checked += 1
    assert n_checked == 3


def test_saturated_fraction_counts_saturated_units():
    net, x, y = tanh_regression()
    net.set_params(0, W=net.get_params(0)["W"] * 20)  # drive most tanh units into saturation
    rec = next(train(net, x, y, epochs=1, batch_size=len(x), optimizer=make_optimizer("sgd", lr=1e-6)))
    a = np.tanh(x @ net.get_params(0)["W"] + net.get_params(0)["b"])
    expected = np.mean(np.abs(a) > 0.98)
    assert expected > 0.5
    assert rec.layers["L1 dense"]["saturated_frac"] == pytest.approx(expected, abs=1e-6)


def test_dead_fraction_equals_a_hand_count():
    net = Network(mlp_spec([2, 5, 2], activation="relu", seed=0, dtype="float64"))
    W = net.get_params(0)["W"]
    W[:, [0, 3]] = -1.0  # inputs are positive, so units 0 and 3 can never fire
    W[:, [1, 2, 4]] = np.abs(W[:, [1, 2, 4]]) + 0.1  # and the others always do
    net.set_params(0, W=W, b=[0.0, 0.1, 0.1, -0.5, 0.1])
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 1.0, size=(32, 2))
    y = (x[:, 0] > x[:, 1]).astype(np.int64)
    W1, b1 = net.get_params(0)["W"], net.get_params(0)["b"]
    acc_before = np.mean(net.predict(x).argmax(1) == y)
    a = np.maximum(x @ W1 + b1, 0)
    hand = np.mean(np.all(a <= 0, axis=0))  # units that are zero for every sample of the batch
    assert hand == pytest.approx(0.4)
    rec = next(train(net, x, y, epochs=1, batch_size=32, optimizer=make_optimizer("sgd", lr=1e-3)))
    assert rec.layers["L1 dense"]["dead_frac"] == hand
    assert rec.layers["L1 dense"]["act_mean"] == pytest.approx(a.mean(), rel=1e-9)
    assert "saturated_frac" not in rec.layers["L1 dense"]
    assert rec.accuracy == acc_before


def test_record_sequence_epochs_and_histograms():
    net, x, y = tanh_regression(n=50)
    x_val, y_val = x[:10], y[:10]
    recs = list(train(net, x, y, epochs=2, batch_size=16, x_val=x_val, y_val=y_val, hist_every=3, seed=0))
    kinds = [type(r).__name__ for r in recs]
    # 50 samples in batches of 16: 4 steps (16, 16, 16, 2) then an epoch record, twice
    assert kinds == ["StepRecord"] * 4 + ["EpochRecord"] + ["StepRecord"] * 4 + ["EpochRecord"]
    steps = [r for r in recs if isinstance(r, StepRecord)]
    assert [r.step for r in steps] == list(range(1, 9)) and [r.epoch for r in steps] == [1] * 4 + [2] * 4
    with_hist = [r.step for r in steps if r.histograms is not None]
    assert with_hist == [1, 4, 7]
    hist = steps[0].histograms["L1 dense"]
    counts, edges = hist["weights"]
    assert counts.sum() == net.layers[0].n_params and len(edges) == HIST_BINS + 1
    assert hist["grads"][0].sum() == net.layers[0].n_params
    ep = recs[-1]
    assert isinstance(ep, EpochRecord) and ep.epoch == 2 and ep.step == 8
    val_loss, val_acc = evaluate(net, x_val, y_val)
    assert ep.val_loss == pytest.approx(val_loss, rel=1e-12) and ep.val_acc is None
    # train_loss is the sample-weighted mean of that epoch's batch losses
    assert ep.train_loss == pytest.approx((16 * sum(s.loss for s in steps[4:7]) + 2 * steps[7].loss) / 50)
    assert 0 < recs[4].seconds <= ep.seconds


@pytest.mark.parametrize("size", [20_000, 1_000])  # counted per edge, sorted (COUNT_BELOW_FROM)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_histogram_equals_numpy_exactly(dtype, size):
    rng = np.random.default_rng(0)
    for scale in (1e-3, 1.0, 40.0):
        flat = (rng.normal(size=size) * scale).astype(dtype)
        flat[::7] = np.round(flat[::7], 1)  # repeated values
        edges = np.histogram(flat, bins=HIST_BINS)[1]
        flat = np.concatenate([flat, edges.astype(dtype), edges.astype(dtype)])  # values exactly on every edge
        counts, got_edges = histogram(flat)
        want_counts, want_edges = np.histogram(flat, bins=HIST_BINS)
        np.testing.assert_array_equal(got_edges, want_edges)
        np.testing.assert_array_equal(counts, want_counts)
        assert got_edges.dtype == want_edges.dtype and counts.sum() == flat.size
    const = np.full(10, 0.5, dtype=dtype)  # a constant array (e.g. zero-initialised biases)
    np.testing.assert_array_equal(histogram(const)[0], np.histogram(const, bins=HIST_BINS)[0])


def test_step_histograms_describe_the_weights_and_gradients_after_the_step():
    net, x, y = tanh_regression()
    rec = next(train(net, x, y, epochs=1, batch_size=len(x), hist_every=1))
    layer = net.layers[0]
    weights_now = np.concatenate([layer.params["W"].ravel(), layer.params["b"].ravel()])
    grads_now = np.concatenate([layer.grad["W"].ravel(), layer.grad["b"].ravel()])
    for key, flat in (("weights", weights_now), ("grads", grads_now)):
        counts, edges = rec.histograms["L1 dense"][key]
        want = np.histogram(flat, bins=HIST_BINS)
        np.testing.assert_array_equal(counts, want[0])
        np.testing.assert_array_equal(edges, want[1])


def test_classification_records_have_accuracies():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    net = Network(mlp_spec([3, 6, 2], seed=0))
    before = np.mean(net.predict(x).argmax(1) == y)  # the step's accuracy is measured before its update
    recs = list(train(net, x, y, epochs=1, batch_size=40, x_val=x, y_val=y))
    step, epoch = recs
    assert step.accuracy == before and 0 < before < 1
    assert epoch.train_acc == step.accuracy
    assert epoch.val_acc == evaluate(net, x, y)[1]


def test_stopping_early_keeps_what_was_learned():
    net, x, y = tanh_regression(n=64)
    initial = weights(net)
    loss0 = evaluate(net, x, y)[0]
    gen = train(net, x, y, epochs=50, batch_size=8, optimizer=make_optimizer("adam", lr=0.02), seed=0)
    for rec in gen:
        if isinstance(rec, StepRecord) and rec.step == 40:
            snapshot = weights(net)
            break
    gen.close()  # what happens when a page drops the generator
    final = weights(net)
    for a, b, c in zip(snapshot, final, initial):
        np.testing.assert_array_equal(a["W"], b["W"])
        np.testing.assert_array_equal(a["b"], b["b"])
        assert not np.array_equal(b["W"], c["W"])
    assert evaluate(net, x, y)[0] < 0.8 * loss0


def test_seeded_runs_are_bit_identical_and_seeds_matter():
    def run(seed):
        spec = mlp_spec([3, 8, 2], activation="relu", output="identity", loss="mse", seed=1)
        spec["layers"].insert(1, {"type": "dropout", "rate": 0.3})
        net = Network(spec)
        rng = np.random.default_rng(5)
        x, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 2))
        losses = [r.loss for r in train(net, x, y, epochs=3, batch_size=8, seed=seed) if isinstance(r, StepRecord)]
        return losses, net.get_params(0)["W"], net.predict(x)

    a, b, c = run(0), run(0), run(1)
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[2], b[2])
    assert a[0] != c[0] and not np.array_equal(a[1], c[1])


def test_float64_on_request_and_float32_by_default():
    net32 = Network(mlp_spec([3, 4, 2], seed=0))
    assert net32.dtype == np.float32 and net32.layers[0].params["W"].dtype == np.float32
    assert net32.predict(np.zeros((2, 3))).dtype == np.float32
    net, x, y = tanh_regression()
    for _ in train(net, x.astype(np.float32), y, epochs=1, batch_size=8):
        pass
    assert all(p.dtype == np.float64 for layer in net.layers for p in layer.params.values())
    assert net.predict(x).dtype == np.float64


def test_nan_stop_keeps_the_last_finite_weights():
    net, x, y = tanh_regression(n=64)
    net = Network({**net.spec, "dtype": "float32"})
    gen = train(net, x, y, epochs=5, batch_size=16, optimizer=make_optimizer("sgd", lr=1e6), seed=0)
    last_finite, records = weights(net), []
    with np.errstate(all="ignore"):
        for rec in gen:
            records.append(rec)
            if isinstance(rec, StepRecord):
                last_finite = weights(net)
    error = records[-1]
    assert isinstance(error, ErrorRecord), [type(r).__name__ for r in records]
    assert sum(isinstance(r, ErrorRecord) for r in records) == 1
    assert error.step > 1 and "NaN or infinite" in error.message and "learning rate" in error.message
    assert error.details["lr"] == 1e6
    assert not np.isfinite(error.details["loss"]) or error.details["loss"] > 1e30
    now = weights(net)
    for a, b in zip(now, last_finite):
        for k in a:
            assert np.all(np.isfinite(a[k]))
            np.testing.assert_array_equal(a[k], b[k])
    assert np.all(np.isfinite(net.predict(x)))


def test_l2_weight_decay_in_the_trainer_applies_to_weights_not_biases():
    net, x, y = tanh_regression()
    (W1, b1), (W2, b2) = [(p["W"], p["b"]) for p in weights(net)]
    lr, lam = 0.1, 0.5
    rec = next(train(net, x, y, epochs=1, batch_size=len(x),
                     optimizer=make_optimizer("sgd", lr=lr, weight_decay=lam)))
    hand = hand_gradients(W1, b1, W2, b2, x, y)
    np.testing.assert_allclose(net.get_params(0)["W"], W1 - lr * (hand["W1"] + lam * W1), rtol=1e-12)
    np.testing.assert_allclose(net.get_params(0)["b"], b1 - lr * hand["b1"], rtol=1e-12)
    np.testing.assert_allclose(net.get_params(1)["W"], W2 - lr * (hand["W2"] + lam * W2), rtol=1e-12)
    np.testing.assert_allclose(net.get_params(1)["b"], b2 - lr * hand["b2"], rtol=1e-12)
    # the reported gradient norm is the loss gradient's, without the decay term
    assert rec.layers["L1 dense"]["grad_norm"] == pytest.approx(np.linalg.norm(hand["W1"]), rel=1e-9)


def test_schedule_sets_each_steps_learning_rate():
    net, x, y = tanh_regression(n=8)
    recs = [r for r in train(net, x, y, epochs=7, batch_size=8, schedule="step",
                             optimizer=make_optimizer("sgd", lr=0.01)) if isinstance(r, StepRecord)]
    assert [r.lr for r in recs] == [0.01] * 3 + [0.005] * 3 + [0.0025]


def test_augment_is_applied_to_every_training_batch():
    net, x, y = tanh_regression(n=20)
    seen = []

    def augment(xb, rng):
        seen.append(len(xb))
        assert isinstance(rng, np.random.Generator)
        return xb * 0  # wipe the inputs: the first layer's weights then get no gradient

    W1 = net.get_params(0)["W"]
    recs = list(train(net, x, y, epochs=1, batch_size=8, augment=augment, optimizer=make_optimizer("sgd", lr=0.1)))
    assert seen == [8, 8, 4]
    assert recs[0].layers["L1 dense"]["grad_norm"] == 0
    np.testing.assert_array_equal(net.get_params(0)["W"], W1)


def _noisy(xb, rng):
    """An augmentation that draws from the trainer's rng, as the real ones do."""
    return xb + rng.normal(scale=0.1, size=xb.shape)


def _dropout_run(augment, epochs=3):
    net = Network({**mlp_spec([3, 6, 2], activation="tanh", output="identity", loss="mse", dtype="float64"),
                   "layers": [{"type": "dense", "units": 6, "activation": "tanh"}, {"type": "dropout", "rate": 0.3},
                              {"type": "dense", "units": 2, "activation": "identity"}]})
    _, x, y = tanh_regression(n=21)
    records = list(train(net, x, y, epochs=epochs, batch_size=5, augment=augment, seed=4,
                         optimizer=make_optimizer("adam", lr=0.01)))
    return [vars(r) | {"seconds": None} for r in records], weights(net)


def test_augmenting_batches_ahead_gives_the_numbers_of_a_plain_loop(monkeypatch):
    """Batches are augmented on a second thread, a few ahead of the step that runs; the random draws, and so
    every number, must be those of the plain serial loop."""
    import nnlab.engine.trainer as trainer

    ahead_records, ahead_weights = _dropout_run(_noisy)
    monkeypatch.setattr(trainer, "_ahead", lambda items, pool: items)  # the plain loop
    plain_records, plain_weights = _dropout_run(_noisy)
    np.testing.assert_equal(ahead_records, plain_records)  # every loss, statistic and histogram
    np.testing.assert_equal(ahead_weights, plain_weights)
    other_records, _ = _dropout_run(lambda xb, rng: xb + rng.normal(scale=0.1, size=xb.shape) * 1.01)
    with pytest.raises(AssertionError):  # the comparison can tell runs apart
        np.testing.assert_equal(other_records, plain_records)


def test_the_augmenting_thread_ends_with_the_run_and_passes_errors_on():
    import threading

    def alive():
        return [t for t in threading.enumerate() if t.name.startswith("nnlab-batches")]

    net, x, y = tanh_regression(n=40)
    run = train(net, x, y, epochs=5, batch_size=4, augment=_noisy)
    next(run), next(run)
    assert alive()
    run.close()  # a page that stops iterating early
    assert not alive()

    def broken(xb, rng):
        raise ValueError("augment failed on purpose")

    with pytest.raises(ValueError, match="on purpose"):
        list(train(net, x, y, epochs=1, batch_size=4, augment=broken))
    assert not alive()
