"""A client's carers: invited by the client, allowed only what the client chooses, and
stopped at once when the client revokes them.

An invitation makes the council mail an address the client typed, so it is bounded: a few a
day per client (counted in the audit trail, so the count holds across workers and hosts),
the mail holds no words the client typed, and nothing the client sees differs with the
address, so it cannot be used to learn which addresses belong to staff or already have an
account: every invitation shows with the name the client typed, as invited and not
accepted yet, until the person accepts it (`accept`, or by setting their first password
from the invitation link: `accept_on_activation`) or it expires. A pending carer reads
nothing. An address that belongs to staff gets an invitation nobody can accept, and no mail.

The client is told of every change to their carers (a mail: if it was not them, they can
act at once). A carer is mailed when invited, never when their access is cut or stopped:
the client may be stopping someone who hurts them.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from ..models import Account, AccountStatus, AuditEvent, CarerAccess, CarerScope, Client, Role, UpdateKind
from . import accounts, audit, updates

# Every invitation a client sends, to whatever address (the client's data download shows
# the same for a staff address as for any other).
INVITED = "carer_access_granted"
ACCEPTED, PENDING, EXPIRED = "accepted", "pending", "expired"


class CarerError(Exception):
    code = "carer_error"


class TooManyInvitations(CarerError):
    code = "too_many_invitations"


class NoScopes(CarerError):
    code = "no_scopes"


class NotAcceptable(CarerError):
    code = "invitation_not_acceptable"  # not theirs, stopped, accepted already or expired


def state(access: CarerAccess, *, now: dt.datetime, valid_days: int) -> str:
    """ACCEPTED, PENDING (invited, not accepted yet) or EXPIRED (not accepted in time)."""
    if access.accepted_at is not None:
        return ACCEPTED
    return PENDING if now - access.granted_at < dt.timedelta(days=valid_days) else EXPIRED


def carers_of(session: Session, client_id: int) -> list[CarerAccess]:
    """Everyone the client has invited and not stopped, accepted or not."""
    return list(
        session.scalars(
            select(CarerAccess)
            .where(CarerAccess.client_id == client_id, CarerAccess.revoked_at.is_(None))
            .order_by(CarerAccess.granted_at)
        )
    )


def people_supported(session: Session, carer: Account) -> list[CarerAccess]:
    """The clients a carer acts for (invitations they accepted), with what each granted."""
    return list(
        session.scalars(
            select(CarerAccess)
            .where(CarerAccess.carer_account_id == carer.id, CarerAccess.revoked_at.is_(None),
                   CarerAccess.accepted_at.is_not(None))
            .order_by(CarerAccess.granted_at)
        )
    )


def _waiting(carer: Account, now: dt.datetime, valid_days: int):
    return select(CarerAccess).where(
        CarerAccess.carer_account_id == carer.id, CarerAccess.revoked_at.is_(None),
        CarerAccess.accepted_at.is_(None), CarerAccess.granted_at > now - dt.timedelta(days=valid_days))


def invitations_waiting(session: Session, carer: Account, *, now: dt.datetime, valid_days: int) -> list[CarerAccess]:
    """Invitations to `carer` they can still accept."""
    return list(session.scalars(_waiting(carer, now, valid_days).order_by(CarerAccess.granted_at)))


def supports_anyone(session: Session, carer: Account, *, now: dt.datetime, valid_days: int) -> bool:
    """Whether someone acts for anyone, or has an invitation they can still accept: one
    EXISTS, for a page that only links to the people they support."""
    return bool(session.scalar(_SUPPORTS_ANYONE, {"carer_id": carer.id, "since": now - dt.timedelta(days=valid_days)}))


_SUPPORTS_ANYONE = select(  # built once (every client's support page asks it)
    select(CarerAccess.id).where(
        CarerAccess.carer_account_id == bindparam("carer_id"), CarerAccess.revoked_at.is_(None),
        or_(CarerAccess.accepted_at.is_not(None), CarerAccess.granted_at > bindparam("since")),
    ).exists())


def accept(session: Session, access: CarerAccess, *, carer: Account, now: dt.datetime, valid_days: int) -> None:
    """The carer accepts an invitation: from now on they may read what it grants."""
    if (access.carer_account_id != carer.id or access.revoked_at is not None
            or state(access, now=now, valid_days=valid_days) != PENDING):
        raise NotAcceptable()
    access.accepted_at = now
    session.flush()
    audit.record(session, actor=carer, action="carer_access_accepted", now=now, client_id=access.client_id,
                 object_type="carer_access", object_id=access.id)


def accept_on_activation(session: Session, account: Account, *, now: dt.datetime, valid_days: int) -> int:
    """Someone invited as a carer set their first password from the invitation link: that
    accepts the invitations waiting for them. Returns how many."""
    waiting = session.scalars(_waiting(account, now, valid_days)).all()
    for access in waiting:
        access.accepted_at = now
    session.flush()
    return len(waiting)


def invitations_sent(session: Session, *, client_id: int, by: Account, since: dt.datetime) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.client_id == client_id, AuditEvent.actor_account_id == by.id,
            AuditEvent.action == INVITED, AuditEvent.occurred_at > since,
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
) -> tuple[CarerAccess, str | None]:
    """Invite a carer (making them an account if they have none yet) to act with the client
    in `scopes`, once they accept. Returns the invitation and the link token for setting a
    first password (None when the person can already sign in). An address that belongs to
    staff, a commissioner or an administrator gets an invitation with no carer, which
    nobody can accept and which sends no mail (`access.carer` is None), while the client
    sees the same as for any address. Inviting the same address again renews a pending
    invitation, or changes what an accepted carer may do. At most `per_day` invitations in
    24 hours, whatever became of them."""
    if not scopes:
        raise NoScopes()
    # One invitation at a time per client account, so the count below holds on PostgreSQL
    # too (SQLite's BEGIN IMMEDIATE already lets one writer in at a time).
    session.execute(select(Account.id).where(Account.id == granted_by.id).with_for_update())
    if invitations_sent(session, client_id=client.id, by=granted_by, since=now - dt.timedelta(days=1)) >= per_day:
        raise TooManyInvitations()
    email = accounts.normalise_email(email)
    account = session.scalar(select(Account).where(Account.email == email))
    link_token = None
    if account is not None and account.role not in (Role.carer, Role.client):
        account = None  # staff and the like are never anyone's carer
    elif account is None or account.status == AccountStatus.invited:
        created = accounts.invite(
            session, secret_key=secret_key, email=email, display_name=name, role=Role.carer,
            invited_by=granted_by, now=now, valid_days=valid_days, preferred_language=client.preferred_language,
        )
        account, link_token = created.account, created.link_token
    access = session.scalar(
        select(CarerAccess).where(CarerAccess.client_id == client.id, CarerAccess.invited_email == email,
                                  CarerAccess.revoked_at.is_(None))
    )
    if access is None:
        access = CarerAccess(client_id=client.id, invited_email=email, granted_by_account_id=granted_by.id)
        session.add(access)
    access.carer_account_id = account.id if account is not None else None
    access.carer_name = name.strip()[:200]
    access.scopes = sorted(scope.value for scope in scopes)
    access.relationship_to_client = (relationship or "").strip()[:100] or None
    if access.accepted_at is None:
        access.granted_at = now  # a new invitation: it may be accepted for `valid_days` from now
    session.flush()
    audit.record(session, actor=granted_by, action=INVITED, now=now, client_id=client.id,
                 object_type="carer_access", object_id=access.id)
    updates.record(session, client_id=client.id, kind=UpdateKind.carer_access, detail="invited", now=now,
                   about_id=access.id)
    return access, link_token


def change_scopes(session: Session, access: CarerAccess, scopes: list[CarerScope], *, by: Account, now: dt.datetime) -> None:
    if not scopes:
        raise NoScopes()
    access.scopes = sorted(scope.value for scope in scopes)
    session.flush()
    audit.record(session, actor=by, action="carer_access_changed", now=now, client_id=access.client_id,
                 object_type="carer_access", object_id=access.id)
    updates.record(session, client_id=access.client_id, kind=UpdateKind.carer_access, detail="changed", now=now,
                   about_id=access.id)


def revoke(session: Session, access: CarerAccess, *, by: Account, now: dt.datetime) -> None:
    """Effective at once: every request checks for an unrevoked grant. A pending invitation
    is withdrawn the same way."""
    access.revoked_at = now
    session.flush()
    audit.record(session, actor=by, action="carer_access_revoked", now=now, client_id=access.client_id,
                 object_type="carer_access", object_id=access.id)
    updates.record(session, client_id=access.client_id, kind=UpdateKind.carer_access, detail="stopped", now=now,
                   about_id=access.id)
