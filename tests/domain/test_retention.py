"""Retention: each kind of record goes when its time is up, not a day before (fixed clock)."""
import datetime as dt

from sqlalchemy import func, select

from portal.domain import retention
from portal.models import (
    AuditEvent,
    FeedbackChannel,
    FeedbackResponse,
    FormDraft,
    FreeTextStatus,
    OutboxMessage,
    RespondentType,
)

NOW = dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC)
POLICY = retention.RetentionPolicy(outbox_days=30, draft_days=30, invitation_days=90, withheld_text_days=90, audit_days=365)


def _days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def test_purge_keeps_what_is_inside_its_period_and_removes_the_rest(session):
    session.add_all([
        OutboxMessage(to_address="old@example.org", subject="s", body_text="b", created_at=_days_ago(40), sent_at=_days_ago(31)),
        OutboxMessage(to_address="new@example.org", subject="s", body_text="b", created_at=_days_ago(40), sent_at=_days_ago(29)),
        OutboxMessage(to_address="unsent@example.org", subject="s", body_text="b", created_at=_days_ago(400)),
        AuditEvent(occurred_at=_days_ago(366), action="view_plan"),
        AuditEvent(occurred_at=_days_ago(364), action="view_plan"),
        FeedbackResponse(submission_key="ret-1", submitted_at=_days_ago(91), channel=FeedbackChannel.public_link,
                         respondent_type=RespondentType.client, fft="poor", fft_reason="named a worker",
                         free_text_status=FreeTextStatus.withheld),
        FeedbackResponse(submission_key="ret-2", submitted_at=_days_ago(89), channel=FeedbackChannel.public_link,
                         respondent_type=RespondentType.client, fft="poor", fft_reason="recent",
                         free_text_status=FreeTextStatus.withheld),
    ])
    session.flush()
    drafts_before = session.scalar(select(func.count()).select_from(FormDraft))
    audit_before = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.occurred_at < _days_ago(365)))
    counts = retention.purge(session, now=NOW, policy=POLICY)
    addresses = set(session.scalars(select(OutboxMessage.to_address)))
    assert "old@example.org" not in addresses and {"new@example.org", "unsent@example.org"} <= addresses
    assert counts["audit_event"] == audit_before >= 1
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.occurred_at < _days_ago(365))) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.occurred_at == _days_ago(364))) == 1
    texts = dict(session.execute(select(FeedbackResponse.submission_key, FeedbackResponse.fft_reason)
                                 .where(FeedbackResponse.submission_key.in_(["ret-1", "ret-2"]))).all())
    assert texts == {"ret-1": None, "ret-2": "recent"}
    assert counts["form_draft"] <= drafts_before
    # Running it again finds nothing more to do.
    assert set(retention.purge(session, now=NOW, policy=POLICY).values()) == {0}


def test_purge_command_prints_what_it_removed(app):
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and '"outbox_message"' in result.output
