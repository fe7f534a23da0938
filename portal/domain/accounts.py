"""Accounts: passwords, invitation and reset links, sign-in with a throttle, sessions.

Plain functions over a Session; they flush but never commit (the caller owns the
transaction). Results carry codes, not sentences: the views translate them.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, Signer
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from ..models import (
    Account,
    AccountStatus,
    AssistantGrant,
    Client,
    FormDraft,
    Invitation,
    LinkPurpose,
    Role,
    SignInSession,
    SignInThrottle,
    Team,
)
from ..models.base import insert_or_update

# OWASP minimum for argon2id: m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# A real hash to verify against when the email is unknown, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
# zxcvbn's score: 3 is "safely unguessable" (about 10^8 guesses or more).
MIN_PASSWORD_SCORE = 3
# Joiners that some scripts need (Persian and Urdu type ZWNJ inside words): allowed, not counted.
_JOINERS = {"\u200c", "\u200d"}


class PasswordProblem(enum.StrEnum):
    too_short = "too_short"
    too_long = "too_long"
    only_spaces = "only_spaces"
    invisible_characters = "invisible_characters"
    too_common = "too_common"
    about_you = "about_you"  # the person's name or email, the council's or the service's
    too_easy = "too_easy"


class SignInFailure(enum.StrEnum):
    bad_credentials = "bad_credentials"  # same answer for unknown email and wrong password
    wait = "wait"  # too many attempts: the same for every address, whether it has an account or not


class InvitationProblem(enum.StrEnum):
    invalid = "invalid"
    expired = "expired"
    used = "used"
    replaced = "replaced"  # a newer link was sent


class AccountAlreadyActive(Exception):
    """An invitation can only set a first password."""


# -- Passwords (NIST SP 800-63B: length and a check against guessable ones, no composition rules)


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships a frequency-ranked list of leaked passwords (30,000 entries).
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_password(password: str) -> str:
    """NFKC, as NIST asks: the same password typed on another keyboard is the same password."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return _hasher.hash(normalise_password(password))


def _invisible(ch: str) -> bool:
    # Control (NUL, tab, newline), format (bidi marks and overrides, zero-width space),
    # surrogates, and line or paragraph separators.
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} and ch not in _JOINERS


def words_about(*, display_name: str = "", email: str = "", council: str = "", service: str = "") -> list[str]:
    """What a password must not be built from: the person's name and email, the council and
    the service, whole and word by word."""
    words = []
    for text in (display_name, normalise_email(email), council, service):
        if text:
            words.append(text.lower())
            words.extend(w for w in re.split(r"[\s.@_+\-]+", text.lower()) if len(w) >= 3)
    return words


def password_problem(password: str, *, about: Iterable[str] = ()) -> PasswordProblem | None:
    if any(_invisible(ch) for ch in password):
        return PasswordProblem.invisible_characters
    password = normalise_password(password)
    if len(password) > MAX_PASSWORD_LENGTH:
        return PasswordProblem.too_long
    if len([ch for ch in password if ch not in _JOINERS and not 0xFE00 <= ord(ch) <= 0xFE0F]) < MIN_PASSWORD_LENGTH:
        return PasswordProblem.too_short
    if not password.strip():
        return PasswordProblem.only_spaces
    about = [word for word in about if word]
    lowered = password.lower()
    if lowered in _common_passwords():
        return PasswordProblem.too_common
    if lowered.strip() in about:
        return PasswordProblem.about_you
    from zxcvbn import zxcvbn

    found = zxcvbn(password[:100], user_inputs=about)  # its time grows with length; 100 is plenty
    about_you = sum(len(match["token"]) for match in found["sequence"] if match.get("dictionary_name") == "user_inputs")
    if about_you * 2 >= len(password[:100]):  # mostly names: guessable by anyone who knows them
        return PasswordProblem.about_you
    if found["score"] >= MIN_PASSWORD_SCORE:
        return None
    if about_you:
        return PasswordProblem.about_you
    if any(match.get("dictionary_name") == "passwords" for match in found["sequence"]):
        return PasswordProblem.too_common
    return PasswordProblem.too_easy


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _verify_password(account: Account, password: str) -> bool:
    normalised = normalise_password(password)
    if _verify(account.password_hash, normalised):
        return True
    # Passwords set before NFKC was applied were hashed as typed.
    if normalised != password and _verify(account.password_hash, password):
        account.password_hash = hash_password(password)
        return True
    return False


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# -- Links: invitations and password resets -----------------------------------------------

