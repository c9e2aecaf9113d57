"""A training session: one network, its history and its optimiser, trained a run at a time.

Each run continues where the last one stopped: the trainer counts steps and epochs from 1 every time, so
the session renumbers its records to follow the history's, adds them to the history the moment they
arrive, keeps a weight snapshot after every epoch (thinned), and reuses the optimiser — with Adam's
moments — as long as its settings stay the same. The Training page keeps one session per user; the
Compare page trains one per architecture.
"""
from dataclasses import replace

from ..engine import EpochRecord, ErrorRecord, train
from ..engine.trainer import diverged_message
from .config import build_optimizer
from .history import History


class TrainingSession:
    """``net`` trained in place, every record in ``history``.

    snapshots : keep a copy of the weights after each epoch (the Training page's weight views); the
    Compare page does without.
    """

    def __init__(self, net, history=None, snapshots=True):
        self.net = net
        self.history = History() if history is None else history
        self.snapshots = snapshots
        self.optimizer = None
        self.optimizer_key = None
        self._start = (0, 0)  # the history's step and epoch count before the current run

    @classmethod
    def start(cls, net):
        """A fresh session for a newly built network, its initial weights kept as epoch 0's snapshot."""
        session = cls(net)
        session.history.snapshot(0, net)
        return session

    def optimizer_for(self, config):
        """The optimiser for ``config``'s settings: the session's own while they are unchanged (so Adam keeps
        its moments from run to run), a new one when the optimiser, learning rate or L2 changed."""
        key = (config.optimizer, config.lr, config.l2)
        if self.optimizer is None or self.optimizer_key != key:
            self.optimizer, self.optimizer_key = build_optimizer(config), key
        return self.optimizer

    def run(self, dataset, config, **options):
        """Train for ``config.epochs`` more epochs on ``dataset`` (validating on its held-out part); yield each
        record, numbered on from the history, after adding it there. Stops after an ErrorRecord.
        ``options`` go to ``engine.train`` (``augment``, ``hist_every``).

        Raises ValueError for settings that cannot train (the optimiser at once, the trainer's checks of its
        inputs on the first ``next``).
        """
        hist = self.history
        x_val, y_val, _ = dataset.held_out()
        optimizer = self.optimizer_for(config)
        step0 = hist.n_steps
        epoch0 = hist.steps[-1].epoch if hist.steps else 0
        secs0 = hist.epochs[-1].seconds if hist.epochs else 0.0
        self._start = (step0, epoch0)
        records = train(self.net, dataset.x_train, dataset.y_train, epochs=config.epochs,
                        batch_size=config.batch_size, optimizer=optimizer, schedule=config.schedule, x_val=x_val,
                        y_val=y_val, seed=config.seed + hist.last_epoch, **options)
        for record in records:
            moved = {"step": record.step + step0, "epoch": record.epoch + epoch0}
            if isinstance(record, EpochRecord):
                moved["seconds"] = record.seconds + secs0
            if isinstance(record, ErrorRecord):  # its words name the step too: the history's step, as the charts
                d = record.details
                moved["message"] = diverged_message(moved["step"], moved["epoch"], d["loss"], d["lr"], d["kept"])
            kept = replace(record, **moved)
            hist.add(kept)
            if isinstance(record, EpochRecord) and self.snapshots:
                hist.snapshot(kept.epoch, self.net)
                hist.thin_snapshots()
            yield kept
            if isinstance(record, ErrorRecord):
                return

    def in_run(self, record):
        """(step, epoch) of a record counted within the current run, from 1."""
        step0, epoch0 = self._start
        return record.step - step0, record.epoch - epoch0
