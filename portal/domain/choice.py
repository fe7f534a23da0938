"""Choosing how support is arranged: council-arranged, direct payment, or a mix.

A client (or a carer with the arrangement scope) asks for a change; staff discuss and
decide it; an agreed change reaches the support plan as a new version. The client and the
carers who may follow it are told at each step (portal.domain.updates). The council also
learns from the requests where providers are missing (preferences nobody can meet).
"""
from __future__ import annotations

import datetime as dt
import secrets
import statistics
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    Account,
    Arrangement,
    ArrangementRequest,
    Client,
    FormDraft,
    Provider,
    RequestStatus,
    SupportPlan,
    UpdateKind,
)
from . import audit, updates
from .plans import change_arrangement, current_plan

OPEN_STATUSES = (RequestStatus.requested, RequestStatus.in_discussion)
NEXT_STATUSES = {
    RequestStatus.requested: {RequestStatus.in_discussion, RequestStatus.agreed, RequestStatus.declined},
    RequestStatus.in_discussion: {RequestStatus.agreed, RequestStatus.declined},
    RequestStatus.agreed: set(),
    RequestStatus.declined: set(),
}
WORKER_GENDERS = ("no_preference", "woman", "man")
TIMES_OF_DAY = ("mornings", "afternoons", "evenings", "weekends")
CONTACT_METHODS = ("email", "phone")
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I look-alikes
DRAFT_KIND = "arrangement_request"


class ChoiceError(Exception):
    code = "choice_error"


class RequestAlreadyOpen(ChoiceError):
    code = "request_already_open"

    def __init__(self, existing: ArrangementRequest):
        super().__init__(existing.reference)
        self.existing = existing


class NoChange(ChoiceError):
    code = "no_change"


class NotAllowedTransition(ChoiceError):
    code = "not_allowed_transition"


class ReasonNeeded(ChoiceError):
    code = "reason_needed"


@dataclass
class Preferences:
    language: str | None = None
    worker_gender: str = "no_preference"
    cultural_or_faith_needs: str = ""
    times_of_day: list[str] = field(default_factory=list)
    preferred_provider_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "language": self.language,
            "worker_gender": self.worker_gender,
            "cultural_or_faith_needs": self.cultural_or_faith_needs,
            "times_of_day": list(self.times_of_day),
            "preferred_provider_id": self.preferred_provider_id,
        }


def open_request(session: Session, client_id: int) -> ArrangementRequest | None:
    return session.scalar(
        select(ArrangementRequest).where(
            ArrangementRequest.client_id == client_id, ArrangementRequest.status.in_(OPEN_STATUSES)
        )
    )


def requests_for(session: Session, client_id: int) -> list[ArrangementRequest]:
    return list(
        session.scalars(
            select(ArrangementRequest)
            .where(ArrangementRequest.client_id == client_id)
            .order_by(ArrangementRequest.created_at.desc())
        )
    )


def by_reference(session: Session, reference: str) -> ArrangementRequest | None:
    if not reference or len(reference) > 16:
        return None
    return session.scalar(select(ArrangementRequest).where(ArrangementRequest.reference == reference))


# Drafts of the one-question-a-page forms live on the server between pages.
def draft(session: Session, account: Account, client_id: int, kind: str = DRAFT_KIND) -> FormDraft:
    found = session.scalar(
        select(FormDraft).where(
            FormDraft.account_id == account.id, FormDraft.client_id == client_id, FormDraft.kind == kind
        )
    )
    if found is None:
        found = FormDraft(
            account_id=account.id, client_id=client_id, kind=kind, answers={},
            submission_key=secrets.token_hex(16),
        )
        session.add(found)
        session.flush()
    return found


def save_answers(draft_row: FormDraft, **answers) -> None:
    # Reassign (not mutate) so SQLAlchemy sees the JSON change.
    draft_row.answers = {**draft_row.answers, **answers}


def _new_reference(session: Session) -> str:
    while True:
        reference = "AR-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        if session.scalar(select(ArrangementRequest.id).where(ArrangementRequest.reference == reference)) is None:
            return reference


