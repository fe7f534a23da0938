"""Review reminders: the scheduled command queues each reminder once, and the outbox
delivers it to a real (local) SMTP server in the reader's language."""
import datetime as dt
import json

from sqlalchemy import select

from portal.cli import smtp_settings
from portal.db import db
from portal.domain import outbox, plans
from portal.models import Account, OutboxMessage, utcnow


def _demo_client_review(app, demo_accounts):
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == demo_accounts["client"].email))
        plan = plans.current_plan(db.session, account.client_id)
        return plans.open_review(plan).due_on, account.email


def _run(app, day: dt.date) -> dict:
    result = app.test_cli_runner().invoke(args=["review-reminders", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_reminders_are_sent_once_however_often_the_job_runs(app, demo_accounts, smtp_server):
    due_on, email = _demo_client_review(app, demo_accounts)
    four_weeks = due_on - dt.timedelta(days=28)
    first = _run(app, four_weeks)
    assert first["queued"] >= 1
    assert _run(app, four_weeks) == {"queued": 0}
    assert _run(app, four_weeks + dt.timedelta(days=1)) == {"queued": 0}, "the 4-week reminder is not repeated"
    one_week = _run(app, due_on - dt.timedelta(days=7))
    assert one_week["queued"] >= 1
    with app.app_context():
        settings = smtp_settings()
        settings = type(settings)(**{**settings.__dict__, "port": smtp_server.port})
        sent = outbox.send_due(db.session.session_factory, settings, now=utcnow())
        assert sent["failed"] == 0
        assert outbox.send_due(db.session.session_factory, settings, now=utcnow())["sent"] == 0
    mine = [m for m in smtp_server.messages if m["To"] == email]
    assert len(mine) == 2
    assert all(m["Subject"] == "Your support review is due soon" for m in mine)
    bodies = [m.get_content() for m in mine]
    assert any("in 4 weeks" in b for b in bodies) and any("in 1 week" in b for b in bodies)
    assert all(f"{due_on.year}" in b and "/en/reviews" in b for b in bodies)


def test_no_reminder_outside_the_windows(app, demo_accounts):
    due_on, email = _demo_client_review(app, demo_accounts)
    _run(app, due_on - dt.timedelta(days=40))
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == email,
                                                             OutboxMessage.dedupe_key.like("review-reminder:%"))) is None
