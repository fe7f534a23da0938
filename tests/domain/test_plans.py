"""Support plan and review rules, called directly (report 1.1.3–1.1.8)."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.domain import plans
from portal.domain.plans import GoalText, PlanRuleError, PlanText, SupportDetails
from portal.models import (
    Account,
    Arrangement,
    CarerAccess,
    Client,
    GoalStatus,
    PlanStatus,
    Provider,
    RatedBy,
    ReviewOutcome,
    Role,
    SupportLocation,
    SupportPlan,
    Team,
)

TODAY = dt.date(2026, 11, 29)
NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC)


def _staff(session) -> Account:
    return session.scalar(select(Account).where(Account.role == Role.staff, Account.team_id.is_not(None)))


def _new_client(session, staff: Account, name="Testa") -> Client:
    client = Client(given_name=name, family_name="Person", team_id=staff.team_id, email=f"{name.lower()}@example.org")
    session.add(client)
    session.flush()
    return client


def _provider(session) -> Provider:
    return session.scalars(select(Provider).order_by(Provider.id)).first()


def _start(session, level=1, block_start=TODAY, goals=("Cook a hot meal twice a week",)):
    staff = _staff(session)
    client = _new_client(session, staff)
    plan = plans.start_plan(
        session, client,
        support=SupportDetails(level=level, arrangement=Arrangement.council_arranged, provider=_provider(session),
                               hours_per_week=6, location=SupportLocation.own_home),
        text=PlanText("Feeling in charge of my home", [GoalText(g) for g in goals]),
        block_start=block_start, written_by=staff, now=NOW,
    )
    return plan, staff, client


def _agreed(session, plan, client):
    account = Account(email=f"c{client.id}@example.org", display_name=client.given_name, role=Role.client,
                      client_id=client.id)
    session.add(account)
    session.flush()
    plans.share_with_client(session, plan, by=plan.versions[-1].written_by, now=NOW)
    plans.agree_plan(session, plan, client_account=account, now=NOW)
    return account


def test_dates_follow_twelve_month_blocks():
    assert plans.block_end_for(dt.date(2025, 3, 15)) == dt.date(2026, 3, 14)
    assert plans.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert plans.months_between(dt.date(2024, 3, 14), dt.date(2024, 5, 13)) == 1
    assert plans.months_between(dt.date(2024, 3, 14), dt.date(2024, 5, 14)) == 2


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 1, 1)), st.integers(0, 40))
def test_caseload_cut_off_agrees_with_months_between(today, months):
    """The SQL filter (start ≤ cut-off) and the page's month count never disagree."""
    cut_off = plans._months_before(today, months)
    assert plans.months_between(cut_off, today) >= months
    assert plans.months_between(cut_off + dt.timedelta(days=1), today) < months


def test_a_new_plan_is_a_draft_with_a_review_due_at_the_block_end(session):
    plan, _staff_account, _client = _start(session)
    assert plan.status == PlanStatus.draft
    assert plan.block_end == dt.date(2027, 11, 28)
    assert plans.open_review(plan).due_on == plan.block_end == plan.next_review_due
    assert plan.level_1_started_on == TODAY
    due = plans.review_due(plan, TODAY)
    assert due.days_to_go == 364 and not due.overdue


def test_a_second_open_plan_is_refused(session):
    plan, staff, client = _start(session)
    with pytest.raises(PlanRuleError) as problem:
        plans.start_plan(session, client, support=SupportDetails(2, Arrangement.direct_payment, None, 3, SupportLocation.own_home),
                         text=PlanText("x", [GoalText("y")]), block_start=TODAY, written_by=staff, now=NOW)
    assert problem.value.code == "plan_exists"


def test_direct_payment_plans_have_no_provider_and_council_arranged_need_one(session):
    staff = _staff(session)
    client = _new_client(session, staff)
    for support, code in [
        (SupportDetails(2, Arrangement.direct_payment, _provider(session), 3, SupportLocation.own_home), "direct_payment_has_no_provider"),
        (SupportDetails(2, Arrangement.council_arranged, None, 3, SupportLocation.own_home), "provider_needed"),
    ]:
        with pytest.raises(PlanRuleError) as problem:
            plans.start_plan(session, client, support=support, text=PlanText("x", [GoalText("y")]), block_start=TODAY,
                             written_by=staff, now=NOW)
        assert problem.value.code == code