def submit_request(
    session: Session,
    *,
    client: Client,
    requested_by: Account,
    to_arrangement: Arrangement,
    preferences: Preferences,
    contact_method: str,
    contact_detail: str | None,
    submission_key: str,
    now: dt.datetime,
) -> ArrangementRequest:
    """Record the request. The same submission key returns the same request (a double
    submit records one); a second open request for the client is refused."""
    existing = session.scalar(select(ArrangementRequest).where(ArrangementRequest.submission_key == submission_key))
    if existing is not None:
        return existing
    already = open_request(session, client.id)
    if already is not None:
        raise RequestAlreadyOpen(already)
    plan = current_plan(session, client.id)
    from_arrangement = plan.arrangement if plan else Arrangement.council_arranged
    if plan is not None and to_arrangement == from_arrangement:
        raise NoChange(to_arrangement.value)
    request = ArrangementRequest(
        reference=_new_reference(session),
        submission_key=submission_key,
        client_id=client.id,
        requested_by_account_id=requested_by.id,
        from_arrangement=from_arrangement,
        to_arrangement=to_arrangement,
        preferences=preferences.as_dict(),
        contact_method=contact_method,
        contact_detail=contact_detail,
        status=RequestStatus.requested,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    _tell(session, request, now)
    audit.record(
        session, actor=requested_by, action="arrangement_requested", now=now, client_id=client.id,
        object_type="arrangement_request", object_id=request.id,
    )
    return request


def _tell(session: Session, request: ArrangementRequest, now: dt.datetime) -> None:
    updates.record(session, client_id=request.client_id, kind=UpdateKind.request_status, detail=request.status.value,
                   now=now, about_id=request.id)


def assign(session: Session, request: ArrangementRequest, staff: Account, now: dt.datetime) -> None:
    request.assigned_to_account_id = staff.id
    request.updated_at = now
    session.flush()


def change_status(
    session: Session,
    request: ArrangementRequest,
    *,
    status: RequestStatus,
    by: Account,
    reason: str | None,
    now: dt.datetime,
) -> None:
    """Move a request on. A decline needs a reason in plain words (the client reads it)."""
    if status not in NEXT_STATUSES[request.status]:
        raise NotAllowedTransition(f"{request.status.value}->{status.value}")
    if status == RequestStatus.declined and not (reason or "").strip():
        raise ReasonNeeded()
    request.status = status
    request.updated_at = now
    if status in (RequestStatus.agreed, RequestStatus.declined):
        request.decided_by_account_id = by.id
        request.decided_at = now
        request.decision_reason = (reason or "").strip() or None
    session.flush()
    _tell(session, request, now)
    audit.record(
        session, actor=by, action=f"arrangement_{status.value}", now=now, client_id=request.client_id,
        object_type="arrangement_request", object_id=request.id,
    )


def staff_queue(session: Session, *, team_id: int | None, today: dt.date) -> list[tuple[ArrangementRequest, int]]:
    """Open requests for a team's clients, oldest first, with days waiting."""
    query = (
        select(ArrangementRequest)
        .join(Client, Client.id == ArrangementRequest.client_id)
        .where(ArrangementRequest.status.in_(OPEN_STATUSES))
        .order_by(ArrangementRequest.created_at)
    )
    if team_id is not None:
        query = query.where(Client.team_id == team_id)
    return [(r, (today - r.created_at.date()).days) for r in session.scalars(query)]


# Signals for commissioners (aggregates only: disclosure control is applied by the caller).
def requests_per_month(session: Session) -> dict[str, int]:
    rows = session.execute(select(ArrangementRequest.created_at)).scalars()
    return dict(sorted(Counter(created.strftime("%Y-%m") for created in rows).items()))


def median_days_to_decision(session: Session) -> tuple[float | None, int]:
    rows = session.execute(
        select(ArrangementRequest.created_at, ArrangementRequest.decided_at).where(
            ArrangementRequest.decided_at.is_not(None)
        )
    ).all()
    days = [(decided - created).total_seconds() / 86400 for created, decided in rows]
    return (statistics.median(days) if days else None, len(days))


def unmet_language_preferences(session: Session) -> dict[str, int]:
    """Languages asked for in open requests that no provider accepting new clients speaks:
    the market gap the council wants to close."""
    spoken = set()
    for languages in session.scalars(select(Provider.languages).where(Provider.accepting_new_clients.is_(True))):
        spoken.update(languages)
    wanted = Counter()
    for preferences in session.scalars(
        select(ArrangementRequest.preferences).where(ArrangementRequest.status.in_(OPEN_STATUSES))
    ):
        language = (preferences or {}).get("language")
        if language and language not in spoken:
            wanted[language] += 1
    return dict(wanted.most_common())


def arrangement_mix(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(SupportPlan.arrangement, func.count()).where(SupportPlan.ended_on.is_(None)).group_by(SupportPlan.arrangement)
    ).all()
    return {arrangement.value: count for arrangement, count in rows}


def apply_agreed_arrangement(session: Session, request: ArrangementRequest, *, by: Account, today: dt.date) -> None:
    """An agreed request reaches the plan as a new version with the new arrangement."""
    plan = current_plan(session, request.client_id)
    if plan is None:
        return
    provider_id = (request.preferences or {}).get("preferred_provider_id")
    provider = session.get(Provider, provider_id) if provider_id else None
    if request.to_arrangement == Arrangement.direct_payment:
        provider = None
    requester = session.get(Account, request.requested_by_account_id) if request.requested_by_account_id else None
    change_arrangement(
        session, plan, arrangement=request.to_arrangement,
        provider=provider if provider is not None else (None if request.to_arrangement == Arrangement.direct_payment else plan.provider),
        written_by=by, today=today, reason=f"Arrangement change {request.reference} agreed",
        asked_by_client=requester is not None and requester.client_id == plan.client_id,
    )
