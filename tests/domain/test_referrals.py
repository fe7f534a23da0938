"""Asking for an assessment and triage, called directly; the measured wait and its suppression."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.domain import referrals
from portal.domain.referrals import Asking, Contact, ReferralRuleError
from portal.models import Account, AlertSource, AuditEvent, Referral, Role, SafeguardingAlert, Team
from portal.models.plans import ReferralAgreement, ReferralStatus

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
FOR_ME = Asking(for_someone_else=False, person=Contact("Sam Ray", "07700 900100", ""), about="I need help at home")
FOR_A_FRIEND = Asking(for_someone_else=True, person=Contact("Joan Staniforth"), about="",
                      referrer=Contact("Peter Gill", "", "peter@example.org"), relationship="Friend",
                      agreement=ReferralAgreement.agrees)


def _staff(session, *, other_team=False) -> Account:
    staff = session.scalar(select(Account).where(Account.role == Role.staff, Account.team_id.is_not(None))
                           .order_by(Account.id).limit(1))
    if not other_team:
        return staff
    team = session.scalar(select(Team).where(Team.id != staff.team_id).limit(1))
    return session.scalar(select(Account).where(Account.role == Role.staff, Account.team_id == team.id).limit(1))


def _ask(session, asking=FOR_ME, key="k1"):
    return referrals.ask_for_assessment(session, asking, language="en", submission_key=key, now=NOW)


def test_a_referral_gets_a_reference_and_is_new(session):
    received = _ask(session)
    referral = received.referral
    assert referrals.is_reference(referral.reference) and referral.status == ReferralStatus.new
    assert not referral.urgent and referral.client_id is None and referral.referred_on == NOW.date()
    assert referral.referrer_name is None and referral.agreement is None  # for themselves
    again = _ask(session, key="k1")
    assert again.duplicate and again.referral.id == referral.id
    friend = _ask(session, FOR_A_FRIEND, key="k2").referral
    assert friend.for_someone_else and friend.agreement == ReferralAgreement.agrees
    assert friend.person_phone is None and friend.referrer_email == "peter@example.org"
    assert friend.reference != referral.reference


@pytest.mark.parametrize(("asking", "code"), [
    (Asking(False, Contact("", "0114 496 0000")), "person_name_needed"),
    (Asking(False, Contact("Sam Ray")), "person_contact_needed"),
    (Asking(True, Contact("Joan"), referrer=Contact("Peter", "1"), relationship="Friend"), "agreement_needed"),
    (Asking(True, Contact("Joan"), referrer=Contact("Peter"), relationship="Friend",
            agreement=ReferralAgreement.agrees), "referrer_contact_needed"),
    (Asking(True, Contact("Joan"), referrer=Contact("Peter", "1"), agreement=ReferralAgreement.cannot_decide),
     "relationship_needed"),
    (Asking(False, Contact("Sam", "1"), about="x" * (referrals.MAX_ABOUT + 1)), "too_long"),
])
def test_what_a_referral_needs(session, asking, code):
    with pytest.raises(ReferralRuleError) as refused:
        _ask(session, asking)
    assert refused.value.code == code


def test_high_risk_writing_makes_it_urgent_and_raises_an_alert_for_every_team(session):
    before = session.scalar(select(func.count()).select_from(SafeguardingAlert))
    received = _ask(session, Asking(False, Contact("Sam Ray", "1"), about="Some days I want to end my life"))
    assert received.risk.is_high and received.referral.urgent
    alert = session.scalar(select(SafeguardingAlert).order_by(SafeguardingAlert.id.desc()).limit(1))
    assert session.scalar(select(func.count()).select_from(SafeguardingAlert)) == before + 1
    assert alert.source == AlertSource.referral and alert.team_id is None


def _referred(session, referred_on, contacted_on=None, assessed_on=None):
    session.add(Referral(referred_on=referred_on, contacted_on=contacted_on, assessed_on=assessed_on))


def test_the_wait_is_the_median_to_first_contact_and_needs_ten_referrals(session):
    # Far from the demo's dates: only these referrals fall in the 12 months.
    today = dt.date(2100, 6, 1)
    for days in range(1, 10):  # 9 contacted in the last 12 months: too few to say
        _referred(session, today - dt.timedelta(days=60), contacted_on=today - dt.timedelta(days=60 - days))
    _referred(session, today - dt.timedelta(days=500), contacted_on=today - dt.timedelta(days=400))  # too long ago
    _referred(session, today - dt.timedelta(days=5))  # not contacted yet
    session.flush()
    assert referrals.typical_wait_days(session, today) is None
    # The tenth: contacted at the assessment (no contact recorded before it), 30 days after.
    _referred(session, today - dt.timedelta(days=40), assessed_on=today - dt.timedelta(days=10))
    session.flush()
    assert referrals.typical_wait_days(session, today) == 6  # median of 1..9 and 30 is 5.5, rounded up


def test_triage_moves_on_step_by_step(session):
    staff = _staff(session)
    referral = _ask(session, FOR_A_FRIEND).referral
    with pytest.raises(ReferralRuleError, match="status_not_next"):
        referrals.triage(session, referral, by=staff, now=NOW, status=ReferralStatus.assessment_booked)
    referrals.triage(session, referral, by=staff, now=NOW, status=ReferralStatus.contacted)
    assert referral.status == ReferralStatus.contacted and referral.contacted_on == NOW.date()
    with pytest.raises(ReferralRuleError, match="reason_needed"):
        referrals.triage(session, referral, by=staff, now=NOW, status=ReferralStatus.not_eligible)
    with pytest.raises(ReferralRuleError, match="team_needed"):
        referrals.triage(session, referral, by=staff, now=NOW, status=ReferralStatus.passed_to_team)
    referrals.triage(session, referral, by=staff, now=NOW, status=ReferralStatus.not_eligible,
                     reason="Needs met by the GP practice; signposted to a carers' group")
    assert referral.status == ReferralStatus.not_eligible and referral.not_eligible_reason.startswith("Needs met")
    with pytest.raises(ReferralRuleError, match="triage_finished"):
        referrals.triage(session, referral, by=staff, now=NOW, team=staff.team)
    actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "referral",
                                                                  AuditEvent.object_id == str(referral.id))))
    assert {"referral_received", "referral_contacted", "referral_not_eligible"} <= actions


def test_the_queue_is_urgent_first_then_oldest_and_a_teams_referrals_are_its_own(session):
    staff, other = _staff(session), _staff(session, other_team=True)
    later = referrals.ask_for_assessment(session, FOR_ME, language="en", submission_key="a",
                                         now=NOW + dt.timedelta(hours=1)).referral
    earlier = referrals.ask_for_assessment(session, FOR_A_FRIEND, language="en", submission_key="b", now=NOW).referral
    urgent = referrals.ask_for_assessment(session, Asking(False, Contact("Sam", "1"), about="I want to kill myself"),
                                          language="en", submission_key="c", now=NOW + dt.timedelta(hours=2)).referral
    queue = referrals.triage_queue(session, staff)
    assert queue.index(urgent) < queue.index(earlier) < queue.index(later)
    assert all(r.urgent for r in queue[:queue.index(urgent) + 1])
    referrals.triage(session, earlier, by=staff, now=NOW, team=staff.team)
    assert earlier in referrals.triage_queue(session, staff) and earlier not in referrals.triage_queue(session, other)
    assert referrals.open_referral(session, other, earlier.id, now=NOW) is None
    assert referrals.open_referral(session, staff, earlier.id, now=NOW) is earlier
    # Referrals recorded with a client's record are not front-door referrals: never opened here.
    recorded = session.scalar(select(Referral.id).where(Referral.status.is_(None)).limit(1))
    assert referrals.open_referral(session, staff, recorded, now=NOW) is None
