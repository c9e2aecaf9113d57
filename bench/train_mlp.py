"""Benchmark: the reference MLP (784-128-64-10, ReLU, softmax-CE, Adam 1e-3, batch 64, seed 0) four ways.

1. nnlab's trainer with its per-step records on (the generator is consumed to the end);
2. a bare NumPy float32 loop written inline below — the floor: same Adam, same batch order policy
   (a fresh ``default_rng(seed).permutation`` each epoch), a validation pass each epoch, subnormals flushed to
   zero as the trainer flushes them (``nnlab.engine.denormals``), nothing else;
3. PyTorch CPU with 2 threads, if ``torch`` is importable (with its default arithmetic: subnormals kept);
4. scikit-learn's ``MLPClassifier`` (adam, lr 1e-3, batch 64, ``max_iter`` = epochs).

Machines are noisy, so the four run in turn, ``--rounds`` times (default 3), and the median of each is
reported, with nnlab's ratio to the floor and to PyTorch per round (run back to back, so less exposed to
load that comes and goes). Every way also gets its achieved GFLOP/s (matrix-product FLOPs of the
workload, ``machine.py``) beside the sgemm peak measured in the same run. On the bundled set, one epoch
with augmentation (rotation ±15°, shift ±2 px, noise σ 0.05) is timed against a plain one, both with one
BLAS thread, as the app's server runs every training (``nnlab/ui/threads.py``): with augmentation on, a
second BLAS thread only takes the core the augmenting worker process needs (``augment_blas_threads`` records it).

The last line printed is one JSON object::

    {"nnlab_s": …, "numpy_loop_s": …, "torch_s": …, "sklearn_s": …, "nnlab_acc": …,
     "nnlab_gflops": …, "numpy_loop_gflops": …, "torch_gflops": …, "sklearn_gflops": …,
     "sgemm_peak_gflops": …, "floor_ratio": …, "torch_ratio": …, "same_weights": …,
     "s_per_epoch": {way: …}, "plain_epoch_s": …, "augmented_epoch_s": …, "augment_ratio": …,
     "augment_blas_threads": …, "blas_threads": …, "load_start": …, "load_end": …}

(null for a reference that is not installed; the augmentation fields only without ``--full``). Targets:
nnlab_s ≤ 1.05 × numpy_loop_s, faster than PyTorch and scikit-learn, nnlab_acc ≥ 0.95, an augmented
epoch ≤ 1.5 × a plain one.

``--full`` trains on Fashion-MNIST (60,000 images, Debian package ``dataset-fashion-mnist``) and also
prints the peak resident memory. ``--blas-threads N`` limits NumPy's BLAS (and PyTorch) to N threads.

Run: ``python bench/train_mlp.py [--full] [--rounds 3] [--epochs 10] [--blas-threads N]``
"""
import argparse
import json
import math
import resource
import statistics
import time
import warnings

import numpy as np

import machine  # bench/machine.py, beside this script
from nnlab.engine import Network, evaluate, make_optimizer, mlp_spec, train
from nnlab.engine.denormals import Flushed
from nnlab.ui.threads import SERVER_BLAS_THREADS  # the app's policy, for the augmentation epochs

SIZES = [784, 128, 64, 10]
BATCH, LR, SEED = 64, 1e-3, 0


# ---- data -------------------------------------------------------------------------------------------
def bundled_split():
    from nnlab.data.mnist import mnist_split

    return mnist_split(seed=SEED)


def fashion_split():
    from nnlab.data.dataset import DataError
    from nnlab.data.idx import load_fashion_mnist

    try:
        x_train, y_train, x_test, y_test = load_fashion_mnist()
    except DataError as exc:
        raise SystemExit(f"--full needs Fashion-MNIST: {exc}") from None

    def flat(images):
        return images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0)

    return flat(x_train), y_train.astype(np.int64), flat(x_test), y_test.astype(np.int64)


