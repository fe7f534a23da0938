"""What the people following a client's record are told (updates), and what they ask of
staff there: a conversation about the plan, a review."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .people import Account, Client
from .plans import SupportPlan


class UpdateKind(enum.StrEnum):
    plan_shared = "plan_shared"  # a version of the plan waits for the client's agreement
    plan_reply = "plan_reply"  # a worker answered in the conversation about the plan
    review_asked = "review_asked"
    review_recorded = "review_recorded"
    request_status = "request_status"  # a request to change how support is arranged moved on
    carer_access = "carer_access"  # a carer was invited, their access changed or stopped


class Update(Base):
    """Something that happened on a client's record that people are told about: by mail
    (in each one's language, with no details, a link to sign in) and in the record's
    Updates list. Who is told: the client, and carers whose grant covers what it is about
    (portal.domain.updates.SCOPE_OF). `mailed` counts the mails queued and `client_mailed`
    says whether the client had one, so what staff are shown about telling the client is
    what happened."""

    __tablename__ = "record_update"
    __table_args__ = (Index("ix_record_update_client_time", "client_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    kind: Mapped[UpdateKind] = mapped_column(str_enum(UpdateKind, "update_kind"))
    detail: Mapped[str | None] = mapped_column(String(32))  # a code: the request's status, the carer change
    about_id: Mapped[int | None]  # the version, review, request or comment it is about
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    told_at: Mapped[dt.datetime | None] = mapped_column(index=True)  # when its mails were queued
    mailed: Mapped[int] = mapped_column(default=0, server_default="0")
    client_mailed: Mapped[bool] = mapped_column(default=False, server_default="0")


class PlanComment(Base):
    """One message in the conversation about a plan: the client's "I want to talk about
    changes", or a worker's reply. Every message is kept, with the version it was about."""

    __tablename__ = "plan_comment"
    __table_args__ = (Index("ix_plan_comment_plan", "plan_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id"))
    version_no: Mapped[int]
    from_client: Mapped[bool]
    author_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[Account | None] = relationship()
    plan: Mapped[SupportPlan] = relationship()


class ReviewUrgency(enum.StrEnum):
    urgent = "urgent"  # things have changed a lot
    soon = "soon"  # in the next few weeks
    when_possible = "when_possible"


class ReviewRequest(Base):
    """A client (or their carer) asking for a review before it is due (Care Act 2014, s.27:
    a review when needs change). Answered by the review staff record (`review_id`)."""

    __tablename__ = "review_request"
    __table_args__ = (Index("ix_review_request_open", "answered_at", "plan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id"))
    asked_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    reason: Mapped[str] = mapped_column(Text)
    urgency: Mapped[ReviewUrgency] = mapped_column(str_enum(ReviewUrgency, "review_urgency"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"))
    answered_at: Mapped[dt.datetime | None]

    asked_by: Mapped[Account | None] = relationship()
    client: Mapped[Client] = relationship()
