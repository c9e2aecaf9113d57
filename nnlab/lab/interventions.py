"""Experiments on a trained model without retraining, always on a copy of its parameters.

Switching off a unit, a channel or a head means forcing its output to 0 for every input. The exact way
to do that by editing parameters is to zero the weights that READ it — the next layer's row for a
dense unit, the next convolution's (or dense layer's) inputs for a conv channel, the output
projection's rows for an attention head. (Zeroing its incoming weights instead would leave f(0),
which is 0.5 for a sigmoid.) The layers in between must keep a zero a zero, feature by feature:
dropout, pooling and the token mean do; a test compares with a network whose activation is forced to 0
explicitly.

Accuracies are measured on a bounded subset, the first ``max_samples`` test samples (the result says
how many), and only the layers from the first edited one on are re-run: the earlier layers compute the
same for both models. ``removal_ranking`` switches off one unit at a time that way. ``edit_weight``
changes one weight and reports how much every layer's output moves for one sample.
"""
from dataclasses import dataclass

import numpy as np

from nnlab.engine import encode_targets
from nnlab.engine.copying import copy_network
from nnlab.engine.input_grad import forward_to
from nnlab.engine.trainer import accuracy
from nnlab.i18n import N_, _

PASS_THROUGH = ("dropout", "maxpool2d", "avgpool2d", "token_mean_pool")  # map 0 to 0, feature by feature
SWITCHABLE = {"dense": "unit", "token_dense": "unit", "conv2d": "channel", "self_attention": "head"}
PLURALS = {"unit": N_("units"), "channel": N_("channels"), "head": N_("heads")}  # for messages
TEST_SAMPLES = 500  # accuracy before/after an intervention: the first 500 test samples
RANKING_SAMPLES = 256  # a ranking re-runs the network once per unit: fewer samples keep it bounded


@dataclass(frozen=True)
class Intervention:
    """What switching some units off does: to one sample's prediction and to the test accuracy."""
    off: dict  # {layer index: (indices switched off)}
    edits: tuple  # (layer index, parameter name, what was zeroed), in words
    output_before: np.ndarray
    output_after: np.ndarray
    predicted_before: int
    predicted_after: int
    accuracy_before: float | None  # on the first n_test test samples
    accuracy_after: float | None
    n_test: int


@dataclass(frozen=True)
class Removal:
    index: int
    accuracy: float | None
    loss: float
    accuracy_drop: float | None
    loss_increase: float


@dataclass(frozen=True)
class RemovalRanking:
    layer: int
    what: str  # "unit", "channel" or "head"
    n_samples: int  # the first n_samples of the set given
    accuracy: float | None  # with nothing switched off, on those samples
    loss: float
    rows: tuple  # of Removal, the most harmful first


@dataclass(frozen=True)
class LayerChange:
    layer: int
    name: str
    max_abs_change: float
    n_changed: int  # outputs that moved at all
    n_outputs: int


@dataclass(frozen=True)
class WeightEdit:
    layer: int
    param: str
    index: tuple
    old: float
    new: float
    changes: tuple  # of LayerChange, from the edited layer to the output
    output_before: np.ndarray
    output_after: np.ndarray


def switchable(net):
    """{layer index: (what, how many)} for every layer whose units, channels or heads can be switched off."""
    out = {}
    for i, layer in enumerate(net.layers):
        what = SWITCHABLE.get(layer.kind)
        if what is None or (what != "head" and _reader(net, i) is None):
            continue
        count = layer.config()["heads"] if what == "head" else layer.output_shape[0 if what == "channel" else -1]
        out[i] = (what, int(count))
    return out


def _reader(net, layer):
    """The layer whose parameters read ``layer``'s output (past zero-preserving layers), or None."""
    j = layer + 1
    while j < len(net.layers) and net.layers[j].kind in PASS_THROUGH:
        j += 1
    if j < len(net.layers) and net.layers[j].kind == "flatten":
        j += 1
        return j if j < len(net.layers) and net.layers[j].kind == "dense" else None
    return j if j < len(net.layers) and net.layers[j].kind in ("dense", "token_dense", "conv2d") else None


def _zero(net, layer, indices):
    """Zero, in ``net`` itself, the weights that read ``indices`` of ``layer``; returns what was zeroed."""
    options = switchable(net)
    if layer not in options:
        raise ValueError(_("layer {i} ({kind}) has no units to switch off: only hidden dense units, conv channels "
                           "and attention heads whose output a later layer reads", i=layer + 1,
                           kind=net.layers[layer].kind))
    what, count = options[layer]
    bad = [i for i in indices if not 0 <= i < count]
    if bad:
        raise ValueError(_("layer {i} has {what} 0…{last}; {bad} do not exist", i=layer + 1,
                           what=_(PLURALS[what]), last=count - 1,
                           bad=bad))
    indices = sorted(set(int(i) for i in indices))
    if what == "head":
        d = net.layers[layer].output_shape[-1] // count
        rows = np.concatenate([np.arange(h * d, (h + 1) * d) for h in indices])
        net.layers[layer].params["Wo"][rows] = 0
        return layer, "Wo", _("rows of heads {indices}", indices=indices)
    reader = _reader(net, layer)
    W = net.layers[reader].params["W"]
    if net.layers[reader].kind == "conv2d":
        W[:, indices] = 0
        return reader, "W", _("input channels {indices}", indices=indices)
    if what == "channel":  # read through flatten: each channel is a block of H·W rows (H, W as flattened)
        size = int(np.prod(net.layers[reader - 1].input_shape[1:]))
        indices = np.concatenate([np.arange(c * size, (c + 1) * size) for c in indices])
    W[indices] = 0
    if what == "channel":
        return reader, "W", _("rows read from layer {i}'s channels", i=layer + 1)
    return reader, "W", _("rows read from layer {i}'s units", i=layer + 1)


