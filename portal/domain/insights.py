"""What commissioners see: aggregates computed in SQL, every count through disclosure control.

Only fixed breakdowns are offered (no free filtering), so small groups cannot be recovered
by subtracting one table from another. Nothing here returns a name, an id or free text
that staff have not released.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.orm import Session

from ..models import (
    Arrangement,
    FeedbackResponse,
    FeedbackTally,
    FreeTextStatus,
    Goal,
    Provider,
    Referral,
    Review,
    ReviewOutcome,
    SupportPlan,
    SupportPlanVersion,
)
from . import choice, plans, survey
from .disclosure import DisclosedCount, DisclosedPercent, protect_count, protect_mean_from_sum, protect_percentage
from .tally import EQUALITY_DIMENSIONS as EQUALITY_BREAKDOWNS
from .tally import NOT_ANSWERED

PERIODS = ("quarter", "year", "all")


@dataclass(frozen=True)
class Period:
    code: str
    start: dt.datetime | None  # inclusive; None for all time
    end: dt.datetime  # exclusive


def period_for(code: str, now: dt.datetime) -> Period:
    """This quarter so far, the last 12 months (this month and the 11 before), or all time.
    Periods start on the first of a month, as the feedback tallies are monthly."""
    end = now + dt.timedelta(seconds=1)
    first_of_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if code == "quarter":
        return Period(code, first_of_month.replace(month=3 * ((now.month - 1) // 3) + 1), end)
    if code == "year":
        start = plans.add_months(first_of_month.date(), -11)
        return Period(code, first_of_month.replace(year=start.year, month=start.month), end)
    return Period("all", None, end)


def _in_period(column, period: Period):
    conditions = [column < period.end]
    if period.start is not None:
        conditions.append(column >= period.start)
    return and_(*conditions)


@dataclass(frozen=True)
class FftRow:
    category: str
    responses: DisclosedCount
    positive: DisclosedPercent
    negative: DisclosedPercent


@dataclass(frozen=True)
class AgreementRow:
    statement: str
    answered: DisclosedCount
    agree: DisclosedPercent


def _fft_row(category: str, counts: dict[str, int]) -> FftRow:
    summary = survey.fft_summary({code: counts.get(code, 0) for code in survey.FFT_CODES})
    return FftRow(
        category,
        protect_count(summary.total),
        protect_percentage(summary.positive, summary.total),
        protect_percentage(summary.negative, summary.total),
    )


# The fixed breakdowns of the FFT, in display order.
RESPONSE_BREAKDOWNS = ("quarter", "level", "provider", "respondent", "language")


@dataclass
class FeedbackFigures:
    overall: FftRow
    by: dict[str, list[FftRow]] = field(default_factory=dict)
    outcomes: list[AgreementRow] = field(default_factory=list)
    released_comments: list[str] = field(default_factory=list)


def _categories(session: Session, breakdown: str, seen: set[str]) -> list[str]:
    """Every category of a fixed breakdown, zeros included, in a stable order."""
    if breakdown == "level":
        fixed = ["1", "2", NOT_ANSWERED]
    elif breakdown == "respondent":
        fixed = ["client", "carer"]
    elif breakdown == "provider":
        fixed = [str(pid) for pid in session.scalars(select(Provider.id).order_by(Provider.name))] + [NOT_ANSWERED]
    elif breakdown == "ethnic_group":
        fixed = [group.code for group in survey.ETHNICITY_QUESTION.groups] + [
            survey.PREFER_NOT_TO_SAY.code, NOT_ANSWERED]
    elif breakdown in EQUALITY_BREAKDOWNS:
        question = next(q for q in survey.EQUALITY_QUESTIONS if q.code == breakdown)
        fixed = list(question.codes) + [NOT_ANSWERED]
    else:  # quarter and language: the categories present
        return sorted(seen)
    return fixed + sorted(seen - set(fixed))


def _quarter_label(month: dt.date) -> str:
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


def feedback_figures(session: Session, period: Period) -> FeedbackFigures:
    """From the monthly tallies (a few thousand rows whatever the number of responses)."""
    in_period = [FeedbackTally.month <= period.end.date().replace(day=1)]
    if period.start is not None:
        in_period.append(FeedbackTally.month >= period.start.date())
    rows = session.execute(
        select(FeedbackTally.dimension, FeedbackTally.category, FeedbackTally.answer, func.sum(FeedbackTally.count))
        .where(*in_period)
        .group_by(FeedbackTally.dimension, FeedbackTally.category, FeedbackTally.answer)
    ).all()
    by: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for dimension, category, answer, count in rows:
        by[dimension][category][answer] += int(count)
    for month, answer, count in session.execute(
        select(FeedbackTally.month, FeedbackTally.answer, func.sum(FeedbackTally.count))
        .where(*in_period, FeedbackTally.dimension == "all")
        .group_by(FeedbackTally.month, FeedbackTally.answer)
    ):
        by["quarter"][_quarter_label(month)][answer] += int(count)
    totals = by.pop("all", {}).get("all", {})
    # Equality answers are optional: whoever did not answer a question is "not answered".
    for name in EQUALITY_BREAKDOWNS:
        answered: dict[str, int] = defaultdict(int)
        for counts in by[name].values():
            for fft, count in counts.items():
                answered[fft] += count
        for fft in survey.FFT_CODES:
            by[name][NOT_ANSWERED][fft] = totals.get(fft, 0) - answered.get(fft, 0)
    figures = FeedbackFigures(overall=_fft_row("all", totals))
    for name in (*RESPONSE_BREAKDOWNS, *EQUALITY_BREAKDOWNS):
        counts = by[name]
        figures.by[name] = [_fft_row(category, counts.get(category, {})) for category in _categories(session, name, set(counts))]
    figures.outcomes = _outcome_rows({s.code: by[f"outcome:{s.code}"] for s in survey.OUTCOME_STATEMENTS})
    where = _in_period(FeedbackResponse.submitted_at, period)
    figures.released_comments = list(
        session.scalars(
            select(FeedbackResponse.released_text)
            .where(where, FeedbackResponse.free_text_status == FreeTextStatus.released)
            .order_by(FeedbackResponse.submitted_at.desc())
            .limit(20)
        )
    )
    return figures


def _outcome_rows(answers: dict[str, dict[str, dict[str, int]]]) -> list[AgreementRow]:
    rows = []
    for statement in survey.OUTCOME_STATEMENTS:
        answered = agree = 0
        for answer, counts in answers[statement.code].items():
            count = sum(counts.values())
            if answer in survey.AGREEMENT_CODES:
                answered += count
                agree += count if answer in survey.AGREE else 0
        rows.append(AgreementRow(statement.code, protect_count(answered), protect_percentage(agree, answered)))
    return rows


@dataclass
class ServiceFigures:
    open_plans: DisclosedCount
    reviews_overdue: DisclosedPercent
    level_1_open: DisclosedCount
    level_1_past_12_months: DisclosedPercent
    level_1_past_24_months: DisclosedPercent
    level_1_endings: dict[str, DisclosedPercent]
    arrangement_mix: dict[str, DisclosedPercent]
    arrangement_by_quarter: list[tuple[str, dict[str, DisclosedPercent]]]
    referral_to_support_median_days: float | None
    referrals_started: DisclosedCount
    goals_rated: DisclosedCount
    goal_mean_change: float | None
    goals_improved_by_3: DisclosedPercent
    unmet_languages: list[tuple[str, DisclosedCount]]
    arrangement_requests_by_month: list[tuple[str, DisclosedCount]]
    arrangement_median_days_to_decision: float | None


def _days_between(start, end, dialect: str):
    if dialect == "postgresql":
        return end - start  # date minus date is a whole number of days
    return cast(func.julianday(end) - func.julianday(start), Integer)


def _median_of_histogram(counts: list[tuple[int, int]]) -> float:
    values = sorted((int(value), int(n)) for value, n in counts)
    total = sum(n for _, n in values)
    middle = [(total - 1) // 2, total // 2]  # the one or two middle positions
    found, seen = [], 0
    for value, n in values:
        while middle and middle[0] < seen + n:
            found.append(value)
            middle.pop(0)
        seen += n
    return sum(found) / 2


def service_figures(session: Session, today: dt.date) -> ServiceFigures:
    open_plan = SupportPlan.ended_on.is_(None)
    counts = session.execute(
        select(
            func.count(),
            func.sum(case((SupportPlan.next_review_due < today, 1), else_=0)),
            func.sum(case((SupportPlan.level == 1, 1), else_=0)),
            func.sum(case((and_(SupportPlan.level == 1, SupportPlan.level_1_started_on <= plans.add_months(today, -12)), 1), else_=0)),
            func.sum(case((and_(SupportPlan.level == 1, SupportPlan.level_1_started_on <= plans.add_months(today, -24)), 1), else_=0)),
        ).where(open_plan)
    ).one()
    total, overdue, level_1, past_12, past_24 = (int(value or 0) for value in counts)

    endings = dict(session.execute(
        select(Review.outcome, func.count())
        .join(SupportPlan, SupportPlan.id == Review.plan_id)
        .where(Review.outcome.in_([ReviewOutcome.discharge, ReviewOutcome.move_to_level_2]),
               SupportPlan.level_1_started_on.is_not(None),
               # A discharge ends Level 1 only if the plan was still at Level 1 then.
               (Review.outcome == ReviewOutcome.move_to_level_2) | (SupportPlan.level == 1))
        .group_by(Review.outcome)
    ).all())
    ended = sum(endings.values())

    mix = dict(session.execute(select(SupportPlan.arrangement, func.count()).where(open_plan).group_by(SupportPlan.arrangement)).all())

    # Days from referral to support as a histogram (a few hundred rows), median taken from it.
    wait = _days_between(Referral.referred_on, Referral.support_started_on, session.get_bind().dialect.name).label("days")
    waits = session.execute(
        select(wait, func.count()).where(Referral.support_started_on.is_not(None)).group_by(wait)
    ).all()
    started = sum(n for _, n in waits)

    change = Goal.latest_rating - Goal.first_rating
    progress = session.execute(
        select(func.count(), func.sum(change), func.sum(case((change >= 3, 1), else_=0))).where(Goal.rating_count >= 2)
    ).one()
    rated, change_sum, improved = int(progress[0] or 0), float(progress[1] or 0), int(progress[2] or 0)

    median_decision, _decided = choice.median_days_to_decision(session)
    return ServiceFigures(
        open_plans=protect_count(total),
        reviews_overdue=protect_percentage(overdue, total),
        level_1_open=protect_count(level_1),
        level_1_past_12_months=protect_percentage(past_12, level_1),
        level_1_past_24_months=protect_percentage(past_24, level_1),
        level_1_endings={outcome.value: protect_percentage(endings.get(outcome, 0), ended)
                         for outcome in (ReviewOutcome.discharge, ReviewOutcome.move_to_level_2)},
        arrangement_mix={a.value: protect_percentage(mix.get(a, 0), total) for a in Arrangement},
        arrangement_by_quarter=_arrangement_by_quarter(session, today),
        referral_to_support_median_days=_median_of_histogram(waits) if started >= 8 else None,
        referrals_started=protect_count(started),
        goals_rated=protect_count(rated),
        goal_mean_change=protect_mean_from_sum(change_sum, rated),
        goals_improved_by_3=protect_percentage(improved, rated),
        unmet_languages=[(code, protect_count(n)) for code, n in choice.unmet_language_preferences(session).items()],
        arrangement_requests_by_month=[(month, protect_count(n)) for month, n in choice.requests_per_month(session).items()][-12:],
        arrangement_median_days_to_decision=median_decision if _decided >= 8 else None,
    )


def _quarter_ends(today: dt.date, count: int = 8) -> list[tuple[str, dt.date]]:
    ends = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(count):
        last_month = quarter * 3
        end = dt.date(year + (last_month // 12), last_month % 12 + 1, 1) - dt.timedelta(days=1)
        ends.append((f"{year}-Q{quarter}", min(end, today)))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return list(reversed(ends))


def _open_at(end: dt.date):
    return and_(SupportPlan.started_on <= end, (SupportPlan.ended_on.is_(None)) | (SupportPlan.ended_on > end))


def _arrangement_by_quarter(session: Session, today: dt.date) -> list[tuple[str, dict[str, DisclosedPercent]]]:
    """The arrangement in force at each quarter end, for plans open then.

    Most plans keep one arrangement throughout, so one scan counts every open plan under its
    current arrangement; the few plans whose arrangement changed are then moved, version by
    version, to the arrangement they had at each quarter end."""
    quarters = _quarter_ends(today)
    counts: dict[str, dict[str, int]] = {label: defaultdict(int) for label, _ in quarters}
    for arrangement, *open_at in session.execute(
        select(SupportPlan.arrangement, *[func.sum(case((_open_at(end), 1), else_=0)) for _, end in quarters])
        .group_by(SupportPlan.arrangement)
    ):
        for (label, _), n in zip(quarters, open_at, strict=True):
            counts[label][Arrangement(arrangement).value] += int(n or 0)

    changed = select(SupportPlanVersion.plan_id).join(SupportPlan, SupportPlan.id == SupportPlanVersion.plan_id).where(
        SupportPlanVersion.arrangement != SupportPlan.arrangement).distinct().subquery()
    history: dict[int, list] = defaultdict(list)
    plans_changed = {}
    for plan_id, current, started_on, ended_on, created_at, arrangement in session.execute(
        select(SupportPlan.id, SupportPlan.arrangement, SupportPlan.started_on, SupportPlan.ended_on,
               SupportPlanVersion.created_at, SupportPlanVersion.arrangement)
        .join(changed, changed.c.plan_id == SupportPlan.id)
        .join(SupportPlanVersion, SupportPlanVersion.plan_id == SupportPlan.id)
        .order_by(SupportPlan.id, SupportPlanVersion.version_no)
    ):
        plans_changed[plan_id] = (Arrangement(current).value, started_on, ended_on)
        history[plan_id].append((created_at, Arrangement(arrangement).value))
    for plan_id, (current, started_on, ended_on) in plans_changed.items():
        for label, end in quarters:
            if not (started_on <= end and (ended_on is None or ended_on > end)):
                continue
            end_time = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
            in_force = [arrangement for created_at, arrangement in history[plan_id] if created_at < end_time]
            then = in_force[-1] if in_force else history[plan_id][0][1]
            counts[label][current] -= 1
            counts[label][then] += 1

    result = []
    for label, _ in quarters:
        total = sum(counts[label].values())
        result.append((label, {a.value: protect_percentage(counts[label].get(a.value, 0), total) for a in Arrangement}))
    return result
