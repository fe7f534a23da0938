"""Mail through an outbox: queued in the caller's transaction, sent by `send_due`.

A row is leased before sending and marked sent afterwards, so two senders never send the
same row and an SMTP outage only delays mail: the row waits and is retried with back-off.
Once a mail is sent (or given up) its subject and body are cleared: they hold links with
single-use tokens, and nothing needs them after delivery.
"""
from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import OutboxMessage

LEASE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    mail_from: str
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10.0


def queue_mail(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    now: dt.datetime,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue a mail. With a dedupe key, a second call for the same key queues nothing."""
    if dedupe_key is not None:
        existing = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return None
        try:
            with session.begin_nested():
                message = OutboxMessage(
                    to_address=to, subject=subject, body_text=body, created_at=now,
                    send_after=now, dedupe_key=dedupe_key,
                )
                session.add(message)
        except IntegrityError:  # another transaction queued the same key first
            return None
        return message
    message = OutboxMessage(to_address=to, subject=subject, body_text=body, created_at=now, send_after=now)
    session.add(message)
    session.flush()
    return message


def _claim(session: Session, message_id: int, now: dt.datetime) -> bool:
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + LEASE)
    )
    return claimed.rowcount == 1


def send_due(session_factory, smtp: SmtpSettings, *, now: dt.datetime, limit: int = 100, max_attempts: int = 10) -> dict:
    """Send what is due. Each message is claimed, sent and marked in short transactions of
    its own. Returns counts {"sent": n, "failed": n}."""
    from ..db import writing

    sent = failed = 0
    with session_factory() as session:
        due_ids = session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.send_after <= now,
                OutboxMessage.attempts < max_attempts,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
    for message_id in due_ids:
        with writing(), session_factory() as session, session.begin():
            if not _claim(session, message_id, now):
                continue
        with session_factory() as session:
            message = session.get(OutboxMessage, message_id)
            error = _deliver(smtp, message)
        with writing(), session_factory() as session, session.begin():
            message = session.get(OutboxMessage, message_id)
            message.claimed_until = None
            message.attempts += 1
            if error is None:
                message.sent_at = now
                message.last_error = None
                sent += 1
            else:
                message.last_error = error[:500]
                # Back off: 1, 2, 4 … minutes, at most an hour.
                message.send_after = now + dt.timedelta(minutes=min(60, 2 ** (message.attempts - 1)))
                failed += 1
            if error is None or message.attempts >= max_attempts:
                # Sent, or given up: the words (and any link's token) are needed no longer.
                # The row stays until the purge, so its dedupe key still queues nothing twice.
                message.subject = message.body_text = ""
    return {"sent": sent, "failed": failed}


def _deliver(smtp: SmtpSettings, message: OutboxMessage) -> str | None:
    mail = EmailMessage()
    mail["From"] = smtp.mail_from
    mail["To"] = message.to_address
    mail["Subject"] = message.subject
    # A stable Message-ID per outbox row lets a receiving system drop a rare resend.
    mail["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="mhisf.invalid")
    mail.set_content(message.body_text)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
            if smtp.starttls:
                client.starttls()
            if smtp.username:
                client.login(smtp.username, smtp.password)
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None