def test_draft_shared_agreed_and_rewriting_an_agreed_plan_makes_a_new_version(session):
    plan, staff, client = _start(session, goals=("Shop for myself", "Pay my bills on time"))
    plans.rewrite_plan(session, plan, text=PlanText("My home", [GoalText("Shop for myself"), GoalText("Walk to the park")]),
                       written_by=staff, summary="", now=NOW)
    assert len(plan.versions) == 1, "a draft is edited in place"
    account = _agreed(session, plan, client)
    assert plan.status == PlanStatus.agreed and plan.versions[-1].agreed_by_client_at == NOW
    goal_ids = [g.id for g in plans.active_goals(plan)]
    version = plans.rewrite_plan(
        session, plan, written_by=staff, summary="Goal about the park reworded", now=NOW,
        text=PlanText("My home", [GoalText("Shop for myself", goal_id=goal_ids[0]), GoalText("Walk to the park with my brother", goal_id=goal_ids[1])]),
    )
    assert version.version_no == 2 and plan.status == PlanStatus.shared
    assert [g["description"] for g in version.goals_snapshot] == ["Shop for myself", "Walk to the park with my brother"]
    assert plan.versions[0].goals_snapshot[1]["description"] == "Walk to the park", "old versions keep their words"
    plans.agree_plan(session, plan, client_account=account, now=NOW)
    assert plan.status == PlanStatus.agreed


def test_a_goal_left_out_is_stopped_not_deleted(session):
    plan, staff, _client = _start(session, goals=("One", "Two"))
    two = plan.goals[1]
    plans.rate_goal(session, two, rating=3, note=None, by=staff, rated_by=RatedBy.staff, today=TODAY, now=NOW)
    plans.rewrite_plan(session, plan, text=PlanText("x", [GoalText("One", goal_id=plan.goals[0].id)]), written_by=staff,
                       summary="", now=NOW)
    assert two.status == GoalStatus.stopped and len(two.ratings) == 1
    assert [g.description for g in plans.active_goals(plan)] == ["One"]


def test_support_changes_only_at_review_once_agreed(session):
    plan, staff, client = _start(session)
    _agreed(session, plan, client)
    more_hours = SupportDetails(1, Arrangement.council_arranged, plan.provider, 12, SupportLocation.own_home)
    with pytest.raises(PlanRuleError) as problem:
        plans.rewrite_plan(session, plan, text=PlanText("x", [GoalText("y")]), written_by=staff, summary="", now=NOW,
                           support=more_hours)
    assert problem.value.code == "support_changes_at_review"


def test_stale_edit_is_refused(session):
    plan, staff, _client = _start(session)
    with pytest.raises(PlanRuleError) as problem:
        plans.rewrite_plan(session, plan, text=PlanText("x", [GoalText("y")]), written_by=staff, summary="", now=NOW,
                           expected_lock_version=plan.lock_version - 1)
    assert problem.value.code == "changed_by_someone_else"


def test_only_the_client_agrees_and_a_comment_is_needed_to_ask_for_changes(session):
    plan, staff, client = _start(session)
    plans.share_with_client(session, plan, by=staff, now=NOW)
    with pytest.raises(PlanRuleError):
        plans.agree_plan(session, plan, client_account=staff, now=NOW)
    account = Account(email="self@example.org", display_name="T", role=Role.client, client_id=client.id)
    session.add(account)
    session.flush()
    with pytest.raises(PlanRuleError) as problem:
        plans.ask_for_changes(session, plan, client_account=account, comment="   ", now=NOW)
    assert problem.value.code == "comment_needed"
    worker = plans.ask_for_changes(session, plan, client_account=account, comment="Thursdays suit me better", now=NOW)
    assert worker.id == staff.id
    # A second comment joins the first (it used to overwrite it); staff see one waiting until they reply.
    plans.ask_for_changes(session, plan, client_account=account, comment="And mornings, please", now=NOW)
    assert [(c.from_client, c.text, c.version_no) for c in plans.conversation(session, plan)] == [
        (True, "Thursdays suit me better", 1), (True, "And mornings, please", 1)]
    assert plans.caseload_flags(session, [plan.id])[plan.id] == {plans.CaseloadFilter.comment_waiting}
    with pytest.raises(PlanRuleError) as problem:
        plans.reply_to_client(session, plan, staff=staff, text="  ", now=NOW)
    assert problem.value.code == "reply_needed"
    plans.reply_to_client(session, plan, staff=staff, text="Thursday mornings it is", now=NOW)
    assert [c.from_client for c in plans.conversation(session, plan)] == [True, True, False]
    assert plans.caseload_flags(session, [plan.id])[plan.id] == set()