def switch_off(net, off):
    """A copy of ``net`` with the units in ``off`` = {layer index: [indices]} switched off, and the edits."""
    copy = copy_network(net)
    edits = tuple(_zero(copy, int(layer), list(indices)) for layer, indices in off.items() if len(indices))
    return copy, edits


def intervention(net, off, x, x_test, y_test, max_samples=TEST_SAMPLES):
    """Switch off ``off`` and compare one sample's output, and the accuracy on the first ``max_samples``
    test samples, with the unedited model."""
    switched, edits = switch_off(net, off)
    if not edits:
        raise ValueError(_("nothing is switched off: choose at least one unit, channel or head"))
    before, after = net.predict(x).reshape(-1), switched.predict(x).reshape(-1)
    first = min(edit[0] for edit in edits)
    x_test, y_test = x_test[:max_samples], y_test[:max_samples]
    h = _input_of(net, x_test, first)
    _loss, acc_before = _score(net, _forward_from(net, h, first), y_test)
    _loss, acc_after = _score(switched, _forward_from(switched, h, first), y_test)
    return Intervention({int(k): tuple(sorted(v)) for k, v in off.items()}, edits, before, after,
                        _predicted(before), _predicted(after), acc_before, acc_after, len(x_test))


def _predicted(output):
    return int(output[0] > 0.5) if output.size == 1 else int(np.argmax(output))


def _input_of(net, x, layer):
    """The input of ``layer`` for flat samples x: what the layers before it compute."""
    if layer:
        return forward_to(net, x, layer - 1)
    return np.asarray(x, dtype=net.dtype).reshape((len(x),) + net.input_shape)


def _forward_from(net, h, start):
    """The network's output from ``h``, the input of layer ``start``."""
    return forward_to(net, h, len(net.layers) - 1, start=start)


def _score(net, out, y):
    """(loss, accuracy) of outputs ``out``, as the engine's evaluate computes them."""
    out = out.reshape(len(out), -1)
    return net.loss_value(out, encode_targets(net, y)), accuracy(out, y)


def removal_ranking(net, layer, x, y, max_samples=RANKING_SAMPLES):
    """Switch off each unit (channel, head) of ``layer`` alone and rank them by the harm done, on the first
    ``max_samples`` samples of (x, y). Only the layers after the edited one are re-run."""
    if layer not in switchable(net):
        raise ValueError(_("layer {i} ({kind}) has no units to switch off", i=layer + 1, kind=net.layers[layer].kind))
    what, count = switchable(net)[layer]
    x, y = x[:max_samples], y[:max_samples]
    work = copy_network(net)
    edited = layer if what == "head" else _reader(net, layer)
    h = _input_of(work, x, edited)
    loss0, acc0 = _score(work, _forward_from(work, h, edited), y)
    rows = []
    for i in range(count):
        saved = {k: v.copy() for k, v in work.layers[edited].params.items()}
        _zero(work, layer, [i])
        loss, acc = _score(work, _forward_from(work, h, edited), y)
        work.set_params(edited, **saved)
        rows.append(Removal(i, acc, loss, None if acc is None else acc0 - acc, loss - loss0))
    rows.sort(key=lambda r: (-(r.accuracy_drop or 0.0), -r.loss_increase, r.index))
    return RemovalRanking(layer, what, len(x), acc0, loss0, tuple(rows))


def edit_weight(net, x, layer, param, index, value):
    """Set one parameter entry to ``value`` on a copy and see every layer's output move for sample x."""
    if not 0 <= layer < len(net.layers) or param not in net.layers[layer].params:
        raise ValueError(_("layer index={i} has no parameter {param}", i=layer, param=repr(param)))
    index = tuple(int(i) for i in np.atleast_1d(index))
    shape = net.layers[layer].params[param].shape
    if len(index) != len(shape) or not all(0 <= i < s for i, s in zip(index, shape)):
        raise ValueError(_("index {index}: layer {i}'s {param} has shape {shape}", index=index, i=layer + 1,
                           param=param, shape=shape))
    if not np.isfinite(value):
        raise ValueError(_("value={value}: give a finite number", value=repr(value)))
    edited = copy_network(net)
    old = float(edited.layers[layer].params[param][index])
    edited.layers[layer].params[param][index] = value
    before, after = net.forward_trace(x), edited.forward_trace(x)
    changes = []
    for b, a in zip(before[layer:], after[layer:]):
        diff = np.abs(a.a.astype(np.float64) - b.a)
        changes.append(LayerChange(b.index, b.name, float(diff.max()), int(np.count_nonzero(diff)), int(diff.size)))
    return WeightEdit(layer, param, index, old, float(edited.layers[layer].params[param][index]), tuple(changes),
                      before[-1].a[0].copy(), after[-1].a[0].copy())
