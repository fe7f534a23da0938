"""What people write, read for risk; and the safeguarding alerts staff act on.

Every place where a client, a carer or a member of the public writes free text calls
`check_writing`: it asks the risk detector, and when the words show high risk it raises an
alert for the team of the client they are about (every team when nobody is known) and
returns the risk, so the next page can show the help at once.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Account, AlertSource, Client, SafeguardingAlert
from . import audit, risk

MAX_TEXT = 4000


def check_writing(session: Session, text: str, *, source: AlertSource, language: str | None,
                  client: Client | None, now: dt.datetime) -> risk.Risk:
    """The risk `text` shows; at high risk, an alert for staff (in the caller's transaction)."""
    found = risk.assess(text or "", language)
    if found.is_high:
        session.add(SafeguardingAlert(
            source=source, kinds=sorted(kind.value for kind in found.kinds), text=text.strip()[:MAX_TEXT],
            client_id=client.id if client else None, team_id=client.team_id if client else None, raised_at=now,
        ))
        session.flush()
    return found


def open_alerts(session: Session, staff: Account) -> list[SafeguardingAlert]:
    """The alerts a member of staff acts on: their team's, and those about nobody known."""
    return list(session.scalars(
        select(SafeguardingAlert)
        .where(SafeguardingAlert.handled_at.is_(None),
               or_(SafeguardingAlert.team_id.is_(None), SafeguardingAlert.team_id == staff.team_id))
        .order_by(SafeguardingAlert.raised_at)
    ))


def alert_for(session: Session, staff: Account, alert_id: int | None) -> SafeguardingAlert | None:
    """One open alert this member of staff may act on, or None."""
    alert = session.get(SafeguardingAlert, alert_id) if alert_id else None
    if alert is None or alert.handled_at is not None or alert.team_id not in (None, staff.team_id):
        return None
    return alert


def handle_alert(session: Session, alert: SafeguardingAlert, *, by: Account, notes: str, now: dt.datetime) -> None:
    alert.handled_by_account_id = by.id
    alert.handled_at = now
    alert.notes = notes.strip()[:MAX_TEXT] or None
    session.flush()
    audit.record(session, actor=by, action="safeguarding_alert_handled", now=now, client_id=alert.client_id,
                 object_type="safeguarding_alert", object_id=alert.id)
