"""The audit trail: who did what to whose record. Events are only ever added."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..models import Account, AuditEvent


def record(
    session: Session,
    *,
    actor: Account | None,
    action: str,
    now: dt.datetime,
    client_id: int | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    route: str | None = None,
    request_id: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        occurred_at=now,
        actor_account_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
        client_id=client_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        route=route,
        request_id=request_id,
    )
    session.add(event)
    session.flush()
    return event


def record_read(
    session: Session,
    *,
    actor: Account,
    action: str,
    now: dt.datetime,
    client_id: int,
    route: str | None = None,
    request_id: str | None = None,
) -> None:
    """A look at a client's record, written in the caller's transaction like `record` but
    as one INSERT with no ORM object to flush: every record page writes one, and on SQLite
    while it holds the write lock, so the cheaper the shorter every other writer waits."""
    session.execute(insert(AuditEvent.__table__).values(
        occurred_at=now, actor_account_id=actor.id, actor_role=actor.role.value, client_id=client_id, action=action,
        object_type="client", object_id=str(client_id), route=route, request_id=request_id))