@pytest.mark.parametrize("rating", [-1, 11, 100])
def test_ratings_stay_on_the_0_to_10_scale(session, rating):
    plan, staff, _client = _start(session)
    with pytest.raises(PlanRuleError):
        plans.rate_goal(session, plan.goals[0], rating=rating, note=None, by=staff, rated_by=RatedBy.staff, today=TODAY, now=NOW)
    for ok in (0, 5, 10):
        plans.rate_goal(session, plan.goals[0], rating=ok, note=" ", by=staff, rated_by=RatedBy.staff, today=TODAY, now=NOW)
    assert [r.rating for r in plan.goals[0].ratings] == [0, 5, 10]
    assert plans.latest_rating(plan.goals[0]).note is None


def test_level_1_clock_flags_12_months_and_the_24_month_limit(session):
    plan, _staff_account, _client = _start(session, block_start=dt.date(2025, 9, 1))
    clock = plans.level_1_clock(plan, TODAY)
    assert clock.months == 14 and clock.past_aim and not clock.near_limit
    assert clock.aim_date == dt.date(2026, 9, 1) and clock.limit_date == dt.date(2027, 9, 1)
    assert plans.level_1_clock(plan, dt.date(2027, 6, 1)).near_limit
    assert plans.level_1_clock(plan, dt.date(2027, 9, 1)).past_limit


def test_review_continues_level_1_once_then_must_move_or_discharge(session):
    plan, staff, client = _start(session, block_start=dt.date(2024, 11, 1))
    _agreed(session, plan, client)
    assert ReviewOutcome.continue_level_1 in plans.outcomes_for(plan)
    plans.record_review(session, plan, outcome=ReviewOutcome.continue_level_1, held_on=dt.date(2025, 10, 20), notes="",
                        by=staff, today=TODAY, now=NOW)
    # Held 12 days early: the next block starts at the review, so the next review is due
    # 12 months after this one, not 12 months and 12 days.
    assert (plan.block_start, plan.block_end) == (dt.date(2025, 10, 20), dt.date(2026, 10, 19))
    assert plans.open_review(plan).due_on == dt.date(2026, 10, 19)
    assert plan.status == PlanStatus.agreed, "continuing the same support needs no new agreement"
    # A third Level 1 block would pass 24 months from the first Level 1 start.
    assert ReviewOutcome.continue_level_1 not in plans.outcomes_for(plan)
    with pytest.raises(PlanRuleError) as problem:
        plans.record_review(session, plan, outcome=ReviewOutcome.continue_level_1, held_on=TODAY, notes="", by=staff,
                            today=TODAY, now=NOW)
    assert problem.value.code == "level_1_limit"


def test_moving_to_level_2_starts_a_level_2_version_and_block(session):
    plan, staff, client = _start(session, block_start=dt.date(2025, 11, 1))
    _agreed(session, plan, client)
    review = plans.record_review(session, plan, outcome=ReviewOutcome.move_to_level_2, held_on=TODAY, notes="Still needs help with bills",
                                 by=staff, today=TODAY, now=NOW, hours_per_week=4)
    assert review.outcome == ReviewOutcome.move_to_level_2 and review.completed_on == TODAY
    assert plan.level == 2 and plan.versions[-1].level == 2 and plan.versions[-1].hours_per_week == 4
    assert plan.status == PlanStatus.shared, "the new plan goes to the client for agreement"
    assert plan.block_start == TODAY and plan.block_end == dt.date(2027, 11, 28)
    assert plans.open_review(plan).due_on == plan.block_end
    assert plans.level_1_clock(plan, TODAY) is None
    assert plans.outcomes_for(plan) == (ReviewOutcome.continue_level_2, ReviewOutcome.discharge)


