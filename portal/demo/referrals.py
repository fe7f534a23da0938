"""Requests for an assessment made through the portal (the front door), waiting in the staff
triage queue: a few fixed ones, dated back from today, one of them urgent (its words showed
high risk, so it raised a safeguarding alert like any such writing).

Invented people: drama mobile numbers (07700 900xxx) and example.org addresses. No random
draws, so the rest of the city stays the same whatever is added here."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ..models import AlertSource, Referral, SafeguardingAlert
from ..models.plans import ReferralAgreement, ReferralStatus

# (days ago, status, language, person, phone, email, about, asked by (name, relationship, phone, email) or None)
FRONT_DOOR = (
    (1, ReferralStatus.new, "en", "Dawn Whitfield", "07700 900611", "",
     "I feel I can't go on any more and I want to end my life.", None),
    (2, ReferralStatus.new, "pl", "Krystyna Nowak", "07700 900612", "",
     "Moja mama nie wychodzi z domu od miesiąca i przestała gotować.",
     ("Marek Nowak", "syn", "", "marek.nowak@example.org")),
    (6, ReferralStatus.new, "en", "Lee Barraclough", "", "lee.b@example.org",
     "Since my anxiety got worse I cannot manage shopping or letters.", None),
    (9, ReferralStatus.contacted, "so", "Faadumo Cali", "07700 900614", "",
     "Hooyaday waxay u baahan tahay caawimaad maalin kasta.", ("Axmed Cali", "wiil", "07700 900615", "")),
    (14, ReferralStatus.contacted, "en", "Graham Peel", "07700 900616", "",
     "My neighbour has stopped eating properly and does not open the door.",
     ("Susan Hartley", "Neighbour", "07700 900617", "")),
    (30, ReferralStatus.passed_to_team, "ur", "Nasreen Akhtar", "07700 900618", "",
     "مجھے گھر کے کاموں میں مدد چاہیے", None),
)


def front_door(session: Session, *, today: dt.date, teams: list) -> dict[str, int]:
    """Add the referrals (and the urgent one's alert); returns the counts added."""
    rows, alerts = [], []
    for n, (days_ago, status, language, person, phone, email, about, asked_by) in enumerate(FRONT_DOOR):
        on = today - dt.timedelta(days=days_ago)
        at = dt.datetime.combine(on, dt.time(9 + n, 15), dt.UTC)
        urgent = n == 0
        referral = Referral(
            reference=f"RF-DEM{n + 2}{'ABCDEFGH'[n]}{'KMNPQR'[n]}", referred_on=on, status=status, urgent=urgent,
            language=language, for_someone_else=asked_by is not None,
            agreement=ReferralAgreement.agrees if asked_by else None, person_name=person,
            person_phone=phone or None, person_email=email or None, about=about,
            referrer_name=asked_by[0] if asked_by else None, relationship_to_person=asked_by[1] if asked_by else None,
            referrer_phone=(asked_by[2] or None) if asked_by else None,
            referrer_email=(asked_by[3] or None) if asked_by else None,
            contacted_on=on + dt.timedelta(days=2) if status != ReferralStatus.new else None,
            team_id=teams[0].id if status == ReferralStatus.passed_to_team else None,
            created_at=at, updated_at=at,
        )
        rows.append(referral)
        if urgent:
            alerts.append(SafeguardingAlert(source=AlertSource.referral, kinds=["self"], text=about, raised_at=at))
    session.add_all(rows + alerts)
    return {"front_door_referral": len(rows), "safeguarding_alert": len(alerts)}
