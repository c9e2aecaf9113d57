"""Benchmark: how long each "why did it decide that" computation (``nnlab.lab``) takes on the bundled data.

Three models, as the app trains them (the Replay page's epoch is timed on the last snapshot):
- "mlp": the MNIST MLP 784-128-64-10 (ReLU, Adam 1e-3, batch 64), trained 1 epoch on the 8,000 digits;
- "cnn": the "MNIST CNN" preset and "attn": the "MNIST patch attention" preset (``nnlab.engine.zoo``),
  each trained 1 epoch with its preset settings on the first 2,000 digits (enough for meaningful
  gradients; the timings below do not depend on how well a model has learned).
Weight snapshots (every parameter) are kept 8 times during the epoch, for the trajectory views. The LR
range test runs on the trained model and, as it is meant to be used, on an untrained one.

Each computation runs once per model with the settings ``nnlab.lab.budget.settings_for`` gives that
model (the ones a page would use); the table shows wall-clock and CPU seconds and the number the page
shows as its check. On a machine other processes keep busy the wall clock stretches; with
``OPENBLAS_NUM_THREADS=1`` the CPU seconds are what the computation takes on an idle core.
The last line printed is one JSON object {"<model>_<computation>_s": wall seconds,
"<model>_<computation>_cpu_s": CPU seconds, …}.

Run: ``python bench/explain.py``
"""
import json
import os
import time
from functools import partial
from types import SimpleNamespace

from nnlab.data.mnist import mnist_split
from nnlab.engine import Network, make_optimizer, mlp_spec, train
from nnlab.engine.zoo import ATTENTION_TRAINING, CNN_TRAINING, mnist_attention_spec, mnist_cnn_spec
from nnlab.lab import attributions, feature_vis, landscape, lr_finder, projection, replay
from nnlab.lab.budget import settings_for

SEED = 0
IMAGE = (28, 28)
MLP_TRAINING = {"optimizer": "adam", "lr": 1e-3, "schedule": "constant", "epochs": 1, "batch_size": 64}
# model -> (spec, training settings, training samples, feature-vis (layer, unit), projection layer)
MODELS = {
    "mlp": (mlp_spec([784, 128, 64, 10], seed=SEED), MLP_TRAINING, 8000, (1, 0), 1),
    "cnn": (mnist_cnn_spec(seed=SEED), CNN_TRAINING, 2000, (2, 0), 5),
    "attn": (mnist_attention_spec(seed=SEED), ATTENTION_TRAINING, 2000, (4, 0), 5),
}
N_SNAPSHOTS = 8


def full_snapshot(net):
    return {layer.name: {k: v.copy() for k, v in layer.params.items()} for layer in net.param_layers()}


