"""Releases of the commissioners' figures: every figure recomputed a second way from the
records, frozen releases, closed periods, and no differencing between releases."""
from __future__ import annotations

import datetime as dt
import statistics
import uuid
from collections import Counter, defaultdict

import pytest
from sqlalchemy import insert, select

from portal.domain import insights, releases, survey
from portal.domain.disclosure import protect_count, protect_percentage
from portal.models import (
    Client,
    ClientEthnicity,
    EqualityMonitoring,
    FeedbackResponse,
    PlanStatus,
    Referral,
    Review,
    ReviewOutcome,
    SupportPlan,
    utcnow,
)


def _demo_release(session) -> releases.Released:
    release = releases.latest(session)
    assert release is not None, "the demo database has a release to show"
    return releases.read(release)


def _in(day: dt.date, period: insights.Period) -> bool:
    return period.start <= day <= period.end


# ---------------------------------------------------------------------------------------------
# Every figure, a second way: plain loops over the records, not the tallies or the SQL


def test_feedback_figures_match_a_count_of_the_responses(session):
    released = _demo_release(session)
    groups = {row.feedback_response_id: row for row in session.scalars(select(EqualityMonitoring))}
    for code, period in released.periods.items():
        responses = [r for r in session.scalars(select(FeedbackResponse)) if _in(r.submitted_at.date(), period)]
        figures = released.by_period[code]["feedback"]

        def fft(rows):
            answers = Counter(r.fft for r in rows)
            good, poor = answers["very_good"] + answers["good"], answers["poor"] + answers["very_poor"]
            return str(protect_count(len(rows))), str(protect_percentage(good, len(rows))), str(protect_percentage(poor, len(rows)))

        shown = lambda row: (str(row["responses"]), str(row["positive"]), str(row["negative"]))  # noqa: E731
        assert shown(figures["overall"]) == fft(responses)
        by_level = {row["category"]: shown(row) for row in figures["by"]["level"]}
        assert by_level["1"] == fft([r for r in responses if r.level == 1])
        assert by_level["2"] == fft([r for r in responses if r.level == 2])
        by_ethnic_group = {row["category"]: shown(row) for row in figures["by"]["ethnic_group"]}
        for group in ("white", "asian", "black"):
            members = [r for r in responses if r.id in groups and groups[r.id].ethnicity
                       and survey.ETHNIC_GROUP_OF.get(groups[r.id].ethnicity) == group]
            assert by_ethnic_group[group] == fft(members), (code, group)
        for row in figures["outcomes"]:
            answers = [r.outcome_answers.get(row["statement"]) for r in responses]
            answered = [a for a in answers if a in survey.AGREEMENT_CODES]
            agree = sum(a in ("strongly_agree", "agree") for a in answered)
            assert (str(row["answered"]), str(row["agree"])) == (
                str(protect_count(len(answered))), str(protect_percentage(agree, len(answered)))), (code, row["statement"])


def test_level_1_endings_come_from_reviews_held_in_the_period(session):
    """The old query counted only plans that still had a Level 1 start date (moving to Level
    2 clears it), so "moved to Level 2" showed 0 %; and it ignored the period."""
    released = _demo_release(session)
    plan_level = dict(session.execute(select(SupportPlan.id, SupportPlan.level)).all())
    reviews = session.scalars(select(Review).where(Review.completed_on.is_not(None))).all()
    for code, period in released.periods.items():
        moved = sum(r.outcome == ReviewOutcome.move_to_level_2 and _in(r.completed_on, period) for r in reviews)
        discharged = sum(r.outcome == ReviewOutcome.discharge and plan_level[r.plan_id] == 1
                         and _in(r.completed_on, period) for r in reviews)
        endings = released.by_period[code]["level_1_endings"]
        assert str(endings["ended"]) == str(protect_count(moved + discharged))
        assert str(endings["discharge"]) == str(protect_percentage(discharged, moved + discharged))
        assert str(endings["move_to_level_2"]) == str(protect_percentage(moved, moved + discharged))
    everything = released.by_period["all"]["level_1_endings"]
    assert everything["move_to_level_2"].value > 50 and everything["discharge"].value > 0


