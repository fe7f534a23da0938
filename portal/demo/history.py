"""A client's plan history: kinds of client, their support blocks, levels and reviews.

A history is dates only (no rows): when each 12-month block started and ended, the level in
each, what each completed review decided and when, and how the plan stands today.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from ..domain.plans import add_months, block_end_for
from ..models import PlanStatus, ReviewOutcome

# Kinds of client and how many of each in 300 (Level 1 ≈ 20 % of open plans, report 1.1.5).
KIND_QUOTAS = {
    "l1_new": 24, "l1_new_shared": 3, "l1_new_draft": 2, "l1_mid": 12, "l1_late": 7, "l1_overdue": 6,
    "l2": 180, "l2_new_shared": 4, "l2_new_draft": 4, "l2_review_shared": 8, "l2_overdue": 20,
    "l1_ended": 14, "l2_ended": 16,
}
NEW_KINDS = {"l1_new_shared", "l1_new_draft", "l2_new_shared", "l2_new_draft"}
WAITING_REFERRALS = 10  # referred clients with no plan yet

days = dt.timedelta


@dataclass
class Event:
    """Something that wrote a plan version: the first plan, a review, a change mid-block."""
    on: dt.date
    block: int
    summary: str
    status: PlanStatus = PlanStatus.agreed


@dataclass
class History:
    kind: str
    starts: list[dt.date]
    ends: list[dt.date]
    levels: list[int]
    outcomes: list[ReviewOutcome]  # one per completed review
    completed: list[dt.date]
    status: PlanStatus
    ended_on: dt.date | None


def history(rng: random.Random, kind: str, today: dt.date, *, demo: bool = False) -> History:
    """A history of `kind` as it stands on `today`; `demo` fixes the demo client's dates."""
    starts, ended_on = _block_starts(rng, kind, today, demo)
    ends = [starts[j + 1] - days(1) for j in range(len(starts) - 1)] + [block_end_for(starts[-1])]
    levels = _levels(rng, kind, len(starts))
    outcomes, completed = _completed_reviews(rng, starts, ends, levels, today)
    if ended_on is not None:
        outcomes.append(ReviewOutcome.discharge)
        completed.append(ended_on)
    return History(kind, starts, ends, levels, outcomes, completed, _status(kind, ended_on), ended_on)


# -- when the blocks started, kind by kind: (starts, ended_on) ---------------------------------

def _backwards(block_count: int, last_start: dt.date) -> list[dt.date]:
    """The last block's start and `block_count` 12-month blocks before it."""
    starts = [last_start]
    for _ in range(block_count):
        starts.insert(0, add_months(starts[0], -12))
    return starts


def _starts_new(rng, kind, today, demo):
    first = today + days(rng.randint(3, 30)) if kind.endswith("draft") else today - days(rng.randint(0, 20))
    return [first], None


def _starts_l1_new(rng, kind, today, demo):
    return [today - days(rng.randint(21, 330))], None


def _starts_l1_second_block(rng, kind, today, demo):
    """l1_mid and l1_late: in a second Level 1 block, 12-19 or 20-23 months from the start."""
    months = 14 if demo else (rng.randint(12, 19) if kind == "l1_mid" else rng.randint(20, 23))
    first = add_months(today, -months) - days(5 if demo else rng.randint(0, 20))
    return [first, add_months(first, 12)], None


def _starts_l1_overdue(rng, kind, today, demo):
    end = today - days(rng.randint(1, 90))
    return [add_months(end + days(1), -12)], None


def _starts_l2(rng, kind, today, demo):
    prior = rng.choices([0, 1, 2, 3, 4, 5, 6, 7, 8], weights=[20, 20, 15, 13, 12, 8, 6, 4, 2])[0]
    return _backwards(prior, today - days(rng.randint(21 if prior == 0 else 0, 360))), None


def _starts_l2_review_shared(rng, kind, today, demo):
    return _backwards(rng.randint(1, 5), today - days(rng.randint(1, 20))), None


def _starts_l2_overdue(rng, kind, today, demo):
    prior = rng.choices([0, 1, 2, 3, 4, 5], weights=[25, 25, 20, 15, 10, 5])[0]
    end = today - days(rng.randint(1, 120))
    return _backwards(prior, add_months(end + days(1), -12)), None


def _starts_ended(rng, kind, today, demo):
    prior = (0 if rng.random() < 0.65 else 1) if kind.startswith("l1") else rng.randint(1, 6)
    ended_on = today - days(rng.randint(7, 600))
    end = ended_on + days(rng.randint(-14, 21))
    return _backwards(prior, add_months(end + days(1), -12)), ended_on


_STARTS = {
    "l1_new": _starts_l1_new, "l1_mid": _starts_l1_second_block, "l1_late": _starts_l1_second_block,
    "l1_overdue": _starts_l1_overdue, "l2": _starts_l2, "l2_review_shared": _starts_l2_review_shared,
    "l2_overdue": _starts_l2_overdue, "l1_ended": _starts_ended, "l2_ended": _starts_ended,
    **{kind: _starts_new for kind in NEW_KINDS},
}


def _block_starts(rng: random.Random, kind: str, today: dt.date, demo: bool) -> tuple[list[dt.date], dt.date | None]:
    if kind not in _STARTS:
        raise ValueError(kind)
    return _STARTS[kind](rng, kind, today, demo)


# -- levels, reviews and status ----------------------------------------------------------------

def _levels(rng: random.Random, kind: str, block_count: int) -> list[int]:
    """Level 1 kinds stay at Level 1; about a third of Level 2 clients with history came through Level 1."""
    if kind.startswith("l1"):
        return [1] * block_count
    current = block_count - 1
    first_level_2 = 0
    if current >= 1 and rng.random() < 0.3:  # came through Level 1 first
        first_level_2 = 1 if current == 1 or rng.random() < 0.7 else 2
    return [1 if j < first_level_2 else 2 for j in range(block_count)]


def _outcome(level: int, next_level: int) -> ReviewOutcome:
    if level == 2:
        return ReviewOutcome.continue_level_2
    return ReviewOutcome.continue_level_1 if next_level == 1 else ReviewOutcome.move_to_level_2


def _completed_reviews(rng: random.Random, starts: list[dt.date], ends: list[dt.date], levels: list[int],
                       today: dt.date) -> tuple[list[ReviewOutcome], list[dt.date]]:
    """The annual review at the end of each block before the current one: outcome and date
    done. A review starts the next block on the day it is held (portal.domain.plans.
    record_review), so each was held the day its next block began."""
    outcomes, completed = [], []
    for j in range(len(starts) - 1):
        outcomes.append(_outcome(levels[j], levels[j + 1]))
        completed.append(min(starts[j + 1], today - days(1)))
    return outcomes, completed


def _status(kind: str, ended_on: dt.date | None) -> PlanStatus:
    if kind.endswith("shared"):
        return PlanStatus.shared
    if kind.endswith("draft"):
        return PlanStatus.draft
    return PlanStatus.ended if ended_on is not None else PlanStatus.agreed
