"""The demo city obeys every rule the plan code enforces: the invariants the lifecycle
property test (tests/domain/test_plan_lifecycle.py) checks after each step hold for every
demo plan as built, and so do the rules of budgets, staying-well plans, the conversation
and carers' invitations. Demo data that breaks a rule shows people a plan the portal could
never have made (every demo plan said "Steps: Not written yet")."""
from __future__ import annotations

import itertools

from sqlalchemy import select

from portal.domain import plans
from portal.domain.budgets import Budget
from portal.domain.staying_well import StayingWell
from portal.models import CarerAccess, PlanComment, PlanStatus, SupportPlan, utcnow


def _problems(plan: SupportPlan) -> list[str]:
    found = []
    is_open = plan.status != PlanStatus.ended
    if is_open and plan.level == 1:
        limit = plans.add_months(plan.level_1_started_on, plans.LEVEL_1_LIMIT_MONTHS)
        if not plan.block_end < limit:
            found.append(f"Level 1 from {plan.level_1_started_on} runs to {plan.block_end}, past 24 months")
    if plan.block_end != plans.block_end_for(plan.block_start):
        found.append("the block is not 12 months")
    completed = sorted((r for r in plan.reviews if r.completed_on is not None), key=lambda r: r.completed_on)
    for earlier, later in itertools.pairwise(completed):
        if not later.due_on > earlier.due_on:
            found.append("two reviews were due for the same block")
    if is_open:
        last = completed[-1].completed_on if completed else plan.started_on
        due = plans.open_review(plan).due_on
        if due > plans.add_months(last, 12):
            found.append(f"a review is due {due}, more than 12 months after {last}")
    for version in plan.versions:
        if version.status == PlanStatus.agreed and version.agreed_by_client_at is None:
            found.append(f"version {version.version_no} stands agreed, but nobody agreed it")
        budget = Budget.of(version)
        if budget is not None and (problem := budget.problem(version.arrangement,
                                                             section_117=plan.client.section_117_aftercare)):
            found.append(f"version {version.version_no}: {problem}")
        if problem := StayingWell.from_dict(version.staying_well).problem():
            found.append(f"version {version.version_no}: {problem}")
        if not all(goal.get("steps") and goal.get("who_helps") is not None for goal in version.goals_snapshot):
            found.append(f"version {version.version_no} keeps a goal without its steps")
    if [v.version_no for v in plan.versions] != list(range(1, len(plan.versions) + 1)):
        found.append("the versions are not numbered 1, 2, 3…")
    if plan.current_version_no != plan.versions[-1].version_no:
        found.append("the plan does not read as its latest version")
    return found


def test_every_demo_plan_holds_the_lifecycle_rules(session):
    demo_plans = session.scalars(select(SupportPlan)).all()
    assert len(demo_plans) > 100
    broken = {plan.id: problems for plan in demo_plans if (problems := _problems(plan))}
    assert broken == {}


def test_every_demo_plan_has_a_budget_and_most_a_staying_well_plan(session):
    latest = [plan.versions[-1] for plan in session.scalars(select(SupportPlan))]
    assert all(Budget.of(version) is not None for version in latest)
    written = sum(not StayingWell.from_dict(version.staying_well).is_empty for version in latest)
    assert len(latest) / 2 < written < len(latest)


def test_the_demo_conversation_is_about_versions_that_exist(session):
    comments = session.scalars(select(PlanComment)).all()
    assert comments, "some demo clients want to talk about changes"
    for comment in comments:
        assert 1 <= comment.version_no <= comment.plan.current_version_no
        assert comment.created_at <= utcnow()


def test_demo_carers_accepted_their_invitations(session):
    for access in session.scalars(select(CarerAccess)):
        assert access.carer_account_id is not None and access.accepted_at is not None
        assert access.granted_at <= access.accepted_at and access.invited_email == access.carer.email
