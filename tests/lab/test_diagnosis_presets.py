"""The diagnosis on every preset, trained for real: healthy ones stay green, the broken ones get their own finding.

The table below is the exact set of finding kinds each preset's short run (``preset_runs.SHORT``) must get;
a test fails if a preset shows anything else, so a false alarm on a healthy model fails as loudly as a missed
problem.
"""
import pytest

from nnlab.lab.advice import setup_for
from nnlab.lab.diagnosis import diagnose
from nnlab.lab.presets import PRESETS

from .preset_runs import SHORT, short_run

EXPECTED = {
    "MNIST MLP 784-128-64-10": {"ok"},
    "Seed example (2→1 sigmoid)": {"ok"},
    "Vanishing gradients (8 sigmoid layers)": {"vanishing", "not_decreasing"},
    "Dead ReLUs (lr too high)": {"dead"},
    "Spirals 2-8-8-1 tanh": {"ok"},
    "MNIST CNN": {"ok"},
    "MNIST patch attention": {"ok"},
}


def test_the_table_covers_every_preset():
    assert set(EXPECTED) == set(PRESETS) == set(SHORT)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_preset_gets_exactly_its_findings(name):
    cfg, data, session = short_run(name)
    findings = diagnose(session.history, setup_for(cfg, data))
    assert {f.kind for f in findings} == EXPECTED[name], [f.text() for f in findings]
