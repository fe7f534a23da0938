"""The assistant's personal answers, worded here in the page's language so that the action
server only relays them (it holds no translations and no rules of the service).

Each answer reads the client's record through `records.open_client_record`, so a carer
gets only what their scopes allow and every answer is in the audit trail ("who has looked").
"""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _

from ...db import db, set_writing
from ...domain import assistant_grants, choice, plans, records
from ...labels import arrangement_names, status_names
from ...models import Arrangement, CarerScope, RequestStatus, SupportPlan

# Topic (the URL's last part) -> what a carer needs to have been granted to hear it: the
# same scopes as the pages that show it (who gives the support is part of how it is
# arranged, as on the support page).
TOPIC_SCOPES = {
    "next-review": CarerScope.reviews,
    "goals": CarerScope.goals,
    "provider": CarerScope.arrangement,
    "request": CarerScope.arrangement,
}


def _with_link(text: str, endpoint: str, **values) -> str:
    label = _("Read more:")
    return f"{text}\n\n{label} {url_for(endpoint, **values)}"


def _no_plan() -> str:
    return _("There is no support plan yet. A worker writes the plan with you, and then it shows here.")


def _next_review(plan: SupportPlan | None, client_id: int, today: dt.date) -> str:
    due = plans.review_due(plan, today) if plan is not None else None
    if due is None:
        return _no_plan()
    if due.review.scheduled_for is not None:
        text = _("The next review is on %(date)s.", date=format_date(due.review.scheduled_for, "long"))
    elif due.overdue:
        text = _("The review was due on %(date)s and has not happened yet. Support carries on until the review; "
                 "the worker will arrange it.", date=format_date(due.due_on, "long"))
    else:
        text = _("The next review is due by %(date)s. The worker will agree the date.",
                 date=format_date(due.due_on, "long"))
    return _with_link(text, "plans.reviews", client_id=client_id)


def _goals(plan: SupportPlan | None, client_id: int) -> str:
    if plan is None:
        return _no_plan()
    goals = plans.active_goals(plan)
    if not goals:
        return _with_link(_("There are no goals in the support plan yet."), "plans.goals", client_id=client_id)
    lines = [_("The goals in the support plan:")]
    for goal in goals:
        line = f"• {goal.description}"
        if goal.latest_rating is not None:
            line += " – " + _("latest rating %(rating)s out of 10", rating=goal.latest_rating)
        lines.append(line)
    return _with_link("\n".join(lines), "plans.goals", client_id=client_id)


def _provider(plan: SupportPlan | None, client_id: int) -> str:
    if plan is None:
        return _no_plan()
    if plan.provider is not None:
        text = _("The support is given by %(provider)s.", provider=plan.provider.name)
    elif plan.arrangement == Arrangement.direct_payment:
        text = _("The support is paid for with a direct payment, so you choose who gives it.")
    else:
        text = _("The support plan does not name a provider yet. The worker can tell you who gives the support.")
    text += "\n" + _("How it is arranged: %(arrangement)s.", arrangement=arrangement_names[plan.arrangement.value])
    return _with_link(text, "plans.my_plan", client_id=client_id)


def _request(client_id: int) -> str:
    requests = choice.requests_for(db.session, client_id)
    if not requests:
        return _with_link(_("There is no request to change how support is arranged."), "choice.start",
                          client_id=client_id)
    latest = requests[0]
    text = _("Request %(reference)s, made on %(date)s, asks to change to: %(arrangement)s.",
             reference=latest.reference, date=format_date(latest.created_at, "long"),
             arrangement=arrangement_names[latest.to_arrangement.value])
    text += "\n" + _("Status: %(status)s.", status=status_names[latest.status.value])
    if latest.status in (RequestStatus.agreed, RequestStatus.declined) and latest.decided_at is not None:
        text += "\n" + _("Decided on %(date)s.", date=format_date(latest.decided_at, "long"))
    else:
        text += "\n" + _("It has not been decided yet.")
    return _with_link(text, "choice.track", client_id=client_id, reference=latest.reference)


def answer(holder: assistant_grants.GrantHolder, topic: str, *, now: dt.datetime, request_id: str | None) -> str:
    """The reply to a personal question, for the person the grant speaks for."""
    if holder.client_id is None:
        return _with_link(_("You help more than one person. Open their support pages from your account, "
                            "then ask me there."), "auth.account_home")
    set_writing(True)  # the audit event: take SQLite's write lock when the transaction begins
    try:
        records.open_client_record(
            db.session, reader=holder.account, client_id=holder.client_id, action="assistant_answer",
            now=now, scope=TOPIC_SCOPES[topic], route=f"chat.personal:{topic}", request_id=request_id,
        )
    except records.RecordNotAvailable:
        db.session.rollback()
        return _("You do not have permission to see this. The person you care for chooses what you can see.")
    db.session.commit()
    if topic == "request":
        return _request(holder.client_id)
    plan = plans.current_plan(db.session, holder.client_id)
    if topic == "next-review":
        return _next_review(plan, holder.client_id, now.date())
    if topic == "goals":
        return _goals(plan, holder.client_id)
    return _provider(plan, holder.client_id)