def test_waits_and_fair_access_match_the_referrals(session):
    released = _demo_release(session)
    clients = {c.id: c for c in session.scalars(select(Client))}
    ethnicity = dict(session.execute(select(ClientEthnicity.client_id, ClientEthnicity.ethnicity)).all())
    for code, period in released.periods.items():
        started = [r for r in session.scalars(select(Referral))
                   if r.support_started_on is not None and _in(r.support_started_on, period)]
        waits = [(r.support_started_on - r.referred_on).days for r in started]
        figures = released.by_period[code]
        assert str(figures["waits"]["started"]) == str(protect_count(len(waits)))
        assert figures["waits"]["median_days"].value == (statistics.median(waits) if len(waits) >= 8 else None)
        by_area = defaultdict(list)
        by_group = defaultdict(list)
        for referral, days in zip(started, waits, strict=True):
            by_area[clients[referral.client_id].area].append(days)
            by_group[survey.ETHNIC_GROUP_OF.get(ethnicity.get(referral.client_id), "not_answered")].append(days)
        for row in figures["fair_access"]["area"]:
            days = by_area.get(row["category"], [])
            assert str(row["started"]) == str(protect_count(len(days))), (code, row["category"])
            assert row["median_days"].value == (statistics.median(days) if len(days) >= 8 else None)
        for group in ("white", "asian"):
            row = next(r for r in figures["fair_access"]["ethnic_group"] if r["category"] == group)
            assert str(row["started"]) == str(protect_count(len(by_group.get(group, []))))


def test_service_on_the_release_day_leaves_drafts_out(session):
    released = _demo_release(session)
    day = released.release.released_on
    plans = session.scalars(select(SupportPlan)).all()
    in_force = [p for p in plans if p.ended_on is None and p.status != PlanStatus.draft]
    assert any(p.status == PlanStatus.draft for p in plans), "the demo has drafts to leave out"
    level_1 = [p for p in in_force if p.level == 1]
    snapshot = released.snapshot
    assert str(snapshot["open_plans"]) == str(protect_count(len(in_force)))
    assert str(snapshot["level_1_open"]) == str(protect_count(len(level_1)))
    overdue = sum(p.next_review_due is not None and p.next_review_due < day for p in in_force)
    assert str(snapshot["reviews_overdue"]) == str(protect_percentage(overdue, len(in_force)))
    mix = Counter(p.arrangement.value for p in in_force)
    for arrangement, share in snapshot["arrangement_mix"].items():
        assert str(share) == str(protect_percentage(mix[arrangement], len(in_force)))


