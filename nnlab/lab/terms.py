"""Sums written out term by term, and numbers written for LaTeX.

A worked example shows a sum such as Σₖ xₖ·Wₖᵢ with its real numbers. A dense layer of 784 inputs has
784 terms, so only the few largest by |value| are listed, then "… n more" with their total: the listed
terms plus the rest always add up to the total, so nothing on screen is left unaccounted for.
"""
from dataclasses import dataclass

import numpy as np

from nnlab.i18n import _

TOP = 5  # terms listed by default


@dataclass(frozen=True)
class Term:
    """One term of a sum: where it comes from, the numbers multiplied, and their product."""
    index: tuple  # e.g. (k,) for an input unit, (c, u, v) for a kernel offset
    factors: tuple  # the operands, floats
    value: float


@dataclass(frozen=True)
class TermSum:
    """A sum with its largest terms listed (largest |value| first) and the others summarised."""
    terms: tuple  # of Term
    n_terms: int  # terms in the whole sum
    rest: float  # sum of the terms not listed
    total: float  # sum of every term

    @property
    def n_more(self):
        return self.n_terms - len(self.terms)


def term_sum(*factors, top=TOP):
    """Σ of the elementwise product of ``factors`` (arrays of one shape), in float64.

    Term indices are positions in that shape. Ties in |value| keep the lower index first.
    """
    arrays = [np.asarray(f, dtype=np.float64) for f in factors]
    shape = arrays[0].shape
    if any(a.shape != shape for a in arrays):
        raise ValueError(f"the factors have shapes {[a.shape for a in arrays]}; they must match")
    flat = [a.ravel() for a in arrays]
    products = np.prod(flat, axis=0)
    total = float(products.sum())
    order = np.argsort(-np.abs(products), kind="stable")[:max(0, int(top))]
    terms = tuple(Term(tuple(int(i) for i in np.unravel_index(j, shape)), tuple(float(f[j]) for f in flat),
                       float(products[j])) for j in order)
    others = np.ones(products.size, dtype=bool)
    others[order] = False
    return TermSum(terms, int(products.size), float(products[others].sum()), total)


def tex(value, digits=4):
    """A number for LaTeX with ``digits`` significant digits: 0.01234, -3.2\\times10^{-5}."""
    text = f"{float(value) + 0.0:.{digits}g}"  # + 0.0 turns −0 into 0
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa}\times10^{{{int(exponent)}}}"
    return text


def tex_operand(value, digits=4):
    """A number as an operand: negative ones in parentheses, so 0.5·(−0.2) reads unambiguously."""
    text = tex(value, digits)
    return f"({text})" if text.startswith("-") else text


def tex_terms(ts, digits=4):
    """The listed terms of ``ts`` as "a·b + c·d + … (n more: r)", without the total."""
    parts = [r" \cdot ".join(tex_operand(f, digits) for f in t.factors) for t in ts.terms]
    text = " + ".join(parts) if parts else "0"
    if ts.n_more:
        more = _(" more")
        text += rf" + \underbrace{{\ldots}}_{{{ts.n_more}\text{{{more}}} = {tex(ts.rest, digits)}}}"
    return text


def tex_vector(values, shown=4, digits=4):
    """A vector as (v₀, v₁, …, n more) with its first ``shown`` entries."""
    values = np.ravel(values)
    text = ", ".join(tex(v, digits) for v in values[:shown])
    if values.size > shown:
        more = _(" more")
        text += rf", \ldots\ ({values.size - shown}\text{{{more}}})"
    return rf"\big({text}\big)"
