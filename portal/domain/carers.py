"""A client's carers: invited by the client, allowed only what the client chooses, and
stopped at once when the client revokes them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account, AccountStatus, CarerAccess, CarerScope, Client, Role
from . import accounts, audit


class CarerError(Exception):
    code = "carer_error"


class NotACarerAccount(CarerError):
    """The email belongs to staff, a commissioner or an administrator."""

    code = "not_a_carer_account"


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
) -> tuple[CarerAccess, str | None]:
    """Grant a carer access (inviting them if they have no account yet). Returns the access
    and the invitation link token, or None when the carer can already sign in."""
    if not scopes:
        raise NoScopes()
    email = accounts.normalise_email(email)
    account = session.scalar(select(Account).where(Account.email == email))
    if account is not None and account.role not in (Role.carer, Role.client):
        raise NotACarerAccount()
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
    audit.record(session, actor=granted_by, action="carer_access_granted", now=now, client_id=client.id,
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
