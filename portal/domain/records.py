"""The one way to read a client's record: decide who the reader is to this client, check
they may, then audit the read.

The decision is a value (`RecordAccess`): who the reader is to the client (the client
themselves, a carer under the client's grant, or staff of the client's team), the grant,
and `may(scope)`. Views, forms, templates and the assistant's personal answers ask it;
nothing re-derives it. Views never load a client's personal data any other way, so
neither the check nor the audit event can be forgotten.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session

from ..models import Account, CarerAccess, CarerScope, Client, Role
from . import audit


class RecordNotAvailable(Exception):
    """Raised for a missing record and a forbidden one alike (no existence oracle)."""


class Relation(enum.StrEnum):
    own = "own"  # the client, reading their own record
    carer = "carer"  # someone the client granted access, scope by scope
    team = "team"  # staff of the team the client belongs to


@dataclass(frozen=True)
class RecordAccess:
    """Who `reader` is to `client`, and what they may see and do there.

    Least privilege: a client reads their whole record; a carer only the scopes the client
    granted; staff their own team's clients; commissioners and admins never read records
    (they have no relation). `may(None)` asks for something no carer may ever have (the
    client's own carers, who has looked, their data; staff tools)."""

    client: Client
    reader: Account
    relation: Relation
    grant: CarerAccess | None = None

    @property
    def is_client(self) -> bool:
        return self.relation == Relation.own

    @property
    def is_carer(self) -> bool:
        return self.relation == Relation.carer

    @property
    def is_staff(self) -> bool:
        return self.relation == Relation.team

    def may(self, scope: CarerScope | str | None) -> bool:
        if self.relation != Relation.carer:
            return True
        return scope is not None and self.grant is not None and self.grant.allows(CarerScope(scope))


def carer_access(session: Session, carer: Account, client_id: int) -> CarerAccess | None:
    return session.scalar(
        select(CarerAccess).where(
            CarerAccess.carer_account_id == carer.id,
            CarerAccess.client_id == client_id,
            CarerAccess.revoked_at.is_(None),
            CarerAccess.accepted_at.is_not(None),  # a carer reads nothing before they accept
        )
    )


def decide(session: Session, reader: Account, client: Client) -> RecordAccess | None:
    """The reader's relation to the client, or None when they have none."""
    if reader.client_id == client.id:
        return RecordAccess(client, reader, Relation.own)
    if reader.role == Role.staff:
        same_team = reader.team_id is not None and reader.team_id == client.team_id
        return RecordAccess(client, reader, Relation.team) if same_team else None
    grant = carer_access(session, reader, client.id)
    return RecordAccess(client, reader, Relation.carer, grant) if grant is not None else None


# Built once: Session.get builds and annotates its query anew each time (0.15 ms, as much
# as running it), and every record page asks this first.
_CLIENT = select(Client).where(Client.id == bindparam("client_id"))


def _client(session: Session, client_id: int) -> Client | None:
    """Session.get(Client, client_id), cheaper: the session's own copy when it holds a
    current one, else the query built once."""
    client = session.identity_map.get(session.identity_key(Client, client_id))
    if client is not None and not inspect(client).expired:
        return client
    return session.scalar(_CLIENT, {"client_id": client_id})


def check_access(session: Session, *, reader: Account, client_id: int, scope: CarerScope | None) -> RecordAccess:
    """The access decision alone, with no audit event: only for a page that shows nothing
    of the record (the feedback form, where an event naming who opened it and when would be
    the one row to line up with an anonymous response; a conversation's look for new
    messages that finds none). Every read goes through open_client_record."""
    client = _client(session, client_id)
    decision = decide(session, reader, client) if client is not None else None
    if decision is None or not decision.may(scope):
        raise RecordNotAvailable(client_id)
    return decision


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
) -> RecordAccess:
    """The access decision for the client's record, if `reader` may open it for `scope`
    (None: a page no carer may open); the view is recorded in the audit trail (the caller
    commits it at once)."""
    decision = check_access(session, reader=reader, client_id=client_id, scope=scope)
    audit.record_read(session, actor=reader, action=action, now=now, client_id=decision.client.id, route=route,
                      request_id=request_id)
    return decision
