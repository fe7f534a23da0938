"""Configuration from environment variables; the README has the table.

Local crisis numbers are configuration, not code, because the domain notes mark some of
them unconfirmed: a council officer must be able to correct them without a release.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The service's name in English; pages show it translated unless SERVICE_NAME sets another.
DEFAULT_SERVICE_NAME = "Mental health independence and support"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def private_folder(path: str | Path) -> Path:
    """The instance folder: its keys and database are for the portal's own user (0700)."""
    folder = Path(path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def instance_secret(instance_path: str, name: str, make) -> str:
    """A secret made once in the instance folder, readable by the portal's user only (0600).
    Written to a private temporary file and linked into place, so workers starting together
    all read the one that won, never a half-written or a world-readable one."""
    path = private_folder(instance_path) / name
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=path.parent)  # mkstemp: 0600
        try:
            with os.fdopen(fd, "w") as out:
                out.write(make())
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    path.chmod(0o600)  # also tightens a file an older release made 0644
    return path.read_text().strip()


def assistant_grant_key_file(instance_path: str) -> str:
    """Development only: a key made once in the instance folder, which `make run` also
    hands to the action server."""
    from cryptography.fernet import Fernet

    return instance_secret(instance_path, "assistant_grant_key", lambda: Fernet.generate_key().decode())