def test_discharge_ends_the_plan(session):
    plan, staff, client = _start(session, level=2, block_start=dt.date(2025, 12, 1))
    plans.record_review(session, plan, outcome=ReviewOutcome.discharge, held_on=TODAY, notes="", by=staff, today=TODAY, now=NOW)
    assert plan.status == PlanStatus.ended and plan.ended_on == TODAY and plan.next_review_due is None
    assert plans.review_due(plan, TODAY) is None and plans.active_goals(plan) == []
    assert plans.current_plan(session, client.id) is None
    with pytest.raises(PlanRuleError):
        plans.rate_goal(session, plan.goals[0], rating=5, note=None, by=staff, rated_by=RatedBy.staff, today=TODAY, now=NOW)


@pytest.mark.parametrize("level, outcome", [(2, ReviewOutcome.continue_level_1), (2, ReviewOutcome.move_to_level_2),
                                            (1, ReviewOutcome.continue_level_2)])
def test_outcomes_must_fit_the_level(session, level, outcome):
    plan, staff, _client = _start(session, level=level, block_start=dt.date(2025, 12, 1))
    with pytest.raises(PlanRuleError) as problem:
        plans.record_review(session, plan, outcome=outcome, held_on=TODAY, notes="", by=staff, today=TODAY, now=NOW)
    assert problem.value.code == "outcome_not_for_level"


def test_review_dates_are_checked(session):
    plan, staff, _client = _start(session, level=2, block_start=dt.date(2025, 12, 1))
    for held_on, code in [(TODAY + dt.timedelta(days=1), "date_in_future"), (dt.date(2025, 11, 30), "before_block")]:
        with pytest.raises(PlanRuleError) as problem:
            plans.record_review(session, plan, outcome=ReviewOutcome.continue_level_2, held_on=held_on, notes="", by=staff,
                                today=TODAY, now=NOW)
        assert problem.value.code == code
    with pytest.raises(PlanRuleError) as problem:
        plans.schedule_review(session, plan, on=TODAY - dt.timedelta(days=1), by=staff, today=TODAY, now=NOW)
    assert problem.value.code == "date_in_past"
    assert plans.schedule_review(session, plan, on=dt.date(2026, 12, 10), by=staff, today=TODAY, now=NOW).scheduled_for == dt.date(2026, 12, 10)


def test_an_agreed_arrangement_request_makes_a_new_version(session):
    plan, staff, client = _start(session, level=2)
    _agreed(session, plan, client)
    version = plans.change_arrangement(session, plan, arrangement=Arrangement.direct_payment, provider=_provider(session),
                                       written_by=staff, today=TODAY, reason="Arrangement change ABC agreed",
                                       asked_by_client=True)
    assert plan.arrangement == Arrangement.direct_payment and plan.provider is None
    assert version.version_no == 2 and version.arrangement == Arrangement.direct_payment and version.provider_id is None
    assert plan.status == PlanStatus.agreed and version.change_summary == "Arrangement change ABC agreed"


def test_a_change_a_carer_asked_for_goes_to_the_client_to_agree(session):
    plan, staff, client = _start(session, level=2)
    _agreed(session, plan, client)
    version = plans.change_arrangement(session, plan, arrangement=Arrangement.direct_payment, provider=None,
                                       written_by=staff, today=TODAY, reason="Asked by their carer",
                                       asked_by_client=False)
    assert plan.status == PlanStatus.shared and version.agreed_by_client_at is None


def test_a_late_review_may_not_continue_level_1_past_24_months(session):
    """Due 2 Nov 2026, held 4 Dec 2026: another Level 1 block would end 3 Dec 2027, a month
    past the limit (3 Nov 2027 for a Level 1 start on 3 Nov 2025)."""
    plan, staff, client = _start(session, block_start=dt.date(2025, 11, 3))
    _agreed(session, plan, client)
    assert plans.open_review(plan).due_on == dt.date(2026, 11, 2)
    late = dt.date(2026, 12, 4)
    assert ReviewOutcome.continue_level_1 not in plans.outcomes_for(plan, late)
    with pytest.raises(PlanRuleError) as problem:
        plans.record_review(session, plan, outcome=ReviewOutcome.continue_level_1, held_on=late, notes="", by=staff,
                            today=late, now=NOW)
    assert problem.value.code == "level_1_limit"
    # Held when due, one more block fits: it ends 1 Nov 2027, before the limit.
    assert ReviewOutcome.continue_level_1 in plans.outcomes_for(plan, dt.date(2026, 11, 2))


@pytest.mark.parametrize("days_before, kind", [(40, None), (28, "four_weeks"), (20, "four_weeks"), (7, "one_week"),
                                               (0, "one_week"), (-1, None)])
