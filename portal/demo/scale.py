"""Bulk data for benchmarks: many more clients, inserted with SQLAlchemy Core in batches.

Each client gets a plan (one version), goals and ratings, reviews, a referral and ten feedback
responses. Rows are plain dicts with explicit ids, drawn from one seeded stream in a fixed order.
On PostgreSQL the batches go in with COPY, which a city's ten million responses need; the rows
drawn are the same on both engines.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text

from ..domain import tally
from ..domain.feedback import day_of
from ..domain.plans import add_months, block_end_for, goals_snapshot
from ..models import (
    Account,
    Client,
    EqualityMonitoring,
    FeedbackResponse,
    Goal,
    GoalRating,
    GoalStatus,
    Provider,
    Referral,
    Review,
    Role,
    SupportPlan,
    SupportPlanVersion,
    Team,
    utcnow,
)
from .draws import at, new_uuid
from .feedback import (
    EQUALITY_OPTIONS,
    FFT_REASONS,
    NAMES_IN_TEXT,
    OUTCOME_KEYS,
    PREFER_NOT,
    agreement_from_score,
    fft_from_score,
    mood_of,
    redact,
)
from .people import HERITAGES, Heritage, age_band, religion
from .places import AREA_TEAM, AREAS, PROVIDER_QUALITY, PROVIDERS, TEAMS
from .words import GOALS, WHAT_MATTERS

SCALE_CHUNK = 1_000  # clients per batch: 10,000 feedback rows per executemany
SCALE_TABLES = ["client", "support_plan", "support_plan_version", "goal", "goal_rating", "review",
                "referral", "feedback_response", "equality_monitoring"]
TABLES = {
    "client": Client.__table__, "support_plan": SupportPlan.__table__,
    "support_plan_version": SupportPlanVersion.__table__, "goal": Goal.__table__,
    "goal_rating": GoalRating.__table__, "review": Review.__table__, "referral": Referral.__table__,
    "feedback_response": FeedbackResponse.__table__, "equality_monitoring": EqualityMonitoring.__table__,
}
STAMP_DAYS = 3300  # creation times are looked up, one a day back from today
RESPONSES_PER_CLIENT = 10

days = dt.timedelta


def build_scale(engine, *, clients: int, seed: int) -> dict:
    """Append `clients` synthetic clients, each with a plan (one version), goals and ratings,
    reviews, a referral and ten feedback responses (about half with equality answers), using
    Core executemany in batches inside one transaction. Ids continue from each table's
    current maximum, so this appends to an empty or a demo-filled database. Prints nothing."""
    today = utcnow().date()
    with engine.begin() as conn:
        run = _ScaleRun(conn, seed, today)
        for n in range(clients):
            run.add_client()
            if (n + 1) % SCALE_CHUNK == 0:
                run.flush()
        run.flush()
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for name in SCALE_TABLES:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
                ))
        run.counts["feedback_tally"] = tally.rebuild(conn)
    return run.counts


def _scale_reference_rows(conn, today: dt.date) -> tuple[dict, list, list]:
    """Teams, providers and staff to hang the bulk rows on: reuse what is there, add what is not."""
    teams = {name: id_ for id_, name in conn.execute(select(Team.id, Team.name))}
    missing = [{"name": name} for name in TEAMS if name not in teams]
    if missing:
        conn.execute(insert(Team.__table__), missing)
        teams = {name: id_ for id_, name in conn.execute(select(Team.id, Team.name))}
    if conn.scalar(select(func.count(Provider.id))) == 0:
        stamp = at(today)
        conn.execute(insert(Provider.__table__), [{**spec, "updated_at": stamp} for spec in PROVIDERS])
    providers = conn.execute(select(Provider.id, Provider.slug, Provider.levels, Provider.areas)).all()
    staff = list(conn.scalars(select(Account.id).where(Account.role == Role.staff).order_by(Account.id))) or [None]
    return teams, providers, staff


@dataclass
class _Person:
    client_id: int
    heritage: Heritage
    female: bool
    language: str
    area: str
    age_band: str


@dataclass
class _Plan:
    plan_id: int
    level: int
    status: str
    prior: int  # blocks before this one
    block_start: dt.date
    block_end: dt.date
    started: dt.date
    ended_on: dt.date | None
    arrangement: str
    provider_id: int | None
    provider_slug: str | None
    written: int  # days ago the plan was written (an index into the stamps)
    goals: list[tuple]


class _ScaleRun:
    """One call of build_scale: the reference rows, the next ids, the batches waiting to insert."""

    def __init__(self, conn, seed: int, today: dt.date):
        self.conn = conn
        self.today = today
        self.counts = {name: 0 for name in TABLES}
        teams, providers, self.staff = _scale_reference_rows(conn, today)
        self.next_id = {name: (conn.scalar(select(func.max(table.c.id))) or 0) + 1 for name, table in TABLES.items()}
        # Seeded by the starting ids too, so a second run on the same database draws new keys.
        self.rng = rng = random.Random(f"scale/{seed}/{self.next_id['client']}/{self.next_id['feedback_response']}")
        self.r, self.rint, self.choice = rng.random, rng.randint, rng.choice
        self.candidates = self._provider_candidates(providers)
        self.area_team = {area: teams.get(team) for area, team in AREA_TEAM.items()}
        self.heritage_weights = [h.weight for h in HERITAGES]
        self.areas_by_heritage = {h.key: (list(h.areas), list(h.areas.values())) for h in HERITAGES}
        self.midnight = dt.datetime.combine(today, dt.time(0), dt.UTC)
        self.stamps = [at(today - days(d), 600) for d in range(STAMP_DAYS)]
        self.goal_pool = {level: [g for g in GOALS if level in g[3]] for level in (1, 2)}
        self.batches: dict[str, list] = {name: [] for name in SCALE_TABLES}

    @staticmethod
    def _provider_candidates(providers: list) -> dict:
        """(id, slug) of the providers for each level and area: local ones, else any at that level."""
        candidates = {}
        for level in (1, 2):
            offering = [p for p in providers if level in (p.levels or [])]
            for area in AREAS:
                local = [p for p in offering if area in (p.areas or [])]
                candidates[level, area] = [(p.id, p.slug) for p in (local or offering)] or [(None, None)]
        return candidates

    def _take_id(self, name: str) -> int:
        id_ = self.next_id[name]
        self.next_id[name] += 1
        return id_

    def _stamp(self, days_ago: int) -> dt.datetime:
        return self.stamps[min(days_ago, STAMP_DAYS - 1)]

    def flush(self) -> None:
        copy = self.conn.dialect.name == "postgresql"
        for name in SCALE_TABLES:
            rows = self.batches[name]
            if rows:
                if copy:
                    self._copy(name, rows)
                else:
                    self.conn.execute(insert(TABLES[name]), rows)
                self.counts[name] += len(rows)
                rows.clear()

    def _copy(self, name: str, rows: list[dict]) -> None:
        """COPY … FROM STDIN on the transaction's own connection: several times faster than
        INSERT. JSON values go as their text; every other value as psycopg adapts it."""
        columns = list(rows[0])
        statement = f"COPY {name} ({', '.join(columns)}) FROM STDIN"
        with self.conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([json.dumps(value) if isinstance(value, dict | list) else value
                                for value in (row[column] for column in columns)])

    def add_client(self) -> None:
        person = self._client()
        plan = self._plan(person)
        self._version(plan)
        self._goals(plan)
        self._reviews(plan)
        self._referral(person, plan)
        quality = PROVIDER_QUALITY.get(plan.provider_slug, -0.03)
        for _ in range(RESPONSES_PER_CLIENT):
            self._response(person, plan, quality)

    # -- the client and the plan -----------------------------------------------------------
    def _client(self) -> _Person:
        rng, r, rint, choice = self.rng, self.r, self.rint, self.choice
        heritage = rng.choices(HERITAGES, weights=self.heritage_weights)[0]
        female = r() < 0.52
        given = choice(heritage.female if female else heritage.male)
        index = rint(0, len(heritage.family) - 1)
        family = (heritage.family_female or heritage.family)[index] if female else heritage.family[index]
        language = heritage.language if r() < heritage.p_language else "en"
        area_names, area_weights = self.areas_by_heritage[heritage.key]
        area = rng.choices(area_names, weights=area_weights)[0]
        client_id = self._take_id("client")
        age_days = rint(18 * 366, 85 * 365)
        self.batches["client"].append({
            "id": client_id, "given_name": given, "family_name": family, "preferred_language": language,
            "email": None, "phone": None, "address": None, "area": area,
            "date_of_birth": self.today - days(age_days),
            "section_117_aftercare": r() < 0.1, "team_id": self.area_team[area], "created_at": self.stamps[rint(30, 900)],
        })
        return _Person(client_id, heritage, female, language, area, age_band(int(age_days / 365.25)))

    def _plan(self, person: _Person) -> _Plan:
        """Level 1 about one in five; 12-month blocks; some overdue, some ended."""
        r, rint, choice, today = self.r, self.rint, self.choice, self.today
        level = 1 if r() < 0.2 else 2
        roll = r()
        status = "ended" if roll < 0.08 else "shared" if roll < 0.12 else "draft" if roll < 0.14 else "agreed"
        prior = (0 if r() < 0.6 else 1) if level == 1 else rint(0, 6)
        prior, block_start, ended_on = self._block_start(status, prior)
        block_end = block_end_for(block_start)
        started = add_months(block_start, -12 * prior)
        arrangement_roll = r()
        arrangement = ("council_arranged" if arrangement_roll < 0.6 else
                       "direct_payment" if arrangement_roll < 0.9 else "mixed")
        provider_id, provider_slug = (choice(self.candidates[level, person.area]) if arrangement != "direct_payment"
                                      else (None, None))
        written = max(0, (today - block_start).days + rint(3, 15))
        plan = _Plan(self._take_id("support_plan"), level, status, prior, block_start, block_end, started, ended_on,
                     arrangement, provider_id, provider_slug, written, goals=[])
        self.batches["support_plan"].append({
            "id": plan.plan_id, "client_id": person.client_id, "team_id": self.area_team[person.area], "level": level, "status": status,
            "arrangement": arrangement, "provider_id": provider_id, "block_start": block_start,
            "block_end": block_end, "next_review_due": None if ended_on else block_end,
            "level_1_started_on": started if level == 1 else None, "started_on": started,
            "ended_on": ended_on, "current_version_no": 1, "lock_version": 1,
            "created_at": self._stamp(written),
        })
        plan.goals = self.rng.sample(self.goal_pool[level], rint(1, 3))
        return plan

    def _block_start(self, status: str, prior: int) -> tuple[int, dt.date, dt.date | None]:
        """(prior blocks, this block's start, ended on) for a plan of this status."""
        r, rint, today = self.r, self.rint, self.today
        if status == "draft":
            return 0, today + days(rint(3, 30)), None
        if status == "ended":
            ended_on = today - days(rint(7, 600))
            return prior, add_months(ended_on + days(rint(-14, 21) + 1), -12), ended_on
        if status == "agreed" and r() < 0.09:  # review overdue
            return prior, add_months(today - days(rint(1, 120) - 1), -12), None
        return prior, today - days(rint(0, 364)), None

    def _version(self, plan: _Plan) -> None:
        r, rint, choice = self.r, self.rint, self.choice
        self.batches["support_plan_version"].append({
            "id": self._take_id("support_plan_version"), "plan_id": plan.plan_id, "version_no": 1,
            "level": plan.level, "status": plan.status, "block_start": plan.block_start, "block_end": plan.block_end,
            "arrangement": plan.arrangement, "provider_id": plan.provider_id, "hours_per_week": float(rint(2, 20)),
            "location": "own_home" if r() < 0.75 else "supported_accommodation",
            "what_matters_to_me": choice(WHAT_MATTERS),
            "goals_snapshot": self._goals_snapshot(plan),
            "change_summary": "Plan for this block." if plan.prior else "First support plan.",
            "written_by_account_id": choice(self.staff), "created_at": self._stamp(plan.written),
            "agreed_by_client_at": (self.stamps[max(1, plan.written - 5)]
                                    if plan.status in ("agreed", "ended") else None),
        })

    @staticmethod
    def _goals_snapshot(plan: _Plan) -> list[dict]:
        """The version's goals as the plan rules snapshot them: all active when it was written."""
        return goals_snapshot([
            Goal(position=k + 1, description=description, steps=steps, who_helps=who, target_date=plan.block_end,
                 status=GoalStatus.active)
            for k, (description, steps, who, _levels) in enumerate(plan.goals)
        ])

    # -- goals, reviews, referral -----------------------------------------------------------
    def _goals(self, plan: _Plan) -> None:
        """Goals, rated every six weeks or so since the block began."""
        r = self.r
        for k, (description, steps, who, _levels) in enumerate(plan.goals):
            goal_row = {
                "id": self._take_id("goal"), "plan_id": plan.plan_id, "position": k + 1,
                "description": description, "steps": steps, "who_helps": who, "target_date": plan.block_end,
                "status": "active" if plan.status != "ended" else ("reached" if r() < 0.6 else "stopped"),
                "created_at": self._stamp(plan.written), "rating_count": 0,
                "first_rating": None, "latest_rating": None,
            }
            self.batches["goal"].append(goal_row)
            self._ratings(goal_row, plan)

    def _ratings(self, goal_row: dict, plan: _Plan) -> None:
        r, rint = self.r, self.rint
        rated_until = plan.ended_on or self.today
        value = rint(1, 4)
        on = plan.block_start
        for _ in range(rint(2, 4)):
            if on >= rated_until:
                break
            self.batches["goal_rating"].append({
                "id": self._take_id("goal_rating"), "goal_id": goal_row["id"], "rating": value,
                "rated_by": "client" if r() < 0.75 else "staff", "rated_by_account_id": None,
                "rated_on": on, "note": None, "created_at": self._stamp((self.today - on).days),
            })
            if goal_row["first_rating"] is None:
                goal_row["first_rating"] = value
            goal_row["latest_rating"] = value
            goal_row["rating_count"] += 1
            value = max(0, min(10, value + rint(-1, 3 if plan.level == 1 else 2)))
            on += days(rint(28, 56))

    def _reviews(self, plan: _Plan) -> None:
        """The last completed review (if there was an earlier block), and the open one or the discharge."""
        rint, choice, ended_on = self.rint, self.choice, plan.ended_on
        if plan.prior:
            done = plan.block_start - days(rint(-10, 21))
            self.batches["review"].append({
                "id": self._take_id("review"), "plan_id": plan.plan_id, "due_on": plan.block_start - days(1),
                "scheduled_for": done, "completed_on": min(done, self.today - days(1)),
                "outcome": "continue_level_1" if plan.level == 1 else "continue_level_2",
                "notes": None, "recorded_by_account_id": choice(self.staff), "created_at": self.stamps[rint(30, 400)],
            })
        self.batches["review"].append({
            "id": self._take_id("review"), "plan_id": plan.plan_id, "due_on": plan.block_end, "scheduled_for": None,
            "completed_on": ended_on, "outcome": "discharge" if ended_on else None, "notes": None,
            "recorded_by_account_id": choice(self.staff) if ended_on else None,
            "created_at": self.stamps[rint(0, 300)],
        })

    def _referral(self, person: _Person, plan: _Plan) -> None:
        rint = self.rint
        assessed = plan.started - days(rint(14, 120))
        self.batches["referral"].append({
            "id": self._take_id("referral"), "client_id": person.client_id, "level": plan.level,
            "referred_on": assessed - days(rint(10, 70)), "assessed_on": assessed,
            "support_started_on": None if plan.status == "draft" else plan.started,
        })

    # -- feedback ---------------------------------------------------------------------------
    def _response(self, person: _Person, plan: _Plan, quality: float) -> None:
        """One feedback response (not linked to the client: level and provider only)."""
        rng, r = self.rng, self.r
        seconds_back = int(730 * 86400 * r() ** 1.3) + 60
        score = rng.gauss(0.32, 0.14) if r() < 0.1 else rng.gauss(0.79 + quality, 0.17)
        fft = "dont_know" if r() < 0.07 else fft_from_score(score)
        reason, free_status, released = self._free_text(fft, seconds_back)
        feedback_id = self._take_id("feedback_response")
        carer = r() < 0.15
        self.batches["feedback_response"].append({
            "id": feedback_id, "submission_key": new_uuid(rng),
            "submitted_at": day_of(self.midnight - days(seconds=seconds_back)),
            "channel": "signed_in" if r() < 0.35 else "public_link",
            "respondent_type": "carer" if carer else "client", "on_behalf_of_client": carer and r() < 0.6,
            "level": plan.level, "provider_id": plan.provider_id, "language": person.language, "fft": fft,
            "fft_reason": reason,
            "outcome_answers": {key: ("dont_know" if r() < 0.06 else
                                      agreement_from_score(score + rng.gauss(0, 0.15)))
                                for key in OUTCOME_KEYS if r() < 0.97},
            "other_comments": None, "free_text_status": free_status, "released_text": released,
        })
        if r() < 0.5:
            self._equality(person, feedback_id)

    def _free_text(self, fft: str, seconds_back: int) -> tuple[str | None, str, str | None]:
        """A reason in one response in five: pending review if recent, else released redacted."""
        if self.r() >= 0.2:
            return None, "none", None
        reason = self.choice(FFT_REASONS[mood_of(fft)]).format(name=self.choice(NAMES_IN_TEXT))
        if seconds_back < 21 * 86400:
            return reason, "pending", None
        return reason, "released", redact(reason)

    def _equality(self, person: _Person, feedback_id: int) -> None:
        r, choice = self.r, self.choice
        self.batches["equality_monitoring"].append({
            "id": self._take_id("equality_monitoring"), "feedback_response_id": feedback_id,
            "age_band": person.age_band if r() < 0.9 else PREFER_NOT,
            "sex": ("female" if person.female else "male") if r() < 0.92 else PREFER_NOT,
            "gender_identity": "yes" if r() < 0.9 else PREFER_NOT,
            "ethnicity": person.heritage.ethnicity if r() < 0.88 else PREFER_NOT,
            "religion": religion(self.rng) if r() < 0.88 else PREFER_NOT,
            "sexual_orientation": ("straight" if r() < 0.85 else
                                   choice(EQUALITY_OPTIONS["sexual_orientation"] + [PREFER_NOT])),
            "disability": choice(EQUALITY_OPTIONS["disability"] + [PREFER_NOT]),
        })
