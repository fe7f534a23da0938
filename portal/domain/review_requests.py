"""Asking for a review at any time.

A review falls due every 12 months, but the Care Act 2014 (s.27) lets a person ask for one
whenever their needs change, and the council's outcome 6.1.6 asks for support that
responds to needs that go up and down. The client, or a carer they let see their reviews,
says why and how soon; staff see the request in a queue and on the caseload, and answer it
by holding the review (portal.domain.plans.record_review closes the request).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import Account, Client, ReviewRequest, ReviewUrgency, SupportPlan, UpdateKind
from . import audit, updates
from .plans import PlanRuleError, current_plan

MAX_REASON = 2000
# Most urgent first in the staff queue.
URGENCY_ORDER = (ReviewUrgency.urgent, ReviewUrgency.soon, ReviewUrgency.when_possible)


def open_request(session: Session, client_id: int) -> ReviewRequest | None:
    return session.scalar(select(ReviewRequest).where(ReviewRequest.client_id == client_id,
                                                      ReviewRequest.answered_at.is_(None))
                          .order_by(ReviewRequest.id.desc()).limit(1))


def ask_for_review(session: Session, client: Client, *, asked_by: Account, reason: str, urgency: ReviewUrgency,
                   now: dt.datetime) -> ReviewRequest:
    """Record the request (one open at a time: asking again returns the open one) and
    tell the client and the carers who may see their reviews."""
    plan = current_plan(session, client.id, parts=())
    if plan is None:
        raise PlanRuleError("no_plan")
    reason = reason.strip()
    if not reason:
        raise PlanRuleError("reason_needed")
    if len(reason) > MAX_REASON:
        raise PlanRuleError("reason_too_long")
    existing = open_request(session, client.id)
    if existing is not None:
        return existing
    request = ReviewRequest(client_id=client.id, plan_id=plan.id, asked_by_account_id=asked_by.id, reason=reason,
                            urgency=urgency, created_at=now)
    session.add(request)
    session.flush()
    updates.record(session, client_id=client.id, kind=UpdateKind.review_asked, now=now, about_id=request.id)
    audit.record(session, actor=asked_by, action="review_asked", now=now, client_id=client.id,
                 object_type="review_request", object_id=request.id)
    return request


def staff_queue(session: Session, *, team_id: int | None, today: dt.date) -> list[tuple[ReviewRequest, int]]:
    """The team's open requests, most urgent first, then oldest, with days waiting."""
    rows = session.scalars(
        select(ReviewRequest).options(joinedload(ReviewRequest.client))
        .join(Client, Client.id == ReviewRequest.client_id)
        .join(SupportPlan, SupportPlan.id == ReviewRequest.plan_id)
        .where(ReviewRequest.answered_at.is_(None), Client.team_id == team_id, SupportPlan.ended_on.is_(None))
        .order_by(ReviewRequest.created_at)
    ).all()
    rows = sorted(rows, key=lambda r: URGENCY_ORDER.index(r.urgency))
    return [(r, (today - r.created_at.date()).days) for r in rows]
