"""Providers, arrangement change requests, feedback, the outbox and the audit trail."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .people import Client
from .plans import Arrangement


class Provider(Base):
    """A framework provider (the tender's two lots are the two levels)."""

    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    levels: Mapped[list] = mapped_column(default=list)  # [1], [2] or [1, 2]
    languages: Mapped[list] = mapped_column(default=list)  # language codes spoken
    communities: Mapped[list] = mapped_column(default=list)
    areas: Mapped[list] = mapped_column(default=list)
    accepting_new_clients: Mapped[bool] = mapped_column(default=True)
    typical_wait_weeks: Mapped[int | None]
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RequestStatus(enum.StrEnum):
    requested = "requested"
    in_discussion = "in_discussion"
    agreed = "agreed"
    declined = "declined"


class ArrangementRequest(Base):
    """A client's (or carer's) request to change how support is arranged."""

    __tablename__ = "arrangement_request"
    __table_args__ = (Index("ix_arrangement_request_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # Unique per form submission, so a double submit records one request.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    requested_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    # Each enum column needs its own name: it names the CHECK constraint on PostgreSQL.
    from_arrangement: Mapped[Arrangement] = mapped_column(str_enum(Arrangement, "from_arrangement"))
    to_arrangement: Mapped[Arrangement] = mapped_column(str_enum(Arrangement, "to_arrangement"))
    preferences: Mapped[dict] = mapped_column(default=dict)
    contact_method: Mapped[str] = mapped_column(String(16), default="email")
    contact_detail: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus, "request_status"), default=RequestStatus.requested
    )
    decision_reason: Mapped[str | None] = mapped_column(Text)
    assigned_to_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    decided_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    client: Mapped[Client] = relationship()


class RespondentType(enum.StrEnum):
    client = "client"
    carer = "carer"


class FeedbackChannel(enum.StrEnum):
    signed_in = "signed_in"
    public_link = "public_link"


class FreeTextStatus(enum.StrEnum):
    none = "none"
    pending = "pending"
    released = "released"  # reviewed and redacted by staff: commissioners may read it
    withheld = "withheld"


class FeedbackResponse(Base):
    """One answer to the feedback form. No account or client id is kept: only the level
    and provider, so commissioners' figures cannot lead back to a person."""

    __tablename__ = "feedback_response"
    __table_args__ = (
        Index("ix_feedback_submitted", "submitted_at"),
        Index("ix_feedback_provider_submitted", "provider_id", "submitted_at"),
        Index("ix_feedback_text_status", "free_text_status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    channel: Mapped[FeedbackChannel] = mapped_column(str_enum(FeedbackChannel, "feedback_channel"))
    respondent_type: Mapped[RespondentType] = mapped_column(str_enum(RespondentType, "respondent_type"))
    on_behalf_of_client: Mapped[bool] = mapped_column(default=False)
    level: Mapped[int | None]
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    language: Mapped[str] = mapped_column(String(16), default="en")
    # Friends and Family Test: very_good … very_poor, dont_know.
    fft: Mapped[str] = mapped_column(String(24))
    fft_reason: Mapped[str | None] = mapped_column(Text)
    # Outcome statements: strongly_agree … strongly_disagree, dont_know (or None if skipped).
    outcome_answers: Mapped[dict] = mapped_column(default=dict)
    other_comments: Mapped[str | None] = mapped_column(Text)
    free_text_status: Mapped[FreeTextStatus] = mapped_column(
        str_enum(FreeTextStatus, "free_text_status"), default=FreeTextStatus.none
    )
    released_text: Mapped[str | None] = mapped_column(Text)


class EqualityMonitoring(Base):
    """Optional equality answers, kept in their own table and never joined to identity."""

    __tablename__ = "equality_monitoring"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_response_id: Mapped[int] = mapped_column(ForeignKey("feedback_response.id"), unique=True)
    age_band: Mapped[str | None] = mapped_column(String(32))
    sex: Mapped[str | None] = mapped_column(String(32))
    gender_identity: Mapped[str | None] = mapped_column(String(32))
    ethnicity: Mapped[str | None] = mapped_column(String(64))
    religion: Mapped[str | None] = mapped_column(String(32))
    sexual_orientation: Mapped[str | None] = mapped_column(String(32))
    disability: Mapped[str | None] = mapped_column(String(32))


class FeedbackTally(Base):
    """Running counts of feedback answers by month and fixed breakdown, kept up to date as each
    response arrives, so the commissioners' dashboard reads a few thousand rows rather than
    every response. `dimension` is a breakdown ("all", "level", an equality characteristic,
    "outcome:<statement>"), `category` its value, `answer` the FFT answer (empty for outcomes,
    whose answer is the category)."""

    __tablename__ = "feedback_tally"

    month: Mapped[dt.date] = mapped_column(primary_key=True)  # the first day of the month
    dimension: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    answer: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class AlertSource(enum.StrEnum):
    """Where the words that raised a safeguarding alert were written."""

    feedback = "feedback"
    plan_comment = "plan_comment"
    goal_note = "goal_note"
    arrangement_request = "arrangement_request"
    review_request = "review_request"
    message = "message"  # a secure message to the team
    referral = "referral"  # asking for an assessment (the front door)


class SafeguardingAlert(Base):
    """Raised when something a person wrote shows high risk (portal.domain.risk); seen by
    staff only, never commissioners: the team of the client it is about, or every team when
    nobody is known (anonymous feedback). It holds the words, for staff to act on, and who
    they are about; it never points at a feedback response (which stays anonymous)."""

    __tablename__ = "safeguarding_alert"
    __table_args__ = (Index("ix_safeguarding_alert_open", "handled_at", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[AlertSource] = mapped_column(str_enum(AlertSource, "alert_source"))
    kinds: Mapped[list] = mapped_column(default=list)  # risk kinds: self, others, from_others
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    handled_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    handled_at: Mapped[dt.datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client | None] = relationship()


class FormDraft(Base):
    """Answers to a multi-page form kept on the server between pages (never in the cookie),
    so nothing typed is lost and nothing personal travels in the session."""

    __tablename__ = "form_draft"
    __table_args__ = (UniqueConstraint("account_id", "kind", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    kind: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict] = mapped_column(default=dict)
    # Random per draft: the submit button carries it, so a double submit records once.
    submission_key: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboxMessage(Base):
    """Mail waiting to go. Written in the change's own transaction; sent by the outbox
    sender, so nothing is lost when SMTP is down and nothing is sent twice."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_outbox_pending", "sent_at", "send_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    send_after: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[dt.datetime | None]
    claimed_until: Mapped[dt.datetime | None]  # a sender's lease, so two senders never both send


class AuditEvent(Base):
    """Append-only record of who did what to whose record (the ORM refuses updates)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_client_time", "client_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    route: Mapped[str | None] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(64))


class AssistantGrant(Base):
    """Lets the assistant's action server read one client's record for one chat, briefly.

    The portal issues a random token with each signed-in chat message and keeps only its
    hash; the token reaches the action server encrypted in the message metadata, so Rasa's
    tracker never holds it in clear. One live grant per chat: a new message replaces it.
    """

    __tablename__ = "assistant_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    chat_hash: Mapped[str] = mapped_column(String(64), index=True)  # the Rasa sender id, hashed
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    # None: a carer acting for more than one person (the assistant asks them to choose).
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
