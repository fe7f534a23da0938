"""A client's carers: invited by the client, allowed only what the client chooses, and
stopped at once when the client revokes them.

An invitation makes the council mail an address the client typed, so it is bounded: a few a
day per client (counted in the audit trail, so the count holds across workers and hosts),
the mail holds no words the client typed, and the form answers the same whatever the
address, so it cannot be used to learn which addresses belong to staff.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Account, AccountStatus, AuditEvent, CarerAccess, CarerScope, Client, Role
from . import accounts, audit

# Every invitation a client sends, whether or not anything could be granted.
INVITED = "carer_access_granted"
NOT_INVITED = "carer_invitation_not_sent"  # the address belongs to staff: nothing granted, nothing sent


class CarerError(Exception):
    code = "carer_error"


class TooManyInvitations(CarerError):
    code = "too_many_invitations"


class NoScopes(CarerError):
    code = "no_scopes"


def carers_of(session: Session, client_id: int) -> list[CarerAccess]:
    return list(
        session.scalars(
            select(CarerAccess)
            .where(CarerAccess.client_id == client_id, CarerAccess.revoked_at.is_(None))
            .order_by(CarerAccess.granted_at)
        )
    )


def people_supported(session: Session, carer: Account) -> list[CarerAccess]:
    """The clients a carer acts for, with what each granted."""
    return list(
        session.scalars(
            select(CarerAccess)
            .where(CarerAccess.carer_account_id == carer.id, CarerAccess.revoked_at.is_(None))
            .order_by(CarerAccess.granted_at)
        )
    )


def invitations_sent(session: Session, *, client_id: int, by: Account, since: dt.datetime) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.client_id == client_id, AuditEvent.actor_account_id == by.id,
            AuditEvent.action.in_((INVITED, NOT_INVITED)), AuditEvent.occurred_at > since,
        )
    )


def invite_carer(
    session: Session,
    *,
    client: Client,
    granted_by: Account,
    email: str,
    name: str,
    scopes: list[CarerScope],
    relationship: str | None,
    secret_key: str,
    now: dt.datetime,
    valid_days: int = 7,
    per_day: int = 5,
) -> tuple[CarerAccess | None, str | None]:
    """Grant a carer access (inviting them if they have no account yet). Returns the access
    and the invitation link token (None when the carer can already sign in); or (None, None)
    for an address that belongs to staff, a commissioner or an administrator, which gets
    nothing and is told nothing, while the client sees the same outcome as for any address.
    At most `per_day` invitations in 24 hours, whatever became of them."""
    if not scopes:
        raise NoScopes()
    # One invitation at a time per client account, so the count below holds on PostgreSQL
    # too (SQLite's BEGIN IMMEDIATE already lets one writer in at a time).
    session.execute(select(Account.id).where(Account.id == granted_by.id).with_for_update())
    if invitations_sent(session, client_id=client.id, by=granted_by, since=now - dt.timedelta(days=1)) >= per_day:
        raise TooManyInvitations()
    email = accounts.normalise_email(email)
    account = session.scalar(select(Account).where(Account.email == email))
    if account is not None and account.role not in (Role.carer, Role.client):
        audit.record(session, actor=granted_by, action=NOT_INVITED, now=now, client_id=client.id)
        return None, None
    link_token = None
    if account is None or account.status == AccountStatus.invited:
        created = accounts.invite(
            session, secret_key=secret_key, email=email, display_name=name, role=Role.carer,
            invited_by=granted_by, now=now, valid_days=valid_days, preferred_language=client.preferred_language,
        )
        account, link_token = created.account, created.link_token
    existing = session.scalar(
        select(CarerAccess).where(
            CarerAccess.carer_account_id == account.id, CarerAccess.client_id == client.id,
            CarerAccess.revoked_at.is_(None),
        )
    )
    if existing is not None:
        existing.scopes = sorted(scope.value for scope in scopes)
        access = existing
    else:
        access = CarerAccess(
            carer_account_id=account.id, client_id=client.id, scopes=sorted(scope.value for scope in scopes),
            relationship_to_client=(relationship or "").strip()[:100] or None, granted_at=now,
            granted_by_account_id=granted_by.id,
        )
        session.add(access)
    session.flush()
    audit.record(session, actor=granted_by, action=INVITED, now=now, client_id=client.id,
                 object_type="carer_access", object_id=access.id)
    return access, link_token


def change_scopes(session: Session, access: CarerAccess, scopes: list[CarerScope], *, by: Account, now: dt.datetime) -> None:
    if not scopes:
        raise NoScopes()
    access.scopes = sorted(scope.value for scope in scopes)
    session.flush()
    audit.record(session, actor=by, action="carer_access_changed", now=now, client_id=access.client_id,
                 object_type="carer_access", object_id=access.id)


def revoke(session: Session, access: CarerAccess, *, by: Account, now: dt.datetime) -> None:
    """Effective at once: every request checks for an unrevoked grant."""
    access.revoked_at = now
    session.flush()
    audit.record(session, actor=by, action="carer_access_revoked", now=now, client_id=access.client_id,
                 object_type="carer_access", object_id=access.id)
