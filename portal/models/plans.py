"""Support plans (versioned), goals and ratings, reviews, referrals."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .people import Account, Client, Team


class PlanStatus(enum.StrEnum):
    draft = "draft"
    shared = "shared"  # shared with the client, waiting for their agreement
    agreed = "agreed"
    ended = "ended"


class Arrangement(enum.StrEnum):
    council_arranged = "council_arranged"
    direct_payment = "direct_payment"
    mixed = "mixed"


class SupportLocation(enum.StrEnum):
    own_home = "own_home"
    supported_accommodation = "supported_accommodation"
    elsewhere = "elsewhere"


class GoalStatus(enum.StrEnum):
    active = "active"
    reached = "reached"
    stopped = "stopped"


class RatedBy(enum.StrEnum):
    client = "client"
    carer = "carer"
    staff = "staff"


class ReviewOutcome(enum.StrEnum):
    continue_level_1 = "continue_level_1"
    move_to_level_2 = "move_to_level_2"
    discharge = "discharge"
    continue_level_2 = "continue_level_2"


class SupportPlan(Base):
    """A client's plan across its versions. The current version's key facts are kept here
    too (written only by the plan rules) so caseload filters are one indexed query."""

    __tablename__ = "support_plan"
    __table_args__ = (
        CheckConstraint("level IN (1, 2)", name="level"),
        Index("ix_support_plan_status_review", "status", "next_review_due"),
        # A team's caseload, soonest review first, read from this index alone: joining the
        # client's team instead made PostgreSQL scan every open plan of a city.
        Index("ix_support_plan_team_caseload", "team_id", "next_review_due",
              postgresql_where=text("ended_on IS NULL"), sqlite_where=text("ended_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    # The client's team, whose caseload holds the plan: a copy of Client.team_id kept by
    # the plan rules (start_plan, move_clients_to_team), never written elsewhere.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    level: Mapped[int]
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus, "plan_status"))
    arrangement: Mapped[Arrangement] = mapped_column(str_enum(Arrangement, "arrangement"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"), index=True)
    block_start: Mapped[dt.date]
    block_end: Mapped[dt.date]
    next_review_due: Mapped[dt.date | None]
    # Level 1 time runs from the first Level 1 start, across blocks (12-month aim, 24 at most).
    level_1_started_on: Mapped[dt.date | None]
    started_on: Mapped[dt.date]
    ended_on: Mapped[dt.date | None]
    current_version_no: Mapped[int] = mapped_column(default=1)
    # Optimistic locking: two staff editing the same plan cannot overwrite each other.
    lock_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": lock_version}

    client: Mapped[Client] = relationship()
    team: Mapped[Team | None] = relationship()
    provider: Mapped[Provider | None] = relationship()  # noqa: F821
    versions: Mapped[list[SupportPlanVersion]] = relationship(
        back_populates="plan", order_by="SupportPlanVersion.version_no"
    )
    goals: Mapped[list[Goal]] = relationship(back_populates="plan", order_by="Goal.position")
    reviews: Mapped[list[Review]] = relationship(back_populates="plan", order_by="Review.due_on")


class SupportPlanVersion(Base):
    """What the plan said at one time. A change makes a new row; old rows stay readable."""

    __tablename__ = "support_plan_version"
    __table_args__ = (
        UniqueConstraint("plan_id", "version_no"),
        # The arrangement in force at each quarter end is read from this index alone.
        Index("ix_version_plan_history", "plan_id", "version_no", "created_at", "arrangement"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id"))
    version_no: Mapped[int]
    level: Mapped[int]
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus, "plan_status"))
    block_start: Mapped[dt.date]
    block_end: Mapped[dt.date]
    arrangement: Mapped[Arrangement] = mapped_column(str_enum(Arrangement, "arrangement"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    hours_per_week: Mapped[float | None]
    location: Mapped[SupportLocation] = mapped_column(str_enum(SupportLocation, "support_location"))
    what_matters_to_me: Mapped[str] = mapped_column(Text, default="")
    goals_snapshot: Mapped[list] = mapped_column(default=list)  # goals as they read in this version
    change_summary: Mapped[str] = mapped_column(String(500), default="")
    written_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    agreed_by_client_at: Mapped[dt.datetime | None]
    # The personal budget (Care Act 2014 s.25), as staff enter it after assessment, in pence:
    # the amount a year; for a mixed arrangement the part paid as a direct payment (the rest
    # is council-arranged); the client's assessed contribution a week (0: they pay nothing).
    budget_pence_a_year: Mapped[int | None]
    budget_direct_payment_pence_a_year: Mapped[int | None]
    contribution_pence_a_week: Mapped[int | None]
    # The staying-well plan, in the client's words (keys: portal.domain.staying_well.PARTS,
    # and "contacts": [{"name", "phone"}]); empty until written with them.
    staying_well: Mapped[dict] = mapped_column(default=dict, server_default="{}")

    plan: Mapped[SupportPlan] = relationship(back_populates="versions")
    written_by: Mapped[Account | None] = relationship()


class Goal(Base):
    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    description: Mapped[str] = mapped_column(Text)  # in the client's words
    steps: Mapped[str] = mapped_column(Text, default="")
    who_helps: Mapped[str] = mapped_column(String(500), default="")
    target_date: Mapped[dt.date | None]
    status: Mapped[GoalStatus] = mapped_column(str_enum(GoalStatus, "goal_status"), default=GoalStatus.active)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The first and latest ratings, kept by the rating rule, so goal progress across every
    # goal is one scan of this table rather than of all the ratings.
    first_rating: Mapped[int | None]
    latest_rating: Mapped[int | None]
    rating_count: Mapped[int] = mapped_column(default=0, server_default="0")

    plan: Mapped[SupportPlan] = relationship(back_populates="goals")
    ratings: Mapped[list[GoalRating]] = relationship(back_populates="goal", order_by="GoalRating.rated_on")


class GoalRating(Base):
    """Progress towards a goal on our own 0–10 scale (0 none, 5 half way, 10 reached)."""

    __tablename__ = "goal_rating"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 0 AND 10", name="rating_range"),
        Index("ix_goal_rating_goal_date", "goal_id", "rated_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"))
    rating: Mapped[int]
    rated_by: Mapped[RatedBy] = mapped_column(str_enum(RatedBy, "rated_by"))
    rated_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    rated_on: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="ratings")


class Review(Base):
    """The annual review (Care Act 2014): due at the end of each 12-month block."""

    __tablename__ = "review"
    __table_args__ = (Index("ix_review_due_open", "completed_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id"), index=True)
    due_on: Mapped[dt.date]
    scheduled_for: Mapped[dt.date | None]
    completed_on: Mapped[dt.date | None]
    outcome: Mapped[ReviewOutcome | None] = mapped_column(str_enum(ReviewOutcome, "review_outcome"))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    plan: Mapped[SupportPlan] = relationship(back_populates="reviews")


class ReferralStatus(enum.StrEnum):
    """Where staff are with a request for an assessment made through the portal."""

    new = "new"
    contacted = "contacted"
    assessment_booked = "assessment_booked"
    not_eligible = "not_eligible"
    passed_to_team = "passed_to_team"


class ReferralAgreement(enum.StrEnum):
    """Whether the person someone asked for agrees (the law asks for it unless they cannot decide)."""

    agrees = "agrees"
    cannot_decide = "cannot_decide"


class Referral(Base):
    """Referral → first contact → assessment → support started: the waits commissioners watch.

    A referral made through the portal's form (the front door) has a reference, the contact
    details typed and a triage status, and no client until staff know the person; one recorded
    with a client's record has none of those (status None: it is not in the triage queue)."""

    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_triage", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), index=True)
    level: Mapped[int | None]
    referred_on: Mapped[dt.date]
    contacted_on: Mapped[dt.date | None]  # first contact (the assessment is one when nothing earlier is recorded)
    assessed_on: Mapped[dt.date | None]
    support_started_on: Mapped[dt.date | None]

    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # a form sent twice makes one referral
    status: Mapped[ReferralStatus | None] = mapped_column(str_enum(ReferralStatus, "referral_status"))
    urgent: Mapped[bool] = mapped_column(default=False, server_default=false())
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    not_eligible_reason: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    for_someone_else: Mapped[bool | None]
    agreement: Mapped[ReferralAgreement | None] = mapped_column(str_enum(ReferralAgreement, "referral_agreement"))
    person_name: Mapped[str | None] = mapped_column(String(200))
    person_phone: Mapped[str | None] = mapped_column(String(40))
    person_email: Mapped[str | None] = mapped_column(String(254))
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    referrer_phone: Mapped[str | None] = mapped_column(String(40))
    referrer_email: Mapped[str | None] = mapped_column(String(254))
    relationship_to_person: Mapped[str | None] = mapped_column(String(100))
    about: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime | None]

    team: Mapped[Team | None] = relationship()
