"""The table of lesson checks: name -> the function that asks the question and the parameters a lesson may set.

A lesson file names its check (``[check] name = "smallest_grad_layer"``) and may set its parameters
(``layer = 1``); the loader validates both against this table, so a teacher's typo is caught by name.
"""
from .lesson_checks_model import (NEURON_VALUES, attention_shape, feature_map_shape, input_scaling, neuron_value,
                                  parameter_count)
from .lesson_checks_records import (accuracy_band, best_val_epoch, dead_share, divergence_lr, largest_update_layer,
                                    loss_change, smallest_grad_layer)
from .lesson_run import Check, Param


def check_shares(edges):
    """Band edges for a share (accuracy, dead units): increasing numbers strictly between 0 and 1."""
    if not edges or any(isinstance(e, bool) or not isinstance(e, (int, float)) or not 0 < e < 1 for e in edges):
        raise ValueError("give shares strictly between 0 and 1, such as [0.1, 0.5] for 10 % and 50 %")
    if any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError(f"{list(edges)}: each edge must be larger than the one before")


def _shares(default):
    return Param(list, default, validate=check_shares)


CHECKS = {
    "loss_change": Check(loss_change, {}, "how far the loss fell: the first batch's loss against the last "
                                          "epoch's average training loss (more than half / less / not at all)"),
    "parameter_count": Check(parameter_count, {}, "the network's number of weights and biases"),
    "dead_share": Check(dead_share, {"layer": Param(int, 1, minimum=1), "edges": _shares([0.1, 0.5])},
                        "the share of a ReLU layer's units that never fired, averaged over the last epoch, as a band"),
    "input_scaling": Check(input_scaling, {}, "how the training inputs were prepared: scaled to [0, 1], "
                                              "standardised, or neither"),
    "neuron_value": Check(neuron_value, {"value": Param(str, "z", choices=NEURON_VALUES)},
                          "one number of the seed neuron (z, y, loss or delta) as the engine computes it"),
    "smallest_grad_layer": Check(smallest_grad_layer, {}, "the layer with the smallest mean gradient norm in the "
                                                          "last epoch"),
    "divergence_lr": Check(divergence_lr, {}, "the smallest learning rate at which training diverged, among "
                                              "those tried"),
    "largest_update_layer": Check(largest_update_layer, {}, "the layer with the largest median update ratio "
                                                            "‖ΔW‖/‖W‖ in the last epoch"),
    "best_val_epoch": Check(best_val_epoch, {"bands": Param(int, 4, minimum=2)},
                            "in which part of training (the epochs cut into bands) the validation loss was lowest"),
    "feature_map_shape": Check(feature_map_shape, {"conv": Param(int, 1, minimum=1)},
                               "the channels × height × width of a convolution's output"),
    "attention_shape": Check(attention_shape, {}, "the size of one head's attention matrix"),
    "accuracy_band": Check(accuracy_band, {"edges": _shares([0.9, 0.95])},
                           "the held-out accuracy after the last epoch, as a band"),
}
