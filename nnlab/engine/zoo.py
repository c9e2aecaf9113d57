"""Ready-made architectures for 28×28 digits, with the training settings that make them learn.

Each builder returns a plain network spec (a dict ``Network(spec)`` accepts and ``save_model`` stores),
so a page can show it, let people edit it, and rebuild it. The ``*_TRAINING`` dicts are the settings
the learning tests use: optimiser name, learning rate, schedule, epochs, batch size.
"""

IMAGE_SHAPE = [1, 28, 28]


def _spec(layers, seed, dtype):
    return {"input_shape": list(IMAGE_SHAPE), "loss": "softmax_ce", "init": "he", "seed": seed,
            "dtype": dtype, "layers": layers}


def mnist_cnn_spec(seed=0, dtype="float32"):
    """"MNIST CNN": two conv + max-pool blocks and a dense head.

    Shapes: (1, 28, 28) → conv 3×3 ×16 (16, 26, 26) → pool (16, 13, 13) → conv 3×3 ×32 (32, 11, 11)
    → pool (32, 5, 5) → flatten 800 → dense 64 → dense 10 (softmax). About 57,000 parameters.
    """
    return _spec([
        {"type": "conv2d", "filters": 16, "kernel": 3, "activation": "relu"},
        {"type": "maxpool2d", "size": 2},
        {"type": "conv2d", "filters": 32, "kernel": 3, "activation": "relu"},
        {"type": "maxpool2d", "size": 2},
        {"type": "flatten"},
        {"type": "dense", "units": 64, "activation": "relu"},
        {"type": "dense", "units": 10, "activation": "softmax"},
    ], seed, dtype)


def mnist_attention_spec(seed=0, dtype="float32", dim=64, heads=4):
    """"MNIST patch attention": a one-block vision transformer.

    (1, 28, 28) → 49 tokens of 4×4 patches, each projected to ``dim`` features plus a learned position
    → layer norm → self-attention (``heads`` heads, residual) → layer norm → per-token dense 128 (ReLU)
    → mean over tokens → dense 10 (softmax). The attention weights are (heads, 49, 49) per image.
    """
    return _spec([
        {"type": "patch_embed", "patch": 4, "dim": dim},
        {"type": "layer_norm"},
        {"type": "self_attention", "heads": heads},
        {"type": "layer_norm"},
        {"type": "token_dense", "units": 128, "activation": "relu"},
        {"type": "token_mean_pool"},
        {"type": "dense", "units": 10, "activation": "softmax"},
    ], seed, dtype)


# Settings for nnlab.engine.train; "optimizer" and "lr" go to make_optimizer(optimizer, lr=lr, ...).
CNN_TRAINING = {"optimizer": "adam", "lr": 0.002, "schedule": "cosine", "epochs": 3, "batch_size": 32}
ATTENTION_TRAINING = {"optimizer": "adam", "lr": 0.005, "schedule": "cosine", "epochs": 3, "batch_size": 32}

# Preset name -> (spec builder, training settings), for pages that offer the presets by name.
PRESETS = {
    "MNIST CNN": (mnist_cnn_spec, CNN_TRAINING),
    "MNIST patch attention": (mnist_attention_spec, ATTENTION_TRAINING),
}
