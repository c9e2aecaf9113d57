"""Benchmark: nnlab's convolution and attention layers against PyTorch CPU, on the bundled MNIST split.

1. The benchmark CNN: conv 3×3 (1→8) + ReLU + max-pool 2 → conv 3×3 (8→16) + ReLU + max-pool 2 →
   dense 400→10, softmax cross-entropy, SGD with momentum 0.9, lr 0.05, batch 64, 2 epochs.
2. The "MNIST patch attention" preset with its recommended settings (``nnlab.engine.zoo``).

nnlab trains through ``nnlab.engine.train`` with its per-step records on and a validation pass each
epoch, as the app does; PyTorch (2 threads) trains the same architecture from the same initial weights,
on the same batches in the same order, with the same per-epoch validation. The two alternate, ``--rounds``
times (default 3), and medians are reported, with the ratio per round (run back to back) and the achieved
GFLOP/s of each (matrix-product FLOPs, ``machine.py``) beside the sgemm peak measured in the same run.
Targets: nnlab_s ≤ 1.0 × torch_s for both (a first bar of 1.2 for the CNN).

The last line printed is one JSON object::

    {"nnlab_s": …, "torch_s": …, "nnlab_acc": …, "torch_acc": …,
     "attn_nnlab_s": …, "attn_torch_s": …, "attn_nnlab_acc": …, "attn_torch_acc": …,
     "nnlab_gflops": …, "torch_gflops": …, "attn_nnlab_gflops": …, "attn_torch_gflops": …,
     "ratio": …, "attn_ratio": …, "sgemm_peak_gflops": …, "blas_threads": …, "load_start": …, "load_end": …}

Run: ``python bench/train_cnn.py [--rounds 3] [--blas-threads N]``
"""
import argparse
import json
import statistics
import time

import numpy as np

import machine  # bench/machine.py, beside this script
from nnlab.data.mnist import mnist_split
from nnlab.engine import Network, evaluate, make_optimizer, train
from nnlab.engine.schedules import get_schedule
from nnlab.engine.zoo import ATTENTION_TRAINING, mnist_attention_spec

SEED = 0
BENCH_TRAINING = {"optimizer": "momentum", "lr": 0.05, "momentum": 0.9, "schedule": "constant", "epochs": 2,
                  "batch_size": 64}


def bench_cnn_spec(seed=0, dtype="float32"):
    """The benchmark CNN (see the module docstring), as a spec ``Network`` accepts."""
    return {"input_shape": [1, 28, 28], "loss": "softmax_ce", "init": "he", "seed": seed, "dtype": dtype,
            "layers": [{"type": "conv2d", "filters": 8, "kernel": 3, "activation": "relu"},
                       {"type": "maxpool2d", "size": 2},
                       {"type": "conv2d", "filters": 16, "kernel": 3, "activation": "relu"},
                       {"type": "maxpool2d", "size": 2},
                       {"type": "flatten"},
                       {"type": "dense", "units": 10, "activation": "softmax"}]}
WARMUP_STEPS = 20


# ---- nnlab ------------------------------------------------------------------------------------------
def run_nnlab(spec, settings, data, epochs=None):
    x, y, x_test, y_test = data
    extra = {"momentum": settings["momentum"]} if "momentum" in settings else {}
    net = Network(spec)
    t0 = time.perf_counter()
    for rec in train(net, x, y, epochs=epochs or settings["epochs"], batch_size=settings["batch_size"],
                     optimizer=make_optimizer(settings["optimizer"], lr=settings["lr"], **extra),
                     schedule=settings["schedule"], x_val=x_test, y_val=y_test, seed=SEED):
        if hasattr(rec, "message"):
            raise SystemExit(f"nnlab training failed: {rec.message}")
    return time.perf_counter() - t0, evaluate(net, x_test, y_test)[1]


# ---- PyTorch, same weights and batches ----------------------------------------------------------------
def torch_cnn(net):
    import torch
    from torch import nn

    model = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 10))
    with torch.no_grad():
        for mod, layer in ((model[0], net.layers[0]), (model[3], net.layers[2])):
            mod.weight.copy_(torch.from_numpy(layer.params["W"]))
            mod.bias.copy_(torch.from_numpy(layer.params["b"]))
        model[7].weight.copy_(torch.from_numpy(net.layers[5].params["W"].T.copy()))
        model[7].bias.copy_(torch.from_numpy(net.layers[5].params["b"]))
    return model


