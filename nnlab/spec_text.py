"""Network specs in words: a short label per layer, and whether a fixed spec fits a dataset.

Shared by the sidebar (which lists a fixed architecture's layers) and the architecture page's block
diagram; plain Python, no Streamlit.
"""
import numpy as np


def _k(value):
    return f"{value}×{value}"


def layer_label(layer):
    """One layer config (a spec's ``layers`` entry) as a few words, e.g. "conv 3×3 ×16 relu"."""
    kind = layer.get("type", "?")
    act = layer.get("activation")
    if kind == "conv2d":
        stride = f" stride {layer['stride']}" if layer.get("stride", 1) != 1 else ""
        pad = " same" if layer.get("padding") == "same" else ""
        return f"conv {_k(layer.get('kernel', 3))} ×{layer['filters']}{stride}{pad} {act or ''}".strip()
    if kind in ("maxpool2d", "avgpool2d"):
        return f"{kind[:3]}-pool {_k(layer.get('size', 2))}"
    if kind == "patch_embed":
        return f"{_k(layer.get('patch', 4))} patches → {layer.get('dim')} features"
    if kind == "self_attention":
        return f"self-attention, {layer.get('heads')} heads"
    if kind in ("dense", "token_dense"):
        where = "per-token dense" if kind == "token_dense" else "dense"
        return f"{where} {layer.get('units')} {act or ''}".strip()
    if kind == "dropout":
        return f"dropout {layer.get('rate')}"
    return {"flatten": "flatten", "layer_norm": "layer norm", "token_mean_pool": "mean over tokens"}.get(kind, kind)


def spec_mismatch(spec, dataset):
    """Why a fixed spec cannot take this dataset (a sentence), or None if it fits.

    The input must have as many values as the dataset has features; a classifier's last dense layer
    needs one unit per class.
    """
    n_in = int(np.prod(spec["input_shape"]))
    shape = "×".join(str(s) for s in spec["input_shape"])
    if n_in != dataset.n_features:
        return (f"This architecture takes {shape} inputs ({n_in} values) but “{dataset.name}” has "
                f"{dataset.n_features} features per sample; choose a dataset of {n_in} features"
                + (" (28×28 images, such as the MNIST subset)." if n_in == 784 else "."))
    last = spec["layers"][-1]
    if "units" in last and last["units"] != dataset.n_outputs:
        return (f"This architecture ends in {last['units']} outputs but “{dataset.name}” has "
                f"{dataset.n_outputs}; it needs a dataset with {last['units']} classes.")
    return None
