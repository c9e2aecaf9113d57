"""Sums written out term by term, and LaTeX numbers."""
import numpy as np
import pytest

from nnlab.lab.terms import tex, tex_operand, tex_terms, tex_vector, term_sum


def test_term_sum_lists_the_largest_and_keeps_the_total():
    a, b = np.array([[1.0, -4.0], [2.0, 0.5]]), np.array([[2.0, 1.0], [-3.0, 4.0]])
    ts = term_sum(a, b, top=2)
    assert [t.index for t in ts.terms] == [(1, 0), (0, 1)]  # −6 and −4 are the largest in size
    assert ts.terms[0].factors == (2.0, -3.0) and ts.terms[0].value == -6.0
    assert ts.total == pytest.approx(-6.0) and ts.rest == pytest.approx(4.0) and ts.n_more == 2
    assert tex_terms(ts) == r"2 \cdot (-3) + (-4) \cdot 1 + \underbrace{\ldots}_{2\text{ more} = 4}"
    with pytest.raises(ValueError, match="must match"):
        term_sum(np.ones(2), np.ones(3))


def test_numbers_for_latex():
    assert tex(0.00001234) == r"1.234\times10^{-5}" and tex(123456) == r"1.235\times10^{5}"
    assert tex(-0.0) == "0" and tex(0.25) == "0.25"
    assert tex_operand(-2.5) == "(-2.5)" and tex_operand(2.5) == "2.5"
    assert tex_vector([1, 2, 3], shown=2) == r"\big(1, 2, \ldots\ (1\text{ more})\big)"
