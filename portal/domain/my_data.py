"""Everything held about a client, for "Download my data" (a subject access in one click).

Messages with the team are included, whoever wrote them. Feedback is not included: it is
kept without any link to the person who gave it.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Account,
    ArrangementRequest,
    AuditEvent,
    CarerAccess,
    Client,
    ClientEthnicity,
    Message,
    PlanComment,
    Referral,
    ReviewRequest,
    SupportPlan,
)
from . import messages


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _row(obj, *fields: str) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


def export_client(session: Session, client: Client) -> dict:
    plans = session.scalars(select(SupportPlan).where(SupportPlan.client_id == client.id).order_by(SupportPlan.id)).all()
    carers = session.scalars(select(CarerAccess).where(CarerAccess.client_id == client.id)).all()
    views = session.scalars(
        select(AuditEvent).where(AuditEvent.client_id == client.id).order_by(AuditEvent.occurred_at.desc())).all()
    comments: dict[int, list[PlanComment]] = {}
    for comment in session.scalars(select(PlanComment).where(PlanComment.plan_id.in_([p.id for p in plans]))
                                   .order_by(PlanComment.id)):
        comments.setdefault(comment.plan_id, []).append(comment)
    # Every conversation's messages in one query, without their authors' accounts: the one
    # name lookup below reads only the names this record mentions.
    threads: dict[int, list[Message]] = {}
    conversation_list = messages.conversations_for(session, client.id)
    for message in session.scalars(select(Message).where(
            Message.conversation_id.in_([c.id for c in conversation_list])).order_by(Message.id)):
        threads.setdefault(message.conversation_id, []).append(message)
    conversations = [(c, threads.get(c.id, [])) for c in conversation_list]
    # Only the names this record mentions (writers, carers, readers), not every account's.
    named = ({v.written_by_account_id for plan in plans for v in plan.versions}
             | {c.author_account_id for found in comments.values() for c in found}
             | {m.author_account_id for _, thread in conversations for m in thread}
             | {e.actor_account_id for e in views}) - {None}
    account_names = dict(session.execute(
        select(Account.id, Account.display_name).where(Account.id.in_(named))).all()) if named else {}
    return {
        "about_you": {**_row(client, "given_name", "family_name", "preferred_language", "email", "phone", "address",
                             "area", "date_of_birth", "section_117_aftercare"),
                      "ethnicity": ethnicity.ethnicity if (ethnicity := session.get(ClientEthnicity, client.id)) else None},
        "support_plans": [
            {
                **_row(plan, "level", "status", "arrangement", "block_start", "block_end", "next_review_due",
                       "level_1_started_on", "started_on", "ended_on"),
                "provider": plan.provider.name if plan.provider else None,
                "versions": [
                    {**_row(v, "version_no", "level", "status", "block_start", "block_end", "arrangement",
                            "hours_per_week", "location", "what_matters_to_me", "goals_snapshot", "change_summary",
                            "created_at", "agreed_by_client_at", "budget_pence_a_year",
                            "budget_direct_payment_pence_a_year", "contribution_pence_a_week", "staying_well"),
                     "written_by": account_names.get(v.written_by_account_id)}
                    for v in plan.versions
                ],
                "conversation": [
                    {**_row(c, "version_no", "from_client", "text", "created_at"),
                     "written_by": account_names.get(c.author_account_id)}
                    for c in comments.get(plan.id, [])
                ],
                "goals": [
                    {**_row(goal, "position", "description", "steps", "who_helps", "target_date", "status"),
                     "ratings": [_row(r, "rating", "rated_by", "rated_on", "note") for r in goal.ratings]}
                    for goal in plan.goals
                ],
                "reviews": [_row(r, "due_on", "scheduled_for", "completed_on", "outcome", "notes") for r in plan.reviews],
            }
            for plan in plans
        ],
        "referrals": [_row(r, "level", "referred_on", "assessed_on", "support_started_on")
                      for r in session.scalars(select(Referral).where(Referral.client_id == client.id))],
        "carers": [
            _row(a, "carer_name", "invited_email", "scopes", "relationship_to_client", "granted_at", "accepted_at",
                 "revoked_at")
            for a in carers
        ],
        "review_requests": [
            _row(r, "reason", "urgency", "created_at", "answered_at")
            for r in session.scalars(select(ReviewRequest).where(ReviewRequest.client_id == client.id)
                                     .order_by(ReviewRequest.id))
        ],
        "arrangement_requests": [
            _row(r, "reference", "from_arrangement", "to_arrangement", "preferences", "contact_method", "status",
                 "decision_reason", "created_at", "decided_at")
            for r in session.scalars(select(ArrangementRequest).where(ArrangementRequest.client_id == client.id))
        ],
        "messages": [
            {**_row(c, "subject", "status", "urgent", "created_at", "closed_at"),
             "messages": [{**_row(m, "author_role", "created_at", "language", "body"),
                           "written_by": account_names.get(m.author_account_id)} for m in thread]}
            for c, thread in conversations
        ],
        "who_has_looked_at_your_record": [
            {"who": account_names.get(e.actor_account_id), **_row(e, "actor_role", "action", "occurred_at")}
            for e in views
        ],
    }


def record_views(session: Session, client_id: int, limit: int = 100) -> list[tuple[AuditEvent, str | None]]:
    """Who has looked at the record: views by staff and carers, newest first."""
    rows = session.execute(
        select(AuditEvent, Account.display_name)
        .outerjoin(Account, Account.id == AuditEvent.actor_account_id)
        .where(AuditEvent.client_id == client_id, AuditEvent.actor_role.in_(["staff", "carer"]))
        .order_by(AuditEvent.occurred_at.desc())
        .limit(limit)
    ).all()
    return [(event, name) for event, name in rows]
