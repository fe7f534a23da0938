"""What commissioners see: aggregates computed in SQL, every count through disclosure control.

Only fixed breakdowns are offered (no free filtering), so small groups cannot be recovered
by subtracting one table from another. Nothing here returns a name, an id or free text
that staff have not released.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Integer, String, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session, aliased

from ..models import (
    Arrangement,
    EqualityMonitoring,
    FeedbackResponse,
    FreeTextStatus,
    Goal,
    GoalRating,
    Provider,
    Referral,
    Review,
    ReviewOutcome,
    SupportPlan,
    SupportPlanVersion,
)
from . import choice, survey
from .disclosure import DisclosedCount, DisclosedPercent, protect_count, protect_mean_from_sum, protect_percentage

PERIODS = ("quarter", "year", "all")
NOT_ANSWERED = "not_answered"


@dataclass(frozen=True)
class Period:
    code: str
    start: dt.datetime | None  # inclusive; None for all time
    end: dt.datetime  # exclusive


def period_for(code: str, now: dt.datetime) -> Period:
    """This quarter so far, the last 12 months, or all time."""
    end = now + dt.timedelta(seconds=1)
    if code == "quarter":
        first_month = 3 * ((now.month - 1) // 3) + 1
        return Period(code, now.replace(month=first_month, day=1, hour=0, minute=0, second=0, microsecond=0), end)
    if code == "year":
        return Period(code, now - dt.timedelta(days=365), end)
    return Period("all", None, end)


def quarter_of(column, dialect: str):
    """'2026-Q3' for a timestamp column, in SQL (SQLite and PostgreSQL spell it differently)."""
    if dialect == "postgresql":
        return func.to_char(column, 'YYYY"-Q"Q')
    month = cast(func.strftime("%m", column), Integer)
    return func.strftime("%Y", column) + literal("-Q") + cast((month + 2) // 3, String)


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
EQUALITY_BREAKDOWNS = ("age_band", "sex", "gender_identity", "ethnic_group", "religion", "sexual_orientation", "disability")


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


def feedback_figures(session: Session, period: Period) -> FeedbackFigures:
    dialect = session.get_bind().dialect.name
    quarter = quarter_of(FeedbackResponse.submitted_at, dialect).label("quarter")
    where = _in_period(FeedbackResponse.submitted_at, period)
    # One scan for all the response breakdowns; Python folds the (small) grouped result.
    grouped = session.execute(
        select(quarter, FeedbackResponse.level, FeedbackResponse.provider_id, FeedbackResponse.respondent_type,
               FeedbackResponse.language, FeedbackResponse.fft, func.count())
        .where(where)
        .group_by(quarter, FeedbackResponse.level, FeedbackResponse.provider_id, FeedbackResponse.respondent_type,
                  FeedbackResponse.language, FeedbackResponse.fft)
    ).all()
    totals: dict[str, int] = defaultdict(int)
    by: dict[str, dict[str, dict[str, int]]] = {name: defaultdict(lambda: defaultdict(int)) for name in RESPONSE_BREAKDOWNS}
    for q, level, provider_id, respondent, language, fft, count in grouped:
        totals[fft] += count
        keys = {
            "quarter": str(q),
            "level": str(level) if level else NOT_ANSWERED,
            "provider": str(provider_id) if provider_id else NOT_ANSWERED,
            "respondent": respondent.value,
            "language": language,
        }
        for name, key in keys.items():
            by[name][key][fft] += count

    # Equality characteristics: one grouped query per characteristic over the joined table.
    for name in EQUALITY_BREAKDOWNS:
        column = EqualityMonitoring.ethnicity if name == "ethnic_group" else getattr(EqualityMonitoring, name)
        rows = session.execute(
            select(column, FeedbackResponse.fft, func.count())
            .join(FeedbackResponse, FeedbackResponse.id == EqualityMonitoring.feedback_response_id)
            .where(where, column.is_not(None))
            .group_by(column, FeedbackResponse.fft)
        ).all()
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        answered: dict[str, int] = defaultdict(int)
        for value, fft, count in rows:
            key = survey.ETHNIC_GROUP_OF.get(value, value) if name == "ethnic_group" else value
            counts[key][fft] += count
            answered[fft] += count
        for fft in survey.FFT_CODES:
            counts[NOT_ANSWERED][fft] = totals.get(fft, 0) - answered.get(fft, 0)
        by[name] = counts
    figures = FeedbackFigures(overall=_fft_row("all", totals))
    for name, counts in by.items():
        figures.by[name] = [_fft_row(category, counts.get(category, {})) for category in _categories(session, name, set(counts))]
    figures.outcomes = _outcome_rows(session, where)
    figures.released_comments = list(
        session.scalars(
            select(FeedbackResponse.released_text)
            .where(where, FeedbackResponse.free_text_status == FreeTextStatus.released)
            .order_by(FeedbackResponse.submitted_at.desc())
            .limit(20)
        )
    )
    return figures


def _outcome_rows(session: Session, where) -> list[AgreementRow]:
    columns = [FeedbackResponse.outcome_answers[s.code].as_string().label(s.code) for s in survey.OUTCOME_STATEMENTS]
    grouped = session.execute(select(*columns, func.count()).where(where).group_by(*columns)).all()
    rows = []
    for index, statement in enumerate(survey.OUTCOME_STATEMENTS):
        answered = agree = 0
        for row in grouped:
            answer, count = row[index], row[-1]
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


def _months_ago(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    day = min(today.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return dt.date(year, month, day)


def service_figures(session: Session, today: dt.date) -> ServiceFigures:
    open_plan = SupportPlan.ended_on.is_(None)
    counts = session.execute(
        select(
            func.count(),
            func.sum(case((SupportPlan.next_review_due < today, 1), else_=0)),
            func.sum(case((SupportPlan.level == 1, 1), else_=0)),
            func.sum(case((and_(SupportPlan.level == 1, SupportPlan.level_1_started_on <= _months_ago(today, 12)), 1), else_=0)),
            func.sum(case((and_(SupportPlan.level == 1, SupportPlan.level_1_started_on <= _months_ago(today, 24)), 1), else_=0)),
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

    waits = session.execute(
        select(Referral.referred_on, Referral.support_started_on).where(Referral.support_started_on.is_not(None))
    ).all()
    days = [(started - referred).days for referred, started in waits]

    first, last = aliased(GoalRating), aliased(GoalRating)
    bounds = (
        select(GoalRating.goal_id, func.min(GoalRating.rated_on).label("first_on"), func.max(GoalRating.rated_on).label("last_on"))
        .group_by(GoalRating.goal_id)
        .having(func.count() >= 2)
        .subquery()
    )
    change = (last.rating - first.rating)
    progress = session.execute(
        select(func.count(), func.sum(change), func.sum(case((change >= 3, 1), else_=0)))
        .select_from(bounds)
        .join(first, and_(first.goal_id == bounds.c.goal_id, first.rated_on == bounds.c.first_on))
        .join(last, and_(last.goal_id == bounds.c.goal_id, last.rated_on == bounds.c.last_on))
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
        referral_to_support_median_days=statistics.median(days) if len(days) >= 8 else None,
        referrals_started=protect_count(len(days)),
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


def _arrangement_by_quarter(session: Session, today: dt.date) -> list[tuple[str, dict[str, DisclosedPercent]]]:
    """The arrangement in force at each quarter end: the latest version of each plan that
    had started and not ended by then."""
    result = []
    for label, end in _quarter_ends(today):
        end_time = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        latest = (
            select(SupportPlanVersion.plan_id, func.max(SupportPlanVersion.version_no).label("version_no"))
            .where(SupportPlanVersion.created_at < end_time)
            .group_by(SupportPlanVersion.plan_id)
            .subquery()
        )
        rows = dict(session.execute(
            select(SupportPlanVersion.arrangement, func.count())
            .join(latest, and_(latest.c.plan_id == SupportPlanVersion.plan_id, latest.c.version_no == SupportPlanVersion.version_no))
            .join(SupportPlan, SupportPlan.id == SupportPlanVersion.plan_id)
            .where(SupportPlan.started_on <= end, (SupportPlan.ended_on.is_(None)) | (SupportPlan.ended_on > end))
            .group_by(SupportPlanVersion.arrangement)
        ).all())
        total = sum(rows.values())
        result.append((label, {a.value: protect_percentage(rows.get(a, 0), total) for a in Arrangement}))
    return result
