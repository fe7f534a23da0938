"""Secure messages between a client (or a carer they allow) and the client's team.

Who may read or write is the record's access decision (`records.RecordAccess`), passed in
by the caller: the client, a carer granted "messages", staff of the client's team. A
message is only ever added, never edited. Everything a client or a carer writes goes
through the one risk detector (`safeguarding.check_writing`): at high risk the
conversation is marked urgent, the team has a safeguarding alert, and the sender is shown
help at once. Each person keeps their own read state. Mails say only that there is a new
message (`notice_recipients`; the mail room sends them).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..models import (
    Account,
    AccountStatus,
    AlertSource,
    CarerAccess,
    CarerScope,
    Client,
    Conversation,
    ConversationStatus,
    Message,
    MessageRead,
    Role,
)
from . import audit, risk, safeguarding
from .records import RecordAccess

MAX_BODY = 2000
MAX_SUBJECT = 100
INBOX_PAGE = 50
NEWER_AT_MOST = 50  # what one look for news returns at most; the page, reloaded, shows the rest


class MessageError(Exception):
    code = "message_error"


class MessageNeeded(MessageError):
    code = "message_needed"


class MessageTooLong(MessageError):
    code = "message_too_long"


class SubjectNeeded(MessageError):
    code = "subject_needed"


class NotInTeam(MessageError):
    code = "not_in_team"  # a conversation is assigned only to staff of the client's team


class NotYours(MessageError):
    code = "not_yours"  # a form's key that belongs to someone else's message


@dataclass(frozen=True)
class Sent:
    conversation: Conversation
    message: Message
    risk: risk.Risk  # what the words show: help now, and at high risk the team is alerted
    duplicate: bool  # the same form sent twice: nothing new was stored


def author_role(record: RecordAccess) -> str:
    return Role.client.value if record.is_client else Role.carer.value if record.is_carer else Role.staff.value


def _clean(body: str) -> str:
    """Plain text as typed, bounded: line endings made one kind, ends trimmed."""
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise MessageNeeded()
    if len(body) > MAX_BODY:
        raise MessageTooLong()
    return body


def _already_sent(session: Session, submission_key: str, author: Account) -> Message | None:
    found = session.scalar(select(Message).where(Message.submission_key == submission_key))
    if found is not None and found.author_account_id != author.id:
        raise NotYours()
    return found


def _store(session: Session, conversation: Conversation, record: RecordAccess, body: str, *, checked: str,
           language: str, submission_key: str, now: dt.datetime) -> Sent:
    """Add the message (and the conversation, when it is new); the words in `checked` go
    through the risk detector when a client or a carer wrote them."""
    try:
        with session.begin_nested():
            if conversation.id is None:
                session.add(conversation)
                session.flush()
            message = Message(conversation_id=conversation.id, author_account_id=record.reader.id,
                              author_role=author_role(record), created_at=now, language=language[:16], body=body,
                              submission_key=submission_key)
            session.add(message)
    except IntegrityError:  # the same form, sent twice at once: the other request stored it
        earlier = _already_sent(session, submission_key, record.reader)
        return Sent(session.get(Conversation, earlier.conversation_id), earlier, risk.NO_RISK, True)
    found = risk.NO_RISK
    if not record.is_staff:
        found = safeguarding.check_writing(session, checked, source=AlertSource.message, language=language,
                                           client=record.client, now=now)
        if found.is_high:
            conversation.urgent = True
    conversation.last_message_at = now
    if conversation.status == ConversationStatus.closed:
        conversation.status, conversation.closed_at = ConversationStatus.open, None  # a new word reopens it
    _read_up_to(session, conversation, record.reader, message.id, now)
    session.flush()
    return Sent(conversation, message, found, False)


def start_conversation(session: Session, record: RecordAccess, *, subject: str, body: str, language: str,
                       submission_key: str, now: dt.datetime) -> Sent:
    """The client or their carer writes to the team about something new."""
    subject = " ".join((subject or "").split())[:MAX_SUBJECT]
    if not subject:
        raise SubjectNeeded()
    body = _clean(body)
    earlier = _already_sent(session, submission_key, record.reader)
    if earlier is not None:
        return Sent(session.get(Conversation, earlier.conversation_id), earlier, risk.NO_RISK, True)
    conversation = Conversation(client_id=record.client.id, subject=subject, started_by_account_id=record.reader.id,
                                status=ConversationStatus.open, urgent=False, created_at=now, last_message_at=now)
    return _store(session, conversation, record, body, checked=f"{subject}\n{body}", language=language,
                  submission_key=submission_key, now=now)


def reply(session: Session, record: RecordAccess, conversation: Conversation, *, body: str, language: str,
          submission_key: str, now: dt.datetime) -> Sent:
    """Anyone in the conversation adds a message (a closed conversation opens again)."""
    body = _clean(body)
    earlier = _already_sent(session, submission_key, record.reader)
    if earlier is not None:
        return Sent(conversation, earlier, risk.NO_RISK, True)
    return _store(session, conversation, record, body, checked=body, language=language,
                  submission_key=submission_key, now=now)


def _read_up_to(session: Session, conversation: Conversation, reader: Account, message_id: int,
                now: dt.datetime) -> None:
    read = session.get(MessageRead, (conversation.id, reader.id))
    if read is None:
        session.add(MessageRead(conversation_id=conversation.id, account_id=reader.id,
                                last_read_message_id=message_id, read_at=now))
    elif read.last_read_message_id < message_id:
        read.last_read_message_id, read.read_at = message_id, now


def mark_read(session: Session, conversation: Conversation, reader: Account, *, now: dt.datetime,
              up_to: int | None = None) -> None:
    """`reader` has seen every message in the conversation so far (or up to message `up_to`)."""
    latest = up_to or session.scalar(select(func.max(Message.id)).where(Message.conversation_id == conversation.id))
    if latest is not None:
        _read_up_to(session, conversation, reader, latest, now)
        session.flush()


def last_read(session: Session, conversation: Conversation, reader: Account) -> int:
    """The id of the last message `reader` had read in the conversation (0: none)."""
    read = session.get(MessageRead, (conversation.id, reader.id))
    return read.last_read_message_id if read is not None else 0


def thread(session: Session, conversation: Conversation) -> list[Message]:
    """The messages in the order written, with their authors (one query for all of them)."""
    return list(session.scalars(select(Message).where(Message.conversation_id == conversation.id)
                                .options(selectinload(Message.author)).order_by(Message.id)))


def any_newer(session: Session, conversation: Conversation, after: int) -> bool:
    return session.scalar(select(Message.id).where(Message.conversation_id == conversation.id, Message.id > after)
                          .limit(1)) is not None


def newer_than(session: Session, conversation: Conversation, after: int) -> list[Message]:
    """The messages written after message `after` (the last one a page shows), oldest first,
    NEWER_AT_MOST of them."""
    return list(session.scalars(select(Message).where(Message.conversation_id == conversation.id, Message.id > after)
                                .options(selectinload(Message.author)).order_by(Message.id).limit(NEWER_AT_MOST)))


def conversation_of(session: Session, client_id: int, conversation_id: int | None) -> Conversation | None:
    """The client's conversation with that id, or None (also for another client's)."""
    found = session.get(Conversation, conversation_id) if conversation_id else None
    return found if found is not None and found.client_id == client_id else None


def unread_counts(session: Session, reader: Account, conversation_ids: list[int]) -> dict[int, int]:
    """Messages by others that `reader` has not read yet, per conversation (0s left out)."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(Message.conversation_id, func.count())
        .outerjoin(MessageRead, and_(MessageRead.conversation_id == Message.conversation_id,
                                     MessageRead.account_id == reader.id))
        .where(Message.conversation_id.in_(conversation_ids),
               Message.author_account_id.is_distinct_from(reader.id),
               Message.id > func.coalesce(MessageRead.last_read_message_id, 0))
        .group_by(Message.conversation_id)
    ).all()
    return {conversation_id: count for conversation_id, count in rows}


