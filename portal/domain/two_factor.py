"""Two-step sign-in: a time-based one-time code (TOTP, RFC 6238) from an authenticator app,
or one of ten single-use recovery codes.

Required for staff, commissioners and administrators (they read many people's records: the
NHS Data Security and Protection Toolkit expects it); clients and carers may turn it on.
The shared secret is kept encrypted with a key derived from SECRET_KEY; recovery codes only
as hashes. Plain functions over a Session; they flush but never commit.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import struct
import urllib.parse
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..models import Account, RecoveryCode, Role

STEP_SECONDS = 30
DIGITS = 6
# A code from the step before or after is accepted too: phones' clocks drift.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_LENGTH = 10

REQUIRED_FOR = frozenset({Role.staff, Role.commissioner, Role.admin})


def required(account: Account) -> bool:
    return account.role in REQUIRED_FOR


def is_on(account: Account) -> bool:
    return account.totp_confirmed_at is not None


def asks_for_second_step(account: Account) -> bool:
    """Whether a password alone does not sign this account in."""
    return is_on(account) or required(account)


@cache
def _cipher(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mhisf two-step secret").derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    """160 random bits, in base32 as authenticator apps take it."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def code_at(secret: str, step: int, digits: int = DIGITS) -> str:
    """RFC 4226 HOTP of the step: HMAC-SHA1, dynamic truncation, the last `digits` digits."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def step_of(now: dt.datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def setup_uri(secret: str, *, account_email: str, issuer: str) -> str:
    """The otpauth:// address a QR code carries (Google Authenticator's key URI format)."""
    label = urllib.parse.quote(f"{issuer}:{account_email}")
    query = urllib.parse.urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"


def secret_of(account: Account, secret_key: str) -> str | None:
    if account.totp_secret is None:
        return None
    try:
        return _cipher(secret_key).decrypt(account.totp_secret.encode()).decode()
    except InvalidToken:  # SECRET_KEY changed: the app must be set up again
        return None


def pending_secret(session: Session, account: Account, *, secret_key: str) -> str:
    """The secret being set up (made once, so reloading the page shows the same QR code)."""
    if is_on(account):
        raise ValueError("two-step sign-in is already on")
    secret = secret_of(account, secret_key)
    if secret is None:
        secret = new_secret()
        account.totp_secret = encrypt_secret(secret, secret_key)
        account.totp_last_step = None
        session.flush()
    return secret


def encrypt_secret(secret: str, secret_key: str) -> str:
    return _cipher(secret_key).encrypt(secret.encode()).decode()


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace() and ch != "-")


def _matching_step(account: Account, secret: str, code: str, now: dt.datetime) -> int | None:
    code = _digits(code)
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    current = step_of(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        # Never a step at or before the last one accepted: a code works once.
        if account.totp_last_step is not None and step <= account.totp_last_step:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def check_code(session: Session, account: Account, code: str, *, secret_key: str, now: dt.datetime) -> bool:
    """A code from the app (once on, or while setting up); spends its time step."""
    secret = secret_of(account, secret_key)
    step = None if secret is None else _matching_step(account, secret, code, now)
    if step is None:
        return False
    account.totp_last_step = step
    session.flush()
    return True


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(_digits(code).lower().encode()).hexdigest()


def new_recovery_codes(session: Session, account: Account) -> list[str]:
    """Ten fresh codes (any older ones stop working), shown to the person once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(account_id=account.id, code_hash=_recovery_hash(raw)))
    session.flush()
    return codes


def use_recovery_code(session: Session, account: Account, code: str, *, now: dt.datetime) -> bool:
    """Spend one recovery code; the update only succeeds once, even for two requests at once."""
    if not is_on(account) or len(_digits(code)) != _RECOVERY_LENGTH:
        return False
    spent = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.account_id == account.id, RecoveryCode.code_hash == _recovery_hash(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    return spent == 1


def recovery_codes_left(session: Session, account: Account) -> int:
    return session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.account_id == account.id, RecoveryCode.used_at.is_(None)))


def confirm(session: Session, account: Account, code: str, *, secret_key: str, now: dt.datetime) -> list[str] | None:
    """Turn two-step sign-in on once the person typed a code from the app they set up:
    returns the recovery codes to show once, or None when the code is wrong."""
    if is_on(account) or not check_code(session, account, code, secret_key=secret_key, now=now):
        return None
    account.totp_confirmed_at = now
    return new_recovery_codes(session, account)


def turn_off(session: Session, account: Account) -> None:
    """Forget the app and the recovery codes (a client or carer choosing so, or an
    administrator's reset for someone who lost both)."""
    account.totp_secret = None
    account.totp_confirmed_at = None
    account.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    session.flush()
