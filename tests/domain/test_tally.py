"""The feedback tallies the dashboard reads agree with the responses themselves."""
import datetime as dt

from sqlalchemy import func, select

from portal.domain import feedback, survey, tally
from portal.models import (
    EqualityMonitoring,
    FeedbackChannel,
    FeedbackResponse,
    FeedbackTally,
    RespondentType,
)


def _tallies(session) -> dict:
    return {(t.month, t.dimension, t.category, t.answer): t.count for t in session.scalars(select(FeedbackTally))}


def test_demo_tallies_match_direct_counts(session):
    by_fft = dict(session.execute(select(FeedbackResponse.fft, func.count()).group_by(FeedbackResponse.fft)).all())
    tallied = dict(session.execute(select(FeedbackTally.answer, func.sum(FeedbackTally.count))
                                   .where(FeedbackTally.dimension == "all").group_by(FeedbackTally.answer)).all())
    assert by_fft and tallied == by_fft
    answered_sex = session.scalar(select(func.count()).select_from(EqualityMonitoring).where(EqualityMonitoring.sex.is_not(None)))
    assert session.scalar(select(func.sum(FeedbackTally.count)).where(FeedbackTally.dimension == "sex")) == answered_sex


def test_each_response_is_counted_as_it_arrives_and_a_rebuild_agrees(session):
    now = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)
    statement = survey.OUTCOME_STATEMENTS[0].code
    equality_question = survey.EQUALITY_QUESTIONS[1]
    before = _tallies(session)
    feedback.record_feedback(
        session, answers=feedback.FeedbackAnswers(fft=survey.FFT_CODES[0], outcomes={statement: survey.AGREEMENT_CODES[0]},
                                                  equality={equality_question.code: list(equality_question.codes)[0]}),
        channel=FeedbackChannel.public_link, respondent=RespondentType.carer, on_behalf_of_client=False, level=2,
        provider_id=None, language="so", submission_key="tally-test-1", now=now,
    )
    session.flush()
    after = _tallies(session)
    changed = {key: after[key] - before.get(key, 0) for key in after if after[key] != before.get(key, 0)}
    month = dt.date(2026, 11, 1)
    assert changed == {
        (month, "all", "all", survey.FFT_CODES[0]): 1,
        (month, "level", "2", survey.FFT_CODES[0]): 1,
        (month, "provider", "not_answered", survey.FFT_CODES[0]): 1,
        (month, "respondent", "carer", survey.FFT_CODES[0]): 1,
        (month, "language", "so", survey.FFT_CODES[0]): 1,
        (month, equality_question.code, list(equality_question.codes)[0], survey.FFT_CODES[0]): 1,
        (month, f"outcome:{statement}", survey.AGREEMENT_CODES[0], ""): 1,
    }
    tally.rebuild(session)
    session.flush()
    assert _tallies(session) == after


def test_median_from_a_histogram_matches_the_plain_median():
    import statistics

    from hypothesis import given
    from hypothesis import strategies as st

    from portal.domain.disclosure import protect_median_of_histogram

    @given(st.lists(st.integers(0, 400), min_size=1, max_size=60))
    def check(days):
        histogram = {}
        for d in days:
            histogram[d] = histogram.get(d, 0) + 1
        expected = statistics.median(days) if len(days) >= 8 else None  # fewer than 8 values: suppressed
        assert protect_median_of_histogram(list(histogram.items())).value == expected

    check()


def test_arrangement_by_quarter_matches_a_version_by_version_count(session):
    """Checked against the plain definition: for each plan open at a quarter end, the
    arrangement of its latest version created by then."""
    from collections import Counter

    from portal.domain import insights
    from portal.domain.disclosure import protect_count, protect_percentage
    from portal.models import Arrangement, PlanStatus, SupportPlan, utcnow

    today = utcnow().date()
    # Make sure some plan's arrangement changed, so both paths of the function are used.
    plan = session.scalars(select(SupportPlan).where(SupportPlan.ended_on.is_(None)).limit(1)).one()
    staff = plan.versions[-1].written_by
    from portal.domain import plans as plan_rules
    plan_rules.change_arrangement(session, plan, arrangement=Arrangement.direct_payment, provider=None,
                                  written_by=staff, today=today, reason="test", asked_by_client=True)
    session.flush()
    expected = []
    last_end = insights.closed_periods(today, today)[0].end
    for label, end in insights.quarter_ends(last_end):
        end_time = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        counter = Counter()
        for p in session.scalars(select(SupportPlan)):
            if p.started_on <= end and (p.ended_on is None or p.ended_on > end) and p.status != PlanStatus.draft:
                in_force = [v for v in p.versions if v.created_at < end_time]
                counter[(in_force[-1] if in_force else p.versions[0]).arrangement.value] += 1
        total = sum(counter.values())
        expected.append({"category": label, "open_plans": protect_count(total),
                         **{a.value: protect_percentage(counter.get(a.value, 0), total) for a in Arrangement}})
    assert insights.arrangement_by_quarter(session, last_end) == expected


def test_a_response_keeps_its_day_only_and_the_figures_still_count_it(session):
    """A response keeps midnight UTC of the day it was given (no time: nothing to line up
    with); its month's tallies and the commissioners' periods still count it, even when it
    was given in the last moments of a month."""
    from portal.domain import insights

    now = dt.datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=dt.UTC)
    received = feedback.record_feedback(
        session, answers=feedback.FeedbackAnswers(fft="very_poor", fft_reason="Too short"),
        channel=FeedbackChannel.signed_in, respondent=RespondentType.client, on_behalf_of_client=False, level=1,
        provider_id=None, language="en", submission_key="day-only-1", now=now,
    )
    feedback.release_free_text(session, received.response, redacted_text="Visits too short: a day only",
                               by=None, now=now)
    session.flush()
    session.expire_all()
    stored = session.scalar(select(FeedbackResponse).where(FeedbackResponse.submission_key == "day-only-1"))
    assert stored.submitted_at == dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    assert _tallies(session)[(dt.date(2026, 11, 1), "all", "all", "very_poor")] >= 1
    for period in insights.closed_periods(dt.date(2027, 1, 4), dt.date(2020, 1, 1)):
        assert "Visits too short: a day only" in insights.feedback_figures(session, period)["comments"], period.code
    tally.rebuild(session)
    assert _tallies(session)[(dt.date(2026, 11, 1), "all", "all", "very_poor")] >= 1
