"""Small-number disclosure control for every figure a commissioner sees.

The rule is the one NHS Digital has used since 2018 for sub-national figures:

* a count of 0 stays 0;
* a count from 1 to 7 is suppressed and shows as "*";
* every other count is rounded to the nearest 5;
* a percentage is computed from the *rounded* counts, and is suppressed when either count is
  suppressed (or the rounded denominator is 0);
* complementary cells: a percentage is also suppressed when the rest of its whole (the
  denominator minus the numerator) is from 1 to 7. Otherwise "100 % good" could sit beside
  "* poor" for the same group, and the reader would learn the suppressed count is at most 4;
  with the rest at 8 or more the rounded numerator is always at least 5 below the rounded
  whole, so a shown 100 % means the rest is truly 0;
* a mean or median of 1 to 7 values is suppressed.

Half-way cases: a count is an integer, so its remainder after division by 5 is 0–4 and there
is never a tie. Remainders 1 and 2 round down, 3 and 4 round up (8 → 10, 12 → 10, 13 → 15).
The rounding error is therefore at most 2.

Totals are protected too. A total is computed from the *raw* numbers and then protected on
its own; it is not the sum of the protected cells. Summing protected cells would pile up the
rounding error (up to 2 a cell), has no meaning for a "*" cell, and an exact total beside
rounded cells would let a reader subtract the shown cells and narrow down a suppressed one.
The price is that shown cells need not add up to the shown total: say so next to the table.

Offer fixed breakdowns only (the same categories every time, zeros included). If a reader could
choose any filter, two overlapping results ("all providers" and "all but one") could be
subtracted to recover a small group that each result on its own hides. Rounding and
suppression protect one table; they do not protect the differences between free choices.

The disclosed objects keep no raw number, so nothing below this module can leak one into a
page or a CSV by accident.
"""
from __future__ import annotations

import operator
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from .survey import wilson_interval

SUPPRESSED: Final = "*"
"""How a suppressed figure is shown, on a page and in a CSV."""

SMALLEST_SHOWN: Final = 8
"""Counts from 1 to SMALLEST_SHOWN - 1 are suppressed."""

ROUND_TO: Final = 5


def _count(n: object) -> int:
    if isinstance(n, bool):
        raise TypeError("a count must be an integer, not a bool")
    value = operator.index(n)  # type: ignore[arg-type]
    if value < 0:
        raise ValueError(f"a count cannot be negative: {value}")
    return value


