"""One client's support plan, told from their history.

From a `History` (dates only) a `PlanStory` writes the rows: the plan and its last three
versions (the first plan, each review, perhaps a change mid-block), the goals and their
ratings, the reviews, the referral that started it all and perhaps a request to change the
arrangement. Each step draws from the city's random stream in a fixed order.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import Protocol

from ..domain.plans import goals_snapshot
from ..models import (
    Account,
    Arrangement,
    ArrangementRequest,
    CarerScope,
    Goal,
    GoalRating,
    GoalStatus,
    PlanComment,
    PlanStatus,
    Provider,
    RatedBy,
    Referral,
    RequestStatus,
    Review,
    ReviewOutcome,
    SupportLocation,
    SupportPlan,
    SupportPlanVersion,
)
from .draws import at, new_uuid
from .history import NEW_KINDS, Event, History
from .people import ascii_name
from .places import AREA_TEAM
from .words import DECLINE_REASONS, GOALS, RATING_NOTES, REVIEW_NOTES, SUMMARY_FOR_OUTCOME, WHAT_MATTERS

days = dt.timedelta
DEMO_GOALS = [GOALS[0], GOALS[1], GOALS[9]]
DEMO_WHAT_MATTERS = "Seeing my brother and my nieces, and feeling in charge of my own home again."
CLIENT_COMMENT = "I'd like to talk about changing my visit day to Thursdays."
DEMO_REPLY = "Thursdays are fine. I'll ask the provider and let you know."
# Demo budgets are plainly made up, never a real price: £1,000 a year for each weekly hour,
# a third of a mix as a direct payment, and the demo client paying £12.34 a week.
DEMO_POUNDS_A_YEAR_PER_WEEKLY_HOUR = 1000
DEMO_CONTRIBUTION_PENCE_A_WEEK = 1234
# Phone numbers from Ofcom's range for drama (0114 496 0000 to 0999): they ring nobody.
DEMO_STAYING_WELL = {
    "warning_signs": "I stop answering the phone and sleep in the day.",
    "what_helps": "A walk by the river, and my brother's visits.",
    "what_i_will_do": "Tell my worker, and keep to my routine of meals.",
    "in_a_crisis": "Call my brother first. I'd rather stay at home if it's safe.",
    "contacts": [{"name": "My brother Tariq", "phone": "0114 496 0123"}],
}
STAYING_WELL_PLANS = [
    {"warning_signs": "Not eating and staying in bed.", "what_helps": "Talking to a friend, music.",
     "what_i_will_do": "Ring my worker.", "in_a_crisis": "Ring my sister.",
     "contacts": [{"name": "My sister", "phone": "0114 496 0456"}]},
    {"warning_signs": "Racing thoughts at night.", "what_helps": "Keeping to a routine.",
     "what_i_will_do": "Use my breathing exercises.", "in_a_crisis": "Call the crisis line.", "contacts": []},
    {"warning_signs": "Cancelling plans with people.", "what_helps": "Going to the allotment.",
     "what_i_will_do": "Tell someone I trust.", "in_a_crisis": "Call my friend Jo.",
     "contacts": [{"name": "Jo", "phone": "0114 496 0789"}]},
    {},  # not written yet
]


class StoryCity(Protocol):
    """What a plan story takes from the city it is told in (portal.demo.city.City, which
    tells the stories: the story does not import the city back)."""
    rng: random.Random
    today: dt.date
    demo_client: dict
    demo_staff: Account
    staff: dict[str, list[Account]]
    providers: list[Provider]

    def count(self, name: str, n: int = 1) -> None: ...

    def day(self, back_from: int, back_to: int) -> dt.date: ...

    def provider_for(self, person: dict, level: int, *, new: bool) -> Provider: ...

    def reference(self) -> str: ...


class PlanStory:
    def __init__(self, city: StoryCity, person: dict, request_status: RequestStatus | None):
        self.city = city
        self.rng = city.rng
        self.today = city.today
        self.person = person
        self.h: History = person["history"]
        self.is_demo = person is city.demo_client
        self.current = len(self.h.starts) - 1  # the block the plan is in now
        self.new = self.h.kind in NEW_KINDS
        self.team_staff = city.staff[AREA_TEAM[person["area"]]]
        self.request_status = request_status
        self.change: str | None = None  # "arrangement", "provider", "hours" or "goal"
        self.change_event: Event | None = None
        self.comments: list[PlanComment] = []  # the conversation about the plan, given a plan by write()

    def write(self) -> tuple[SupportPlan, Referral, ArrangementRequest | None]:
        self._choose_support()
        self._write_events()
        self._plan_a_change()
        if self.request_status == RequestStatus.agreed and self.change != "arrangement":
            self.request_status = None  # no room for the change in this history: skip the request
        self._choose_goals()
        self._support_before_the_change()
        plan = self._plan()
        plan.versions = self._versions()
        self.city.count("support_plan_version", len(plan.versions))
        for comment in self.comments:
            comment.plan = plan
        self._goals(plan)
        self._snapshot_goals(plan)
        self._reviews(plan)
        referral = self._referral()
        request = self._request() if self.request_status is not None else None
        return plan, referral, request

    # -- the support, the events that wrote versions, a change mid-block -----------------
    def _choose_support(self) -> None:
        rng, level = self.rng, self.h.levels[-1]
        self.arrangement: Arrangement = self.person["arrangement"]
        self.provider: Provider | None = (self.city.provider_for(self.person, level, new=self.new)
                                          if self.arrangement != Arrangement.direct_payment else None)
        if self.is_demo:
            self.provider = self.city.providers[0]
        self.hours = rng.choice([3, 4, 5, 6, 6, 8, 8, 10, 12, 15] if level == 1 else
                                [2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25])
        self.location = (SupportLocation.own_home if self.is_demo else
                         rng.choices(list(SupportLocation), weights=[75, 20, 5])[0])

    def _write_events(self) -> None:
        """Events, oldest first: the first plan, then each review."""
        rng, h = self.rng, self.h
        first_on = min(h.starts[0] - days(rng.randint(3, 20)), self.today - days(rng.randint(0, 3)))
        self.events = [Event(first_on, 0, "First support plan written with the client after assessment.")]
        for j, outcome in enumerate(h.outcomes):
            if outcome == ReviewOutcome.discharge:
                self.events.append(Event(h.completed[j], j, SUMMARY_FOR_OUTCOME[outcome], PlanStatus.ended))
            else:
                self.events.append(Event(h.completed[j], j + 1, SUMMARY_FOR_OUTCOME[outcome]))

    def _plan_a_change(self) -> None:
        """Perhaps a change in the current block after its last review (always one for an agreed request)."""
        rng, h = self.rng, self.h
        if h.status not in (PlanStatus.agreed, PlanStatus.ended) or self.is_demo:
            return
        block_start = h.starts[self.current]
        latest = min(self.today, h.ends[self.current], h.ended_on or self.today) - days(5)
        wanted = self.request_status == RequestStatus.agreed or rng.random() < 0.3
        if (latest - block_start).days <= 40 or not wanted:
            return
        change_on = block_start + days(rng.randint(20, (latest - block_start).days))
        last_review = self.events[-2] if h.ended_on else self.events[-1]
        if change_on <= last_review.on:
            return
        if self.request_status == RequestStatus.agreed:
            self.change = "arrangement"
        else:
            self.change = rng.choice(["hours", "goal"] + (["provider"] if self.provider else []))
        self.change_event = Event(change_on, self.current, "")
        self.events.insert(len(self.events) - (1 if h.ended_on else 0), self.change_event)

    def _choose_goals(self) -> None:
        """Goals set at the start of the previous block (or the first); a new goal at a goal change."""
        rng, h = self.rng, self.h
        n_goals = 3 if self.is_demo else rng.choice([1, 2, 2, 3, 3])
        level_goals = [g for g in GOALS if h.levels[-1] in g[3]
                       and (self.person["language"] != "en" or not g[0].startswith("Learn more English"))]
        self.goals = DEMO_GOALS if self.is_demo else rng.sample(level_goals, n_goals)
        goal_block = max(0, self.current - 1)
        self.goals_set_on = next(e.on for e in self.events if e.block == goal_block)
        self.goal_dates = [self.goals_set_on] * n_goals
        if self.change == "goal":
            self.goal_dates[-1] = self.change_event.on
        # The goals of the versions before these were set.
        self.earlier = rng.sample([g for g in GOALS if g not in self.goals], 2)

    def _support_before_the_change(self) -> None:
        """Arrangement, provider and hours in force before the change, and the change's summary."""
        rng = self.rng
        self.before_arrangement, self.before_provider, self.before_hours = self.arrangement, self.provider, self.hours
        if self.change == "arrangement":
            self.before_arrangement = rng.choice([a for a in Arrangement if a != self.arrangement])
            self.before_provider = (self.city.provider_for(self.person, self.h.levels[-1], new=False)
                                    if self.before_arrangement != Arrangement.direct_payment else None)
            self.change_event.summary = (
                f"Arrangement changed from {self.before_arrangement.value.replace('_', ' ')} to "
                f"{self.arrangement.value.replace('_', ' ')} at the client's request.")
        elif self.change == "provider":
            others = [p for p in self.city.providers if self.h.levels[-1] in p.levels and p is not self.provider]
            self.before_provider = rng.choice(others)
            self.change_event.summary = (f"Provider changed to {self.provider.name}: "
                                         "the client asked for a change of worker.")
        elif self.change == "hours":
            self.before_hours = max(2, self.hours + rng.choice([-3, -2, 2, 3]))
            self.change_event.summary = f"Support hours changed from {self.before_hours:g} to {self.hours:g} a week."
        elif self.change == "goal":
            self.change_event.summary = f"New goal added: {self.goals[-1][0]}."

    # -- the plan and its versions -------------------------------------------------------
    def _plan(self) -> SupportPlan:
        h, current = self.h, self.current
        plan = SupportPlan(
            client=self.person["client"], team=self.person["client"].team, level=h.levels[-1], status=h.status, arrangement=self.arrangement,
            provider=self.provider, block_start=h.starts[current], block_end=h.ends[current],
            next_review_due=None if h.status == PlanStatus.ended else h.ends[current],
            level_1_started_on=h.starts[0] if h.levels[-1] == 1 else None,
            started_on=h.starts[0], ended_on=h.ended_on, current_version_no=len(self.events[-3:]),
            created_at=at(self.events[0].on, self.rng.randint(540, 1000)),
        )
        self.person["plan"] = plan
        self.person["provider"] = self.provider
        return plan

    def _versions(self) -> list[SupportPlanVersion]:
        """The last three versions are kept; agreement times stay in the past."""
        kept = self.events[-3:]
        versions = [self._version(number, event, is_latest=number == len(kept))
                    for number, event in enumerate(kept, start=1)]
        for version in versions:
            if version.agreed_by_client_at and version.agreed_by_client_at.date() >= self.today:
                version.agreed_by_client_at = at(self.today - days(1), 600)
        return versions

    def _version(self, number: int, event: Event, *, is_latest: bool) -> SupportPlanVersion:
        rng, h = self.rng, self.h
        if self.change is None or event.on >= self.change_event.on:
            arrangement, provider, hours = self.arrangement, self.provider, self.hours
        else:
            arrangement, provider, hours = self.before_arrangement, self.before_provider, self.before_hours
        status = h.status if is_latest else PlanStatus.agreed
        created = at(event.on, rng.randint(540, 1000))
        summary = event.summary
        if number == 1 and len(self.events) > 3:
            summary = "Earlier versions archived. " + summary
        what_matters = DEMO_WHAT_MATTERS if self.is_demo else rng.choice(WHAT_MATTERS)
        written_by = self.city.demo_staff if self.is_demo and is_latest else rng.choice(self.team_staff)
        agreed_at = self._agreed_at(status, event, created)
        if self.is_demo and is_latest and event.on < self.today:
            # The demo client talked about their plan, and their worker answered.
            self.comments += [
                PlanComment(version_no=number, from_client=True, author_account_id=self.person["account"].id,
                            text=CLIENT_COMMENT, created_at=created + days(hours=1)),
                PlanComment(version_no=number, from_client=False, author=self.city.demo_staff,
                            text=DEMO_REPLY, created_at=created + days(hours=2)),
            ]
        elif status == PlanStatus.shared and rng.random() < 0.4 and self.person["account"] is not None:
            # The client wants to talk about this version: their words wait for a reply.
            self.comments.append(PlanComment(version_no=number, from_client=True,
                                             author_account_id=self.person["account"].id, text=CLIENT_COMMENT,
                                             created_at=created + (days(hours=1) if event.on < self.today else days())))
        # goals_snapshot is filled in by _snapshot_goals, once the goals exist.
        return SupportPlanVersion(
            version_no=number, level=h.levels[event.block], status=status,
            block_start=h.starts[event.block], block_end=h.ends[event.block],
            arrangement=arrangement, provider_id=provider.id if provider else None,
            hours_per_week=float(hours), location=self.location, what_matters_to_me=what_matters,
            change_summary=summary, written_by=written_by,
            created_at=created, agreed_by_client_at=agreed_at, **self._budget(hours, arrangement),
            staying_well=dict(DEMO_STAYING_WELL if self.is_demo else STAYING_WELL_PLANS[int(hours) % len(STAYING_WELL_PLANS)]),
        )

    def _budget(self, hours, arrangement: Arrangement) -> dict:
        """The synthetic personal budget of a version (no random draws: the rest of the city
        stays as it was)."""
        pence = round(float(hours) * DEMO_POUNDS_A_YEAR_PER_WEEKLY_HOUR * 100)
        free = self.person["client"].section_117_aftercare
        return {"budget_pence_a_year": pence,
                "budget_direct_payment_pence_a_year": pence // 3 if arrangement == Arrangement.mixed else None,
                "contribution_pence_a_week": DEMO_CONTRIBUTION_PENCE_A_WEEK if self.is_demo and not free else 0}

    def _agreed_at(self, status: PlanStatus, event: Event, created: dt.datetime) -> dt.datetime | None:
        if status != PlanStatus.agreed:
            return None
        if event.on + days(10) < self.today:
            return created + days(self.rng.randint(1, 10))
        return created + days(1)

    # -- goals and their ratings ---------------------------------------------------------
    def _goals(self, plan: SupportPlan) -> None:
        h = self.h
        end = min(h.ended_on or self.today, self.today) - days(1)
        carers = [c for c, scopes in self.person["carers"] if CarerScope.goals in scopes]
        plan.goals = [self._goal(plan, k, spec, end, carers) for k, spec in enumerate(self.goals)]
        self.city.count("goal", len(plan.goals))

    def _goal(self, plan: SupportPlan, k: int, spec: tuple, end: dt.date, carers: list) -> Goal:
        rng = self.rng
        description, steps, who, _levels = spec
        created = self.goal_dates[k]
        target = created + days(rng.randint(90, 360) if plan.level == 1 else rng.randint(180, 365))
        goal = Goal(position=k + 1, description=description, steps=steps, who_helps=who,
                    target_date=target, created_at=at(created, rng.randint(540, 1000)))
        ratings = self._ratings(plan, created, end, carers)
        goal.ratings = ratings
        goal.rating_count = len(ratings)
        goal.first_rating = ratings[0].rating if ratings else None
        goal.latest_rating = ratings[-1].rating if ratings else None
        goal.status = self._goal_status(plan, ratings)
        self.city.count("goal_rating", len(ratings))
        return goal

    def _ratings(self, plan: SupportPlan, created: dt.date, end: dt.date, carers: list) -> list[GoalRating]:
        """Ratings every four to eight weeks, at most 18, drifting up by a slope in points a month.

        Level 1 aims at regaining skills; Level 2 at living well, without pressure to "recover"
        (report 1.1.8), so progress is slower and sometimes flat."""
        rng = self.rng
        slope = rng.uniform(0.15, 0.5) if plan.level == 1 else rng.uniform(-0.05, 0.25)
        value = rng.uniform(1, 4.5)
        on = created + days(rng.randint(0, 14))
        ratings = []
        while on <= end and len(ratings) < 18:
            score = max(0, min(10, round(value + rng.gauss(0, 0.8))))
            who_rates = rng.choices(["client", "staff", "carer"], weights=[70, 20, 10 if carers else 0])[0]
            account = self._rater(who_rates, carers)
            ratings.append(GoalRating(rating=score, rated_by=RatedBy(who_rates),
                                      rated_by_account_id=account.id if account else None,
                                      rated_on=on, note=rng.choice(RATING_NOTES),
                                      created_at=at(on, rng.randint(540, 1000))))
            gap = rng.randint(28, 56)
            value = min(10.0, value + slope * gap / 30)
            on += days(gap)
        return ratings

    def _rater(self, who_rates: str, carers: list):
        if who_rates == "client":
            return self.person["account"]
        return self.rng.choice(carers if who_rates == "carer" else self.team_staff)

    def _goal_status(self, plan: SupportPlan, ratings: list[GoalRating]) -> GoalStatus:
        last = ratings[-1].rating if ratings else 0
        if plan.status == PlanStatus.ended:
            return GoalStatus.reached if last >= 8 else GoalStatus.stopped
        if last == 10:
            return GoalStatus.reached
        if ratings and self.rng.random() < 0.04:
            return GoalStatus.stopped
        return GoalStatus.active

    def _snapshot_goals(self, plan: SupportPlan) -> None:
        """Each version lists the goals in force the day it was written, snapshot as the plan
        rules snapshot them when staff save a plan (portal.domain.plans)."""
        for version, event in zip(plan.versions, self.events[-3:], strict=True):
            version.goals_snapshot = goals_snapshot(self._goals_then(plan, event))

    def _goals_then(self, plan: SupportPlan, event: Event) -> list[Goal]:
        """The goals as they stood on the event's day: all still active then (at a discharge the
        version is written before the goals are closed). Copies, never added to the session."""
        if event.on >= self.goals_set_on:
            return [Goal(position=g.position, description=g.description, steps=g.steps, who_helps=g.who_helps,
                         target_date=g.target_date, status=GoalStatus.active)
                    for g, set_on in zip(plan.goals, self.goal_dates, strict=True) if set_on <= event.on]
        return [Goal(position=k + 1, description=description, steps=steps, who_helps=who, target_date=None,
                     status=GoalStatus.active)
                for k, (description, steps, who, _levels) in enumerate(self.earlier)]

    # -- reviews, the referral, a request ------------------------------------------------
    def _reviews(self, plan: SupportPlan) -> None:
        """Each completed review, and the open one unless the plan has ended."""
        rng, h = self.rng, self.h
        reviews = []
        for j, outcome in enumerate(h.outcomes):
            reviews.append(Review(
                due_on=h.ends[j], scheduled_for=min(h.completed[j], h.ends[j] - days(rng.randint(0, 28))),
                completed_on=h.completed[j], outcome=outcome, notes=REVIEW_NOTES[outcome],
                recorded_by_account_id=rng.choice(self.team_staff).id, created_at=at(h.completed[j] - days(30)),
            ))
        if h.ended_on is None:
            reviews.append(self._open_review())
        plan.reviews = reviews
        self.city.count("review", len(reviews))

    def _open_review(self) -> Review:
        rng, due = self.rng, self.h.ends[-1]
        scheduled = None
        if due < self.today:  # overdue: sometimes booked, sometimes not yet
            scheduled = self.today + days(rng.randint(3, 30)) if rng.random() < 0.5 else None
        elif (due - self.today).days < 56:
            scheduled = due - days(rng.randint(0, 21))
        return Review(due_on=due, scheduled_for=scheduled, created_at=at(min(self.today, self.h.starts[-1])))

    def _referral(self) -> Referral:
        """Referral, then assessment, then support started (waits longer for a busy provider)."""
        rng, h, client = self.rng, self.h, self.person["client"]
        if self.provider:
            start_wait = self.provider.typical_wait_weeks * 7 + rng.randint(-10, 21)
        else:
            start_wait = rng.randint(14, 60)
        assessed = h.starts[0] - days(max(7, start_wait))
        referred = assessed - days(rng.randint(10, 70))
        referral = Referral(client_id=client.id, level=h.levels[0], referred_on=referred, assessed_on=assessed,
                            support_started_on=None if self.new else h.starts[0])
        client.created_at = at(referred, rng.randint(540, 1000))
        return referral

    def _request(self) -> ArrangementRequest:
        """The client's request to change arrangement: agreed ones match the change in the history."""
        rng, status, person = self.rng, self.request_status, self.person
        from_, to, created = self._request_change()
        arrangement_carers = [c for c, scopes in person["carers"] if CarerScope.arrangement in scopes]
        requester = person["account"] or (arrangement_carers[0] if arrangement_carers else None)
        provider = None
        if to != Arrangement.direct_payment:
            provider = self.city.provider_for(person, person["plan"].level, new=True).id
        contact = rng.choice(["email", "phone"])
        client = person["client"]
        decided_at = self._request_decided_at(created)
        return ArrangementRequest(
            reference=self.city.reference(), submission_key=new_uuid(rng), client=client,
            requested_by_account_id=requester.id if requester else None,
            from_arrangement=from_, to_arrangement=to, preferences=self._preferences(provider),
            contact_method=contact,
            contact_detail=f"{ascii_name(client.given_name)}@example.org" if contact == "email" else client.phone,
            status=status,
            decision_reason=rng.choice(DECLINE_REASONS) if status == RequestStatus.declined else None,
            assigned_to_account_id=rng.choice(self.team_staff).id if status != RequestStatus.requested else None,
            decided_by_account_id=rng.choice(self.team_staff).id if decided_at else None,
            decided_at=decided_at, created_at=at(created, rng.randint(540, 1000)),
            updated_at=decided_at or at(created, 1000),
        )

    def _request_change(self) -> tuple[Arrangement, Arrangement, dt.date]:
        """From and to which arrangement, and the day asked."""
        if self.request_status == RequestStatus.agreed:
            return (self.before_arrangement, self.arrangement,
                    self.change_event.on - days(self.rng.randint(10, 40)))
        to = self.rng.choice([a for a in Arrangement if a != self.arrangement])
        still_open = self.request_status in (RequestStatus.requested, RequestStatus.in_discussion)
        created = self.city.day(2, 40) if still_open else self.city.day(30, 300)
        return self.arrangement, to, created

    def _request_decided_at(self, created: dt.date) -> dt.datetime | None:
        rng = self.rng
        if self.request_status == RequestStatus.agreed:
            return at(self.change_event.on, rng.randint(540, 1000))
        if self.request_status == RequestStatus.declined:
            return at(min(self.today - days(1), created + days(rng.randint(7, 40))), rng.randint(540, 1000))
        return None

    def _preferences(self, provider_id: int | None) -> dict:
        """The shape of portal.domain.choice.Preferences.as_dict()."""
        rng, language = self.rng, self.person["language"]
        return {
            "language": language if language != "en" or rng.random() < 0.3 else None,
            "worker_gender": rng.choice(["no_preference", "no_preference", "woman", "man"]),
            "cultural_or_faith_needs": rng.choice(["", "", "Halal food", "No visits on Sunday mornings",
                                                   "A worker who knows the Roma community"]),
            "times_of_day": sorted(rng.sample(["mornings", "afternoons", "evenings", "weekends"],
                                              rng.randint(0, 2))),
            "preferred_provider_id": provider_id,
        }
