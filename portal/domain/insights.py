"""What commissioners see: aggregates computed in SQL, every count through disclosure control.

Figures are made for closed periods only (whole calendar quarters that have ended) and kept in
a release (`portal.domain.releases`); commissioners read releases, never live data. Only fixed
breakdowns are offered (no free filtering), so small groups cannot be recovered by subtracting
one table from another. Nothing here returns a name, an id or free text that staff have not
released. What each figure counts is written in plain words in `portal.domain.definitions`.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from ..models import (
    Arrangement,
    Client,
    ClientEthnicity,
    FeedbackResponse,
    FeedbackTally,
    FreeTextStatus,
    Goal,
    PlanStatus,
    Provider,
    Referral,
    Review,
    ReviewOutcome,
    SupportPlan,
    SupportPlanVersion,
)
from . import choice, plans, survey
from .disclosure import (
    DisclosedMeasure,
    protect_count,
    protect_mean_from_sum,
    protect_median_of_histogram,
    protect_percentage,
)
from .tally import EQUALITY_DIMENSIONS as EQUALITY_BREAKDOWNS
from .tally import NOT_ANSWERED

PERIODS = ("quarter", "year", "all")
LEVEL_1_DISCHARGE_AIM = 20
"""Per cent of people leaving Level 1 who leave discharged rather than moving to Level 2: the
report's aim (1.1.5, "20 % would be discharged before the need for level 2")."""
LEVEL_1_ENDINGS = (ReviewOutcome.discharge, ReviewOutcome.move_to_level_2)
# The groups fair access is looked at by, in display order.
FAIR_ACCESS_BREAKDOWNS = ("ethnic_group", "language", "area", "provider")
# The fixed breakdowns of the FFT, in display order.
RESPONSE_BREAKDOWNS = ("quarter", "level", "provider", "respondent", "language")


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end`, both included."""

    code: str
    start: dt.date
    end: dt.date

    @property
    def start_time(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), dt.UTC)

    @property
    def end_time(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), dt.UTC)

    def as_dict(self) -> dict:
        return {"code": self.code, "start": self.start.isoformat(), "end": self.end.isoformat()}


def quarter_start(day: dt.date) -> dt.date:
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def closed_periods(release_day: dt.date, first_day: dt.date) -> list[Period]:
    """The latest calendar quarter that has ended before `release_day`, the four quarters
    to its end, and everything from the first record to its end. Whole quarters only, so a
    period is the same in every release of its quarter, and any two periods' difference is
    made of whole quarters that are shown on their own."""
    end = quarter_start(release_day) - dt.timedelta(days=1)
    after = end + dt.timedelta(days=1)
    year_start = plans.add_months(after, -12)
    return [Period("quarter", plans.add_months(after, -3), end), Period("year", year_start, end),
            Period("all", min(first_day, year_start), end)]


def first_record_day(session: Session) -> dt.date | None:
    """The day of the earliest feedback month, plan start or referral."""
    days = [session.scalar(select(func.min(FeedbackTally.month))), session.scalar(select(func.min(SupportPlan.started_on))),
            session.scalar(select(func.min(Referral.referred_on)))]
    days = [day for day in days if day is not None]
    return min(days) if days else None


def quarter_code(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


# ---------------------------------------------------------------------------------------------
# Feedback (from the monthly tallies: a few thousand rows whatever the number of responses)


def _fft_row(category: str, counts: dict[str, int]) -> dict:
    summary = survey.fft_summary({code: counts.get(code, 0) for code in survey.FFT_CODES})
    return {"category": category, "responses": protect_count(summary.total),
            "positive": protect_percentage(summary.positive, summary.total),
            "negative": protect_percentage(summary.negative, summary.total)}


def _categories(session: Session, breakdown: str, seen: set[str]) -> list[str]:
    """Every category of a fixed breakdown, zeros included, in a stable order."""
    if breakdown == "level":
        fixed = ["1", "2", NOT_ANSWERED]
    elif breakdown == "respondent":
        fixed = ["client", "carer"]
    elif breakdown == "provider":
        fixed = [str(pid) for pid in session.scalars(select(Provider.id).order_by(Provider.name))] + [NOT_ANSWERED]
    elif breakdown == "ethnic_group":
        fixed = [group.code for group in survey.ETHNICITY_QUESTION.groups] + [survey.PREFER_NOT_TO_SAY.code, NOT_ANSWERED]
    elif breakdown in EQUALITY_BREAKDOWNS:
        question = next(q for q in survey.EQUALITY_QUESTIONS if q.code == breakdown)
        fixed = list(question.codes) + [NOT_ANSWERED]
    else:  # quarter, language and area: the categories present
        return sorted(seen - {NOT_ANSWERED}) + ([NOT_ANSWERED] if NOT_ANSWERED in seen else [])
    return fixed + sorted(seen - set(fixed))


def feedback_figures(session: Session, period: Period) -> dict:
    in_period = [FeedbackTally.month >= period.start.replace(day=1), FeedbackTally.month <= period.end]
    by: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for dimension, category, answer, count in session.execute(
        select(FeedbackTally.dimension, FeedbackTally.category, FeedbackTally.answer, func.sum(FeedbackTally.count))
        .where(*in_period).group_by(FeedbackTally.dimension, FeedbackTally.category, FeedbackTally.answer)
    ):
        by[dimension][category][answer] += int(count)
    for month, answer, count in session.execute(
        select(FeedbackTally.month, FeedbackTally.answer, func.sum(FeedbackTally.count))
        .where(*in_period, FeedbackTally.dimension == "all").group_by(FeedbackTally.month, FeedbackTally.answer)
    ):
        by["quarter"][quarter_code(month)][answer] += int(count)
    totals = by.pop("all", {}).get("all", {})
    # Equality answers are optional: whoever did not answer a question is "not answered".
    for name in EQUALITY_BREAKDOWNS:
        answered: dict[str, int] = defaultdict(int)
        for counts in by[name].values():
            for fft, count in counts.items():
                answered[fft] += count
        for fft in survey.FFT_CODES:
            by[name][NOT_ANSWERED][fft] = totals.get(fft, 0) - answered.get(fft, 0)
    released = session.scalars(
        select(FeedbackResponse.released_text)
        .where(FeedbackResponse.submitted_at >= period.start_time, FeedbackResponse.submitted_at < period.end_time,
               FeedbackResponse.free_text_status == FreeTextStatus.released)
        .order_by(FeedbackResponse.submitted_at.desc()).limit(20))
    return {
        "overall": _fft_row("all", totals),
        "by": {name: [_fft_row(category, by[name].get(category, {}))
                      for category in _categories(session, name, set(by[name]))]
               for name in (*RESPONSE_BREAKDOWNS, *EQUALITY_BREAKDOWNS)},
        "outcomes": _outcome_rows({s.code: by[f"outcome:{s.code}"] for s in survey.OUTCOME_STATEMENTS}),
        "comments": [text for text in released if text],
    }


def _outcome_rows(answers: dict[str, dict[str, dict[str, int]]]) -> list[dict]:
    rows = []
    for statement in survey.OUTCOME_STATEMENTS:
        counts = {answer: sum(by_fft.values()) for answer, by_fft in answers[statement.code].items()
                  if answer in survey.AGREEMENT_CODES}
        summary = survey.agreement_summary(counts)
        rows.append({"statement": statement.code, "answered": protect_count(summary.total),
                     "agree": protect_percentage(summary.agree, summary.total),
                     "disagree": protect_percentage(summary.disagree, summary.total)})
    return rows


# ---------------------------------------------------------------------------------------------
# Level 1 endings, waits and fair access (from the records, for the period)


def _groups(language: str | None, area: str | None, ethnicity: str | None, provider_id: int | None) -> dict[str, str]:
    """The fair-access group of one person in each breakdown."""
    if ethnicity is None:
        ethnic_group = NOT_ANSWERED
    else:
        ethnic_group = survey.ETHNIC_GROUP_OF.get(ethnicity, ethnicity)
    return {"ethnic_group": ethnic_group, "language": language or NOT_ANSWERED, "area": area or NOT_ANSWERED,
            "provider": str(provider_id) if provider_id else NOT_ANSWERED}


def level_1_endings_raw(session: Session, period: Period) -> list[tuple[ReviewOutcome, dict[str, str]]]:
    """Each Level 1 ending in the period: a review held in it that moved the person to
    Level 2, or discharged them while their plan was at Level 1 (a discharge ends the plan,
    so the plan's level is the level they left from)."""
    rows = session.execute(
        select(Review.outcome, Client.preferred_language, Client.area, ClientEthnicity.ethnicity, SupportPlan.provider_id)
        .join(SupportPlan, SupportPlan.id == Review.plan_id)
        .join(Client, Client.id == SupportPlan.client_id)
        .outerjoin(ClientEthnicity, ClientEthnicity.client_id == Client.id)
        .where(Review.completed_on >= period.start, Review.completed_on <= period.end,
               or_(Review.outcome == ReviewOutcome.move_to_level_2,
                   and_(Review.outcome == ReviewOutcome.discharge, SupportPlan.level == 1)))
    )
    return [(ReviewOutcome(outcome), _groups(*groups)) for outcome, *groups in rows]


def waits_raw(session: Session, period: Period) -> list[tuple[int, dict[str, str]]]:
    """Days from referral to support starting, for each referral whose support started in
    the period; the provider is that of the plan that started that day."""
    plan = select(SupportPlan.client_id, SupportPlan.started_on, func.min(SupportPlan.provider_id).label("provider_id")) \
        .group_by(SupportPlan.client_id, SupportPlan.started_on).subquery()
    rows = session.execute(
        select(Referral.referred_on, Referral.support_started_on, Client.preferred_language, Client.area,
               ClientEthnicity.ethnicity, plan.c.provider_id)
        .join(Client, Client.id == Referral.client_id)
        .outerjoin(ClientEthnicity, ClientEthnicity.client_id == Client.id)
        .outerjoin(plan, and_(plan.c.client_id == Referral.client_id, plan.c.started_on == Referral.support_started_on))
        .where(Referral.support_started_on >= period.start, Referral.support_started_on <= period.end)
    )
    return [((started - referred).days, _groups(*groups)) for referred, started, *groups in rows]


def _endings(outcomes: list[ReviewOutcome]) -> dict:
    ended = len(outcomes)
    discharged = sum(outcome == ReviewOutcome.discharge for outcome in outcomes)
    return {"ended": protect_count(ended), "discharge": protect_percentage(discharged, ended),
            "move_to_level_2": protect_percentage(ended - discharged, ended)}


def _waits(days: list[int]) -> dict:
    histogram: dict[int, int] = defaultdict(int)
    for value in days:
        histogram[value] += 1
    return {"started": protect_count(len(days)), "median_days": protect_median_of_histogram(histogram.items())}


def service_figures(session: Session, period: Period, feedback: dict) -> dict:
    """Level 1 endings and waits for the period, overall and by fair-access group, with
    satisfaction beside them where the feedback records the group."""
    endings = level_1_endings_raw(session, period)
    waits = waits_raw(session, period)
    fair_access = {}
    for name in FAIR_ACCESS_BREAKDOWNS:
        ended_by: dict[str, list] = defaultdict(list)
        for outcome, groups in endings:
            ended_by[groups[name]].append(outcome)
        waits_by: dict[str, list] = defaultdict(list)
        for days, groups in waits:
            waits_by[groups[name]].append(days)
        satisfaction = {row["category"]: row for row in feedback["by"].get(name, [])}
        categories = _categories(session, name, set(ended_by) | set(waits_by) | set(satisfaction))
        fair_access[name] = [
            {"category": category, **_waits(waits_by.get(category, [])), **_endings(ended_by.get(category, [])),
             "responses": satisfaction[category]["responses"] if category in satisfaction else None,
             "positive": satisfaction[category]["positive"] if category in satisfaction else None}
            for category in categories]
    return {"level_1_endings": _endings([outcome for outcome, _ in endings]),
            "waits": _waits([days for days, _ in waits]), "fair_access": fair_access}


# ---------------------------------------------------------------------------------------------
# The service on the release day, and series of closed months and quarters


def snapshot_figures(session: Session, day: dt.date) -> dict:
    """Plans as they stand when the release is made. Drafts are left out: a draft has not
    been shared with the person, so no support has been agreed on it."""
    in_force = and_(SupportPlan.ended_on.is_(None), SupportPlan.status != PlanStatus.draft)
    level_1 = SupportPlan.level == 1
    total, overdue, level_1_open, past_12, past_24 = (int(value or 0) for value in session.execute(
        select(
            func.count(),
            func.sum(case((SupportPlan.next_review_due < day, 1), else_=0)),
            func.sum(case((level_1, 1), else_=0)),
            func.sum(case((and_(level_1, SupportPlan.level_1_started_on <= plans.add_months(day, -12)), 1), else_=0)),
            func.sum(case((and_(level_1, SupportPlan.level_1_started_on <= plans.add_months(day, -24)), 1), else_=0)),
        ).where(in_force)
    ).one())
    mix = dict(session.execute(select(SupportPlan.arrangement, func.count()).where(in_force).group_by(SupportPlan.arrangement)).all())

    change = Goal.latest_rating - Goal.first_rating
    rated, change_sum, improved = session.execute(
        select(func.count(), func.sum(change), func.sum(case((change >= 3, 1), else_=0))).where(Goal.rating_count >= 2)
    ).one()
    rated, change_sum, improved = int(rated or 0), float(change_sum or 0), int(improved or 0)
    median_decision, decided = choice.median_days_to_decision(session)
    return {
        "open_plans": protect_count(total),
        "reviews_overdue": protect_percentage(overdue, total),
        "level_1_open": protect_count(level_1_open),
        "level_1_past_12_months": protect_percentage(past_12, level_1_open),
        "level_1_past_24_months": protect_percentage(past_24, level_1_open),
        "arrangement_mix": {a.value: protect_percentage(mix.get(a, 0), total) for a in Arrangement},
        "goals_rated": protect_count(rated),
        "goal_mean_change": DisclosedMeasure(protect_mean_from_sum(change_sum, rated)),
        "goals_improved_by_3": protect_percentage(improved, rated),
        "arrangement_decided": protect_count(decided),
        "arrangement_median_days_to_decision": DisclosedMeasure(median_decision if decided >= 8 else None),
        "unmet_languages": [{"category": code, "requests": protect_count(n)}
                            for code, n in choice.unmet_language_preferences(session).items()],
    }


def requests_by_month(session: Session, release_day: dt.date, months: int = 12) -> list[dict]:
    """Requests to change arrangement made in each of the closed months before the release."""
    per_month = choice.requests_per_month(session)
    first_of_month = release_day.replace(day=1)
    codes = [plans.add_months(first_of_month, -back).strftime("%Y-%m") for back in range(months, 0, -1)]
    return [{"category": code, "requests": protect_count(per_month.get(code, 0))} for code in codes]


def quarter_ends(last_end: dt.date, count: int = 8) -> list[tuple[str, dt.date]]:
    """The last days of `count` calendar quarters, oldest first, the last on `last_end`."""
    ends = []
    after = last_end + dt.timedelta(days=1)
    for back in range(count - 1, -1, -1):
        end = plans.add_months(after, -3 * back) - dt.timedelta(days=1)
        ends.append((quarter_code(end), end))
    return ends


def _open_at(end: dt.date):
    return and_(SupportPlan.started_on <= end, SupportPlan.status != PlanStatus.draft,
                (SupportPlan.ended_on.is_(None)) | (SupportPlan.ended_on > end))


def arrangement_by_quarter(session: Session, last_end: dt.date) -> list[dict]:
    """The arrangement in force at each closed quarter's end, for plans open then.

    Most plans keep one arrangement throughout, so one scan counts every open plan under its
    current arrangement; the few plans whose arrangement changed are then moved, version by
    version, to the arrangement they had at each quarter end."""
    quarters = quarter_ends(last_end)
    counts: dict[str, dict[str, int]] = {label: defaultdict(int) for label, _ in quarters}
    for arrangement, *open_at in session.execute(
        select(SupportPlan.arrangement, *[func.sum(case((_open_at(end), 1), else_=0)) for _, end in quarters])
        .group_by(SupportPlan.arrangement)
    ):
        for (label, _), n in zip(quarters, open_at, strict=True):
            counts[label][Arrangement(arrangement).value] += int(n or 0)

    changed = select(SupportPlanVersion.plan_id).join(SupportPlan, SupportPlan.id == SupportPlanVersion.plan_id).where(
        SupportPlanVersion.arrangement != SupportPlan.arrangement, SupportPlan.status != PlanStatus.draft).distinct().subquery()
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
        result.append({"category": label, "open_plans": protect_count(total),
                       **{a.value: protect_percentage(counts[label].get(a.value, 0), total) for a in Arrangement}})
    return result