def trained(spec, settings, n_train, x, y):
    net = Network(spec)
    snapshots = {0: full_snapshot(net)}
    steps = -(-n_train // settings["batch_size"])
    every = max(1, steps // N_SNAPSHOTS)
    for rec in train(net, x[:n_train], y[:n_train], epochs=1, batch_size=settings["batch_size"],
                     optimizer=make_optimizer(settings["optimizer"], lr=settings["lr"]),
                     schedule=settings["schedule"], seed=SEED):
        if hasattr(rec, "message"):
            raise SystemExit(f"training failed: {rec.message}")
        if hasattr(rec, "accuracy") and (rec.step % every == 0 or rec.step == steps):
            snapshots[rec.step] = full_snapshot(net)
    return net, snapshots


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - t0, time.process_time() - c0, result


def computations(net, snapshots, data, vis, layer, spec):
    """name -> (function, how to read its check from the result)."""
    x_train, y_train, x_test, y_test = data
    x, cls = x_test[0], int(y_test[0])
    base = attributions.make_baseline("black", x_train, IMAGE)
    s = settings_for(net)
    out = {
        "saliency": (lambda: attributions.saliency(net, x, cls),
                     lambda r: f"FD max rel. error {r.check_max_rel_error:.1e} "
                               f"({int(r.check_at_kink.sum())} at a kink)"),
        "integrated_gradients": (lambda: attributions.integrated_gradients(net, x, cls, base, steps=s["ig_steps"]),
                                 lambda r: f"completeness error {r.completeness_error:+.1e} "
                                           f"at {r.alphas.size - 1} steps"),
        "occlusion": (lambda: attributions.occlusion(net, x, cls, base, IMAGE),
                      lambda r: f"largest drop {r.drops.max():.2f} of score {r.score:.2f}"),
        "feature_vis": (lambda: feature_vis.maximise_unit(net, *vis, image_shape=IMAGE, steps=s["vis_steps"]),
                        lambda r: f"mean z {r.objective[0]:.2f} -> {r.objective[-1]:.2f}"),
        "top_samples": (lambda: feature_vis.top_samples(net, x_test, *vis),
                        lambda r: f"best test sample mean z {r.objective[0]:.2f}"),
        "pca": (lambda: projection.project(net, x_test, layer, y=y_test),
                lambda r: f"{len(r.coords)} points, silhouette {r.silhouette:.2f}"),
        "tsne": (lambda: projection.project(net, x_test, layer, y=y_test, method="tsne"),
                 lambda r: f"{len(r.coords)} points, silhouette {r.silhouette:.2f}"),
        "landscape_random": (
            lambda: landscape.loss_surface(net, x_train, y_train, snapshots=snapshots, resolution=s["resolution"],
                                           n_samples=s["landscape_samples"]),
            lambda r: f"{r.losses.size} losses, centre {r.centre_loss:.3f}, path captured {r.trajectory_captured:.1e}"),
        "landscape_trajectory": (
            lambda: landscape.loss_surface(net, x_train, y_train, plane="trajectory", snapshots=snapshots,
                                           resolution=s["resolution"], n_samples=s["landscape_samples"]),
            lambda r: f"{r.losses.size} losses, path captured {r.trajectory_captured:.2f}"),
        "interpolation": (lambda: landscape.interpolation(net, x_train, y_train, snapshots[0],
                                                          n_samples=s["landscape_samples"]),
                          lambda r: f"loss {r.start_loss:.2f} -> {r.end_loss:.3f}"),
        "lr_range_test": (lambda: lr_finder.lr_range_test(net, x_train, y_train, n_steps=s["lr_steps"],
                                                          batch_size=s["lr_batch_size"]),
                          lambda r: f"suggested lr {r.suggested_lr or float('nan'):.2g}, diverged at "
                                    f"{r.diverged_lr or float('nan'):.2g}"),
        "lr_range_test_fresh": (lambda: lr_finder.lr_range_test(Network(spec), x_train, y_train, n_steps=s["lr_steps"],
                                                                batch_size=s["lr_batch_size"]),
                                lambda r: f"untrained copy: suggested lr {r.suggested_lr or float('nan'):.2g}, "
                                          f"diverged at {r.diverged_lr or float('nan'):.2g}"),
        "hessian": (lambda: lr_finder.top_hessian_eigenvalue(net, x_train, y_train, n_samples=s["hessian_samples"],
                                                             iterations=s["hessian_iterations"]),
                    lambda r: f"lambda_max {r.eigenvalue:.3g} (2/lambda {r.lr_bound:.3g}), "
                              f"{r.history.size} HVP rounds, residual {r.residual:.1e}"),
    }
    # the Replay page's one epoch: the snapshot put into a copy, the held-out loss and the test outputs
    run = SimpleNamespace(snapshots=snapshots, epochs=[])
    split = SimpleNamespace(held_out=lambda: (x_test, y_test, "test"), x_test=x_test)
    out["replay_epoch"] = (lambda: replay.replay_epoch(net, run, max(snapshots), split),
                           lambda r: f"held-out loss from the snapshot {r.val_loss:.4f}, "
                                     f"{len(r.params_from_current)} parameters from the current model")
    if attributions.conv_layers(net):
        out["grad_cam"] = (lambda: attributions.grad_cam(net, x, cls),
                           lambda r: f"alpha check max abs. error {r.check_max_abs_error:.1e}")
    return out


def main():
    data = mnist_split(SEED)
    load_start = os.getloadavg()[0]
    print(f"load average at the start: {load_start:.1f}; OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}", flush=True)
    rows, summary = [], {}
    for model, (spec, settings, n_train, vis, layer) in MODELS.items():
        seconds, _, (net, snapshots) = timed(partial(trained, spec, settings, n_train, data[0], data[1]))
        print(f"{model}: trained 1 epoch on {n_train} digits in {seconds:.1f} s; {len(snapshots)} snapshots",
              flush=True)
        for name, (fn, check) in computations(net, snapshots, data, vis, layer, spec).items():
            seconds, cpu, result = timed(fn)
            rows.append((model, name, seconds, cpu, check(result)))
            summary[f"{model}_{name}_s"] = round(seconds, 3)
            summary[f"{model}_{name}_cpu_s"] = round(cpu, 3)
            print(f"  {name:<22}{seconds:7.2f} s  {cpu:7.2f} CPU s  {check(result)}", flush=True)
    print(f"\n{'model':<6}{'computation':<22}{'wall s':>8}{'CPU s':>8}  check")
    for model, name, seconds, cpu, check in rows:
        print(f"{model:<6}{name:<22}{seconds:>8.2f}{cpu:>8.2f}  {check}")
    for label, column in (("wall", 2), ("CPU", 3)):
        slowest = max(rows, key=lambda r: r[column])
        print(f"slowest by {label} time: {slowest[0]} {slowest[1]} {slowest[column]:.2f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores; other processes stretch the wall clock)")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
