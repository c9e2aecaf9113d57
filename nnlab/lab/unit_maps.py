"""Each unit's output over the input plane, for networks with 2-D inputs (TensorFlow Playground's small
heatmap beside every neuron).

One batched forward trace over the grid gives every unit of every layer at once, so the maps are
cheap enough to refresh while training runs (bench/worked.py times it). The grid is the caller's —
pass the one the decision-boundary chart uses, so each unit's map lines up with the boundary.
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LayerMaps:
    layer: int
    name: str
    activation: str | None
    maps: np.ndarray  # (units, rows, cols): unit u's output a at grid cell (r, c)


@dataclass(frozen=True)
class UnitMaps:
    points: np.ndarray  # (rows·cols, 2), the grid cell centres, row by row
    shape: tuple  # (rows, cols)
    layers: tuple  # of LayerMaps, one per layer with a flat output (dropout left out), the output layer last


def unit_maps(net, points, shape):
    """Every flat layer's output over ``points`` (rows·cols, 2), laid out as ``shape`` = (rows, cols)
    with points[r·cols + c] at cell (r, c)."""
    if net.n_inputs != 2 or len(net.input_shape) != 1:
        raise ValueError(f"unit maps need a network with 2 inputs (a point of the plane); this one has "
                         f"input shape {net.input_shape}")
    points = np.asarray(points)
    rows, cols = (int(s) for s in shape)
    if points.shape != (rows * cols, 2):
        raise ValueError(f"points have shape {points.shape}; a {rows}×{cols} grid needs ({rows * cols}, 2)")
    layers = []
    for tr in net.forward_trace(points):
        if tr.a.ndim == 2 and tr.kind != "dropout":  # dropout passes its input through when predicting
            maps = np.ascontiguousarray(tr.a.T).reshape(tr.a.shape[1], rows, cols)
            layers.append(LayerMaps(tr.index, tr.name, tr.activation, maps))
    return UnitMaps(points, (rows, cols), tuple(layers))