def test_reminder_kind_by_days_to_go(days_before, kind):
    assert plans.reminder_kind(TODAY + dt.timedelta(days=days_before), TODAY) == kind


def test_reminders_go_to_the_client_and_carers_allowed_to_see_reviews(session):
    plan, staff, client = _start(session, level=2, block_start=plans.add_months(TODAY, -12) + dt.timedelta(days=28))
    assert plans.open_review(plan).due_on == TODAY + dt.timedelta(days=27)
    carer = Account(email="carer-r@example.org", display_name="Carer R", role=Role.carer)
    other = Account(email="carer-n@example.org", display_name="Carer N", role=Role.carer)
    session.add_all([carer, other])
    session.flush()
    pending = Account(email="carer-p@example.org", display_name="Carer P", role=Role.carer)
    session.add(pending)
    session.flush()
    session.add_all([CarerAccess(carer_account_id=carer.id, client_id=client.id, scopes=["reviews"], granted_at=NOW,
                                 accepted_at=NOW),
                     CarerAccess(carer_account_id=other.id, client_id=client.id, scopes=["plan"], granted_at=NOW,
                                 accepted_at=NOW),
                     # invited, not accepted yet: told nothing
                     CarerAccess(carer_account_id=pending.id, client_id=client.id, scopes=["reviews"], granted_at=NOW)])
    session.flush()
    due = [r for r in plans.reminders_due(session, TODAY) if r.review.plan_id == plan.id]
    assert sorted(r.to for r in due) == ["carer-r@example.org", "testa@example.org"]
    assert {r.kind for r in due} == {"four_weeks"}


def test_caseload_filters_are_the_teams_own(session):
    staff = _staff(session)
    overdue, total = plans.caseload(session, staff.team_id, TODAY, plans.CaseloadFilter.review_overdue)
    assert total > 0 and all(p.next_review_due < TODAY and p.client.team_id == staff.team_id for p in overdue)
    near, _ = plans.caseload(session, staff.team_id, TODAY, plans.CaseloadFilter.level_1_near_24)
    assert all(p.level == 1 and plans.level_1_clock(p, TODAY).near_limit for p in near)
    past_12, _ = plans.caseload(session, staff.team_id, TODAY, plans.CaseloadFilter.level_1_past_12)
    assert all(plans.level_1_clock(p, TODAY).past_aim for p in past_12)
    soon, _ = plans.caseload(session, staff.team_id, TODAY, plans.CaseloadFilter.review_due_soon)
    assert all(0 <= (p.next_review_due - TODAY).days <= 56 for p in soon)
    waiting, _ = plans.caseload(session, staff.team_id, TODAY, plans.CaseloadFilter.awaiting_agreement)
    assert all(p.status == PlanStatus.shared for p in waiting)
    everyone, total_all = plans.caseload(session, staff.team_id, TODAY, limit=10_000)
    other_team = session.scalar(select(Team).where(Team.id != staff.team_id))
    theirs, _ = plans.caseload(session, other_team.id, TODAY, limit=10_000)
    assert total_all == len(everyone) > len(overdue) and not {p.id for p in everyone} & {p.id for p in theirs}


def test_clients_moved_to_another_team_take_their_plans_to_its_caseload(session):
    staff = _staff(session)
    mine, _ = plans.caseload(session, staff.team_id, TODAY, limit=10_000)
    moving = [p.client_id for p in mine[:3]]
    new_team = Team(name="Team the clients move to")
    session.add(new_team)
    session.flush()
    plans.move_clients_to_team(session, moving, new_team.id)
    session.expire_all()
    theirs, total = plans.caseload(session, new_team.id, TODAY)
    assert total == 3 and sorted(p.client_id for p in theirs) == sorted(moving)
    assert all(p.client.team_id == new_team.id for p in theirs)
    left, _ = plans.caseload(session, staff.team_id, TODAY, limit=10_000)
    assert not {p.client_id for p in left} & set(moving) and len(left) == len(mine) - 3


def test_a_plan_is_on_the_caseload_of_its_clients_team(session):
    mismatched = session.scalar(select(func.count()).select_from(SupportPlan)
                                .join(Client, Client.id == SupportPlan.client_id)
                                .where(SupportPlan.team_id.is_distinct_from(Client.team_id)))
    assert mismatched == 0