def torch_attention(net):
    """The patch-attention preset in PyTorch: the patch projection is a stride-4 convolution, attention
    uses ``scaled_dot_product_attention``; every weight is copied from the nnlab network."""
    import torch
    from torch import nn
    F = torch.nn.functional

    embed, norm1, attn, norm2, mlp, _, head = net.layers

    def linear(W, b):
        mod = nn.Linear(*W.shape)
        with torch.no_grad():
            mod.weight.copy_(torch.from_numpy(W.T.copy()))
            mod.bias.copy_(torch.from_numpy(b))
        return mod

    def norm(layer):
        mod = nn.LayerNorm(layer.input_shape[-1], eps=layer.EPS)
        with torch.no_grad():
            mod.weight.copy_(torch.from_numpy(layer.params["gamma"]))
            mod.bias.copy_(torch.from_numpy(layer.params["beta"]))
        return mod

    class PatchAttention(nn.Module):
        def __init__(self):
            super().__init__()
            p, dim = embed.patch, embed.dim
            self.patch = nn.Conv2d(1, dim, p, stride=p)
            with torch.no_grad():
                self.patch.weight.copy_(torch.from_numpy(embed.params["W"].T.reshape(dim, 1, p, p).copy()))
                self.patch.bias.copy_(torch.from_numpy(embed.params["b"]))
            self.pos = nn.Parameter(torch.from_numpy(embed.params["pos"].copy()))
            self.norm1, self.norm2 = norm(norm1), norm(norm2)
            self.q, self.k, self.v, self.o = (linear(attn.params["W" + s], attn.params["b" + s]) for s in "qkvo")
            self.mlp = linear(mlp.params["W"], mlp.params["b"])
            self.head = linear(head.params["W"], head.params["b"])
            self.heads = attn.heads

        def forward(self, x):
            t = self.patch(x).flatten(2).transpose(1, 2) + self.pos
            t = self.norm1(t)
            n, length, dim = t.shape

            def split(m):
                return m.reshape(n, length, self.heads, dim // self.heads).transpose(1, 2)

            mixed = F.scaled_dot_product_attention(split(self.q(t)), split(self.k(t)), split(self.v(t)))
            t = t + self.o(mixed.transpose(1, 2).reshape(n, length, dim))
            t = F.relu(self.mlp(self.norm2(t)))
            return self.head(t.mean(dim=1))

    return PatchAttention()


def run_torch(make_model, spec, settings, data, epochs=None):
    import torch

    x, y, x_test, y_test = data
    epochs = epochs or settings["epochs"]
    model = make_model(Network(spec))  # nnlab's initial weights, seed for seed
    if settings["optimizer"] == "momentum":
        opt = torch.optim.SGD(model.parameters(), lr=settings["lr"], momentum=settings["momentum"])
    else:
        opt = torch.optim.Adam(model.parameters(), lr=settings["lr"])
    lr_at = get_schedule(settings["schedule"])
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x).reshape(-1, 1, 28, 28), torch.from_numpy(y)
    xv, yv = torch.from_numpy(x_test).reshape(-1, 1, 28, 28), torch.from_numpy(y_test)
    order_rng = np.random.default_rng(SEED)  # the trainer's batch order: one permutation per epoch
    n, batch = len(x), settings["batch_size"]
    t0 = time.perf_counter()
    for epoch in range(epochs):
        order = torch.from_numpy(order_rng.permutation(n))
        model.train()
        for start in range(0, n, batch):
            for group in opt.param_groups:
                group["lr"] = lr_at(settings["lr"], epoch + start / n, epochs)
            idx = order[start:start + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            float((model(xv).argmax(dim=1) == yv).float().mean())  # per-epoch validation, as nnlab does
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        acc = float((model(xv).argmax(dim=1) == yv).float().mean())
    return seconds, acc


# ---- main ---------------------------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (medians reported)")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="limit NumPy's BLAS and PyTorch to this many threads (default: theirs, 2 for torch)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    try:
        import torch
    except ImportError:
        raise SystemExit("this benchmark compares with PyTorch: pip install torch (CPU)") from None
    torch.set_num_threads(args.blas_threads or 2)

    data = mnist_split(seed=SEED)
    if args.blas_threads is not None:  # after loading: the data modules bring SciPy's BLAS in too
        machine.limit_blas_threads(args.blas_threads)
    models = {
        "cnn": (bench_cnn_spec(seed=SEED), BENCH_TRAINING, torch_cnn),
        "attn": (mnist_attention_spec(seed=SEED), ATTENTION_TRAINING, torch_attention),
    }
    load = machine.load_average()
    peak = machine.sgemm_peak()
    print(f"bundled MNIST split: {len(data[0])} train / {len(data[2])} test; PyTorch {torch.__version__} "
          f"with {torch.get_num_threads()} threads; NumPy {np.__version__}, BLAS threads {machine.blas_threads()}, "
          f"sgemm peak {peak:.1f} GFLOP/s; {args.rounds} rounds; load average {load:.1f}", flush=True)
    flops = {m: machine.training_flops(Network(spec), len(data[0]), len(data[2]), settings["epochs"])
             for m, (spec, settings, _) in models.items()}

    # Warm-up (library initialisation, first-call costs), untimed.
    warm = tuple(a[:WARMUP_STEPS * 64] for a in data[:2]) + data[2:]
    for spec, settings, make in models.values():
        run_nnlab(spec, settings, warm, epochs=1)
        run_torch(make, spec, settings, warm, epochs=1)

    results = {(m, way): [] for m in models for way in ("nnlab", "torch")}
    for r in range(args.rounds):
        for m, (spec, settings, make) in models.items():
            for way in ("nnlab", "torch"):
                out = run_nnlab(spec, settings, data) if way == "nnlab" else run_torch(make, spec, settings, data)
                results[m, way].append(out)
                print(f"  round {r + 1}  {m:<5} {way:<6} {out[0]:7.2f} s  test acc {out[1]:.4f}", flush=True)

    summary = {}
    print(f"\n{'model':<7}{'way':<7}{'median s':>10}{'min s':>8}{'max s':>8}{'test acc':>10}{'GFLOP/s':>9}")
    for (m, way), runs in results.items():
        secs = [s for s, _ in runs]
        med = statistics.median(secs)
        acc = runs[min(range(len(runs)), key=lambda i: abs(secs[i] - med))][1]
        summary[m, way] = (med, acc)
        print(f"{m:<7}{way:<7}{med:>10.2f}{min(secs):>8.2f}{max(secs):>8.2f}{acc:>10.4f}"
              f"{machine.gflops(flops[m], med):>9.2f}")
    print(f"(GFLOP/s: matrix-product FLOPs of each workload, cnn {flops['cnn'] / 1e9:.1f} GFLOP, attn "
          f"{flops['attn'] / 1e9:.1f} GFLOP; sgemm peak {peak:.1f})")
    ratios = {}
    for m in models:
        per_round = [a[0] / b[0] for a, b in zip(results[m, "nnlab"], results[m, "torch"])]
        ratios[m] = statistics.median(per_round)
        print(f"{m}: nnlab / torch = {summary[m, 'nnlab'][0] / summary[m, 'torch'][0]:.2f} of medians, per round "
              f"{', '.join(f'{q:.2f}' for q in per_round)}, median {ratios[m]:.2f} (target ≤ 1.0)")
    load_end = machine.load_average()
    print(f"load average at the end: {load_end:.1f} (on 2 cores, other processes stretch both timings)")

    out = {}
    for m, prefix in (("cnn", ""), ("attn", "attn_")):
        for way in ("nnlab", "torch"):
            out[f"{prefix}{way}_s"] = round(summary[m, way][0], 3)
        for way in ("nnlab", "torch"):
            out[f"{prefix}{way}_acc"] = round(summary[m, way][1], 4)
    for m, prefix in (("cnn", ""), ("attn", "attn_")):
        for way in ("nnlab", "torch"):
            out[f"{prefix}{way}_gflops"] = machine.gflops(flops[m], summary[m, way][0])
    out.update({"ratio": round(ratios["cnn"], 3), "attn_ratio": round(ratios["attn"], 3),
                "sgemm_peak_gflops": round(peak, 1), "blas_threads": machine.blas_threads(),
                "load_start": round(load, 2), "load_end": round(load_end, 2)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
