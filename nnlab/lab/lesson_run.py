"""What a lesson's check reads (the learner's own run) and what it gives back (a question with its answer).

A check is a pure function ``ask(run, params) -> Question``: the options the learner chooses from, the key of
the right one — computed from the run, never stored — and an explanation with the numbers it came from. When
the run lacks what the check needs (no training yet, no convolution in the model) it raises ``NotReady`` with
a sentence saying what to do, for the page to show instead of the question.
"""
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..i18n import N_
from .lesson_text import Message

NO_STEPS = N_("Train the network first: there are no training steps to look at yet.")
NO_EPOCHS = N_("Train at least one whole epoch first: the numbers this question needs are measured after each "
               "epoch.")


@dataclass(frozen=True)
class Run:
    """The learner's run as the page has it: plain data, never changed by a check.

    config : the sidebar's settings, a mapping or a dataclass (``LabConfig``) — what the task predicates compare
        with the lesson's setup.
    steps, epochs, errors : the trainer's StepRecord / EpochRecord / ErrorRecord lists of the current model,
        numbered on across runs (a ``History``'s lists).
    net : the current Network; inputs : the current dataset's training inputs (n_samples, n_features).
    neuron : the seed neuron as the Forward and Backprop pages have it (a ``NeuronResult``), and printed : what
        the article prints for it ({"z", "y", "L", "delta"}), to name its slips.
    """
    config: Any = None
    steps: Sequence = ()
    epochs: Sequence = ()
    errors: Sequence = ()
    net: Any = None
    inputs: Any = None
    neuron: Any = None
    printed: Mapping | None = None

    @classmethod
    def of(cls, history, **parts):
        """A Run from a ``History`` (its steps, epochs and errors) plus the other parts by name."""
        return cls(steps=tuple(history.steps), epochs=tuple(history.epochs), errors=tuple(history.errors), **parts)


class NotReady(Exception):
    """The run cannot answer the question yet; ``message`` says what the learner should do first."""

    def __init__(self, message: Message):
        super().__init__(message.render())
        self.message = message


def not_ready(template, **values):
    return NotReady(Message(template, {k: str(v) for k, v in values.items()}))


@dataclass(frozen=True)
class Option:
    key: str  # what the page hands back as the learner's choice
    label: Message


@dataclass(frozen=True)
class Question:
    """The options, the right one's key (computed from the run) and why it is right, with numbers."""
    options: tuple
    answer: str
    explanation: Message

    def __post_init__(self):
        keys = [o.key for o in self.options]
        if len(set(keys)) != len(keys) or self.answer not in keys:
            raise ValueError(f"options {keys} must be distinct and include the answer {self.answer!r}")

    def is_correct(self, choice):
        """Whether the learner's choice (an option's key) is the right answer."""
        if choice not in {o.key for o in self.options}:
            raise ValueError(f"{choice!r} is not one of the options {[o.key for o in self.options]}")
        return choice == self.answer


@dataclass(frozen=True)
class Param:
    """One parameter a lesson file may give its check: its type, its default, and the values it may take."""
    kind: type  # int, float, str or list (of numbers)
    default: Any
    choices: tuple = ()
    minimum: float | None = None
    validate: Callable | None = None  # raises ValueError with a sentence for a value of the right type


@dataclass(frozen=True)
class Check:
    """A named check: ``ask(run, params)`` and the parameters a lesson file may set."""
    ask: Callable
    params: dict = field(default_factory=dict)
    description: str = ""


BELOW, BETWEEN, ABOVE = N_("below {high}"), N_("{low} to {high}"), N_("{low} or more")


def band_options(edges):
    """Options for "which band is the share in": below edges[0], between neighbours, edges[-1] or more."""
    labels = [f"{100 * e:g} %" for e in edges]
    options = [Option("band0", Message(BELOW, {"high": labels[0]}))]
    options += [Option(f"band{i}", Message(BETWEEN, {"low": labels[i - 1], "high": labels[i]}))
                for i in range(1, len(edges))]
    options.append(Option(f"band{len(edges)}", Message(ABOVE, {"low": labels[-1]})))
    return tuple(options)


def band_of(value, edges):
    """The key of the band ``value`` falls in (an edge belongs to the band above it)."""
    return f"band{sum(value >= e for e in edges)}"
