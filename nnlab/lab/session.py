"""A training session: one network, its history and its optimiser, trained a run at a time.

Each run continues where the last one stopped: the trainer counts steps and epochs from 1 every time, so
the session renumbers its records to follow the history's, adds them to the history the moment they
arrive, keeps a weight snapshot after every epoch (thinned), and reuses the optimiser — with Adam's
moments — as long as its settings stay the same. The Training page keeps one session per user; the
Compare page trains one per architecture; the Replay page branches one off an earlier epoch.
"""
from dataclasses import replace

from ..engine import EpochRecord, ErrorRecord, train
from .config import build_optimizer
from .history import History
from .weight_vector import network_at


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
        epoch0 = hist.last_epoch  # whole epochs: a partial one after a Stop is not counted
        secs0 = hist.epochs[-1].seconds if hist.epochs else 0.0
        self._start = (step0, epoch0)
        records = train(self.net, dataset.x_train, dataset.y_train, epochs=config.epochs,
                        batch_size=config.batch_size, optimizer=optimizer, schedule=config.schedule, x_val=x_val,
                        y_val=y_val, seed=config.seed + hist.last_epoch, **options)
        for record in records:
            moved = {"step": record.step + step0, "epoch": record.epoch + epoch0}
            if isinstance(record, EpochRecord):
                moved["seconds"] = record.seconds + secs0
            kept = replace(record, **moved)
            hist.add(kept)
            if isinstance(record, EpochRecord) and self.snapshots:
                hist.snapshot(kept.epoch, self.net)
                hist.thin_snapshots()
            yield kept
            if isinstance(record, ErrorRecord):
                return

    def branch(self, epoch):
        """A new session that trains on from this run's weight snapshot at ``epoch``, leaving this one as it is:
        a copy of the network with the snapshot's weights and the history up to that epoch (records and
        snapshots), so its next run numbers on from ``epoch`` and shuffles as this run did after it.

        Returns (session, names of the parameters the snapshot did not hold: they keep the current values).
        The optimiser starts afresh: its state at that epoch (Adam's moments, momentum) was not kept.
        """
        hist = self.history
        if epoch not in hist.snapshots:
            raise ValueError(f"epoch={epoch!r} has no weight snapshot; choose one of {sorted(hist.snapshots)}")
        net, missing = network_at(self.net, hist.snapshots[epoch])
        steps = [r for r in hist.steps if r.epoch <= epoch]
        last_step = steps[-1].step if steps else 0
        kept = History(steps=steps, epochs=[r for r in hist.epochs if r.epoch <= epoch],
                       errors=[r for r in hist.errors if r.step <= last_step],
                       snapshots={e: s for e, s in hist.snapshots.items() if e <= epoch})
        return TrainingSession(net, kept, self.snapshots), missing

    def in_run(self, record):
        """(step, epoch) of a record counted within the current run, from 1."""
        step0, epoch0 = self._start
        return record.step - step0, record.epoch - epoch0
