"""The bench's arithmetic: medians and ranges of samples, percentiles, ratios, interleaved runs.

Every figure is a median of runs, never a mean, so one run slowed by other work on
the machine moves it little; runs are interleaved so a machine that gets busier
mid-bench slows every measured thing alike and the ratios stay fair.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def interleaved(runs: int, items: Sequence[T]) -> Iterator[tuple[int, T]]:
    """(run, item) for run 0 of every item, then run 1 of every item, and so on."""
    for run in range(runs):
        for item in items:
            yield run, item


def median(values: Sequence[float], digits: int = 1) -> float:
    return round(float(statistics.median(values)), digits)


def medians(samples: Mapping[str, Sequence[float]], digits: int = 1) -> dict[str, float]:
    return {
        name: round(float(statistics.median(values)), digits) for name, values in samples.items()
    }


def ranges(samples: Mapping[str, Sequence[float]], digits: int = 1) -> dict[str, list[float]]:
    """[min, max] of each figure's runs."""
    return {
        name: [round(float(min(values)), digits), round(float(max(values)), digits)]
        for name, values in samples.items()
    }


def summary(values: Sequence[float]) -> dict[str, float] | None:
    """Median, min and max of one figure's runs (None without runs)."""
    if not values:
        return None
    return {
        "median": median(values),
        "min": round(float(min(values)), 1),
        "max": round(float(max(values)), 1),
    }


def percentile(values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least percent% of samples at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def ratio(part: float, whole: float, digits: int = 3) -> float:
    return round(part / whole, digits)
