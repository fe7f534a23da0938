"""current_plan loads each part it is asked for up front, with queries built once: the same
items in the same order as reading the relationship lazily, and reading them afterwards
sends nothing more."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from portal import demo
from portal.db import db
from portal.domain import plans
from portal.models import Account, Goal, GoalRating, RatedBy


def _shown(plan) -> dict[str, list]:
    """Every part of the plan as ids, in the order the page reads them."""
    return {
        "versions": [(v.id, v.written_by.id if v.written_by else None) for v in plan.versions],
        "goals": [g.id for g in plan.goals],
        "ratings": [[r.id for r in g.ratings] for g in plan.goals],
        "reviews": [r.id for r in plan.reviews],
        "provider": plan.provider.id if plan.provider else None,
    }


def test_each_part_is_what_the_relationship_holds_and_reading_it_sends_nothing(session):
    person = next(a for a in demo.DEMO_ACCOUNTS if a.role == "client")
    client_id = session.scalar(select(Account.client_id).where(Account.email == person.email))
    plan = plans.current_plan(session, client_id, parts=())
    # Ratings out of date order and a goal with none, so the order and the grouping show.
    goal = Goal(plan=plan, position=99, description="Walk to the shop", rating_count=2)
    goal.ratings = [GoalRating(rating=r, rated_by=RatedBy.client, rated_on=dt.date(2026, 1, d)) for r, d in ((7, 20), (3, 2))]
    session.add_all([goal, Goal(plan=plan, position=100, description="No rating yet")])
    session.commit()
    session.expunge_all()
    lazily = _shown(plans.current_plan(session, client_id, parts=()))
    assert any(lazily["ratings"]) and [] in lazily["ratings"]
    session.expunge_all()

    sent: list[str] = []
    engine = db.engine

    def count(*_):
        sent.append("statement")

    plan = plans.current_plan(session, client_id, parts=plans.ALL_PARTS + ("versions",))
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert _shown(plan) == lazily
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sent == []


def test_an_unknown_part_is_refused(session):
    with pytest.raises(KeyError):
        plans.current_plan(session, 1, parts=("everything",))