_SALTS = {LinkPurpose.invitation: "invitation", LinkPurpose.password_reset: "password-reset"}


@dataclass
class NewInvitation:
    account: Account
    link_token: str  # goes in the mailed link only; the database keeps its hash


def retire_links(session: Session, account: Account, now: dt.datetime, *, keep: Invitation | None = None) -> None:
    """Every unused link of the account stops working (but `keep`)."""
    statement = update(Invitation).where(Invitation.account_id == account.id, Invitation.used_at.is_(None),
                                         Invitation.retired_at.is_(None))
    if keep is not None:
        statement = statement.where(Invitation.id != keep.id)
    session.execute(statement.values(retired_at=now))


def _new_link(session: Session, account: Account, purpose: LinkPurpose, *, secret_key: str, now: dt.datetime,
              valid_for: dt.timedelta, sent_by: Account | None = None) -> str:
    """A new signed single-use link; the account's older links are retired, so only the
    newest one works."""
    retire_links(session, account, now)
    raw = secrets.token_urlsafe(32)
    session.add(Invitation(
        account_id=account.id, purpose=purpose, token_hash=_token_hash(raw),
        invited_by_account_id=sent_by.id if sent_by else None, created_at=now, expires_at=now + valid_for,
    ))
    session.flush()
    return Signer(secret_key, salt=_SALTS[purpose]).sign(raw).decode()


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
    """Create (or re-invite) an account in status invited, with a signed single-use link.
    Re-inviting retires the earlier links. An account that can already sign in is never
    invited again: a link would let whoever holds it set a new password."""
    email = normalise_email(email)
    account = session.scalar(select(Account).where(Account.email == email))
    if account is None:
        account = Account(
            email=email,
            display_name=display_name,
            role=role,
            status=AccountStatus.invited,
            client=client,
            team=team,
            preferred_language=preferred_language,
        )
        session.add(account)
        session.flush()
    elif account.status != AccountStatus.invited:
        raise AccountAlreadyActive(email)
    token = _new_link(session, account, LinkPurpose.invitation, secret_key=secret_key, now=now,
                      valid_for=dt.timedelta(days=valid_days), sent_by=invited_by)
    return NewInvitation(account, token)


def find_link(
    session: Session, *, secret_key: str, link_token: str, now: dt.datetime,
    purpose: LinkPurpose = LinkPurpose.invitation,
) -> Invitation | InvitationProblem:
    try:
        raw = Signer(secret_key, salt=_SALTS[purpose]).unsign(link_token.encode()).decode()
    except (BadSignature, UnicodeError, ValueError):
        return InvitationProblem.invalid
    link = session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(raw)))
    if link is None or link.purpose != purpose or link.account.status == AccountStatus.disabled:
        return InvitationProblem.invalid
    if link.used_at is not None:
        return InvitationProblem.used
    if link.retired_at is not None:
        return InvitationProblem.replaced
    if link.expires_at <= now:
        return InvitationProblem.expired
    # An invitation only ever sets a first password; a reset only for an account in use.
    if purpose == LinkPurpose.invitation and link.account.status != AccountStatus.invited:
        return InvitationProblem.used
    if purpose == LinkPurpose.password_reset and link.account.status != AccountStatus.active:
        return InvitationProblem.invalid
    return link


def find_invitation(session: Session, *, secret_key: str, link_token: str, now: dt.datetime) -> Invitation | InvitationProblem:
    return find_link(session, secret_key=secret_key, link_token=link_token, now=now, purpose=LinkPurpose.invitation)