# ---- the four ways ----------------------------------------------------------------------------------
def run_nnlab(x, y, x_test, y_test, epochs):
    t0 = time.perf_counter()  # like the other ways, building the model is part of the time
    net = Network(mlp_spec(SIZES, activation="relu", output="softmax", loss="softmax_ce", seed=SEED))
    n_records, epoch_seconds, last = 0, [], 0.0
    for rec in train(net, x, y, epochs=epochs, batch_size=BATCH, optimizer=make_optimizer("adam", lr=LR),
                     x_val=x_test, y_val=y_test, seed=SEED):
        n_records += 1
        if hasattr(rec, "message"):
            raise SystemExit(f"nnlab training failed: {rec.message}")
        if hasattr(rec, "val_acc"):
            epoch_seconds.append(rec.seconds - last)
            last = rec.seconds
    seconds = time.perf_counter() - t0
    weights = [p for layer in net.layers for p in layer.params.values()]
    return seconds, evaluate(net, x_test, y_test)[1], epoch_seconds, weights


def run_numpy_loop(x, y, x_test, y_test, epochs):
    """The floor: forward, fused softmax-CE backward, Adam, in float32 — no records, no checks."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(SEED)
    params = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        params.append(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)).astype(np.float32))  # He
        params.append(np.zeros(n_out, dtype=np.float32))
    w1, b1, w2, b2, w3, b3 = params
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    onehot = np.eye(SIZES[-1], dtype=np.float32)[y]
    order_rng = np.random.default_rng(SEED)
    n, t, epoch_seconds, last = len(x), 0, [], t0
    with Flushed():
        for _ in range(epochs):
            order = order_rng.permutation(n)
            for start in range(0, n, BATCH):
                idx = order[start:start + BATCH]
                xb = x[idx]
                z1 = xb @ w1 + b1
                a1 = np.maximum(z1, 0)
                z2 = a1 @ w2 + b2
                a2 = np.maximum(z2, 0)
                z3 = a2 @ w3 + b3
                e = np.exp(z3 - z3.max(axis=1, keepdims=True))
                p = e / e.sum(axis=1, keepdims=True)
                d3 = (p - onehot[idx]) / len(idx)
                d2 = (d3 @ w3.T) * (z2 > 0)
                d1 = (d2 @ w2.T) * (z1 > 0)
                grads = [xb.T @ d1, d1.sum(axis=0), a1.T @ d2, d2.sum(axis=0), a2.T @ d3, d3.sum(axis=0)]
                t += 1
                step = LR * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)  # a Python float: stays float32
                for prm, g, mi, vi in zip(params, grads, m, v):
                    mi *= beta1
                    mi += (1 - beta1) * g
                    vi *= beta2
                    vi += (1 - beta2) * (g * g)
                    prm -= step * (mi / (np.sqrt(vi) + eps))
            # per-epoch validation, as the trainer does
            out = np.maximum(np.maximum(x_test @ w1 + b1, 0) @ w2 + b2, 0) @ w3 + b3
            acc = float(np.mean(out.argmax(axis=1) == y_test))
            now = time.perf_counter()
            epoch_seconds.append(now - last)
            last = now
    return time.perf_counter() - t0, acc, epoch_seconds, params


TORCH_THREADS = 2


def run_torch(x, y, x_test, y_test, epochs):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(TORCH_THREADS)
    torch.manual_seed(SEED)
    t0 = time.perf_counter()
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
                                torch.nn.ReLU(), torch.nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    xv, yv = torch.from_numpy(x_test), torch.from_numpy(y_test)
    order_rng = np.random.default_rng(SEED)
    epoch_seconds, last = [], t0
    for _ in range(epochs):
        order = torch.from_numpy(order_rng.permutation(len(x)))
        model.train()
        for start in range(0, len(x), BATCH):
            idx = order[start:start + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = float((model(xv).argmax(dim=1) == yv).float().mean())
        now = time.perf_counter()
        epoch_seconds.append(now - last)
        last = now
    return time.perf_counter() - t0, acc, epoch_seconds, None


def run_sklearn(x, y, x_test, y_test, epochs):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=tuple(SIZES[1:-1]), solver="adam", learning_rate_init=LR,
                        batch_size=BATCH, max_iter=epochs, random_state=SEED)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, y)
    seconds = time.perf_counter() - t0
    return seconds, float(clf.score(x_test, y_test)), [seconds / epochs] * epochs, None


WAYS = {"nnlab": run_nnlab, "numpy_loop": run_numpy_loop, "torch": run_torch, "sklearn": run_sklearn}


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def augmented_epochs(x, y, x_test, y_test, rounds):
    """(plain, augmented, paired ratios): seconds of one nnlab epoch without and with augmentation, with
    the BLAS threads of the app's server (one)."""
    from nnlab.data.augment import AugmentConfig, make_augmenter

    augment = make_augmenter(AugmentConfig(rotation_degrees=15, shift_pixels=2, noise_sigma=0.05), (28, 28))

    def epoch(aug):
        net = Network(mlp_spec(SIZES, seed=SEED))
        t0 = time.perf_counter()
        for rec in train(net, x, y, epochs=1, batch_size=BATCH, optimizer=make_optimizer("adam", lr=LR),
                         x_val=x_test, y_val=y_test, seed=SEED, augment=aug):
            if hasattr(rec, "message"):
                raise SystemExit(f"nnlab training failed: {rec.message}")
        return time.perf_counter() - t0

    with machine.limit_blas_threads(SERVER_BLAS_THREADS):
        epoch(augment)  # warm-up
        plain, augmented = [], []
        for _ in range(rounds):
            plain.append(epoch(None))
            augmented.append(epoch(augment))
    return plain, augmented, [a / p for a, p in zip(augmented, plain)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="train on Fashion-MNIST (60,000 images)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the four ways (median reported)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="skip the untimed warm-up epoch of each way")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="limit NumPy's BLAS and PyTorch to this many threads (default: theirs, 2 for torch)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.epochs < 1:
        parser.error("--rounds and --epochs must be at least 1")
    load_start = machine.load_average()
    x, y, x_test, y_test = fashion_split() if args.full else bundled_split()
    if args.blas_threads is not None:  # after loading: the data modules bring SciPy's BLAS in too
        global TORCH_THREADS
        TORCH_THREADS = args.blas_threads
        machine.limit_blas_threads(args.blas_threads)
    name = "Fashion-MNIST" if args.full else "bundled MNIST subset"
    peak = machine.sgemm_peak()
    print(f"{name}: {len(x)} train / {len(x_test)} test, MLP {'-'.join(map(str, SIZES))}, "
          f"{args.epochs} epochs, batch {BATCH}, {args.rounds} rounds; NumPy {np.__version__}, "
          f"BLAS threads {machine.blas_threads()}, sgemm peak {peak:.1f} GFLOP/s; load average {load_start:.1f}",
          flush=True)
    flops = machine.training_flops(Network(mlp_spec(SIZES)), len(x), len(x_test), args.epochs)

    results = {k: [] for k in WAYS}
    rss_after_nnlab = None
    for r in range(args.rounds):
        for way, fn in WAYS.items():
            if r == 0 and args.warmup and way != "sklearn":
                # One short untimed epoch first: thread pools, lazy initialisation (PyTorch's first
                # call takes seconds) would otherwise be charged to the first timed run.
                fn(x[:BATCH * 20], y[:BATCH * 20], x_test[:500], y_test[:500], 1)
            out = fn(x, y, x_test, y_test, args.epochs)
            if out is None:
                results[way] = None
                continue
            results[way].append(out)
            if way == "nnlab" and rss_after_nnlab is None:
                rss_after_nnlab = peak_rss_mb()  # before torch / sklearn have run in this process
            print(f"  round {r + 1}  {way:<11} {out[0]:7.2f} s  acc {out[1]:.4f}", flush=True)

    summary, per_epoch = {}, {}
    print(f"\n{'way':<12}{'median s':>10}{'min s':>9}{'max s':>9}{'s/epoch':>9}{'test acc':>10}{'GFLOP/s':>9}")
    for way, runs in results.items():
        if not runs:
            print(f"{way:<12}{'(not installed)':>47}")
            summary[way] = per_epoch[way] = None
            continue
        secs = [run[0] for run in runs]
        med = statistics.median(secs)
        per_epoch[way] = round(statistics.median(s for run in runs for s in run[2]), 4)
        acc = runs[secs.index(min(secs, key=lambda s: abs(s - med)))][1]
        summary[way] = (med, acc)
        print(f"{way:<12}{med:>10.2f}{min(secs):>9.2f}{max(secs):>9.2f}{per_epoch[way]:>9.3f}{acc:>10.4f}"
              f"{machine.gflops(flops, med):>9.2f}")
    print(f"(GFLOP/s: {flops / 1e9:.1f} GFLOP of matrix products in the workload; sgemm peak {peak:.1f})")
    floor = summary["numpy_loop"][0]
    same = all(np.array_equal(a, b) for a, b in zip(results["nnlab"][0][3], results["numpy_loop"][0][3]))
    print(f"\nnnlab and the NumPy floor trained bit-identical weights: {same} "
          "(same initialisation, batch order and arithmetic; nnlab also records every step)")
    paired = [a[0] / b[0] for a, b in zip(results["nnlab"], results["numpy_loop"])]
    print(f"nnlab / numpy floor = {summary['nnlab'][0] / floor:.3f} of medians (target ≤ 1.05); per round "
          f"{', '.join(f'{p:.3f}' for p in paired)}; median {statistics.median(paired):.3f}, best {min(paired):.3f}")
    ratios = {"numpy_loop": statistics.median(paired)}
    for ref in ("torch", "sklearn"):
        if summary[ref]:
            per_round = [a[0] / b[0] for a, b in zip(results["nnlab"], results[ref])]
            ratios[ref] = statistics.median(per_round)
            print(f"nnlab / {ref} = {summary['nnlab'][0] / summary[ref][0]:.3f} of medians, "
                  f"{ratios[ref]:.3f} median per round (target < 1)")
    if args.full:
        print(f"peak RSS after nnlab's first run: {rss_after_nnlab:.0f} MB (target < 1024 MB); "
              f"whole process: {peak_rss_mb():.0f} MB")

    aug = {}
    if not args.full:
        plain, augmented, aug_ratios = augmented_epochs(x, y, x_test, y_test, args.rounds)
        aug = {"plain_epoch_s": round(statistics.median(plain), 3),
               "augmented_epoch_s": round(statistics.median(augmented), 3),
               "augment_ratio": round(statistics.median(aug_ratios), 3), "augment_blas_threads": SERVER_BLAS_THREADS}
        print(f"one nnlab epoch, {SERVER_BLAS_THREADS} BLAS thread as the app's server: "
              f"plain {aug['plain_epoch_s']:.3f} s, with augmentation "
              f"{aug['augmented_epoch_s']:.3f} s; ratio per round {', '.join(f'{q:.2f}' for q in aug_ratios)} "
              "(target ≤ 1.5)")
    load_end = machine.load_average()
    print(f"load average at the end: {load_end:.1f} (on 2 cores, other processes stretch every timing)")

    def sec(way):
        return None if summary[way] is None else round(summary[way][0], 3)

    out = {"nnlab_s": sec("nnlab"), "numpy_loop_s": sec("numpy_loop"), "torch_s": sec("torch"),
           "sklearn_s": sec("sklearn"), "nnlab_acc": round(summary["nnlab"][1], 4)}
    out.update({f"{way}_gflops": machine.gflops(flops, sec(way)) for way in WAYS})
    out.update({"sgemm_peak_gflops": round(peak, 1), "floor_ratio": round(ratios["numpy_loop"], 3),
                "torch_ratio": round(ratios["torch"], 3) if "torch" in ratios else None, "same_weights": same,
                "s_per_epoch": per_epoch, **aug, "blas_threads": machine.blas_threads(),
                "load_start": round(load_start, 2), "load_end": round(load_end, 2)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
