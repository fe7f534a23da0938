"""The audit trail: who did what to whose record. Events are only ever added."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..models import Account, AuditEvent, RequestStatus
from ..models.plans import ReferralStatus

# Every action the trail knows. A new one is named here first (and in `portal.labels`, so
# "Who has looked" and the data download can say in the reader's words what was done).
READS = frozenset({
    "view_support", "view_plan", "view_goals", "view_reviews", "view_arrangement", "view_arrangement_request",
    "view_carers", "view_audit", "view_feedback_form", "view_messages", "assistant_answer", "staying_well_in_chat",
    "download_data", "request_arrangement_change",
})
ACTIONS = READS | frozenset({
    "plan_started", "plan_rewritten", "plan_shared", "plan_agreed", "plan_changes_asked", "plan_comment_answered",
    "goal_rated", "review_scheduled", "review_recorded", "review_asked", "carer_access_granted",
    "carer_access_accepted", "carer_access_changed", "carer_access_revoked", "referral_received", "referral_opened",
    "referral_team_set", "conversation_assigned", "conversation_closed", "safeguarding_alert_handled",
    "invite_sent", "sign_in", "sign_out", "invitation_accepted", "password_reset_requested",
    "password_reset_completed", "two_factor_on", "two_factor_off", "two_factor_reset", "recovery_code_used",
    "recovery_codes_renewed", "feedback_text_reviewed", "provider_created", "provider_updated",
    *(f"arrangement_{status.value}" for status in RequestStatus),
    *(f"referral_{status.value}" for status in ReferralStatus),
})


class UnknownAction(ValueError):
    pass


def _known(action: str) -> str:
    if action not in ACTIONS:
        raise UnknownAction(action)
    return action


def record(
    session: Session,
    *,
    actor: Account | None,
    action: str,
    now: dt.datetime,
    client_id: int | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    route: str | None = None,
    request_id: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        occurred_at=now,
        actor_account_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
        client_id=client_id,
        action=_known(action),
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        route=route,
        request_id=request_id,
    )
    session.add(event)
    session.flush()
    return event


# Built once, its values passed with each row: cheaper than building `.values()` every time.
_READ = insert(AuditEvent.__table__)


def record_read(
    session: Session,
    *,
    actor: Account,
    action: str,
    now: dt.datetime,
    client_id: int,
    route: str | None = None,
    request_id: str | None = None,
) -> None:
    """A look at a client's record, written in the caller's transaction like `record` but
    as one INSERT with no ORM object to flush: every record page writes one, and on SQLite
    while it holds the write lock, so the cheaper the shorter every other writer waits."""
    session.execute(_READ, {
        "occurred_at": now, "actor_account_id": actor.id, "actor_role": actor.role.value, "client_id": client_id,
        "action": _known(action), "object_type": "client", "object_id": str(client_id), "route": route,
        "request_id": request_id})
