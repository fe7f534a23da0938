"""The one way to read a client's record: check the reader may, then audit the read.

Views never load a client's personal data any other way, so neither the check nor the
audit event can be forgotten.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account, CarerAccess, CarerScope, Client, Role
from . import audit


class RecordNotAvailable(Exception):
    """Raised for a missing record and a forbidden one alike (no existence oracle)."""


def carer_access(session: Session, carer: Account, client_id: int) -> CarerAccess | None:
    return session.scalar(
        select(CarerAccess).where(
            CarerAccess.carer_account_id == carer.id,
            CarerAccess.client_id == client_id,
            CarerAccess.revoked_at.is_(None),
        )
    )


@dataclass(frozen=True)
class OpenRecord:
    client: Client
    carer_access: CarerAccess | None  # the grant a carer reads it under; None for the client and staff


def reading_grant(session: Session, reader: Account, client: Client,
                  scope: CarerScope | None) -> tuple[bool, CarerAccess | None]:
    """Least privilege: a client reads their own record; a carer only what was granted;
    staff only their team's caseload; commissioners and admins never read records.
    Returns whether `reader` may read it, and the carer's grant when the reader is a carer."""
    if reader.client_id == client.id:
        return True, None
    if reader.role == Role.staff:
        return reader.team_id is not None and reader.team_id == client.team_id, None
    access = carer_access(session, reader, client.id)
    return access is not None and (scope is None or access.allows(scope)), access


def may_read(session: Session, reader: Account, client: Client, scope: CarerScope | None) -> bool:
    return reading_grant(session, reader, client, scope)[0]


def open_client_record(
    session: Session,
    *,
    reader: Account,
    client_id: int,
    action: str,
    now: dt.datetime,
    scope: CarerScope | None = None,
    route: str | None = None,
    request_id: str | None = None,
) -> OpenRecord:
    """The client's record if `reader` may see it (for `scope`, when acting as carer), with
    the carer's grant it was opened under; the view is recorded in the audit trail (the
    caller commits it at once)."""
    client = session.get(Client, client_id)
    allowed, access = reading_grant(session, reader, client, scope) if client is not None else (False, None)
    if not allowed:
        raise RecordNotAvailable(client_id)
    audit.record(
        session,
        actor=reader,
        action=action,
        now=now,
        client_id=client.id,
        object_type="client",
        object_id=client.id,
        route=route,
        request_id=request_id,
    )
    return OpenRecord(client, access)
