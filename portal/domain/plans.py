"""Support plan and review rules (report 1.1.3–1.1.8).

- Support runs in 12-month blocks; a review falls due at each block's end, and an annual
  review is required for every open plan (Care Act 2014).
- Level 1 (targeted help) aims at discharge within 12 months of its first start and may
  last 24 months at most: a review may not continue Level 1 past that, it must move the
  person to Level 2 (ongoing care) or discharge them.
- Agreed support (level, hours, provider, place, ending) changes through a review, which
  the client or their carer can ask for whenever their needs change (Care Act 2014, s.27),
  not only when it falls due; the plan's own words — what matters, goals — can be
  rewritten with the client at any time, which makes a new version for them to agree.
- The client and the carers their grant allows are told (portal.domain.updates) when a
  version is shared for agreement, a review is recorded or asked for, and a worker replies
  in the conversation about the plan.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import and_, bindparam, case, func, inspect, select, update
from sqlalchemy.orm import Session, aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..models import (
    Account,
    Arrangement,
    CarerAccess,
    CarerScope,
    Client,
    Goal,
    GoalRating,
    GoalStatus,
    PlanComment,
    PlanStatus,
    Provider,
    RatedBy,
    Review,
    ReviewOutcome,
    ReviewRequest,
    SupportLocation,
    SupportPlan,
    SupportPlanVersion,
    UpdateKind,
)
from . import audit, updates
from .budgets import Budget
from .staying_well import StayingWell

BLOCK_MONTHS = 12
LEVEL_1_AIM_MONTHS = 12
LEVEL_1_LIMIT_MONTHS = 24
LEVEL_1_NEAR_LIMIT_MONTHS = 21  # three months' warning before the limit
SUGGESTED_GOALS = 3  # goal-based outcome practice suggests about three; the client may want more
MAX_GOALS = 10
REVIEW_SOON_WEEKS = 8
REMINDER_DAYS = {"four_weeks": 28, "one_week": 7}
GOAL_SCALE = range(0, 11)  # 0 no progress, 5 half way, 10 reached


# ---------------------------------------------------------------------------------------
# Dates

def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def block_end_for(block_start: dt.date) -> dt.date:
    """12-month blocks: the last day is the day before the same date a year on."""
    return add_months(block_start, BLOCK_MONTHS) - dt.timedelta(days=1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end (14 March → 13 May is 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


# ---------------------------------------------------------------------------------------
# Reading a plan

@dataclass(frozen=True)
class Level1Clock:
    months: int  # whole months since the first Level 1 start
    aim_date: dt.date  # 12 months on: the planned discharge
    limit_date: dt.date  # 24 months on: Level 1 may not go past this

    @property
    def past_aim(self) -> bool:
        return self.months >= LEVEL_1_AIM_MONTHS

    @property
    def near_limit(self) -> bool:
        return self.months >= LEVEL_1_NEAR_LIMIT_MONTHS

    @property
    def past_limit(self) -> bool:
        return self.months >= LEVEL_1_LIMIT_MONTHS


def level_1_clock(plan: SupportPlan, today: dt.date) -> Level1Clock | None:
    if plan.level != 1 or plan.level_1_started_on is None:
        return None
    start = plan.level_1_started_on
    return Level1Clock(
        months=max(0, months_between(start, today)),
        aim_date=add_months(start, LEVEL_1_AIM_MONTHS),
        limit_date=add_months(start, LEVEL_1_LIMIT_MONTHS),
    )


def open_review(plan: SupportPlan) -> Review | None:
    """The review still to happen (an open plan always has one)."""
    return next((r for r in plan.reviews if r.completed_on is None), None)


def past_reviews(plan: SupportPlan) -> list[Review]:
    return sorted((r for r in plan.reviews if r.completed_on is not None), key=lambda r: r.completed_on, reverse=True)


@dataclass(frozen=True)
class ReviewDue:
    review: Review
    due_on: dt.date
    days_to_go: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_to_go < 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_to_go <= REVIEW_SOON_WEEKS * 7


def review_due(plan: SupportPlan, today: dt.date) -> ReviewDue | None:
    review = open_review(plan)
    if review is None or plan.status == PlanStatus.ended:
        return None
    return ReviewDue(review=review, due_on=review.due_on, days_to_go=(review.due_on - today).days)


def current_version(plan: SupportPlan) -> SupportPlanVersion:
    return plan.versions[-1]


def active_goals(plan: SupportPlan) -> list[Goal]:
    return [goal for goal in plan.goals if goal.status == GoalStatus.active]


def latest_rating(goal: Goal) -> GoalRating | None:
    return goal.ratings[-1] if goal.ratings else None


# Whoever wrote a version or a message, as a page shows them: by name. A worker's sign-in
# secrets and address are not read to print their name (and each column read costs a little
# on every request of the busiest page).
_NAME_ONLY = (Account.id, Account.display_name)

# Versions and the provider come in the plan's own query (joined: a plan has few versions),
# goals, their ratings and reviews one query each (joining two collections would multiply
# their rows). Every query is built once per process with its values as parameters:
# building an ORM query and its cache key anew cost more than running it (the plan page's
# 0.71 ms of loading was 0.48 ms of building), and SQLAlchemy's selectinload builds its own
# anew for each load (1.6 of the support page's 1.8 ms); a built one keeps its key.
_JOINED_PARTS = {
    "versions": lambda: joinedload(SupportPlan.versions),
    "authors": lambda: joinedload(SupportPlan.versions).joinedload(SupportPlanVersion.written_by),
    "author_names": lambda: (joinedload(SupportPlan.versions).joinedload(SupportPlanVersion.written_by)
                             .load_only(*_NAME_ONLY)),
    "provider": lambda: joinedload(SupportPlan.provider),
}
_COLLECTION_PARTS = {"goals", "ratings", "reviews"}  # ratings: the goals with their ratings
ALL_PARTS = ("authors", "ratings", "reviews", "provider")
# What the busiest pages show. A goal's latest rating is kept on the goal by the rating
# rule, so the support page never loads a goal's ratings (their number only grows).
PLAN_PAGE_PARTS = ("author_names",)  # the plan itself and its change history with who wrote it
SUPPORT_PAGE_PARTS = ("versions", "goals", "reviews", "provider")

# The collections in the order their relationships declare.
_GOALS = select(Goal).where(Goal.plan_id == bindparam("plan_id")).order_by(Goal.position)
_RATINGS = (select(GoalRating).where(GoalRating.goal_id.in_(bindparam("goal_ids", expanding=True)))
            .order_by(GoalRating.rated_on))
_REVIEWS = select(Review).where(Review.plan_id == bindparam("plan_id")).order_by(Review.due_on)


@cache
def _current_plan_query(parts: frozenset[str]):
    unknown = parts - _JOINED_PARTS.keys() - _COLLECTION_PARTS
    if unknown:
        raise KeyError(sorted(unknown))
    return (select(SupportPlan)
            .options(*(_JOINED_PARTS[part]() for part in sorted(parts & _JOINED_PARTS.keys())))
            .where(SupportPlan.client_id == bindparam("client_id"), SupportPlan.ended_on.is_(None))
            .order_by(SupportPlan.started_on.desc())
            .limit(1))


def current_plan(session: Session, client_id: int, *, parts: tuple[str, ...] = ALL_PARTS) -> SupportPlan | None:
    """The client's open plan with `parts` loaded up front (versions, authors = versions with
    who wrote them, author_names = the same with their names only, goals, ratings = goals
    with their ratings, reviews, provider) rather than one lazy query per item. Anything else
    still loads when it is read."""
    wanted = frozenset(parts)
    plan = session.scalar(_current_plan_query(wanted), {"client_id": client_id})
    if plan is not None and wanted & _COLLECTION_PARTS:
        _load_collections(session, plan, wanted)
    return plan


def _load_collections(session: Session, plan: SupportPlan, parts: frozenset[str]) -> None:
    """What selectinload did, with the queries built once: each collection the session has
    not loaded yet, as loaded from the database (no change to flush)."""
    if {"goals", "ratings"} & parts and "goals" in inspect(plan).unloaded:
        set_committed_value(plan, "goals", list(session.scalars(_GOALS, {"plan_id": plan.id})))
    if "ratings" in parts:
        unrated = {goal.id: [] for goal in plan.goals if "ratings" in inspect(goal).unloaded}
        if unrated:
            for rating in session.scalars(_RATINGS, {"goal_ids": list(unrated)}):
                unrated[rating.goal_id].append(rating)
            for goal in plan.goals:
                if goal.id in unrated:
                    set_committed_value(goal, "ratings", unrated[goal.id])
    if "reviews" in parts and "reviews" in inspect(plan).unloaded:
        set_committed_value(plan, "reviews", list(session.scalars(_REVIEWS, {"plan_id": plan.id})))


# ---------------------------------------------------------------------------------------
# Errors the views turn into messages in the reader's language

class PlanRuleError(Exception):
    """A rule of the service was broken; `code` names which (views translate it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# ---------------------------------------------------------------------------------------
# Writing a plan with the client: draft → shared → agreed

@dataclass
class GoalText:
    """A goal as the client and worker wrote it; `goal_id` when it already exists."""

    description: str
    steps: str = ""
    who_helps: str = ""
    target_date: dt.date | None = None
    goal_id: int | None = None


@dataclass
class PlanText:
    what_matters_to_me: str
    goals: list[GoalText] = field(default_factory=list)
    staying_well: StayingWell | None = None  # None: as it was


@dataclass
class SupportDetails:
    """The support itself: set when the plan is first written, then only at a review."""

    level: int
    arrangement: Arrangement
    provider: Provider | None
    hours_per_week: float | None
    location: SupportLocation


def _check_text(text: PlanText) -> None:
    if not text.goals:
        raise PlanRuleError("no_goals")
    if len(text.goals) > MAX_GOALS:
        raise PlanRuleError("too_many_goals")
    if text.staying_well is not None and (problem := text.staying_well.problem()):
        raise PlanRuleError(problem)


def _check_budget(plan: SupportPlan, budget: Budget) -> None:
    """The personal budget fits how the support is arranged (and Section 117 aftercare is free)."""
    client = plan.client
    if problem := budget.problem(plan.arrangement, section_117=bool(client and client.section_117_aftercare)):
        raise PlanRuleError(problem)


def _check_support(support: SupportDetails) -> None:
    if support.level not in (1, 2):
        raise PlanRuleError("bad_level")
    if support.arrangement == Arrangement.direct_payment and support.provider is not None:
        raise PlanRuleError("direct_payment_has_no_provider")
    if support.arrangement != Arrangement.direct_payment and support.provider is None:
        raise PlanRuleError("provider_needed")


def goals_snapshot(goals: list[Goal]) -> list[dict]:
    """The active goals as a version keeps them (the demo writes its versions with it too)."""
    return [
        {"position": g.position, "description": g.description, "steps": g.steps, "who_helps": g.who_helps,
         "target_date": g.target_date.isoformat() if g.target_date else None}
        for g in goals if g.status == GoalStatus.active
    ]


def _new_version(plan: SupportPlan, *, status: PlanStatus, written_by: Account, summary: str, now: dt.datetime,
                 what_matters_to_me: str | None = None, hours_per_week: float | None = None,
                 location: SupportLocation | None = None, budget: Budget | None = None,
                 staying_well: StayingWell | None = None) -> SupportPlanVersion:
    previous = plan.versions[-1] if plan.versions else None
    version = SupportPlanVersion(
        version_no=(previous.version_no + 1) if previous else 1,
        level=plan.level, status=status, block_start=plan.block_start, block_end=plan.block_end,
        arrangement=plan.arrangement, provider_id=plan.provider.id if plan.provider is not None else None,
        hours_per_week=hours_per_week if hours_per_week is not None else (previous.hours_per_week if previous else None),
        location=location or (previous.location if previous else SupportLocation.own_home),
        what_matters_to_me=what_matters_to_me if what_matters_to_me is not None else (previous.what_matters_to_me if previous else ""),
        goals_snapshot=goals_snapshot(plan.goals), change_summary=summary[:500],
        written_by_account_id=written_by.id, created_at=now,
        staying_well=staying_well.as_dict() if staying_well is not None else dict(previous.staying_well if previous else {}),
    )
    _carry_budget(version, budget or Budget.of(previous), plan.arrangement)
    plan.versions.append(version)
    plan.current_version_no = version.version_no
    plan.status = status
    return version


def _carry_budget(version: SupportPlanVersion, budget: Budget | None, arrangement: Arrangement) -> None:
    """The budget a version keeps: the one given, or the last one (its split only while the
    arrangement is mixed)."""
    if budget is not None:
        budget.for_arrangement(arrangement).write_to(version)


def start_plan(session: Session, client: Client, *, support: SupportDetails, text: PlanText, block_start: dt.date,
               written_by: Account, now: dt.datetime, budget: Budget | None = None) -> SupportPlan:
    """A first plan, written with the client after assessment (a draft until shared); the
    personal budget may follow later."""
    if current_plan(session, client.id) is not None:
        raise PlanRuleError("plan_exists")
    _check_support(support)
    _check_text(text)
    plan = SupportPlan(
        client_id=client.id, team_id=client.team_id, level=support.level, status=PlanStatus.draft, arrangement=support.arrangement,
        provider=support.provider, block_start=block_start, block_end=block_end_for(block_start),
        next_review_due=block_end_for(block_start), started_on=block_start,
        level_1_started_on=block_start if support.level == 1 else None, created_at=now,
    )
    plan.client = client
    if budget is not None:
        _check_budget(plan, budget)
    session.add(plan)
    _set_goals(plan, text.goals, now)
    plan.reviews.append(Review(due_on=plan.block_end, created_at=now))
    _new_version(plan, status=PlanStatus.draft, written_by=written_by, summary="First support plan written with the client.",
                 now=now, what_matters_to_me=text.what_matters_to_me, hours_per_week=support.hours_per_week,
                 location=support.location, budget=budget, staying_well=text.staying_well)
    session.flush()
    audit.record(session, actor=written_by, action="plan_started", now=now, client_id=client.id,
                 object_type="support_plan", object_id=plan.id)
    return plan


def _set_goals(plan: SupportPlan, goals: list[GoalText], now: dt.datetime) -> None:
    existing = {g.id: g for g in plan.goals if g.id is not None}
    kept: set[int] = set()
    for position, text in enumerate(goals, start=1):
        goal = existing.get(text.goal_id) if text.goal_id else None
        if goal is None:
            goal = Goal(description=text.description, created_at=now, status=GoalStatus.active)
            plan.goals.append(goal)
        else:
            kept.add(goal.id)
        goal.position, goal.description = position, text.description
        goal.steps, goal.who_helps, goal.target_date = text.steps, text.who_helps, text.target_date
    # A goal left out is stopped, not deleted: its ratings stay in the history.
    for goal_id, goal in existing.items():
        if goal_id not in kept and goal.status == GoalStatus.active:
            goal.status = GoalStatus.stopped


def rewrite_plan(session: Session, plan: SupportPlan, *, text: PlanText, written_by: Account, summary: str,
                 now: dt.datetime, expected_lock_version: int | None = None,
                 support: SupportDetails | None = None, budget: Budget | None = None) -> SupportPlanVersion:
    """Change the plan's words. A draft is edited as it is; a shared or agreed plan gets a
    new version that goes back to the client for agreement. The support itself, and the
    personal budget that pays for it, may change here only while the plan has never been
    agreed; after that only a review changes them (a budget not yet recorded may be added)."""
    _must_be_open(plan)
    if expected_lock_version is not None and expected_lock_version != plan.lock_version:
        raise PlanRuleError("changed_by_someone_else")
    _check_text(text)
    ever_agreed = any(v.agreed_by_client_at for v in plan.versions)
    if budget is not None and ever_agreed and Budget.of(plan.versions[-1]) not in (None, budget):
        raise PlanRuleError("budget_changes_at_review")
    if support is not None:
        if ever_agreed and _support_differs(plan, support):
            raise PlanRuleError("support_changes_at_review")
        _check_support(support)
        plan.arrangement, plan.provider = support.arrangement, support.provider
        if not ever_agreed and support.level != plan.level:
            plan.level = support.level
            plan.level_1_started_on = plan.block_start if support.level == 1 else None
    if budget is not None:
        _check_budget(plan, budget)
    _set_goals(plan, text.goals, now)
    session.flush()
    hours = support.hours_per_week if support else None
    location = support.location if support else None
    if plan.status == PlanStatus.draft:
        version = plan.versions[-1]
        version.what_matters_to_me, version.goals_snapshot = text.what_matters_to_me, goals_snapshot(plan.goals)
        version.level, version.arrangement = plan.level, plan.arrangement
        version.provider_id = plan.provider.id if plan.provider is not None else None
        if hours is not None:
            version.hours_per_week = hours
        if location is not None:
            version.location = location
        _carry_budget(version, budget or Budget.of(version), plan.arrangement)
        if text.staying_well is not None:
            version.staying_well = text.staying_well.as_dict()
        version.written_by_account_id = written_by.id
    else:
        version = _new_version(plan, status=PlanStatus.shared, written_by=written_by, summary=summary or "Plan updated with the client.",
                               now=now, what_matters_to_me=text.what_matters_to_me, hours_per_week=hours, location=location,
                               budget=budget, staying_well=text.staying_well)
        session.flush()
        _tell_shared(session, plan, now)
    session.flush()
    audit.record(session, actor=written_by, action="plan_rewritten", now=now, client_id=plan.client_id,
                 object_type="support_plan", object_id=plan.id)
    return version


def _support_differs(plan: SupportPlan, support: SupportDetails) -> bool:
    version = plan.versions[-1]
    return (support.level != plan.level or support.arrangement != plan.arrangement
            or (support.provider.id if support.provider else None) != plan.provider_id
            or support.hours_per_week != version.hours_per_week or support.location != version.location)


def share_with_client(session: Session, plan: SupportPlan, *, by: Account, now: dt.datetime) -> None:
    if plan.status != PlanStatus.draft:
        raise PlanRuleError("not_a_draft")
    plan.status = plan.versions[-1].status = PlanStatus.shared
    session.flush()
    _tell_shared(session, plan, now)
    audit.record(session, actor=by, action="plan_shared", now=now, client_id=plan.client_id,
                 object_type="support_plan", object_id=plan.id)


def _tell_shared(session: Session, plan: SupportPlan, now: dt.datetime) -> None:
    """The version now waiting for the client's agreement: they (and carers who may read
    the plan) are told."""
    updates.record(session, client_id=plan.client_id, kind=UpdateKind.plan_shared, now=now,
                   about_id=plan.versions[-1].id)


def agree_plan(session: Session, plan: SupportPlan, *, client_account: Account, now: dt.datetime) -> None:
    """Only the client agrees to their own plan (a carer may not do it for them)."""
    if client_account.client_id != plan.client_id:
        raise PlanRuleError("only_the_client_agrees")
    if plan.status != PlanStatus.shared:
        raise PlanRuleError("nothing_to_agree")
    version = plan.versions[-1]
    plan.status = version.status = PlanStatus.agreed
    version.agreed_by_client_at = now
    session.flush()
    audit.record(session, actor=client_account, action="plan_agreed", now=now, client_id=plan.client_id,
                 object_type="support_plan", object_id=plan.id)


def ask_for_changes(session: Session, plan: SupportPlan, *, client_account: Account, comment: str,
                    now: dt.datetime) -> Account | None:
    """"I want to talk about changes": the comment joins the conversation about the plan
    (every comment is kept, with the version it was about) and the worker who wrote that
    version is returned so the caller can tell them."""
    if client_account.client_id != plan.client_id:
        raise PlanRuleError("only_the_client_agrees")
    _must_be_open(plan)
    if not comment.strip():
        raise PlanRuleError("comment_needed")
    version = plan.versions[-1]
    session.add(PlanComment(plan_id=plan.id, version_no=version.version_no, from_client=True,
                            author_account_id=client_account.id, text=comment.strip(), created_at=now))
    session.flush()
    audit.record(session, actor=client_account, action="plan_changes_asked", now=now, client_id=plan.client_id,
                 object_type="support_plan", object_id=plan.id)
    return version.written_by


def reply_to_client(session: Session, plan: SupportPlan, *, staff: Account, text: str, now: dt.datetime) -> PlanComment:
    """A worker's answer in the conversation about the plan; the client (and carers who may
    read the plan) are told."""
    _must_be_open(plan)
    if not text.strip():
        raise PlanRuleError("reply_needed")
    comment = PlanComment(plan_id=plan.id, version_no=plan.current_version_no, from_client=False,
                          author_account_id=staff.id, text=text.strip(), created_at=now)
    session.add(comment)
    session.flush()
    updates.record(session, client_id=plan.client_id, kind=UpdateKind.plan_reply, now=now, about_id=comment.id)
    audit.record(session, actor=staff, action="plan_comment_answered", now=now, client_id=plan.client_id,
                 object_type="plan_comment", object_id=comment.id)
    return comment


_CONVERSATION = (select(PlanComment).options(joinedload(PlanComment.author).load_only(*_NAME_ONLY))
                 .where(PlanComment.plan_id == bindparam("plan_id")).order_by(PlanComment.id))


def conversation(session: Session, plan: SupportPlan) -> list[PlanComment]:
    """Every message about the plan, oldest first (the query built once: see _current_plan_query)."""
    return list(session.scalars(_CONVERSATION, {"plan_id": plan.id}))


def change_arrangement(session: Session, plan: SupportPlan, *, arrangement: Arrangement, provider: Provider | None,
                       written_by: Account, today: dt.date, reason: str, asked_by_client: bool) -> SupportPlanVersion:
    """An agreed arrangement request (council-arranged ↔ direct payment): the same support,
    arranged another way, as a new version. When the client asked for it themselves their
    request is their agreement to it, and an agreed plan stays agreed; asked by a carer, the
    new version goes to the client to agree."""
    _must_be_open(plan)
    # A direct payment has no provider; council-arranged support may not have one yet
    # (the council finds one after agreeing).
    plan.arrangement = arrangement
    plan.provider = None if arrangement == Arrangement.direct_payment else provider
    now = dt.datetime.combine(today, dt.time(12), dt.UTC)
    status = PlanStatus.shared if plan.status == PlanStatus.agreed and not asked_by_client else plan.status
    version = _new_version(plan, status=status, written_by=written_by, summary=reason, now=now)
    if status == PlanStatus.agreed:
        version.agreed_by_client_at = now
    session.flush()
    if status == PlanStatus.shared:
        _tell_shared(session, plan, now)
    return version


def _must_be_open(plan: SupportPlan) -> None:
    if plan.status == PlanStatus.ended or plan.ended_on is not None:
        raise PlanRuleError("plan_ended")


# ---------------------------------------------------------------------------------------
# Goals

def rate_goal(session: Session, goal: Goal, *, rating: int, note: str | None, by: Account, rated_by: RatedBy,
              today: dt.date, now: dt.datetime) -> GoalRating:
    if rating not in GOAL_SCALE:
        raise PlanRuleError("rating_out_of_range")
    if session.get_bind().dialect.name != "sqlite":
        # Two ratings of one goal at once: lock its row and read its running figures afresh,
        # or PostgreSQL (reading committed rows) loses a count. SQLite writes one at a time.
        session.refresh(goal, with_for_update=True)
    if goal.status != GoalStatus.active:
        raise PlanRuleError("goal_not_active")
    _must_be_open(goal.plan)
    # Linked through GoalRating.goal: a goal's ratings (only ever more of them) are not all
    # loaded to add one; a collection already loaded gets the new rating appended.
    entry = GoalRating(goal=goal, rating=rating, rated_by=rated_by, rated_by_account_id=by.id, rated_on=today,
                       note=(note or "").strip() or None, created_at=now)
    session.add(entry)
    if goal.first_rating is None:
        goal.first_rating = rating
    goal.latest_rating, goal.rating_count = rating, (goal.rating_count or 0) + 1
    session.flush()
    audit.record(session, actor=by, action="goal_rated", now=now, client_id=goal.plan.client_id,
                 object_type="goal", object_id=goal.id)
    return entry


# ---------------------------------------------------------------------------------------
# Reviews

ALLOWED_OUTCOMES = {
    1: (ReviewOutcome.continue_level_1, ReviewOutcome.move_to_level_2, ReviewOutcome.discharge),
    2: (ReviewOutcome.continue_level_2, ReviewOutcome.discharge),
}


def outcomes_for(plan: SupportPlan, held_on: dt.date | None = None) -> tuple[ReviewOutcome, ...]:
    """The outcomes a review of this plan held on `held_on` may record, the Level 1 limit
    included (without a date: a review held when it is due)."""
    allowed = ALLOWED_OUTCOMES[plan.level]
    if plan.level == 1 and not may_continue_level_1(plan, held_on or plan.block_end):
        allowed = tuple(o for o in allowed if o != ReviewOutcome.continue_level_1)
    return allowed


def next_block_start(held_on: dt.date) -> dt.date:
    """A review starts the next 12-month block on the day it is held, early or late, so the
    next review is due at most 12 months after this one (the Care Act's annual review) and
    blocks never overlap (an early review ends the block it is in)."""
    return held_on


def may_continue_level_1(plan: SupportPlan, held_on: dt.date) -> bool:
    """Another Level 1 block, starting at a review held on `held_on`, must end before the
    24-month limit from the first Level 1 start."""
    if plan.level_1_started_on is None:
        return False
    next_end = block_end_for(next_block_start(held_on))
    return next_end < add_months(plan.level_1_started_on, LEVEL_1_LIMIT_MONTHS)


def schedule_review(session: Session, plan: SupportPlan, *, on: dt.date, by: Account, today: dt.date,
                    now: dt.datetime) -> Review:
    _must_be_open(plan)
    review = open_review(plan)
    if review is None:
        raise PlanRuleError("no_review_due")
    if on < today:
        raise PlanRuleError("date_in_past")
    if on > add_months(review.due_on, 3):
        raise PlanRuleError("too_far_after_due")
    review.scheduled_for = on
    session.flush()
    audit.record(session, actor=by, action="review_scheduled", now=now, client_id=plan.client_id,
                 object_type="review", object_id=review.id)
    return review


def record_review(session: Session, plan: SupportPlan, *, outcome: ReviewOutcome, held_on: dt.date, notes: str,
                  by: Account, today: dt.date, now: dt.datetime, hours_per_week: float | None = None,
                  budget: Budget | None = None) -> Review:
    """Record the annual (or an early) review. The next block and review date follow from
    the outcome; discharge ends the plan; moving to Level 2 starts a Level 2 version and
    block that goes to the client for agreement. Changed hours or a changed personal
    budget go to the client for agreement too."""
    _must_be_open(plan)
    review = open_review(plan)
    if review is None:
        raise PlanRuleError("no_review_due")
    if held_on > today:
        raise PlanRuleError("date_in_future")
    if held_on < plan.block_start:
        raise PlanRuleError("before_block")
    if outcome not in ALLOWED_OUTCOMES[plan.level]:
        raise PlanRuleError("outcome_not_for_level")
    if outcome == ReviewOutcome.continue_level_1 and not may_continue_level_1(plan, held_on):
        raise PlanRuleError("level_1_limit")
    if hours_per_week is not None and not (0.5 <= hours_per_week <= 168):
        raise PlanRuleError("hours_out_of_range")
    if budget is not None and outcome != ReviewOutcome.discharge:
        _check_budget(plan, budget)
    review.completed_on, review.outcome = held_on, outcome
    review.notes = notes.strip() or None
    review.recorded_by_account_id = by.id
    if review.scheduled_for is None:
        review.scheduled_for = held_on

    if outcome == ReviewOutcome.discharge:
        plan.ended_on, plan.next_review_due = held_on, None
        _new_version(plan, status=PlanStatus.ended, written_by=by, summary="Discharged at review.", now=now)
        for goal in active_goals(plan):
            goal.status = GoalStatus.stopped
    else:
        plan.block_start = next_block_start(held_on)
        plan.block_end = block_end_for(plan.block_start)
        plan.next_review_due = plan.block_end
        plan.reviews.append(Review(due_on=plan.block_end, created_at=now))
        if outcome == ReviewOutcome.move_to_level_2:
            plan.level = 2
            _new_version(plan, status=PlanStatus.shared, written_by=by, now=now, hours_per_week=hours_per_week,
                         budget=budget, summary="Moved from Level 1 (targeted help) to Level 2 (ongoing care) at review.")
        else:
            previous = plan.versions[-1]
            same_support = ((hours_per_week is None or hours_per_week == previous.hours_per_week)
                            and (budget is None or budget == Budget.of(previous)))
            # The same support for another block stands agreed if it was (the client's
            # agreement is to its content); changed hours or budget go to the client for agreement.
            status = plan.status if same_support else PlanStatus.shared
            version = _new_version(plan, status=status, written_by=by, now=now, hours_per_week=hours_per_week,
                                   budget=budget, summary="Support continues for another 12 months after review.")
            if status == PlanStatus.agreed:
                version.agreed_by_client_at = previous.agreed_by_client_at
    session.flush()
    # The review answers every request for one (Care Act 2014, s.27).
    for asked in session.scalars(select(ReviewRequest).where(ReviewRequest.plan_id == plan.id,
                                                             ReviewRequest.answered_at.is_(None))):
        asked.review_id, asked.answered_at = review.id, now
    updates.record(session, client_id=plan.client_id, kind=UpdateKind.review_recorded, now=now, about_id=review.id)
    if plan.status == PlanStatus.shared:  # the review's new version waits for agreement
        _tell_shared(session, plan, now)
    session.flush()
    audit.record(session, actor=by, action="review_recorded", now=now, client_id=plan.client_id,
                 object_type="review", object_id=review.id)
    return review


# ---------------------------------------------------------------------------------------
# Reminders: 4 weeks and 1 week before a review, once each, however often the job runs

@dataclass(frozen=True)
class ReminderDue:
    review: Review
    kind: str  # key of REMINDER_DAYS
    to: str
    name: str
    language: str

    @property
    def dedupe_key(self) -> str:
        return f"review-reminder:{self.review.id}:{self.review.due_on.isoformat()}:{self.kind}:{self.to}"


def reminder_kind(due_on: dt.date, today: dt.date) -> str | None:
    """The nearer reminder whose time has come (a missed day still sends it, late)."""
    days = (due_on - today).days
    if 0 <= days <= REMINDER_DAYS["one_week"]:
        return "one_week"
    if REMINDER_DAYS["one_week"] < days <= REMINDER_DAYS["four_weeks"]:
        return "four_weeks"
    return None


def reminders_due(session: Session, today: dt.date) -> list[ReminderDue]:
    """The client (with an account or an email on file) and carers allowed to see reviews."""
    horizon = today + dt.timedelta(days=REMINDER_DAYS["four_weeks"])
    rows = session.execute(
        select(Review, SupportPlan, Client)
        .join(SupportPlan, SupportPlan.id == Review.plan_id)
        .join(Client, Client.id == SupportPlan.client_id)
        .where(Review.completed_on.is_(None), SupportPlan.ended_on.is_(None),
               Review.due_on >= today, Review.due_on <= horizon)
    ).all()
    due: list[ReminderDue] = []
    for review, _plan, client in rows:
        kind = reminder_kind(review.due_on, today)
        if kind is None:
            continue
        account = session.scalar(select(Account).where(Account.client_id == client.id))
        email = account.email if account is not None else client.email
        if email:
            due.append(ReminderDue(review, kind, email, client.given_name, client.preferred_language))
        for access in session.scalars(select(CarerAccess).where(CarerAccess.client_id == client.id,
                                                                CarerAccess.revoked_at.is_(None),
                                                                CarerAccess.accepted_at.is_not(None))):
            if access.allows(CarerScope.reviews):
                due.append(ReminderDue(review, kind, access.carer.email, access.carer.display_name,
                                       access.carer.preferred_language))
    return due


# ---------------------------------------------------------------------------------------
# Staff caseload

class CaseloadFilter(enum.StrEnum):
    review_due_soon = "review_due_soon"  # within 8 weeks
    review_overdue = "review_overdue"
    level_1_past_12 = "level_1_past_12"
    level_1_near_24 = "level_1_near_24"  # 21 months or more, the limit included
    awaiting_agreement = "awaiting_agreement"
    review_asked = "review_asked"  # the client or their carer asked for a review
    comment_waiting = "comment_waiting"  # the client's latest words about the plan wait for a reply


def _filter_condition(only: CaseloadFilter, today: dt.date):
    """What a plan on the caseload must meet to be in `only`."""
    if only == CaseloadFilter.review_due_soon:
        return and_(SupportPlan.next_review_due >= today,
                    SupportPlan.next_review_due <= today + dt.timedelta(weeks=REVIEW_SOON_WEEKS))
    if only == CaseloadFilter.review_overdue:
        return SupportPlan.next_review_due < today
    if only == CaseloadFilter.level_1_past_12:
        return and_(SupportPlan.level == 1, SupportPlan.level_1_started_on <= _months_before(today, LEVEL_1_AIM_MONTHS))
    if only == CaseloadFilter.level_1_near_24:
        return and_(SupportPlan.level == 1,
                    SupportPlan.level_1_started_on <= _months_before(today, LEVEL_1_NEAR_LIMIT_MONTHS))
    if only == CaseloadFilter.awaiting_agreement:
        return SupportPlan.status == PlanStatus.shared
    if only == CaseloadFilter.review_asked:
        return select(ReviewRequest.id).where(ReviewRequest.plan_id == SupportPlan.id,
                                              ReviewRequest.answered_at.is_(None)).exists()
    return comment_waiting_condition()


def _team_plans(team_id: int):
    """Conditions for the open plans of the team's clients."""
    return [SupportPlan.team_id == team_id, SupportPlan.ended_on.is_(None)]


def move_clients_to_team(session: Session, client_ids: list[int], team_id: int | None) -> None:
    """Clients move to another team, and their plans with them onto its caseload (the one
    place a plan's copy of its client's team changes)."""
    session.execute(update(Client).where(Client.id.in_(client_ids)).values(team_id=team_id))
    session.execute(update(SupportPlan).where(SupportPlan.client_id.in_(client_ids)).values(team_id=team_id))


def caseload(session: Session, team_id: int, today: dt.date, only: CaseloadFilter | None = None,
             *, limit: int = 200, offset: int = 0) -> tuple[list[SupportPlan], int]:
    """Open plans of the team's clients, soonest review first, and how many match."""
    conditions = _team_plans(team_id) + ([_filter_condition(only, today)] if only is not None else [])
    base = select(SupportPlan).where(and_(*conditions))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    plans = session.scalars(
        base.options(selectinload(SupportPlan.client), selectinload(SupportPlan.reviews))
        .order_by(SupportPlan.next_review_due.asc(), SupportPlan.id).limit(limit).offset(offset)
    ).all()
    return list(plans), total


def caseload_counts(session: Session, team_id: int, today: dt.date) -> dict[CaseloadFilter, int]:
    """How many of the team's open plans are in each filter, in one query (not one a filter)."""
    row = session.execute(
        select(*(func.count(case((_filter_condition(only, today), 1))) for only in CaseloadFilter))
        .select_from(SupportPlan).where(*_team_plans(team_id))
    ).one()
    return {only: count or 0 for only, count in zip(CaseloadFilter, row, strict=True)}


def caseload_flags(session: Session, plan_ids: list[int]) -> dict[int, set[CaseloadFilter]]:
    """For plans on a caseload page: which wait on staff (a review asked for, a comment
    waiting for a reply)."""
    flags: dict[int, set[CaseloadFilter]] = {plan_id: set() for plan_id in plan_ids}
    if not plan_ids:
        return flags
    asked = select(ReviewRequest.plan_id).where(ReviewRequest.plan_id.in_(plan_ids), ReviewRequest.answered_at.is_(None))
    waiting = select(SupportPlan.id).where(SupportPlan.id.in_(plan_ids), comment_waiting_condition())
    for flag, query in ((CaseloadFilter.review_asked, asked), (CaseloadFilter.comment_waiting, waiting)):
        for plan_id in session.scalars(query):
            flags[plan_id].add(flag)
    return flags


def comment_waiting_condition():
    """A plan whose latest message in the conversation is the client's (no reply after it)."""
    later = aliased(PlanComment)
    latest = (select(func.max(later.id)).where(later.plan_id == SupportPlan.id).correlate(SupportPlan)
              .scalar_subquery())
    return select(PlanComment.id).where(PlanComment.id == latest, PlanComment.from_client.is_(True)).exists()


def _months_before(today: dt.date, months: int) -> dt.date:
    """The latest start date with at least `months` whole months to today (as months_between counts)."""
    return add_months(today, -months)


def clients_without_plan(session: Session, team_id: int) -> list[Client]:
    has_open_plan = select(SupportPlan.id).where(SupportPlan.client_id == Client.id, SupportPlan.ended_on.is_(None)).exists()
    return list(session.scalars(select(Client).where(Client.team_id == team_id, ~has_open_plan)
                                .order_by(Client.family_name, Client.given_name).limit(200)))

