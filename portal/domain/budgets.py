"""The personal budget (Care Act 2014, s.25): the money the council has worked out the
support needs, how it is spent, and what the client pays towards it.

Every amount is data that staff enter after the assessment: the portal invents no prices.
Amounts are whole pence, so sums are exact. The budget is part of the support: it is set
when the plan is first written (or added once to a plan that has none yet), changes only at
a review after that, and the client agrees it like the rest of the plan (portal.domain.plans).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..models import Arrangement, SupportPlanVersion

# A weekly amount is the yearly one over 52 weeks, as councils state them.
WEEKS_A_YEAR = 52
# £500,000 a year is far above any support at home: a slip of the keyboard stops here.
MAX_PENCE_A_YEAR = 50_000_000


@dataclass(frozen=True)
class Budget:
    """A budget as staff enter it. `direct_payment_pence_a_year` is the part of a mixed
    arrangement paid as a direct payment (the rest is council-arranged); None otherwise."""

    pence_a_year: int
    direct_payment_pence_a_year: int | None = None
    contribution_pence_a_week: int = 0

    @classmethod
    def of(cls, version: SupportPlanVersion | None) -> Budget | None:
        if version is None or version.budget_pence_a_year is None:
            return None
        return cls(version.budget_pence_a_year, version.budget_direct_payment_pence_a_year,
                   version.contribution_pence_a_week or 0)

    def write_to(self, version: SupportPlanVersion) -> None:
        version.budget_pence_a_year = self.pence_a_year
        version.budget_direct_payment_pence_a_year = self.direct_payment_pence_a_year
        version.contribution_pence_a_week = self.contribution_pence_a_week

    def for_arrangement(self, arrangement: Arrangement) -> Budget:
        """The same money after the arrangement changed: a split belongs to a mixed
        arrangement only (a new mixed one has its split still to agree)."""
        if arrangement == Arrangement.mixed or self.direct_payment_pence_a_year is None:
            return self
        return Budget(self.pence_a_year, None, self.contribution_pence_a_week)

    def problem(self, arrangement: Arrangement, *, section_117: bool) -> str | None:
        """What is wrong with this budget for a plan arranged as `arrangement` (a
        PlanRuleError code), or None."""
        if not 0 < self.pence_a_year <= MAX_PENCE_A_YEAR:
            return "budget_out_of_range"
        split = self.direct_payment_pence_a_year
        if arrangement == Arrangement.mixed and split is None:
            return "budget_split_needed"
        if arrangement != Arrangement.mixed and split is not None:
            return "budget_split_only_mixed"
        if split is not None and not 0 < split < self.pence_a_year:
            return "budget_split_out_of_range"
        if not 0 <= self.contribution_pence_a_week * WEEKS_A_YEAR <= self.pence_a_year:
            return "contribution_out_of_range"
        # Section 117 aftercare (Mental Health Act 1983) is free: nobody is charged for it.
        if section_117 and self.contribution_pence_a_week:
            return "section_117_is_free"
        return None


def a_week(pence_a_year: int) -> int:
    """Pence a year as pence a week, to the nearest penny."""
    return (pence_a_year + WEEKS_A_YEAR // 2) // WEEKS_A_YEAR


@dataclass(frozen=True)
class BudgetShown:
    """A version's budget as the pages say it: the amounts a year and a week, how it is
    spent, what the client pays."""

    pence_a_year: int
    pence_a_week: int
    arrangement: Arrangement
    council_arranged_pence_a_year: int | None  # None: the split of a mixed budget is still to agree
    direct_payment_pence_a_year: int | None
    contribution_pence_a_week: int
    section_117: bool

    @property
    def split_to_agree(self) -> bool:
        return self.arrangement == Arrangement.mixed and self.direct_payment_pence_a_year is None


def shown(version: SupportPlanVersion, *, section_117: bool) -> BudgetShown | None:
    budget = Budget.of(version)
    if budget is None:
        return None
    total, arrangement = budget.pence_a_year, version.arrangement
    if arrangement == Arrangement.direct_payment:
        council, direct = 0, total
    elif arrangement == Arrangement.council_arranged:
        council, direct = total, 0
    else:
        direct = budget.direct_payment_pence_a_year
        council = total - direct if direct is not None else None
    return BudgetShown(total, a_week(total), arrangement, council, direct,
                       0 if section_117 else budget.contribution_pence_a_week, section_117)
