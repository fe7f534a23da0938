"""Asking for an assessment (the front door), and the triage staff do with it.

Anyone may ask the council for an assessment of their needs, for themselves or for someone
else who agrees (Care Act 2014, s.9; content/<lang>/getting-support.md). What they write is
read for risk like everything people write: at high risk the referral is urgent, staff get a
safeguarding alert, and the next page shows the help at once. Staff see new referrals in a
queue, urgent first and then oldest, and move each one on: new → contacted → assessment
booked, not eligible (with the reason) or passed to a team.

The wait people are told is measured, never assumed: the median days from referral to first
contact over the last 12 months, shown only when at least FEWEST_FOR_A_WAIT referrals
were contacted in that time.
"""
from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import Account, AlertSource, Referral, Team
from ..models.plans import ReferralAgreement, ReferralStatus
from . import audit, disclosure, risk, safeguarding

MAX_NAME = 200
MAX_PHONE = 40
MAX_EMAIL = 254
MAX_RELATIONSHIP = 100
MAX_ABOUT = 2000
MAX_REASON = 2000

FEWEST_FOR_A_WAIT = 10
WAIT_PERIOD_DAYS = 365

OPEN_STATUSES = (ReferralStatus.new, ReferralStatus.contacted)
# What may follow each status; the other three are where triage ends.
NEXT_STATUSES = {
    ReferralStatus.new: (ReferralStatus.contacted,),
    ReferralStatus.contacted: (ReferralStatus.assessment_booked, ReferralStatus.not_eligible,
                               ReferralStatus.passed_to_team),
}

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I look-alikes
REFERENCE_LENGTH = 9  # "RF-" and six characters


class ReferralRuleError(Exception):
    """A rule refused the referral or the change; `code` says which (the views word it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""

    @property
    def reachable(self) -> bool:
        return bool(self.phone.strip() or self.email.strip())


@dataclass(frozen=True)
class Asking:
    """What someone typed into the form."""

    for_someone_else: bool
    person: Contact
    about: str = ""
    referrer: Contact = Contact()
    relationship: str = ""
    agreement: ReferralAgreement | None = None


@dataclass(frozen=True)
class Received:
    referral: Referral
    risk: risk.Risk
    duplicate: bool = False


def _check(asking: Asking) -> None:
    if not asking.person.name.strip():
        raise ReferralRuleError("person_name_needed")
    if asking.for_someone_else:
        if asking.agreement is None:
            raise ReferralRuleError("agreement_needed")
        if not asking.referrer.name.strip():
            raise ReferralRuleError("referrer_name_needed")
        if not asking.relationship.strip():
            raise ReferralRuleError("relationship_needed")
        if not asking.referrer.reachable:
            raise ReferralRuleError("referrer_contact_needed")
    elif not asking.person.reachable:
        raise ReferralRuleError("person_contact_needed")
    limits = [(asking.about, MAX_ABOUT), (asking.relationship, MAX_RELATIONSHIP)]
    for contact in (asking.person, asking.referrer):
        limits += [(contact.name, MAX_NAME), (contact.phone, MAX_PHONE), (contact.email, MAX_EMAIL)]
    if any(len(text.strip()) > limit for text, limit in limits):
        raise ReferralRuleError("too_long")


def random_reference() -> str:
    return "RF-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def _new_reference(session: Session) -> str:
    while True:
        reference = random_reference()
        if session.scalar(select(Referral.id).where(Referral.reference == reference)) is None:
            return reference


def is_reference(text: str) -> bool:
    """Whether `text` has the shape of a referral reference (nothing is looked up)."""
    return (len(text) == REFERENCE_LENGTH and text.startswith("RF-")
            and all(c in _REFERENCE_ALPHABET for c in text[3:]))


def _text(value: str) -> str | None:
    return value.strip() or None


def ask_for_assessment(session: Session, asking: Asking, *, language: str, submission_key: str,
                       now: dt.datetime) -> Received:
    """Record the request (a form sent twice returns the first) in the caller's transaction."""
    existing = session.scalar(select(Referral).where(Referral.submission_key == submission_key))
    if existing is not None:
        return Received(existing, risk.assess(existing.about or "", existing.language), duplicate=True)
    _check(asking)
    others = asking.for_someone_else
    found = safeguarding.check_writing(session, asking.about, source=AlertSource.referral, language=language,
                                       client=None, now=now)
    referral = Referral(
        reference=_new_reference(session), submission_key=submission_key, referred_on=now.date(),
        status=ReferralStatus.new, urgent=found.is_high, language=language, for_someone_else=others,
        agreement=asking.agreement if others else None,
        person_name=asking.person.name.strip(), person_phone=_text(asking.person.phone),
        person_email=_text(asking.person.email), about=_text(asking.about),
        referrer_name=_text(asking.referrer.name) if others else None,
        referrer_phone=_text(asking.referrer.phone) if others else None,
        referrer_email=_text(asking.referrer.email) if others else None,
        relationship_to_person=_text(asking.relationship) if others else None,
        created_at=now, updated_at=now,
    )
    session.add(referral)
    session.flush()
    audit.record(session, actor=None, action="referral_received", now=now, object_type="referral",
                 object_id=referral.id)
    return Received(referral, found)


