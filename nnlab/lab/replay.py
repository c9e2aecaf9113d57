"""Replay a finished run: the network as it was at one of its epochs, and the check that it is.

A run's history keeps a weight snapshot after every epoch (``History.snapshots``, thinned). Put back into a
copy of the network, a snapshot gives that epoch's model: its test predictions, its decision boundary, its
hidden space. The trainer measured the held-out loss at the end of the same epoch, on the same weights,
so recomputing it from the snapshot must give the number the run recorded — unless the snapshot lacked
some parameters (then the current values stand in, and ``params_from_current`` names them).
"""
from dataclasses import dataclass

import numpy as np

from ..i18n import _
from ..engine.trainer import evaluate
from .weight_vector import network_at


@dataclass
class EpochReplay:
    epoch: int
    net: object                     # a copy of the network with the snapshot's weights
    params_from_current: list       # parameters the snapshot lacked (current values used)
    recorded_val_loss: float | None  # what the run recorded at the end of this epoch (None at epoch 0)
    recorded_val_acc: float | None
    val_loss: float                 # the same, recomputed from the snapshot
    val_acc: float | None
    test_output: np.ndarray         # (n_test, n_outputs) the network's output on the test set


def replay_epoch(net, history, epoch, dataset):
    """The network of ``history``'s snapshot at ``epoch``, its held-out loss recomputed beside the recorded
    one, and its output on ``dataset``'s test part."""
    if epoch not in history.snapshots:
        raise ValueError(_("epoch={epoch} has no weight snapshot; choose one of {epochs}", epoch=repr(epoch),
                           epochs=sorted(history.snapshots)))
    at, missing = network_at(net, history.snapshots[epoch])
    x_val, y_val, _names = dataset.held_out()
    val_loss, val_acc = evaluate(at, x_val, y_val)
    record = next((r for r in history.epochs if r.epoch == epoch), None)
    output = np.asarray(at.predict(dataset.x_test)).reshape(len(dataset.x_test), -1)
    return EpochReplay(int(epoch), at, missing, None if record is None else record.val_loss,
                       None if record is None else record.val_acc, float(val_loss), val_acc, output)
