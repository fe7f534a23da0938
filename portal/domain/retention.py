"""Keeping personal data no longer than needed (UK GDPR storage limitation).

`purge` deletes, as of `now`:
- sent mail older than `outbox_days` (the mail's text can hold a name and a link),
- unfinished form drafts untouched for `draft_days`,
- expired or used invitations older than `invitation_days`,
- feedback free text that staff withheld, `withheld_text_days` after it was given (the
  answers themselves stay: they carry no identity),
- the assistant's grants once expired (they live minutes),
- the questions the assistant could not answer, after 30 days (`unanswered.KEEP_DAYS`),
- conversations whose latest message is older than `message_days`, with their messages
  and read state (messages are append-only for the application; only this purge removes
  them, with Core statements),
- audit events older than `audit_days` (the audit trail is append-only for the application;
  only this scheduled purge removes old events, with a Core statement).
Run daily: `flask --app portal purge`. The numbers are configuration (README).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ..models import (
    AssistantGrant,
    AuditEvent,
    Conversation,
    FeedbackResponse,
    FormDraft,
    FreeTextStatus,
    Invitation,
    Message,
    MessageRead,
    OutboxMessage,
)
from . import unanswered


@dataclass(frozen=True)
class RetentionPolicy:
    outbox_days: int = 30
    draft_days: int = 30
    invitation_days: int = 90
    withheld_text_days: int = 90
    audit_days: int = 8 * 365  # adult social care records guidance: 8 years after care ends
    message_days: int = 8 * 365  # messages are part of the care record


def _purge_conversations(session: Session, before: dt.datetime) -> int:
    old = select(Conversation.id).where(Conversation.last_message_at < before).scalar_subquery()
    session.execute(delete(MessageRead).where(MessageRead.conversation_id.in_(old)))
    session.execute(delete(Message).where(Message.conversation_id.in_(old)))
    return session.execute(delete(Conversation).where(Conversation.last_message_at < before)).rowcount


def purge(session: Session, *, now: dt.datetime, policy: RetentionPolicy) -> dict[str, int]:
    def before(days: int) -> dt.datetime:
        return now - dt.timedelta(days=days)

    counts = {
        "outbox_message": session.execute(
            delete(OutboxMessage).where(OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < before(policy.outbox_days))
        ).rowcount,
        "form_draft": session.execute(delete(FormDraft).where(FormDraft.updated_at < before(policy.draft_days))).rowcount,
        "invitation": session.execute(
            delete(Invitation).where(or_(Invitation.expires_at < before(policy.invitation_days),
                                         Invitation.used_at < before(policy.invitation_days)))
        ).rowcount,
        "withheld_feedback_text": session.execute(
            update(FeedbackResponse)
            .where(FeedbackResponse.free_text_status == FreeTextStatus.withheld,
                   FeedbackResponse.submitted_at < before(policy.withheld_text_days),
                   or_(FeedbackResponse.fft_reason.is_not(None), FeedbackResponse.other_comments.is_not(None)))
            .values(fft_reason=None, other_comments=None)
        ).rowcount,
        "assistant_grant": session.execute(
            delete(AssistantGrant).where(AssistantGrant.expires_at < now)
        ).rowcount,
        "unanswered_question": unanswered.purge(session, today=now.date()),
        "conversation": _purge_conversations(session, before(policy.message_days)),
        "audit_event": session.execute(
            delete(AuditEvent).where(AuditEvent.occurred_at < before(policy.audit_days))
        ).rowcount,
    }
    return counts
