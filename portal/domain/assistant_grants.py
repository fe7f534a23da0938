"""Short-lived grants that let the assistant answer "when is my next review?" for the
person signed in, without Rasa ever holding anything that opens their record.

With each message from a signed-in client or carer the portal issues a random token for
that chat and that client, keeps only its hash, and sends the token to Rasa encrypted
(`seal`) with a key only the portal and the action server hold. The action server
decrypts it and presents it with the chat's sender id; `holder` checks both. A new message
replaces the chat's grant; signing out, or the account being disabled, ends it
(accounts.sign_out_everywhere).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from cryptography.fernet import Fernet
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import Account, AccountStatus, AssistantGrant, Role
from .carers import people_supported


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def client_for(session: Session, account: Account, acting_for: int | None) -> tuple[bool, int | None]:
    """(may have a grant, whose record). A carer speaks for the person whose pages they
    last opened (`acting_for`), or for their only one; a carer of several who has opened
    nobody's pages gets a grant without a client, so the assistant can ask them to."""
    if account.role == Role.client and account.client_id is not None:
        return True, account.client_id
    if account.role == Role.carer:
        supported = [access.client_id for access in people_supported(session, account)]
        if acting_for in supported:
            return True, acting_for
        if supported:
            return True, supported[0] if len(supported) == 1 else None
    return False, None


def issue(session: Session, *, chat_id: str, account: Account, now: dt.datetime, minutes: int,
          acting_for: int | None = None) -> str | None:
    """A fresh token for this chat (replacing any earlier one), or None for an account the
    assistant has nothing personal to say to (staff, commissioners, administrators)."""
    allowed, client_id = client_for(session, account, acting_for)
    chat_hash = _hash(chat_id)
    session.execute(delete(AssistantGrant).where(AssistantGrant.chat_hash == chat_hash))
    if not allowed:
        return None
    token = secrets.token_urlsafe(32)
    session.add(AssistantGrant(token_hash=_hash(token), chat_hash=chat_hash, account_id=account.id,
                               client_id=client_id, expires_at=now + dt.timedelta(minutes=minutes)))
    return token


@dataclass(frozen=True)
class GrantHolder:
    account: Account
    client_id: int | None


def holder(session: Session, *, token: str, chat_id: str, now: dt.datetime) -> GrantHolder | None:
    """Who a presented token speaks for, if it is live, was issued for this chat, and its
    account is still active; None otherwise (the caller cannot tell which)."""
    grant = session.scalar(select(AssistantGrant).where(AssistantGrant.token_hash == _hash(token)))
    if grant is None or grant.expires_at <= now or not secrets.compare_digest(grant.chat_hash, _hash(chat_id)):
        return None
    account = session.get(Account, grant.account_id)
    if account is None or account.status != AccountStatus.active:
        return None
    return GrantHolder(account=account, client_id=grant.client_id)


def seal(token: str, key: str) -> str:
    """The token as it travels in Rasa's metadata (and stays in its tracker store)."""
    return Fernet(key.encode()).encrypt(token.encode()).decode()

