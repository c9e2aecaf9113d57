"""Numbers as people write them: significant digits, not "8.42e-1"."""
import pytest

from nnlab.i18n.numbers import percent, sig


@pytest.mark.parametrize("value, digits, text", [
    (0.8423, 3, "0.842"), (8.42e-1, 2, "0.84"), (0.0234, 3, "0.0234"), (0.001, 3, "0.001"),
    (1.6e-5, 3, "1.6e−5"), (1e-5, 3, "1e−5"), (-2.5e-7, 3, "−2.5e−7"), (1250, 3, "1,250"), (12345.6, 6, "12,345.6"),
    (3.2e7, 3, "3.2e7"), (0, 3, "0"), (-0.5, 3, "−0.5"), (0.9996, 3, "1"), (1.0, 6, "1"), (99.96, 3, "100"),
    (float("nan"), 3, "nan"), (float("-inf"), 3, "−inf"), (0.30000000000000004, 6, "0.3"),
])
def test_sig(value, digits, text):
    assert sig(value, digits) == text


def test_sig_can_keep_an_ascii_minus_and_percent_uses_it():
    assert sig(-1.5e-6, 2, minus="-") == "-1.5e-6"
    assert percent(0.72) == "72%" and percent(0.004) == "0.4%" and percent(1) == "100%" and percent(0.155) == "16%"
