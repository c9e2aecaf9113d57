"""Benchmark: how long each worked example of issue 11 takes (nnlab/lab/worked_*, interventions, unit maps,
engine_source), on the bundled MNIST MLP (784-128-64-10 ReLU), the "MNIST CNN" and the "MNIST patch
attention" presets (nnlab/engine/zoo.py), and unit maps of a 2-8-8-1 tanh network on the architecture diagram's grid.

Each figure is the median of ``--rounds`` runs after one warm-up, in milliseconds, for one test sample;
a page has 300 ms for a whole rerun, so each should be a small fraction of that. The weights are the
fresh initial ones unless ``--epochs`` trains the MLP first (the cost of these computations does not
depend on the weights' values). The last line printed is one JSON object {model: {computation: ms}}.

Run: ``python bench/worked.py [--rounds 5] [--epochs 0]``
"""
import argparse
import json
import statistics
import time

import numpy as np

from nnlab.data.mnist import mnist_split
from nnlab.engine import Network, encode_targets, mlp_spec, train
from nnlab.engine.zoo import mnist_attention_spec, mnist_cnn_spec
from nnlab.lab import engine_source, interventions, unit_maps
from nnlab.lab.worked_attention import attention_row
from nnlab.lab.worked_backprop import (chain_back, delta_step, sample_trace, sgd_update,
                                       weight_gradient)
from nnlab.lab.worked_batch import batch_gradient
from nnlab.lab.worked_conv import conv_delta, conv_kernel_gradient, conv_position
from nnlab.lab.worked_forward import worked_unit
from nnlab.lab.worked_pool import pool_gradient, pool_window

BUDGET_MS = 300.0
BATCH = 64


