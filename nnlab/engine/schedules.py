"""Learning-rate schedules: ``lr(base_lr, epoch_progress, total_epochs) -> float``.

``epoch_progress`` is fractional (2.5 = halfway through the third epoch), so cosine decays smoothly
step by step while the step schedule drops at epoch boundaries.
"""
import math

STEP_EVERY, STEP_GAMMA = 3, 0.5


def constant(base_lr, progress, total_epochs):
    return base_lr


def step(base_lr, progress, total_epochs):
    """Halve the learning rate every 3 epochs."""
    return base_lr * STEP_GAMMA ** int(progress // STEP_EVERY)


def cosine(base_lr, progress, total_epochs):
    """From base_lr down to 0 along half a cosine over the whole run."""
    return base_lr * 0.5 * (1 + math.cos(math.pi * min(progress / max(total_epochs, 1e-12), 1.0)))


SCHEDULES = {"constant": constant, "step": step, "cosine": cosine}


def get_schedule(name):
    if name not in SCHEDULES:
        raise ValueError(f"schedule={name!r} is unknown; choose one of {sorted(SCHEDULES)}")
    return SCHEDULES[name]
