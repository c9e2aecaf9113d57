"""The step records of a run, bounded: all of a short run, an evenly thinned set of a long one.

A StepRecord costs about 1.8 KB (its per-layer statistics), and the sidebar allows runs of millions of
steps, so a History cannot keep them all. It keeps, whatever the length of the run:

- one record in every ``stride`` steps (step 1, 1 + stride, 1 + 2·stride …): an even sample for curves;
- in each stretch of ``stride`` steps (a *bucket*), the batch with the lowest and the one with the highest
  loss, so a spike stays visible however long the run;
- each bucket's mean loss over all its steps, so a smoothed loss curve is still computed from every batch;
- the last ``TAIL`` steps in full (the diagnosis reads the most recent batches one by one).

``stride`` starts at 1 (nothing thinned) and doubles whenever there would be more than ``max_buckets``
buckets, two neighbouring buckets merging into one; so at most ``3 · max_buckets + TAIL`` records are
kept, between half and all of ``max_buckets`` evenly spaced ones among them.
"""
import math
from collections import deque
from dataclasses import dataclass

MAX_BUCKETS = 800  # 3 · 800 + 200 records: under the batch-loss chart's 2,500 rows a series, none dropped
TAIL = 200


@dataclass
class Bucket:
    """``stride`` consecutive steps: the records kept of them and their mean loss."""
    index: int  # the bucket covers steps index·stride + 1 … (index + 1)·stride
    first: object  # StepRecord: the bucket's first step (the even sample)
    low: object  # the record of its lowest finite loss (or its first, if none is finite)
    high: object  # the record of its highest finite loss
    last_step: int  # the last step seen in the bucket, and its epoch
    last_epoch: int
    n_finite: int  # steps with a finite loss, and their sum
    loss_sum: float

    @classmethod
    def of(cls, index, record):
        finite = math.isfinite(record.loss)
        return cls(index, record, record, record, record.step, record.epoch, int(finite),
                   record.loss if finite else 0.0)

    def take(self, record):
        """A later step of this bucket."""
        self.last_step, self.last_epoch = record.step, record.epoch
        if math.isfinite(record.loss):
            self.n_finite += 1
            self.loss_sum += record.loss
            self._extreme(record)

    def merge(self, later):
        """Take in the next bucket: the two become one of twice the stride (``index`` is the caller's)."""
        self._extreme(later.low)
        self._extreme(later.high)
        self.last_step, self.last_epoch = later.last_step, later.last_epoch
        self.n_finite += later.n_finite
        self.loss_sum += later.loss_sum

    def _extreme(self, record):
        if math.isfinite(record.loss):
            if not math.isfinite(self.low.loss) or record.loss < self.low.loss:
                self.low = record
            if not math.isfinite(self.high.loss) or record.loss > self.high.loss:
                self.high = record

    def records(self):
        return (self.first, self.low, self.high)


class StepLog:
    """StepRecords added in order of step; ``records()`` lists those kept (see the module doc)."""

    def __init__(self, max_buckets=MAX_BUCKETS, tail=TAIL):
        if max_buckets < 2 or tail < 1:
            raise ValueError(f"max_buckets={max_buckets!r}, tail={tail!r}: keep at least 2 buckets and 1 tail step")
        self.max_buckets, self.stride = max_buckets, 1
        self.buckets = []
        self.tail = deque(maxlen=tail)
        self.n_added = 0
        self._records = None  # the kept records in order, rebuilt after each add when asked for

    def add(self, record):
        if self.tail and record.step <= self.tail[-1].step:
            raise ValueError(f"step {record.step} after step {self.tail[-1].step}: add steps in order")
        index = (record.step - 1) // self.stride
        if self.buckets and self.buckets[-1].index == index:
            self.buckets[-1].take(record)
        else:
            self.buckets.append(Bucket.of(index, record))
            if len(self.buckets) > self.max_buckets:
                self._double_stride()
        self.tail.append(record)
        self.n_added += 1
        self._records = None

    def _double_stride(self):
        self.stride *= 2
        merged = []
        for bucket in self.buckets:
            if merged and merged[-1].index == bucket.index // 2:
                merged[-1].merge(bucket)
            else:
                bucket.index //= 2
                merged.append(bucket)
        self.buckets = merged

    def records(self):
        """The kept StepRecords, in order of step, each once."""
        if self._records is None:
            kept = {r.step: r for bucket in self.buckets for r in bucket.records()}
            kept.update((r.step, r) for r in self.tail)
            self._records = [kept[step] for step in sorted(kept)]
        return self._records

    @property
    def last(self):
        return self.tail[-1] if self.tail else None

    @property
    def thinned(self):
        """Whether some steps' records were dropped."""
        return len(self.records()) < self.n_added

    def loss_means(self):
        """(last step, its epoch, mean loss, steps with a finite loss) of each bucket with a finite loss, in order:
        every step's loss is in exactly one mean (with stride 1, each step's own loss)."""
        return [(b.last_step, b.last_epoch, b.loss_sum / b.n_finite, b.n_finite) for b in self.buckets if b.n_finite]