def median_ms(fn, rounds):
    fn()  # warm-up
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def middle(shape):
    return tuple(s // 2 for s in shape)


def common(net, x, t, data):
    """Computations every model has: traces, a worked unit per layer, interventions."""
    x_test, y_test, t_batch = data
    ftrace = net.forward_trace(x)
    btrace = sample_trace(net, x, t)
    jobs = {"forward_trace": lambda: net.forward_trace(x),
            "backward_trace (sample_trace)": lambda: sample_trace(net, x, t)}
    for i, tr in enumerate(ftrace):
        jobs[f"worked_unit {tr.name}"] = lambda i=i, tr=tr: worked_unit(net, ftrace, i, middle(tr.a.shape[1:]))
    dense = [i for i, layer in enumerate(net.layers) if layer.kind == "dense"]
    last = len(net.layers) - 1
    jobs["delta_step output"] = lambda: delta_step(net, btrace, last, 0)
    jobs["chain_back from the output"] = lambda: chain_back(net, btrace, last, int(np.argmax(t)))
    jobs["weight_gradient"] = lambda: weight_gradient(net, btrace, dense[0], 0, 0)
    jobs["sgd_update"] = lambda: sgd_update(btrace, dense[0], 0, 0, 0.1)
    first = next(i for i, layer in enumerate(net.layers) if layer.kind in ("dense", "conv2d", "token_dense"))
    index = (0,) * net.layers[first].params["W"].ndim
    batch_trace = net.backward_trace(x_test[:BATCH], t_batch)
    jobs[f"backward_trace of a batch of {BATCH}"] = lambda: net.backward_trace(x_test[:BATCH], t_batch)
    jobs[f"batch_gradient from it (L{first + 1} W)"] = lambda: batch_gradient(net, batch_trace, first, "W", index)
    options = interventions.switchable(net)
    layer = next(iter(options))
    jobs[f"intervention (3 off in L{layer + 1}, {interventions.TEST_SAMPLES} test samples)"] = \
        lambda: interventions.intervention(net, {layer: [0, 1, 2]}, x, x_test, y_test)
    for layer, (what, count) in options.items():
        jobs[f"removal_ranking L{layer + 1} ({count} {what}s, {interventions.RANKING_SAMPLES} samples)"] = \
            lambda layer=layer: interventions.removal_ranking(net, layer, x_test, y_test)
    jobs["edit_weight"] = lambda: interventions.edit_weight(net, x, first, "W", index, 1.0)
    return jobs, ftrace, btrace


def cnn_jobs(net, ftrace, btrace):
    return {
        "conv_position L3": lambda: conv_position(net, ftrace, 2, 5, 4, 4),
        "conv_kernel_gradient L3": lambda: conv_kernel_gradient(net, btrace, 2, (5, 3, 1, 1)),
        "conv_delta L3": lambda: conv_delta(net, btrace, 2, 5, 4, 4),
        "pool_window L2": lambda: pool_window(net, ftrace, 1, 3, 6, 6),
        "pool_gradient L2": lambda: pool_gradient(net, btrace, 1, 3, 6, 6),
    }


def explain_all():
    engine_source.engine_markers.cache_clear()  # the first call of a process reads the engine's source
    return [engine_source.explain_source(q) for q in engine_source.QUANTITIES]


def run(rounds, epochs):
    x_train, y_train, x_test, y_test = mnist_split()
    mlp = Network(mlp_spec([784, 128, 64, 10]))
    if epochs:
        for _ in train(mlp, x_train, y_train, epochs=epochs, batch_size=64, seed=0):
            pass
    models = {"MNIST MLP": mlp, "MNIST CNN": Network(mnist_cnn_spec()),
              "MNIST patch attention": Network(mnist_attention_spec())}
    results = {}
    for name, net in models.items():
        x, t = x_test[:1], encode_targets(net, y_test[:1])
        jobs, ftrace, btrace = common(net, x, t, (x_test, y_test, encode_targets(net, y_test[:BATCH])))
        if name == "MNIST CNN":
            jobs.update(cnn_jobs(net, ftrace, btrace))
        if name == "MNIST patch attention":
            jobs["attention_row L3"] = lambda net=net, ftrace=ftrace: attention_row(net, ftrace, 2, 1, 24)
        results[name] = {job: median_ms(fn, rounds) for job, fn in jobs.items()}
    try:
        explain = {"explain_source, every quantity (first read)": median_ms(explain_all, rounds)}
    except LookupError as exc:
        print(f"explain_source not timed: {exc}")
        explain = {"explain_source (markers missing)": None}
    results["engine source"] = explain
    results["unit maps"] = unit_map_jobs(rounds)
    return results


def unit_map_jobs(rounds):
    from nnlab.lab.inspect import plane_grid
    from nnlab.ui.widgets.unit_map_view import MAP_CELLS  # the grid the architecture diagram's unit maps draw

    net = Network(mlp_spec([2, 8, 8, 1], activation="tanh", output="sigmoid", loss="bce", init="xavier"))
    points, _step = plane_grid(np.random.default_rng(0).normal(size=(400, 2)), MAP_CELLS)
    label = f"unit_maps 2-8-8-1, {MAP_CELLS}×{MAP_CELLS} grid (17 maps)"
    return {label: median_ms(lambda: unit_maps.unit_maps(net, points, (MAP_CELLS, MAP_CELLS)), rounds)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=0, help="train the MLP for this many epochs first")
    args = parser.parse_args()
    results = run(args.rounds, args.epochs)
    width = max(len(job) for jobs in results.values() for job in jobs)
    for model, jobs in results.items():
        print(f"\n{model}")
        for job, ms in jobs.items():
            print(f"  {job:<{width}}  " + ("not timed" if ms is None else
                                            f"{ms:8.2f} ms  {ms / BUDGET_MS:6.1%} of {BUDGET_MS:.0f} ms"))
    print(json.dumps({model: {job: None if ms is None else round(ms, 3) for job, ms in jobs.items()}
                      for model, jobs in results.items()}))


if __name__ == "__main__":
    main()