# -- What happens next ------------------------------------------------------------------------

def typical_wait_days(session: Session, today: dt.date) -> int | None:
    """Half of the people first contacted in the last 12 months waited this many days or
    fewer (the median, rounded up); None when fewer than FEWEST_FOR_A_WAIT were contacted.
    First contact is the day recorded, or the assessment when none was."""
    since = today - dt.timedelta(days=WAIT_PERIOD_DAYS)
    first_contact = func.coalesce(Referral.contacted_on, Referral.assessed_on)
    rows = session.execute(select(Referral.referred_on, first_contact).where(
        or_(Referral.contacted_on.between(since, today),
            Referral.contacted_on.is_(None) & Referral.assessed_on.between(since, today)))).all()
    days = [(contact - referred).days for referred, contact in rows if contact >= referred]
    if len(days) < FEWEST_FOR_A_WAIT:
        return None
    median = disclosure.protect_median(days)
    return None if median is None else math.ceil(median)


# -- Triage -----------------------------------------------------------------------------------

def _visible_to(staff: Account):
    """Referrals nobody has taken yet, and those passed to the staff member's team."""
    return or_(Referral.team_id.is_(None), Referral.team_id == staff.team_id)


def triage_queue(session: Session, staff: Account, *, limit: int = 200) -> list[Referral]:
    """Open referrals for this member of staff: urgent first, then oldest."""
    return list(session.scalars(
        select(Referral).where(Referral.status.in_(OPEN_STATUSES), _visible_to(staff))
        .order_by(Referral.urgent.desc(), Referral.created_at, Referral.id).limit(limit)
    ))


def open_referral(session: Session, staff: Account, referral_id: int, *, now: dt.datetime,
                  route: str | None = None, request_id: str | None = None) -> Referral | None:
    """One front-door referral this member of staff may read (None otherwise); reading it
    is audited."""
    referral = session.get(Referral, referral_id)
    if referral is None or referral.status is None or referral.team_id not in (None, staff.team_id):
        return None
    audit.record(session, actor=staff, action="referral_opened", now=now, client_id=referral.client_id,
                 object_type="referral", object_id=referral.id, route=route, request_id=request_id)
    return referral


def next_statuses(referral: Referral) -> tuple[ReferralStatus, ...]:
    return NEXT_STATUSES.get(referral.status, ())


def triage(session: Session, referral: Referral, *, by: Account, now: dt.datetime,
           status: ReferralStatus | None = None, team: Team | None = None, reason: str = "") -> None:
    """Move the referral on and/or give it to a team. Passing it to a team needs the team;
    not eligible needs the reason."""
    if referral.status not in OPEN_STATUSES:
        raise ReferralRuleError("triage_finished")
    if status is not None and status not in next_statuses(referral):
        raise ReferralRuleError("status_not_next")
    reason = reason.strip()
    if status == ReferralStatus.not_eligible and not reason:
        raise ReferralRuleError("reason_needed")
    if len(reason) > MAX_REASON:
        raise ReferralRuleError("too_long")
    team = team if team is not None else referral.team
    if status == ReferralStatus.passed_to_team and team is None:
        raise ReferralRuleError("team_needed")
    if team is not None and team.id != referral.team_id:
        referral.team_id = team.id
        audit.record(session, actor=by, action="referral_team_set", now=now, client_id=referral.client_id,
                     object_type="referral", object_id=referral.id)
    if status is not None:
        referral.status = status
        if status == ReferralStatus.contacted and referral.contacted_on is None:
            referral.contacted_on = now.date()
        if status == ReferralStatus.not_eligible:
            referral.not_eligible_reason = reason
        audit.record(session, actor=by, action=f"referral_{status.value}", now=now, client_id=referral.client_id,
                     object_type="referral", object_id=referral.id)
    referral.updated_at = now
    session.flush()