def _spend(session: Session, link: Invitation, now: dt.datetime) -> bool:
    """Mark the link used, once: of two requests at once with the same link, one wins."""
    spent = session.execute(
        update(Invitation)
        .where(Invitation.id == link.id, Invitation.used_at.is_(None), Invitation.retired_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if spent != 1:
        return False
    retire_links(session, link.account, now, keep=link)
    return True


def accept_invitation(session: Session, invitation: Invitation, password: str, now: dt.datetime) -> Account | None:
    """Set the first password and activate the account; spends the invitation and retires
    every other link of the account. None when the link was spent meanwhile."""
    account = invitation.account
    if account.status != AccountStatus.invited or not _spend(session, invitation, now):
        return None
    account.password_hash = hash_password(password)
    account.status = AccountStatus.active
    session.flush()
    return account


def request_password_reset(
    session: Session, *, secret_key: str, email: str, now: dt.datetime, valid_for: dt.timedelta,
    throttle: Throttle,
) -> NewInvitation | None:
    """A reset link for an account in use, or None (unknown address, not yet active,
    disabled, or too many links asked for lately). The caller answers the same either way."""
    email = normalise_email(email)
    key = throttle_key("reset", email)
    # Every request counts, not only failures; past the free ones no mail goes.
    if throttle_wait(session, [key], now) or record_attempt(session, key, throttle, now):
        return None
    account = session.scalar(select(Account).where(Account.email == email))
    if account is None or account.status != AccountStatus.active:
        return None
    token = _new_link(session, account, LinkPurpose.password_reset, secret_key=secret_key, now=now, valid_for=valid_for)
    return NewInvitation(account, token)


def reset_password(session: Session, link: Invitation, password: str, now: dt.datetime) -> Account | None:
    """Set the new password from a reset link: the link is spent, every other link retired,
    and every session ends (so do the assistant's grants). None when spent meanwhile."""
    if link.purpose != LinkPurpose.password_reset or not _spend(session, link, now):
        return None
    account = link.account
    account.password_hash = hash_password(password)
    sign_out_everywhere(session, account)
    return account


# -- Throttle: slower and slower attempts, counted in the database ---------------------------


@dataclass(frozen=True)
class Throttle:
    """`free` attempts, then each further one makes the next wait: `first_wait`, doubling,
    at most `max_wait`. Counts are forgotten `forget_after` the last attempt."""

    free: int
    max_wait: dt.timedelta
    first_wait: dt.timedelta = dt.timedelta(seconds=30)
    forget_after: dt.timedelta = dt.timedelta(days=1)


def throttle_key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def throttle_wait(session: Session, keys: Iterable[str], now: dt.datetime) -> int:
    """Seconds to wait before the next attempt with any of `keys` (0: go ahead)."""
    until = session.scalars(select(SignInThrottle.blocked_until).where(
        SignInThrottle.key.in_(list(keys)), SignInThrottle.blocked_until > now)).all()
    return max((int((moment - now).total_seconds()) + 1 for moment in until), default=0)


def record_attempt(session: Session, key: str, throttle: Throttle, now: dt.datetime) -> bool:
    """Count one more attempt against `key` (atomically, on both databases), and block the
    next ones for a while once past the free attempts. True when this one was past them."""
    session.execute(delete(SignInThrottle).where(SignInThrottle.last_failure_at < now - throttle.forget_after))
    statement = insert_or_update(session, SignInThrottle).values(key=key, failures=1, last_failure_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=["key"],
        set_={"failures": SignInThrottle.failures + 1, "last_failure_at": now},
    ))
    failures = session.scalar(select(SignInThrottle.failures).where(SignInThrottle.key == key))
    if failures > throttle.free:
        wait = min(throttle.first_wait * 2 ** min(failures - throttle.free - 1, 20), throttle.max_wait)
        session.execute(update(SignInThrottle).where(SignInThrottle.key == key).values(blocked_until=now + wait))
    return failures > throttle.free


def clear_throttle(session: Session, key: str) -> None:
    session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))


# -- Signing in ----------------------------------------------------------------------------


