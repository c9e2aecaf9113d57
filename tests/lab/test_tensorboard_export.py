"""Runs for TensorBoard: the zipped event files, read back with TensorBoard's own EventAccumulator, hold
the records' values (scalars as float32, which is how TensorBoard stores them; histograms exactly)."""
import io
import zipfile

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from nnlab.engine import EpochRecord, Network, StepRecord, make_optimizer, mlp_spec, train
from nnlab.lab.tensorboard_export import run_to_tensorboard_zip, tag

LAYER_STATS = ("grad_norm", "weight_norm", "update_ratio", "act_mean", "act_std")


def run(task="classification", epochs=3, hist_every=4):
    """A short real run, with the per-epoch weight snapshots the app keeps (epoch 0 = initial weights)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 2))
    if task == "classification":
        spec, y = mlp_spec([2, 5, 4, 3], activation=["relu", "tanh"]), (x[:, 0] > 0).astype(int) + (x[:, 1] > 1)
    else:
        spec, y = mlp_spec([2, 4, 1], output="identity", loss="mse"), x[:, :1] * 2.0
    net = Network(spec)
    snapshot = lambda: {layer.name: layer.params["W"].copy() for layer in net.param_layers()}  # noqa: E731
    snapshots = {0: snapshot()}
    steps, epoch_records = [], []
    for record in train(net, x, y, epochs=epochs, batch_size=32, optimizer=make_optimizer("adam", lr=0.01),
                        x_val=x[:30], y_val=y[:30], hist_every=hist_every):
        if isinstance(record, StepRecord):
            steps.append(record)
        elif isinstance(record, EpochRecord):
            epoch_records.append(record)
            snapshots[record.epoch] = snapshot()
    return steps, epoch_records, snapshots


def read_back(zipped, tmp_path):
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path)
    acc = EventAccumulator(str(tmp_path / "nnlab-run"), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return names, acc


def series(acc, name):
    events = acc.Scalars(name)
    return [e.step for e in events], np.array([e.value for e in events])


def as_float32(values):
    return np.array(values, dtype=np.float32)


@pytest.fixture(scope="module")
def classification_run():
    return run()


def test_zip_is_one_run_folder_of_event_files(classification_run, tmp_path):
    names, _ = read_back(run_to_tensorboard_zip(*classification_run), tmp_path)
    assert names and all(n.startswith("nnlab-run/events.out.tfevents.") for n in names)


def test_step_and_epoch_scalars_read_back_as_the_records(classification_run, tmp_path):
    steps, epochs, snapshots = classification_run
    _, acc = read_back(run_to_tensorboard_zip(steps, epochs, snapshots), tmp_path)
    for name, field in (("step/loss", "loss"), ("step/accuracy", "accuracy"), ("step/lr", "lr")):
        got_steps, values = series(acc, name)
        assert got_steps == [r.step for r in steps] == list(range(1, len(steps) + 1))
        np.testing.assert_array_equal(values, as_float32([getattr(r, field) for r in steps]))
    for field in ("train_loss", "train_acc", "val_loss", "val_acc", "seconds"):
        got_steps, values = series(acc, f"epoch/{field}")
        assert got_steps == [1, 2, 3]
        np.testing.assert_array_equal(values, as_float32([getattr(r, field) for r in epochs]))


def test_per_layer_statistics_read_back_per_step(classification_run, tmp_path):
    steps, epochs, snapshots = classification_run
    _, acc = read_back(run_to_tensorboard_zip(steps, epochs, snapshots), tmp_path)
    layers = list(steps[0].layers)
    assert layers == ["L1 dense", "L2 dense", "L3 dense"]
    expected = {tag(stat, layer) for layer in layers for stat in steps[0].layers[layer]}
    assert {tag(s, "L1 dense") for s in LAYER_STATS + ("dead_frac",)} <= expected  # relu: dead units
    assert tag("saturated_frac", "L2 dense") in expected  # tanh: saturation
    assert set(acc.Tags()["scalars"]) == expected | {f"step/{f}" for f in ("loss", "accuracy", "lr")} | {
        f"epoch/{f}" for f in ("train_loss", "train_acc", "val_loss", "val_acc", "seconds")}
    for layer in layers:
        for stat in steps[0].layers[layer]:
            got_steps, values = series(acc, tag(stat, layer))
            assert got_steps == [r.step for r in steps]
            np.testing.assert_array_equal(values, as_float32([r.layers[layer][stat] for r in steps]))


def test_histograms_read_back_exactly(classification_run, tmp_path):
    steps, epochs, snapshots = classification_run
    _, acc = read_back(run_to_tensorboard_zip(steps, epochs, snapshots), tmp_path)
    with_hist = [r for r in steps if r.histograms]
    assert [r.step for r in with_hist] == list(range(1, len(steps) + 1, 4))
    for layer in steps[0].layers:
        for key, group in (("weights", "weights"), ("grads", "gradients")):
            events = acc.Histograms(tag(group, layer))
            assert [e.step for e in events] == [r.step for r in with_hist]
            for event, record in zip(events, with_hist):
                counts, edges = record.histograms[layer][key]
                h = event.histogram_value
                assert list(h.bucket) == list(counts) and h.num == counts.sum()
                np.testing.assert_array_equal(h.bucket_limit, edges[1:].astype(np.float64))
                assert (h.min, h.max) == (float(edges[0]), float(edges[-1]))
        events = acc.Histograms(tag("epoch_weights", layer))
        assert [e.step for e in events] == [0, 1, 2, 3]
        for event in events:
            w = snapshots[event.step][layer].astype(np.float64).ravel()
            h = event.histogram_value
            assert h.num == w.size and sum(h.bucket) == w.size
            assert (h.min, h.max) == (w.min(), w.max())
            assert h.sum == pytest.approx(w.sum(), rel=1e-12) and h.sum_squares == pytest.approx(w @ w, rel=1e-12)
    # The snapshots differ from epoch to epoch, and so do their histograms.
    first, last = (acc.Histograms(tag("epoch_weights", "L1 dense"))[i].histogram_value for i in (0, -1))
    assert first.sum != last.sum


def test_values_the_records_leave_out_are_not_written(tmp_path):
    steps, epochs, _ = run(task="regression", epochs=2, hist_every=0)
    assert steps[0].accuracy is None and epochs[0].train_acc is None
    steps[1].layers["L1 dense"]["update_ratio"] = float("inf")  # as for all-zero weights
    _, acc = read_back(run_to_tensorboard_zip(steps, epochs), tmp_path)
    tags = acc.Tags()
    assert "step/accuracy" not in tags["scalars"] and "epoch/val_acc" not in tags["scalars"]
    assert "epoch/val_loss" in tags["scalars"] and tags["histograms"] == []
    got_steps, _ = series(acc, tag("update_ratio", "L1 dense"))
    assert got_steps == [r.step for r in steps if r.step != 2]


def test_records_of_the_wrong_kind_are_named(classification_run):
    steps, epochs, _ = classification_run
    with pytest.raises(TypeError, match=r"steps\[1\] is of type EpochRecord; expected StepRecord"):
        run_to_tensorboard_zip([steps[0], epochs[0]], epochs)
    with pytest.raises(ValueError, match=r"run_name='\.\./x'"):
        run_to_tensorboard_zip(steps, epochs, run_name="../x")
