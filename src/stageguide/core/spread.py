"""Exact summary figures for a set of answers, so CPython and Pyodide agree to the last digit.

Means and variances stay fractions of whole numbers; only the standard deviation, which
is irrational in general, is a float, and it is used for display, never for ranking.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Spread:
    """Mean, population variance and range of some values (whole numbers or exact fractions)."""

    mean: Fraction
    variance: Fraction
    low: Fraction
    high: Fraction

    @classmethod
    def of(cls, values: Sequence[int | Fraction]) -> Spread | None:
        """None for no values: nobody judged what is being summarised."""
        if not values:
            return None
        count = len(values)
        total = Fraction(sum(values, Fraction(0)))
        squares = sum((Fraction(v) * v for v in values), Fraction(0))
        variance = (count * squares - total * total) / (count * count)
        return cls(total / count, variance, Fraction(min(values)), Fraction(max(values)))

    @property
    def deviation(self) -> float:
        """The standard deviation, what the report calls "spread"."""
        return math.sqrt(float(self.variance))


def mean_of(values: Sequence[int | Fraction]) -> Fraction | None:
    """The exact mean, or None when there is nothing to average."""
    spread = Spread.of(values)
    return None if spread is None else spread.mean


def rounded(value: Fraction | float) -> float:
    """A figure as the report's data carries it: 2 decimals."""
    return round(float(value), 2)


def maybe_rounded(value: Fraction | float | None) -> float | None:
    return None if value is None else rounded(value)
