"""Mail goes through the outbox to a real (local) SMTP server; an outage loses nothing."""
import datetime as dt
import socket

from sqlalchemy import select

from portal.db import db
from portal.domain import outbox
from portal.models import OutboxMessage, utcnow


def _settings(port):
    return outbox.SmtpSettings(host="127.0.0.1", port=port, mail_from="portal@example.org", timeout=2)


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_queued_mail_is_sent_once(session, smtp_server):
    now = utcnow()
    outbox.queue_mail(session, to="a@example.org", subject="Your review", body="Hello", now=now)
    session.commit()
    factory = db.session.session_factory
    assert outbox.send_due(factory, _settings(smtp_server.port), now=now) == {"sent": 1, "failed": 0}
    assert outbox.send_due(factory, _settings(smtp_server.port), now=now) == {"sent": 0, "failed": 0}
    assert [m["Subject"] for m in smtp_server.messages] == ["Your review"]
    assert smtp_server.messages[0]["To"] == "a@example.org"


def test_smtp_down_keeps_mail_until_it_returns(session, smtp_server):
    now = utcnow()
    outbox.queue_mail(session, to="b@example.org", subject="Invitation", body="Hello", now=now)
    session.commit()
    factory = db.session.session_factory
    assert outbox.send_due(factory, _settings(_closed_port()), now=now) == {"sent": 0, "failed": 1}
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "b@example.org"))
    session.refresh(message)
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    session.commit()  # end this read so the sender can take SQLite's write lock
    # Not retried before its back-off has passed …
    assert outbox.send_due(factory, _settings(smtp_server.port), now=now) == {"sent": 0, "failed": 0}
    # … then delivered exactly once.
    later = now + dt.timedelta(minutes=2)
    assert outbox.send_due(factory, _settings(smtp_server.port), now=later) == {"sent": 1, "failed": 0}
    assert outbox.send_due(factory, _settings(smtp_server.port), now=later) == {"sent": 0, "failed": 0}
    assert len(smtp_server.messages) == 1


def test_dedupe_key_queues_a_mail_once(session):
    now = utcnow()
    first = outbox.queue_mail(session, to="c@example.org", subject="s", body="b", now=now, dedupe_key="review:1:4w")
    second = outbox.queue_mail(session, to="c@example.org", subject="s", body="b", now=now, dedupe_key="review:1:4w")
    assert first is not None and second is None
    assert len(session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == "review:1:4w")).all()) == 1


def test_a_leased_message_is_not_sent_by_a_second_sender(session, smtp_server):
    now = utcnow()
    message = outbox.queue_mail(session, to="d@example.org", subject="s", body="b", now=now)
    message.claimed_until = now + dt.timedelta(minutes=5)  # another sender holds it
    session.commit()
    factory = db.session.session_factory
    assert outbox.send_due(factory, _settings(smtp_server.port), now=now) == {"sent": 0, "failed": 0}
    assert smtp_server.messages == []


def test_a_sent_mail_keeps_no_subject_or_body_and_its_dedupe_key_still_holds(session, smtp_server):
    now = utcnow()
    outbox.queue_mail(session, to="d@example.org", subject="Set your password", body="/en/invitation/secret-token",
                      now=now, dedupe_key="invite:d")
    session.commit()
    factory = db.session.session_factory
    assert outbox.send_due(factory, _settings(smtp_server.port), now=now) == {"sent": 1, "failed": 0}
    assert "/en/invitation/secret-token" in smtp_server.messages[0].get_content()
    session.expire_all()
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == "invite:d"))
    assert message.sent_at is not None and (message.subject, message.body_text) == ("", "")
    assert outbox.queue_mail(session, to="d@example.org", subject="s", body="b", now=now, dedupe_key="invite:d") is None


def test_a_mail_given_up_keeps_no_body(session):
    now = utcnow()
    outbox.queue_mail(session, to="e@example.org", subject="Set your password", body="/en/invitation/t", now=now)
    session.commit()
    factory = db.session.session_factory
    assert outbox.send_due(factory, _settings(_closed_port()), now=now, max_attempts=1) == {"sent": 0, "failed": 1}
    session.expire_all()
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "e@example.org"))
    assert message.sent_at is None and message.attempts == 1 and message.body_text == ""