def test_periods_are_whole_closed_quarters_with_their_dates():
    periods = {p.code: p for p in insights.closed_periods(dt.date(2026, 12, 1), dt.date(2020, 5, 17))}
    assert (periods["quarter"].start, periods["quarter"].end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert (periods["year"].start, periods["year"].end) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    assert (periods["all"].start, periods["all"].end) == (dt.date(2020, 5, 17), dt.date(2026, 9, 30))
    assert insights.closed_periods(dt.date(2027, 1, 4), dt.date(2020, 1, 1))[0].end == dt.date(2026, 12, 31)


@pytest.mark.parametrize(("year", "month", "first"), [
    (2026, 12, dt.date(2026, 12, 1)), (2027, 1, dt.date(2027, 1, 4)),  # New Year's Day, then a weekend
    (2024, 4, dt.date(2024, 4, 2)),  # Easter Monday
    (2023, 5, dt.date(2023, 5, 2)),  # the early May bank holiday
    (2022, 1, dt.date(2022, 1, 4)),  # New Year on a Saturday: Monday the 3rd instead
    (2026, 8, dt.date(2026, 8, 3)),  # a weekend
])
def test_first_working_day(year, month, first):
    assert releases.first_working_day(year, month) == first


# ---------------------------------------------------------------------------------------------
# Frozen, once a month, corrections with a note


def test_a_release_cannot_be_changed_or_deleted(session):
    release = releases.latest(session)
    release.note = "changed"
    with pytest.raises(PermissionError):
        session.flush()
    session.rollback()
    session.delete(releases.latest(session))
    with pytest.raises(PermissionError):
        session.flush()


def test_one_release_a_month_and_a_correction_is_a_new_one_with_a_note(session):
    first = releases.latest(session)
    assert releases.make_release(session, now=utcnow()) is None  # already made this month
    with pytest.raises(releases.NothingToCorrect):
        releases.make_release(session, now=utcnow() + dt.timedelta(days=40), correction_note="wrong")
    correction = releases.make_release(session, now=utcnow(), correction_note="Reviews of the South team were missing.")
    assert (correction.month, correction.revision, correction.note) == (first.month, 1, "Reviews of the South team were missing.")
    assert releases.latest(session).id == correction.id
    assert [r.id for r in releases.listing(session)][:2] == [correction.id, first.id]


def test_a_release_keeps_no_raw_number():
    with pytest.raises(TypeError):
        releases.encode({"open_plans": 7})
    assert releases.decode(releases.encode({"x": [protect_count(7), protect_percentage(30, 60)]})) == {
        "x": [protect_count(7), protect_percentage(30, 60)]}


def _respond(session, when: dt.datetime, religion: str = "sikh") -> None:
    result = session.execute(insert(FeedbackResponse).values(
        submission_key=uuid.uuid4().hex, submitted_at=when, channel="public_link", respondent_type="client",
        on_behalf_of_client=False, level=1, language="pa", fft="very_poor", outcome_answers={}, free_text_status="none"))
    session.execute(insert(EqualityMonitoring).values(feedback_response_id=result.inserted_primary_key[0], religion=religion))
    from portal.domain import tally
    tally.rebuild(session)


def _late_reviews(session, held_on: dt.date, n: int = 12) -> None:
    """Reviews recorded late, held in a quarter that has been released already."""
    plan_ids = session.scalars(select(SupportPlan.id).where(SupportPlan.level == 1).limit(n)).all()
    for plan_id in plan_ids:
        session.add(Review(plan_id=plan_id, due_on=held_on, completed_on=held_on, outcome=ReviewOutcome.move_to_level_2,
                           created_at=utcnow()))
    session.flush()


def test_differencing_two_releases_reveals_nobody(session):
    """Download, add one response, download again: with live figures "Sikh" went from * to
    10 beside "sex not answered" 185 → 190. Releases count closed quarters only, and a period
    already released keeps its figures (reviews recorded late included), so any two releases
    agree on every period they share: nothing can be subtracted to find one record."""
    first = releases.latest(session)
    now = dt.datetime.combine(first.released_on, dt.time(9), dt.UTC)
    _respond(session, now)  # after the release, in the current quarter
    made = [releases.read(first)]
    month = first.month
    for _ in range(4):  # the next four months' releases
        month = (month + dt.timedelta(days=32)).replace(day=1)
        _respond(session, dt.datetime.combine(month, dt.time(8), dt.UTC))  # one more each month
        made.append(releases.read(releases.make_release(session, now=dt.datetime.combine(month + dt.timedelta(days=3), dt.time(9), dt.UTC))))
        _late_reviews(session, made[-1].periods["quarter"].start + dt.timedelta(days=5))
    shared = 0
    for a in made:
        for b in made:
            for code, period in a.periods.items():
                if b.periods.get(code) == period:
                    shared += a is not b
                    assert releases.encode(a.by_period[code]) == releases.encode(b.by_period[code]), (code, period)
    assert shared, "some releases a month apart share their periods"
    assert len({r.periods["quarter"] for r in made}) > 1, "a later release has the new quarter"
