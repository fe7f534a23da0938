"""The one way to read a client's record: check the reader may, then audit the read.

Views never load a client's personal data any other way, so neither the check nor the
audit event can be forgotten.
"""
from __future__ import annotations

import datetime as dt

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


def may_read(session: Session, reader: Account, client: Client, scope: CarerScope | None) -> bool:
    """Least privilege: a client reads their own record; a carer only what was granted;
    staff only their team's caseload; commissioners and admins never read records."""
    if reader.client_id == client.id:
        return True
    if reader.role == Role.staff:
        return reader.team_id is not None and reader.team_id == client.team_id
    access = carer_access(session, reader, client.id)
    if access is None:
        return False
    return scope is None or access.allows(scope)


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
) -> Client:
    """Return the client if `reader` may see it (for `scope`, when acting as carer), and
    record the view in the audit trail (the caller commits it at once)."""
    client = session.get(Client, client_id)
    if client is None or not may_read(session, reader, client, scope):
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
    return client
