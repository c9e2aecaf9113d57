"""How much work the Explain views may do for a given model, so each finishes in a few seconds.

The heavy views (the loss grid, the LR range test, the Hessian estimate, the feature-vis ascent)
repeat a forward pass hundreds of times, and one forward pass of the "MNIST CNN" or "patch attention"
preset costs about 20-40 times one of the MNIST MLP in this NumPy engine. A model's cost is measured
by its multiply-adds per sample (the matrix products; elementwise work is small beside them), and models
above ``LIGHT_COST`` get lighter settings. Deterministic: the same model always gets the same settings,
so cached results stay valid.
"""
LIGHT_COST = 300_000  # multiply-adds per sample; the MNIST MLP 784-128-64-10 costs about 109,000

LIGHT = {"resolution": 21, "landscape_samples": 256, "lr_steps": 200, "lr_batch_size": 64,
         "hessian_samples": 512, "hessian_iterations": 30, "ig_steps": 64, "vis_steps": 128}
HEAVY = {"resolution": 9, "landscape_samples": 64, "lr_steps": 100, "lr_batch_size": 32,
         "hessian_samples": 64, "hessian_iterations": 15, "ig_steps": 32, "vis_steps": 64}


def multiply_adds(net):
    """Multiply-adds of one sample's forward pass: each weight matrix (parameters named W…) times the
    positions it is applied at (pixels of a conv map, tokens), plus attention's two T×T products."""
    total = 0
    for layer in net.layers:
        out = layer.output_shape
        positions = out[1] * out[2] if len(out) == 3 else (out[0] if len(out) == 2 else 1)
        total += positions * sum(p.size for name, p in layer.params.items() if name.startswith("W"))
        if layer.kind == "self_attention":
            tokens, dim = out
            total += 2 * tokens * tokens * dim  # scores Q·Kᵀ and the mix A·V
    return int(total)


def settings_for(net):
    """The settings the Explain views use for ``net``: a copy of LIGHT or HEAVY."""
    return dict(LIGHT if multiply_adds(net) <= LIGHT_COST else HEAVY)