@dataclass(frozen=True, slots=True)
class DisclosedCount:
    """A count as a commissioner may see it. `value` is None when suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return SUPPRESSED if self.value is None else str(self.value)


@dataclass(frozen=True, slots=True)
class DisclosedPercent:
    """A percentage computed from two protected counts.

    `value` is the percentage (0–100, not rounded) or None when suppressed; `str()` gives a
    whole number with a percent sign ("67%"), halves rounded up, or "*".
    """

    numerator: DisclosedCount
    denominator: DisclosedCount
    value: float | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def fraction(self) -> float | None:
        return None if self.value is None else self.value / 100

    def interval(self, z: float = 1.96) -> tuple[float, float] | None:
        """Wilson interval (as fractions) from the rounded counts, so it leaks nothing more
        than the percentage itself; None when the percentage is suppressed."""
        if self.value is None:
            return None
        assert self.numerator.value is not None and self.denominator.value is not None
        return wilson_interval(self.numerator.value, self.denominator.value, z)

    def __str__(self) -> str:
        if self.value is None:
            return SUPPRESSED
        whole = Decimal(repr(self.value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return f"{whole}%"


@dataclass(frozen=True, slots=True)
class DisclosedMeasure:
    """A mean or median as a commissioner may see it: None when it comes from 1 to 7 values."""

    value: float | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


def percent_from_shown(numerator: int | None, denominator: int | None) -> DisclosedPercent:
    """A percentage again from the protected counts it was computed from (a stored release
    keeps those, never raw numbers); None for either means it was suppressed."""
    if numerator is None or denominator is None:
        return DisclosedPercent(DisclosedCount(None), DisclosedCount(None), None)
    return DisclosedPercent(DisclosedCount(numerator), DisclosedCount(denominator), 100 * numerator / denominator)


def round_count(n: int) -> int | None:
    """The protected value of a raw count: 0, None (suppressed) or a multiple of 5."""
    n = _count(n)
    if n == 0:
        return 0
    if n < SMALLEST_SHOWN:
        return None
    # Integer arithmetic; no ties are possible (see the module docstring).
    return (n + ROUND_TO // 2) // ROUND_TO * ROUND_TO


def protect_count(n: int) -> DisclosedCount:
    return DisclosedCount(round_count(n))


def protect_percentage(numerator: int, denominator: int) -> DisclosedPercent:
    """numerator/denominator as a percentage, computed from the protected counts; suppressed
    when the numerator, the denominator or the rest (denominator - numerator) is 1 to 7."""
    num, den = _count(numerator), _count(denominator)
    if num > den:
        raise ValueError(f"numerator {num} is larger than denominator {den}")
    shown_num, shown_den = protect_count(num), protect_count(den)
    rest_suppressed = round_count(den - num) is None
    if shown_num.value is None or shown_den.value is None or shown_den.value == 0 or rest_suppressed:
        value = None
    else:
        # Rounding to 5 is monotone, so the rounded numerator never exceeds the denominator.
        value = 100 * shown_num.value / shown_den.value
    return DisclosedPercent(shown_num, shown_den, value)


def shares_add_up(percents: Iterable[DisclosedPercent]) -> bool:
    """Whether shares of one whole, as shown (whole percentages), add up to exactly 100.
    Each share is rounded on its own, so they often do not; the page says so beside them."""
    shown = [str(p) for p in percents]
    return SUPPRESSED not in shown and sum(int(text.rstrip("%")) for text in shown) == 100


def _enough(n: int) -> bool:
    return n >= SMALLEST_SHOWN


def protect_mean(values: Sequence[float]) -> float | None:
    """The mean, or None when there are fewer than 8 values (0 values included)."""
    values = list(values)
    return statistics.fmean(values) if _enough(len(values)) else None


def protect_median(values: Sequence[float]) -> float | None:
    """The median, or None when there are fewer than 8 values (0 values included)."""
    values = list(values)
    return float(statistics.median(values)) if _enough(len(values)) else None


def protect_mean_from_sum(total: float, n: int) -> float | None:
    """The mean from an SQL SUM and COUNT, with the same rule as protect_mean."""
    n = _count(n)
    return total / n if _enough(n) else None


def protect_median_of_histogram(counts: Iterable[tuple[int, int]]) -> DisclosedMeasure:
    """The median of values given as (value, how many), or suppressed for fewer than 8 values."""
    values = sorted((int(value), _count(n)) for value, n in counts)
    total = sum(n for _, n in values)
    if not _enough(total):
        return DisclosedMeasure(None)
    middle = [(total - 1) // 2, total // 2]  # the one or two middle positions
    found, seen = [], 0
    for value, n in values:
        while middle and middle[0] < seen + n:
            found.append(value)
            middle.pop(0)
        seen += n
    return DisclosedMeasure(sum(found) / 2)


@dataclass(frozen=True, slots=True)
class DisclosedRow:
    label: str
    cells: tuple[DisclosedCount, ...]
    total: DisclosedCount


@dataclass(frozen=True, slots=True)
class DisclosedTable:
    """A fixed breakdown: rows × columns, each row's total and a total row, all protected."""

    columns: tuple[str, ...]
    rows: tuple[DisclosedRow, ...]
    total: DisclosedRow


def protect_table(
    rows: Mapping[str, Mapping[str, int]] | Iterable[tuple[str, Mapping[str, int]]],
    columns: Sequence[str],
    total_label: str = "Total",
) -> DisclosedTable:
    """Protect every cell of a fixed breakdown, totals included.

    `rows` maps each row label (in display order; pass every category, zeros too) to its
    counts by column. A column missing from a row counts 0; a column not in `columns` is an
    error, so no category can slip out of the fixed breakdown. Row totals, column totals and
    the grand total are summed from the raw counts and then protected.
    """
    columns = tuple(columns)
    if len(set(columns)) != len(columns):
        raise ValueError("duplicate column")
    items = list(rows.items()) if isinstance(rows, Mapping) else list(rows)
    labels = [label for label, _ in items]
    if len(set(labels)) != len(labels):
        raise ValueError("duplicate row")

    column_totals = [0] * len(columns)
    shown_rows = []
    for label, counts in items:
        unknown = set(counts) - set(columns)
        if unknown:
            raise ValueError(f"row {label!r} has counts outside the breakdown: {sorted(unknown)}")
        raw = [_count(counts.get(column, 0)) for column in columns]
        for i, n in enumerate(raw):
            column_totals[i] += n
        shown_rows.append(DisclosedRow(label, tuple(map(protect_count, raw)), protect_count(sum(raw))))

    total_row = DisclosedRow(
        total_label, tuple(map(protect_count, column_totals)), protect_count(sum(column_totals))
    )
    return DisclosedTable(columns, tuple(shown_rows), total_row)