def load_config(instance_path: str) -> dict:
    """Build the config dict once, at app creation."""
    production = os.environ.get("PORTAL_ENV", "development") == "production"
    private_folder(instance_path)  # keys, the SQLite file and local mail live there
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if production:
            raise RuntimeError("SECRET_KEY must be set when PORTAL_ENV=production")
        secret = instance_secret(instance_path, "secret_key", lambda: secrets.token_urlsafe(48))
    assistant_key = os.environ.get("ASSISTANT_GRANT_KEY")
    if not assistant_key:
        if production:
            raise RuntimeError("ASSISTANT_GRANT_KEY must be set when PORTAL_ENV=production")
        assistant_key = assistant_grant_key_file(instance_path)
    if production and os.environ.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        # memory:// counts per worker: with N workers on M hosts every limit is N × M times looser.
        raise RuntimeError("RATELIMIT_STORAGE_URI must be shared storage (redis://…) when PORTAL_ENV=production")
    default_db = f"sqlite:///{Path(instance_path) / 'portal.sqlite3'}"
    return {
        "PORTAL_ENV": "production" if production else "development",
        "SECRET_KEY": secret,
        "DATABASE_URL": os.environ.get("DATABASE_URL", default_db),
        "COUNCIL_NAME": os.environ.get("COUNCIL_NAME", "Sheffield City Council"),
        "SERVICE_NAME": os.environ.get("SERVICE_NAME", DEFAULT_SERVICE_NAME),
        # A same-origin image (the CSP allows no other) shown before the council's name.
        "COUNCIL_LOGO_URL": os.environ.get("COUNCIL_LOGO_URL", ""),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # Sessions: signed cookie holding only ids; the per-account token is checked in the DB.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_NAME": "mhisf_session",
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 30),
        # However active, a sign-in ends after this long (a stolen cookie dies with it).
        "SESSION_MAX_HOURS": _int("SESSION_MAX_HOURS", 12),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 64 * 1024),
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own idle timeout bounds the token
        "INVITE_VALID_DAYS": 7,
        # Failed sign-ins (and wrong codes): free attempts per email address and per network
        # address, then each further one waits longer (30 s, doubling) up to the maximum.
        "SIGNIN_FREE_FAILURES": _int("SIGNIN_FREE_FAILURES", 5),
        "SIGNIN_ADDRESS_FREE_FAILURES": _int("SIGNIN_ADDRESS_FREE_FAILURES", 50),
        "SIGNIN_MAX_WAIT_MINUTES": _int("SIGNIN_MAX_WAIT_MINUTES", 15),
        "PASSWORD_RESET_MINUTES": _int("PASSWORD_RESET_MINUTES", 60),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_SIGNIN": os.environ.get("RATELIMIT_SIGNIN", "20 per minute"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Mail: an outbox row is written in the same transaction as the change it reports.
        "SMTP_HOST": os.environ.get("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": _int("SMTP_PORT", 8025),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "no-reply@mhisf.invalid"),
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 10),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        "RETENTION_OUTBOX_DAYS": _int("RETENTION_OUTBOX_DAYS", 30),
        "RETENTION_DRAFT_DAYS": _int("RETENTION_DRAFT_DAYS", 30),
        "RETENTION_INVITATION_DAYS": _int("RETENTION_INVITATION_DAYS", 90),
        "RETENTION_WITHHELD_TEXT_DAYS": _int("RETENTION_WITHHELD_TEXT_DAYS", 90),
        "RETENTION_AUDIT_DAYS": _int("RETENTION_AUDIT_DAYS", 2920),
        "RETENTION_MESSAGE_DAYS": _int("RETENTION_MESSAGE_DAYS", 2920),
        # Secure messages: how soon the team replies (working days), said on every messages
        # page; and how many messages one person may send (over it: a clear refusal).
        "MESSAGES_REPLY_WORKING_DAYS": _int("MESSAGES_REPLY_WORKING_DAYS", 3),
        "RATELIMIT_MESSAGES": os.environ.get("RATELIMIT_MESSAGES", "20 per hour"),
        # How often an open conversation's script asks for new messages (seconds).
        "MESSAGES_POLL_SECONDS": float(os.environ.get("MESSAGES_POLL_SECONDS", "20")),
        # Assistant (Rasa REST channel on loopback).
        "RASA_URL": os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        "RASA_TIMEOUT_SECONDS": float(os.environ.get("RASA_TIMEOUT_SECONDS", "3")),
        "CHAT_TURNS_PER_CONVERSATION": _int("CHAT_TURNS_PER_CONVERSATION", 40),
        # Personal answers: the key the action server shares (a Fernet key) and how long a
        # chat's grant lives after the person's latest message.
        "ASSISTANT_GRANT_KEY": assistant_key,
        "ASSISTANT_GRANT_MINUTES": _int("ASSISTANT_GRANT_MINUTES", 5),
        # Crisis lines (see shared domain notes; local ones unconfirmed, hence configurable).
        "CRISIS_LOCAL_LINE_NAME": os.environ.get(
            "CRISIS_LOCAL_LINE_NAME", "Sheffield Mental Health Helpline"
        ),
        "CRISIS_LOCAL_LINE_NUMBER": os.environ.get("CRISIS_LOCAL_LINE_NUMBER", "0808 801 0440"),
        "SAFEGUARDING_PHONE": os.environ.get("SAFEGUARDING_PHONE", ""),
        # How to ask the council's adult social care team for an assessment (empty: not shown).
        "ADULT_SOCIAL_CARE_PHONE": os.environ.get("ADULT_SOCIAL_CARE_PHONE", ""),
        "ADULT_SOCIAL_CARE_EMAIL": os.environ.get("ADULT_SOCIAL_CARE_EMAIL", ""),
        # The council's data protection officer (the privacy notice; empty: not shown).
        "DATA_PROTECTION_EMAIL": os.environ.get("DATA_PROTECTION_EMAIL", ""),
        "HSTS_SECONDS": _int("HSTS_SECONDS", 31536000),
        # Platform limits (penetration test, issue 15). Proxies in front of the portal whose
        # X-Forwarded-For and -Proto are believed (0: none, the address is the peer's own).
        "TRUSTED_PROXY_HOPS": _int("TRUSTED_PROXY_HOPS", 0),
        "CARER_INVITATIONS_PER_DAY": _int("CARER_INVITATIONS_PER_DAY", 5),  # per client, any 24 hours
        "RATELIMIT_CHAT_SESSION": os.environ.get("RATELIMIT_CHAT_SESSION", "20 per minute"),
        "RATELIMIT_CHAT_ADDRESS": os.environ.get("RATELIMIT_CHAT_ADDRESS", "60 per minute"),
        # Chat requests of one process that may wait on the assistant at once; the rest are
        # answered at once with the crisis numbers, so slow replies cannot hold every thread.
        # Keep it below gunicorn's --threads (make run: 4).
        "CHAT_ASSISTANT_CONCURRENCY": _int("CHAT_ASSISTANT_CONCURRENCY", 2),
    }
