"""Accounts: passwords, invitations, sign-in with lock-out, server-side sign-out.

Plain functions over a Session; they flush but never commit (the caller owns the
transaction). Results carry codes, not sentences: the views translate them.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, Signer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import Account, AccountStatus, AssistantGrant, Client, Invitation, Role, Team

# OWASP minimum for argon2id: m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# A real hash to verify against when the email is unknown, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


class PasswordProblem(enum.StrEnum):
    too_short = "too_short"
    too_long = "too_long"
    too_common = "too_common"


class SignInFailure(enum.StrEnum):
    bad_credentials = "bad_credentials"  # same answer for unknown email and wrong password
    locked = "locked"


class InvitationProblem(enum.StrEnum):
    invalid = "invalid"
    expired = "expired"
    used = "used"


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships a frequency-ranked list of leaked passwords (30,000 entries).
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str, *, email: str = "") -> PasswordProblem | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return PasswordProblem.too_short
    if len(password) > MAX_PASSWORD_LENGTH:
        return PasswordProblem.too_long
    lowered = password.lower()
    if lowered in _common_passwords() or (email and lowered == normalise_email(email)):
        return PasswordProblem.too_common
    return None


def new_session_token() -> str:
    return secrets.token_hex(32)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class NewInvitation:
    account: Account
    link_token: str  # goes in the mailed link only; the database keeps its hash


def invite(
    session: Session,
    *,
    secret_key: str,
    email: str,
    display_name: str,
    role: Role,
    invited_by: Account | None,
    now: dt.datetime,
    valid_days: int = 7,
    client: Client | None = None,
    team: Team | None = None,
    preferred_language: str = "en",
) -> NewInvitation:
    """Create (or re-invite) an account in status invited, with a signed single-use link."""
    email = normalise_email(email)
    account = session.scalar(select(Account).where(Account.email == email))
    if account is None:
        account = Account(
            email=email,
            display_name=display_name,
            role=role,
            status=AccountStatus.invited,
            session_token=new_session_token(),
            client=client,
            team=team,
            preferred_language=preferred_language,
        )
        session.add(account)
        session.flush()
    raw = secrets.token_urlsafe(32)
    session.add(
        Invitation(
            account_id=account.id,
            token_hash=_token_hash(raw),
            invited_by_account_id=invited_by.id if invited_by else None,
            created_at=now,
            expires_at=now + dt.timedelta(days=valid_days),
        )
    )
    session.flush()
    return NewInvitation(account, Signer(secret_key, salt="invitation").sign(raw).decode())


def find_invitation(
    session: Session, *, secret_key: str, link_token: str, now: dt.datetime
) -> Invitation | InvitationProblem:
    try:
        raw = Signer(secret_key, salt="invitation").unsign(link_token.encode()).decode()
    except (BadSignature, UnicodeError, ValueError):
        return InvitationProblem.invalid
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(raw)))
    if invitation is None:
        return InvitationProblem.invalid
    if invitation.used_at is not None:
        return InvitationProblem.used
    if invitation.expires_at <= now:
        return InvitationProblem.expired
    if invitation.account.status == AccountStatus.disabled:
        return InvitationProblem.invalid
    return invitation


def accept_invitation(session: Session, invitation: Invitation, password: str, now: dt.datetime) -> Account:
    """Set the password, activate the account and spend the invitation (single use)."""
    account = invitation.account
    account.password_hash = hash_password(password)
    account.status = AccountStatus.active
    account.session_token = new_session_token()
    account.failed_signins = 0
    account.locked_until = None
    invitation.used_at = now
    session.flush()
    return account


@dataclass
class SignInResult:
    account: Account | None
    failure: SignInFailure | None = None


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    now: dt.datetime,
    max_failures: int,
    lock_minutes: int,
) -> SignInResult:
    account = session.scalar(select(Account).where(Account.email == normalise_email(email)))
    if account is None or account.password_hash is None or account.status != AccountStatus.active:
        _verify(_DUMMY_HASH, password)
        return SignInResult(None, SignInFailure.bad_credentials)
    if account.locked_until is not None and account.locked_until > now:
        # Locked accounts still cost a hash, and say "locked" whatever the password.
        _verify(_DUMMY_HASH, password)
        return SignInResult(None, SignInFailure.locked)
    if not _verify(account.password_hash, password):
        account.failed_signins += 1
        if account.failed_signins >= max_failures:
            account.locked_until = now + dt.timedelta(minutes=lock_minutes)
            account.failed_signins = 0
            session.flush()
            return SignInResult(None, SignInFailure.locked)
        session.flush()
        return SignInResult(None, SignInFailure.bad_credentials)
    account.failed_signins = 0
    account.locked_until = None
    account.last_signin_at = now
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    session.flush()
    return SignInResult(account)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_out_everywhere(session: Session, account: Account) -> None:
    """Rotate the session token: every cookie holding the old one stops working, and so
    does every grant the assistant holds for this account."""
    account.session_token = new_session_token()
    session.execute(delete(AssistantGrant).where(AssistantGrant.account_id == account.id))
    session.flush()


def disable(session: Session, account: Account) -> None:
    account.status = AccountStatus.disabled
    sign_out_everywhere(session, account)
