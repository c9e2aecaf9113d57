"""The fully connected network drawn unit by unit, its inputs and outputs named (a table's features, the
classes) and, for data with two inputs, each unit's output over the input plane as a small map beside it
(TensorFlow Playground's signature view). The Architecture page draws it for one sample, the Training
page redraws it while training runs: one drawing for both.

The maps cover the same box as the decision-boundary chart (``plane_grid`` of the training data), on a
coarser grid: a 30 × 30 map per unit is plenty at 30 px, and one batched forward pass computes them all.
"""
import hashlib

from ...i18n import _
from ...lab.inspect import plane_grid, weights_fingerprint
from ...lab.unit_maps import unit_maps
from ...viz.network_diagram import network_diagram
from .charts import show_model_chart

MAP_CELLS = 30


def plane_maps(net, dataset):
    """{diagram column: (units, rows, cols)} — column 0 the inputs x₁ and x₂ themselves, then each dense
    layer — for a network of two inputs; None for any other."""
    if net.n_inputs != 2 or len(net.input_shape) != 1 or dataset.x_train is None or not len(dataset.x_train):
        return None
    points, _step = plane_grid(dataset.x_train, MAP_CELLS)
    shape = (MAP_CELLS, MAP_CELLS)
    dense = [i for i, layer in enumerate(net.layers) if layer.kind == "dense"]
    maps = {0: points.T.reshape(2, *shape)}
    for layer in unit_maps(net, points, shape).layers:
        if layer.layer in dense:
            maps[dense.index(layer.layer) + 1] = layer.maps
    return maps


def draw(where, net, dataset, trace=None, max_units=12, top_edges=40, pick="active"):
    """The drawing in ``where`` (``st``, a column or a placeholder) of ``net``, the session's model or a copy of
    it: built once per state of the model, its weights, the sample (the trace's input) and what to draw, so a rerun
    that changed none of them — a page switch, a click elsewhere — draws the kept chart (~0.7 s saved on
    MNIST)."""
    names = list(getattr(dataset, "feature_names", None) or []) or None
    sample = None if trace is None else hashlib.blake2b(trace[0].input.tobytes(), digest_size=8).hexdigest()
    weights = weights_fingerprint(net)  # ~1 ms; also sees weights changed outside a training run
    show_model_chart(where, "unit_map_view", lambda: network_diagram(
        net, trace, max_units, top_edges, pick, input_names=names, output_names=dataset.class_names,
        maps=plane_maps(net, dataset)), version=(weights, sample, max_units, top_edges, pick, dataset.name,
                                                 len(dataset.x_train)), width="stretch", name=_("Network diagram"))