@dataclass
class SignInResult:
    account: Account | None
    failure: SignInFailure | None = None
    wait_seconds: int = 0


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    address: str,
    now: dt.datetime,
    per_email: Throttle,
    per_address: Throttle,
) -> SignInResult:
    """Check the password (the first step). Failures are counted per email address
    (whether or not it has an account, so the answer never tells) and per network
    address; past the free attempts the next one waits, longer each time."""
    email = normalise_email(email)
    throttles = {throttle_key("email", email): per_email, throttle_key("address", address or ""): per_address}
    wait = throttle_wait(session, throttles, now)
    if wait:
        return SignInResult(None, SignInFailure.wait, wait)
    account = session.scalar(select(Account).where(Account.email == email))
    if account is None or account.password_hash is None or account.status != AccountStatus.active:
        _verify(_DUMMY_HASH, password)
        account = None
    elif not _verify_password(account, password):
        account = None
    if account is None:
        for key, throttle in throttles.items():
            record_attempt(session, key, throttle, now)
        return SignInResult(None, SignInFailure.bad_credentials)
    clear_throttle(session, throttle_key("email", email))
    account.last_signin_at = now
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    session.flush()
    return SignInResult(account)


# -- Sessions: one row per sign-in, its token only in the browser's cookie ------------------


def open_session(session: Session, account: Account, *, now: dt.datetime, second_factor_done: bool,
                 max_age: dt.timedelta) -> str:
    """A fresh token for a new sign-in (never one from before); sessions past their lifetime
    are cleared away. Returns the token for the cookie."""
    session.execute(delete(SignInSession).where(SignInSession.started_at < now - max_age))
    raw = secrets.token_urlsafe(32)
    session.add(SignInSession(account_id=account.id, token_hash=_token_hash(raw), started_at=now,
                              second_factor_at=now if second_factor_done else None))
    session.flush()
    return raw


def session_for(session: Session, raw_token: str) -> SignInSession | None:
    if not isinstance(raw_token, str) or not raw_token or len(raw_token) > 100:
        return None
    return session.scalar(select(SignInSession).options(joinedload(SignInSession.account))
                          .where(SignInSession.token_hash == _token_hash(raw_token)))


def pass_second_step(session: Session, pending: SignInSession, *, now: dt.datetime, max_age: dt.timedelta) -> str:
    """The second step passed: the half-open session is replaced by a full one with a new
    token (the cookie from before the code never opens anything)."""
    account = pending.account
    session.delete(pending)
    session.flush()
    return open_session(session, account, now=now, second_factor_done=True, max_age=max_age)


def sign_out_everywhere(session: Session, account: Account) -> None:
    """End every session of the account, and every grant the assistant holds for it."""
    session.execute(delete(SignInSession).where(SignInSession.account_id == account.id))
    session.execute(delete(AssistantGrant).where(AssistantGrant.account_id == account.id))
    session.flush()


def disable(session: Session, account: Account) -> None:
    account.status = AccountStatus.disabled
    sign_out_everywhere(session, account)


# -- Answers kept when a session ended before a form was sent -------------------------------

KEPT_ANSWERS = "kept_answers"
KEEP_ANSWERS_FOR = dt.timedelta(days=1)


def keep_answers(session: Session, account: Account, *, path: str, fields: list[tuple[str, str]], now: dt.datetime) -> None:
    """Keep what someone posted after their session had ended (server-side, never in the
    cookie), to offer it back after they sign in. One set per account: the latest."""
    draft = session.scalar(select(FormDraft).where(FormDraft.account_id == account.id, FormDraft.kind == KEPT_ANSWERS))
    if draft is None:
        draft = FormDraft(account_id=account.id, kind=KEPT_ANSWERS, submission_key=secrets.token_hex(16))
        session.add(draft)
    draft.answers = {"path": path, "fields": [[name, value] for name, value in fields]}
    draft.updated_at = now
    session.flush()


def kept_answers(session: Session, account: Account, now: dt.datetime) -> FormDraft | None:
    draft = session.scalar(select(FormDraft).where(FormDraft.account_id == account.id, FormDraft.kind == KEPT_ANSWERS))
    if draft is None or draft.updated_at < now - KEEP_ANSWERS_FOR:
        return None
    return draft