def conversations_for(session: Session, client_id: int) -> list[Conversation]:
    """The client's conversations, the latest news first."""
    return list(session.scalars(select(Conversation).where(Conversation.client_id == client_id)
                                .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())))


@dataclass(frozen=True)
class InboxRow:
    conversation: Conversation
    client: Client
    unread: int


def team_inbox(session: Session, staff: Account, *, status: ConversationStatus = ConversationStatus.open,
               limit: int = INBOX_PAGE) -> list[InboxRow]:
    """The conversations of the staff member's team's clients: urgent first, then those
    with the latest messages; each with how many messages this person has not read."""
    if staff.team_id is None:
        return []
    rows = session.execute(
        select(Conversation, Client).join(Client, Client.id == Conversation.client_id)
        .where(Client.team_id == staff.team_id, Conversation.status == status)
        .order_by(case((Conversation.urgent, 0), else_=1), Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(limit)
    ).all()
    unread = unread_counts(session, staff, [conversation.id for conversation, _ in rows])
    return [InboxRow(conversation, client, unread.get(conversation.id, 0)) for conversation, client in rows]


def team_workers(session: Session, client: Client) -> list[Account]:
    """The staff a conversation about `client` may be assigned to: their team's, active."""
    if client.team_id is None:
        return []
    return list(session.scalars(select(Account).where(Account.role == Role.staff, Account.team_id == client.team_id,
                                                      Account.status == AccountStatus.active)
                                .order_by(Account.display_name)))


def assign(session: Session, conversation: Conversation, worker_id: int | None, *, by: Account,
           now: dt.datetime) -> Account:
    """A named worker of the client's team takes the conversation on."""
    worker = session.get(Account, worker_id) if worker_id else None
    if worker is None or worker not in team_workers(session, conversation.client):
        raise NotInTeam()
    conversation.assigned_to = worker
    session.flush()
    audit.record(session, actor=by, action="conversation_assigned", now=now, client_id=conversation.client_id,
                 object_type="conversation", object_id=conversation.id)
    return worker


def close(session: Session, conversation: Conversation, *, by: Account, now: dt.datetime) -> None:
    """Staff close a conversation that needs nothing more (a new message opens it again)."""
    conversation.status, conversation.closed_at = ConversationStatus.closed, now
    session.flush()
    audit.record(session, actor=by, action="conversation_closed", now=now, client_id=conversation.client_id,
                 object_type="conversation", object_id=conversation.id)


@dataclass(frozen=True)
class Recipient:
    account_id: int
    email: str
    language: str
    is_staff: bool


def _client_side(session: Session, client_id: int, *, carers: bool) -> list[Recipient]:
    """The client's own account, and (with `carers`) the carers allowed their messages."""
    found = [Recipient(a.id, a.email, a.preferred_language, False)
             for a in session.scalars(select(Account).where(Account.client_id == client_id,
                                                            Account.status == AccountStatus.active))]
    if not carers:
        return found
    grants = session.scalars(
        select(CarerAccess).join(Account, Account.id == CarerAccess.carer_account_id)
        .where(CarerAccess.client_id == client_id, CarerAccess.revoked_at.is_(None),
               CarerAccess.accepted_at.is_not(None), Account.status == AccountStatus.active)
        .order_by(CarerAccess.id))
    return found + [Recipient(g.carer.id, g.carer.email, g.carer.preferred_language, False)
                    for g in grants if g.allows(CarerScope.messages)]


def notice_recipients(session: Session, message: Message) -> list[Recipient]:
    """Who is told that there is a new message (never what it says): a worker's message
    goes to the client and the carers allowed their messages; a client's or a carer's to
    the worker the conversation is assigned to, or the whole team while nobody is, and a
    carer's to the client too (it is written on their behalf)."""
    conversation = session.get(Conversation, message.conversation_id)
    if message.author_role == Role.staff.value:
        people = _client_side(session, conversation.client_id, carers=True)
    else:
        assigned = conversation.assigned_to
        workers = ([assigned] if assigned is not None and assigned.status == AccountStatus.active
                   else team_workers(session, conversation.client))
        people = [Recipient(w.id, w.email, w.preferred_language, True) for w in workers]
        if message.author_role == Role.carer.value:
            people += _client_side(session, conversation.client_id, carers=False)
    return [person for person in people if person.account_id != message.author_account_id]
