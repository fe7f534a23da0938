"""People are told when something happens on a client's record.

The rule that makes the change also records an `Update` (in the same transaction), so the
record's Updates list is true by construction. Who is told: the client, and the carers
whose grant covers what the update is about (a carer who has not accepted yet, or whose
access stopped, is told nothing). The mails themselves are queued by `portal.mail.
send_updates` (the mail room renders them in each person's language): they hold no
details, only a link to sign in.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import Account, AccountStatus, CarerAccess, CarerScope, Update, UpdateKind
from .records import RecordAccess

# What a carer's grant must cover for them to be told (None: the client alone).
SCOPE_OF: dict[UpdateKind, CarerScope | None] = {
    UpdateKind.plan_shared: CarerScope.plan,
    UpdateKind.plan_reply: CarerScope.plan,
    UpdateKind.review_asked: CarerScope.reviews,
    UpdateKind.review_recorded: CarerScope.reviews,
    UpdateKind.request_status: CarerScope.arrangement,
    UpdateKind.carer_access: None,
}
LISTED = 10  # updates shown on the record, newest first


def record(session: Session, *, client_id: int, kind: UpdateKind, now: dt.datetime, detail: str | None = None,
           about_id: int | None = None) -> Update:
    update = Update(client_id=client_id, kind=kind, detail=detail, about_id=about_id, occurred_at=now)
    session.add(update)
    session.flush()
    return update


@dataclass(frozen=True)
class Recipient:
    account_id: int
    email: str
    language: str
    is_client: bool


def recipients(session: Session, update: Update) -> list[Recipient]:
    """The client's own account and the carers to tell, if they can sign in to read it."""
    found = [
        Recipient(account.id, account.email, account.preferred_language, True)
        for account in session.scalars(select(Account).where(Account.client_id == update.client_id,
                                                             Account.status == AccountStatus.active))
    ]
    scope = SCOPE_OF[update.kind]
    if scope is not None:
        grants = session.scalars(
            select(CarerAccess).join(Account, Account.id == CarerAccess.carer_account_id)
            .where(CarerAccess.client_id == update.client_id, CarerAccess.revoked_at.is_(None),
                   CarerAccess.accepted_at.is_not(None), Account.status == AccountStatus.active)
            .order_by(CarerAccess.id)
        )
        found += [Recipient(grant.carer.id, grant.carer.email, grant.carer.preferred_language, False)
                  for grant in grants if grant.allows(scope)]
    return found


def untold(session: Session, client_id: int) -> list[Update]:
    return list(session.scalars(select(Update).where(Update.client_id == client_id, Update.told_at.is_(None))
                                .order_by(Update.id)))


def mark_told(update: Update, *, mailed: list[Recipient], now: dt.datetime) -> None:
    update.told_at, update.mailed = now, len(mailed)
    update.client_mailed = any(person.is_client for person in mailed)


def listed_for(session: Session, record: RecordAccess, *, limit: int = LISTED) -> list[Update]:
    """The record's updates this reader may read, newest first: a carer only those about
    what their grant covers (the access decision), the client and their staff all."""
    if not record.is_carer:
        return list(session.scalars(_LISTED, {"client_id": record.client.id, "limit": limit}))
    kinds = [kind for kind, scope in SCOPE_OF.items() if scope is not None and record.may(scope)]
    query = select(Update).where(Update.client_id == record.client.id, Update.kind.in_(kinds))
    return list(session.scalars(query.order_by(Update.occurred_at.desc(), Update.id.desc()).limit(limit)))


# The client's and staff's list (every support page), built once with its values as
# parameters: building a query and its cache key costs more than running it.
_LISTED = (select(Update).where(Update.client_id == bindparam("client_id"))
           .order_by(Update.occurred_at.desc(), Update.id.desc()).limit(bindparam("limit")))


def latest(session: Session, client_id: int, kind: UpdateKind, about_id: int | None = None) -> Update | None:
    query = select(Update).where(Update.client_id == client_id, Update.kind == kind)
    if about_id is not None:
        query = query.where(Update.about_id == about_id)
    return session.scalar(query.order_by(Update.id.desc()).limit(1))
