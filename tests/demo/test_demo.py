"""The synthetic city: deterministic, shaped like the report says, and safe to show.

Most tests read the demo data the fixtures already built (seed 2022, today's date); the
determinism test builds fresh cities in memory, and the bulk test appends to a copy.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.orm import Session

from portal import demo
from portal.db import db, writing
from portal.demo.words import GOALS
from portal.domain import accounts, choice, plans, risk, survey, two_factor
from portal.domain.plans import GoalText, PlanText, SupportDetails, add_months, block_end_for, months_between
from portal.domain.survey import fft_summary
from portal.models import (
    Account,
    AccountStatus,
    Arrangement,
    ArrangementRequest,
    Base,
    CarerAccess,
    CarerScope,
    Client,
    EqualityMonitoring,
    FeedbackResponse,
    FreeTextStatus,
    Goal,
    PlanStatus,
    Provider,
    RequestStatus,
    Review,
    ReviewOutcome,
    Role,
    SupportLocation,
    SupportPlan,
    SupportPlanVersion,
    Team,
    utcnow,
)

FIXED_NOW = dt.datetime(2026, 3, 9, 14, 30, tzinfo=dt.UTC)


def _today() -> dt.date:
    return utcnow().date()


def _fresh_city(seed: int, now: dt.datetime) -> tuple:
    engine = create_engine("sqlite://")

    @event.listens_for(engine, "connect")
    def _fk(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    Base.metadata.create_all(engine)
    with Session(engine) as session:
        counts = demo.build(session, seed=seed, now=now)
        session.commit()
        fingerprint = _fingerprint(session)
    engine.dispose()
    return counts, fingerprint


def _fingerprint(session: Session) -> dict:
    """Key facts of a city, independent of row ids and of random secrets (hashes, tokens)."""
    plans = session.scalars(select(SupportPlan).order_by(SupportPlan.id)).all()
    return {
        "clients": [
            (c.given_name, c.family_name, c.preferred_language, c.area, c.date_of_birth, c.section_117_aftercare,
             c.address, c.team.name, c.created_at)
            for c in session.scalars(select(Client).order_by(Client.id))
        ],
        "accounts": sorted((a.email, a.role.value, a.display_name, a.created_at)
                           for a in session.scalars(select(Account))),
        "plans": [
            (p.client.full_name, p.level, p.status.value, p.arrangement.value, p.provider.slug if p.provider else None,
             p.block_start, p.block_end, p.next_review_due, p.level_1_started_on, p.started_on, p.ended_on,
             [(v.version_no, v.change_summary, v.written_by.email, v.created_at) for v in p.versions],
             [(g.description, g.status.value, [(r.rating, r.rated_by.value, r.rated_on) for r in g.ratings])
              for g in p.goals],
             [(r.due_on, r.completed_on, r.outcome) for r in p.reviews])
            for p in plans
        ],
        "feedback": [
            (f.submission_key, f.submitted_at, f.fft, f.outcome_answers, f.fft_reason, f.provider_id, f.language)
            for f in session.scalars(select(FeedbackResponse).order_by(FeedbackResponse.id))
        ],
        "requests": [
            (r.reference, r.submission_key, r.status.value, r.from_arrangement.value, r.to_arrangement.value)
            for r in session.scalars(select(ArrangementRequest).order_by(ArrangementRequest.id))
        ],
        "carer_access": sorted(
            (a.carer.email, a.client.full_name, tuple(a.scopes), a.revoked_at is None)
            for a in session.scalars(select(CarerAccess))
        ),
    }


def test_same_seed_and_date_give_the_same_city_and_another_seed_does_not():
    counts_a, city_a = _fresh_city(7, FIXED_NOW)
    counts_b, city_b = _fresh_city(7, FIXED_NOW.replace(hour=23, minute=59))  # same date, later time
    assert counts_a == counts_b
    for key in city_a:
        assert city_a[key] == city_b[key], key
    _, city_c = _fresh_city(8, FIXED_NOW)
    assert city_c["clients"] != city_a["clients"]
    assert city_c["feedback"] != city_a["feedback"]
    # Dates follow the build date, so the data stays current.
    latest = max(f[1] for f in city_a["feedback"])
    # Feedback keeps only its day, so the latest is dated at most a day before the build date.
    assert dt.datetime.combine(FIXED_NOW.date() - dt.timedelta(days=1), dt.time(0), dt.UTC) <= latest < FIXED_NOW


def test_build_counts_and_time_budget(session):
    assert 290 <= session.scalar(select(func.count(Client.id))) <= 330
    assert session.scalar(select(func.count(SupportPlan.id))) == 300
    assert 2_900 <= session.scalar(select(func.count(FeedbackResponse.id))) <= 3_100
    assert session.scalar(select(func.count(Provider.id))) == 6
    carers = session.scalar(select(func.count(Account.id)).where(Account.role == Role.carer))
    assert 35 <= carers <= 45
    teams = session.scalars(select(Client.team_id).distinct()).all()
    assert 3 <= len(teams) <= 4


def test_level_and_arrangement_mix_follow_the_report(session):
    plans = session.scalars(select(SupportPlan)).all()
    open_plans = [p for p in plans if p.status != PlanStatus.ended]
    level_1_share = sum(p.level == 1 for p in open_plans) / len(open_plans)
    assert 0.15 <= level_1_share <= 0.25
    assert 0.15 <= sum(p.level == 1 for p in plans) / len(plans) <= 0.25
    arrangements = Counter(p.arrangement for p in plans)
    assert 0.55 <= arrangements[Arrangement.council_arranged] / len(plans) <= 0.65
    assert 0.25 <= arrangements[Arrangement.direct_payment] / len(plans) <= 0.35
    assert 0.05 <= arrangements[Arrangement.mixed] / len(plans) <= 0.15
    for plan in plans:
        if plan.arrangement == Arrangement.direct_payment:
            assert plan.provider_id is None
        else:
            assert plan.provider_id is not None
    statuses = Counter(p.status for p in plans)
    assert statuses[PlanStatus.agreed] > len(plans) / 2
    assert statuses[PlanStatus.shared] and statuses[PlanStatus.draft] and statuses[PlanStatus.ended]


def test_clients_are_diverse_and_plausible(session):
    today = _today()
    clients = session.scalars(select(Client)).all()
    languages = Counter(c.preferred_language for c in clients)
    assert languages["en"] / len(clients) > 0.7
    assert set(languages) <= set(demo.LANGUAGES)
    assert len(languages) >= 6
    assert set(c.area for c in clients) == set(demo.AREAS)
    ages = [months_between(c.date_of_birth, today) // 12 for c in clients]
    assert min(ages) >= 18 and max(ages) <= 85
    assert 0.05 <= sum(c.section_117_aftercare for c in clients) / len(clients) <= 0.15
    for client in clients:
        assert client.phone is None or re.fullmatch(r"07700 900\d{3}", client.phone)
        assert client.team.name == demo.AREA_TEAM[client.area]


def test_blocks_reviews_and_versions_are_consistent(session):
    today = _today()
    for plan in session.scalars(select(SupportPlan)):
        assert plan.block_end == block_end_for(plan.block_start)
        latest = plan.versions[-1]
        assert [v.version_no for v in plan.versions] == list(range(1, len(plan.versions) + 1))
        assert 1 <= len(plan.versions) <= 3 and plan.current_version_no == latest.version_no
        assert (latest.level, latest.status, latest.arrangement, latest.provider_id,
                latest.block_start, latest.block_end) == (
            plan.level, plan.status, plan.arrangement, plan.provider_id, plan.block_start, plan.block_end)
        assert all(v.written_by is not None and v.change_summary for v in plan.versions)
        assert all(v.created_at.date() <= today for v in plan.versions)
        completed = [r for r in plan.reviews if r.completed_on is not None]
        assert all(r.completed_on <= today and r.outcome is not None for r in completed)
        if plan.status == PlanStatus.ended:
            assert plan.next_review_due is None and plan.ended_on is not None
            assert completed[-1].outcome == ReviewOutcome.discharge
        else:
            assert plan.next_review_due == plan.block_end
            open_reviews = [r for r in plan.reviews if r.completed_on is None]
            assert [r.due_on for r in open_reviews] == [plan.next_review_due]
            assert ReviewOutcome.discharge not in [r.outcome for r in completed]
        # Each completed review's outcome agrees with the levels either side of it.
        for review in completed:
            if review.outcome == ReviewOutcome.move_to_level_2:
                assert plan.level == 2
            if review.outcome == ReviewOutcome.continue_level_1:
                assert plan.level == 1 or ReviewOutcome.move_to_level_2 in [r.outcome for r in completed]


def test_some_reviews_are_overdue(session):
    today = _today()
    overdue = session.scalars(
        select(SupportPlan).where(SupportPlan.status != PlanStatus.ended, SupportPlan.next_review_due < today)
    ).all()
    assert 10 <= len(overdue) <= 60
    for plan in overdue:
        due = [r for r in plan.reviews if r.due_on == plan.next_review_due]
        assert len(due) == 1 and due[0].completed_on is None


def test_level_1_time_runs_across_blocks(session):
    today = _today()
    plans = session.scalars(select(SupportPlan).where(SupportPlan.status != PlanStatus.ended)).all()
    months = [months_between(p.level_1_started_on, today) for p in plans if p.level == 1]
    assert all(p.level_1_started_on is None for p in plans if p.level == 2)
    assert len(months) == sum(p.level == 1 for p in plans)
    assert max(months) < 24
    assert sum(m >= 12 for m in months) >= 10
    assert sum(20 <= m <= 23 for m in months) >= 3
    for plan in plans:
        if plan.level == 1 and months_between(plan.level_1_started_on, today) >= 12:
            assert ReviewOutcome.continue_level_1 in [r.outcome for r in plan.reviews] or plan.next_review_due < today


def test_goals_are_rated_over_time_and_mostly_improve(session):
    goals = session.scalars(select(Goal)).all()
    assert all(1 <= sum(1 for _ in g.plan.goals) <= 3 for g in goals)
    rated = [g for g in goals if len(g.ratings) >= 2]
    assert len(rated) > len(goals) / 2
    assert all(0 <= r.rating <= 10 for g in goals for r in g.ratings)
    improved = sum(g.ratings[-1].rating > g.ratings[0].rating for g in rated)
    assert improved / len(rated) > 0.55
    raters = Counter(r.rated_by.value for g in goals for r in g.ratings)
    assert raters["client"] > raters["staff"] > 0 and raters["carer"] > 0


def test_every_demo_role_signs_in_with_its_published_password(session, app):
    now = utcnow()
    throttle = accounts.Throttle(free=5, max_wait=dt.timedelta(minutes=15))
    for demo_account in demo.DEMO_ACCOUNTS:
        result = accounts.sign_in(session, email=demo_account.email, password=demo_account.password, address="",
                                  now=now, per_email=throttle, per_address=throttle)
        assert result.account is not None, demo_account.role
        assert result.account.role == Role(demo_account.role)
        assert result.account.status == AccountStatus.active
        # and with its published two-step key where the role needs the second step
        secret = two_factor.secret_of(result.account, app.config["SECRET_KEY"])
        assert secret == demo_account.totp_secret and two_factor.is_on(result.account) == bool(secret)
        assert two_factor.asks_for_second_step(result.account) == bool(secret)
    client_account = session.scalar(select(Account).where(Account.email == demo.DEMO_ACCOUNTS[0].email))
    staff_account = session.scalar(select(Account).where(Account.email == demo.DEMO_ACCOUNTS[2].email))
    assert client_account.client is not None and client_account.client.email == client_account.email
    assert staff_account.team_id == client_account.client.team_id  # on the demo staff's caseload
    plan = session.scalar(select(SupportPlan).where(SupportPlan.client_id == client_account.client_id))
    assert plan.status == PlanStatus.agreed and plan.goals and plan.provider is not None


def test_other_accounts_share_one_hash_and_cannot_use_a_demo_password(session):
    others = session.scalars(
        select(Account).where(Account.email.not_in([d.email for d in demo.DEMO_ACCOUNTS]))
    ).all()
    assert len({a.password_hash for a in others}) == 1
    assert all(a.email.endswith("@" + demo.DEMO_EMAIL_DOMAIN) for a in others)
    throttle = accounts.Throttle(free=5, max_wait=dt.timedelta(minutes=15))
    assert accounts.sign_in(session, email=others[0].email, password=demo.DEMO_ACCOUNTS[1].password, address="",
                            now=utcnow(), per_email=throttle, per_address=throttle).account is None


def test_demo_carer_scopes(session):
    carer = session.scalar(select(Account).where(Account.email == demo.DEMO_ACCOUNTS[1].email))
    client_account = session.scalar(select(Account).where(Account.email == demo.DEMO_ACCOUNTS[0].email))
    grants = session.scalars(select(CarerAccess).where(CarerAccess.carer_account_id == carer.id)).all()
    assert len(grants) == 2 and all(g.revoked_at is None for g in grants)
    by_client = {g.client_id: g for g in grants}
    own = by_client.pop(client_account.client_id)
    assert set(own.scopes) == {"plan", "goals", "reviews", "feedback", "messages"}
    assert not own.allows(CarerScope.arrangement)
    (other,) = by_client.values()
    assert other.scopes == ["plan"]


def test_carer_consent_varies_and_some_is_withdrawn(session):
    grants = session.scalars(select(CarerAccess)).all()
    assert sum(g.revoked_at is not None for g in grants) >= 2
    assert len({tuple(sorted(g.scopes)) for g in grants}) >= 8
    for grant in grants:
        assert grant.carer.role == Role.carer and grant.scopes
        assert set(grant.scopes) <= {s.value for s in CarerScope}
        assert grant.revoked_at is None or grant.revoked_at > grant.granted_at


def test_providers_are_visibly_fictional(session):
    providers = session.scalars(select(Provider)).all()
    assert len(providers) == 6
    for provider in providers:
        assert "(fictional)" in provider.name
        # Ofcom reserves 0114 496 0000–0999 for drama: nothing else may look like a number.
        assert re.fullmatch(r"0114 496 0\d{3}", provider.phone), provider.phone
        assert provider.email.endswith(".example.org")
        assert provider.website.startswith("https://") and provider.website.endswith(".example.org")
    assert {1, 2} <= {level for p in providers for level in p.levels}
    assert any(not p.accepting_new_clients for p in providers)
    assert len({lang for p in providers for lang in p.languages}) >= 7


def test_referrals_show_waits_and_some_people_still_waiting(session):
    from portal.models import Referral

    referrals = session.scalars(select(Referral)).all()
    assert all(r.assessed_on is None or r.assessed_on >= r.referred_on for r in referrals)
    assert all(r.support_started_on is None or r.support_started_on > r.assessed_on for r in referrals)
    assert sum(r.assessed_on is None for r in referrals) >= 3
    assert sum(r.support_started_on is None for r in referrals) >= 8


def test_arrangement_requests(session):
    requests = session.scalars(select(ArrangementRequest)).all()
    statuses = Counter(r.status for r in requests)
    assert set(statuses) == set(RequestStatus)
    open_per_client = Counter(r.client_id for r in requests if r.status in choice.OPEN_STATUSES)
    assert max(open_per_client.values()) == 1  # the rules allow one open request per client
    provider_ids = set(session.scalars(select(Provider.id)))
    for request in requests:
        assert re.fullmatch(r"AR-[A-Z0-9]{6}", request.reference)
        assert set(request.preferences) == set(choice.Preferences().as_dict())
        assert set(request.preferences["times_of_day"]) <= set(choice.TIMES_OF_DAY)
        assert request.preferences["preferred_provider_id"] in provider_ids | {None}
        assert request.contact_method in choice.CONTACT_METHODS and request.contact_detail
        assert request.from_arrangement != request.to_arrangement
        plan = session.scalar(select(SupportPlan).where(SupportPlan.client_id == request.client_id))
        if request.status == RequestStatus.agreed:
            assert plan.arrangement == request.to_arrangement and request.decided_at is not None
        else:
            assert plan.arrangement == request.from_arrangement
        if request.status == RequestStatus.declined:
            assert request.decision_reason and request.decided_at is not None


def test_feedback_two_years_skewed_positive_with_reviewed_free_text(session):
    midnight = dt.datetime.combine(_today(), dt.time(0), dt.UTC)
    responses = session.scalars(select(FeedbackResponse)).all()
    fft = Counter(r.fft for r in responses)
    assert set(fft) == set(survey.FFT_CODES)
    positive = (fft["very_good"] + fft["good"]) / len(responses)
    assert 0.65 <= positive <= 0.92
    assert fft["very_poor"] + fft["poor"] < fft["neither"] + fft["dont_know"] + fft["good"]
    assert all(midnight - dt.timedelta(days=731) <= r.submitted_at < midnight for r in responses)
    assert min(r.submitted_at for r in responses) < midnight - dt.timedelta(days=600)
    # Only the day is kept, as the form keeps it (a time could tell who wrote it).
    assert {r.submitted_at.time() for r in responses} == {dt.time(0)}
    complete = 0
    for response in responses:
        # Codes the survey knows; a skipped statement is left out, as the form stores it.
        assert set(response.outcome_answers) <= set(survey.OUTCOME_CODES)
        assert set(response.outcome_answers.values()) <= set(survey.AGREEMENT_CODES)
        complete += len(response.outcome_answers) == len(survey.OUTCOME_CODES)
        assert not risk.assess("\n".join(t for t in (response.fft_reason, response.other_comments) if t)).is_high
        if response.free_text_status == FreeTextStatus.released:
            assert response.released_text and not any(n in response.released_text for n in demo.NAMES_IN_TEXT)
        else:
            assert response.released_text is None
        if response.fft_reason is None and response.other_comments is None:
            assert response.free_text_status == FreeTextStatus.none
    assert 0.7 < complete / len(responses) < 0.95
    assert fft_summary(fft).positive_share == positive
    statuses = Counter(r.free_text_status for r in responses)
    assert statuses[FreeTextStatus.pending] and statuses[FreeTextStatus.released] and statuses[FreeTextStatus.withheld]
    assert Counter(r.respondent_type.value for r in responses)["carer"] > 100
    assert len({r.language for r in responses}) == 8
    assert len({r.provider_id for r in responses}) == 7  # six providers and direct payments
    equality = session.scalars(select(EqualityMonitoring)).all()
    assert 0.5 <= len(equality) / len(responses) <= 0.7
    for question in survey.EQUALITY_QUESTIONS:
        answers = Counter(getattr(row, question.code) for row in equality)
        assert set(answers) - {None} <= set(question.codes), question.code
        assert answers["prefer_not_to_say"] > 0 and answers[None] > 0
    ethnicity = Counter(row.ethnicity for row in equality)
    assert ethnicity["white_british"] > len(equality) / 3 and len(ethnicity) >= 8


def test_outbox_is_left_empty(session):
    from portal.models import OutboxMessage

    assert session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert block_end_for(dt.date(2025, 3, 15)) == dt.date(2026, 3, 14)
    assert months_between(dt.date(2024, 3, 14), dt.date(2024, 5, 13)) == 1


@pytest.mark.db
def test_build_scale_appends_consistently(app):
    tables = ["client", "support_plan", "support_plan_version", "goal", "goal_rating", "review",
              "referral", "feedback_response", "equality_monitoring", "provider", "team"]
    with app.app_context():
        engine = db.engine

        def sizes() -> dict:
            with engine.connect() as conn:
                return {t: conn.scalar(text(f"SELECT COUNT(*) FROM {t}")) for t in tables}

        before = sizes()
        with writing():
            counts = demo.build_scale(engine, clients=200, seed=3)
            again = demo.build_scale(engine, clients=20, seed=3)  # same seed again: no key clash
        after = sizes()
        assert counts["client"] == 200 and counts["feedback_response"] == 2_000
        assert after["feedback_response"] - before["feedback_response"] == 2_200
        assert after["client"] - before["client"] == 220
        assert after["provider"] == before["provider"] and after["team"] == before["team"]
        for table in tables[:-2]:
            assert after[table] - before[table] == counts[table] + again[table]
        assert 0.35 <= counts["equality_monitoring"] / 2_000 <= 0.65
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            orphans = conn.scalar(text(
                "SELECT COUNT(*) FROM support_plan p LEFT JOIN client c ON c.id = p.client_id WHERE c.id IS NULL"))
            assert orphans == 0
            # Every plan sits on its client's team's caseload (the bulk rows copy the team).
            elsewhere = conn.scalar(text(
                "SELECT COUNT(*) FROM support_plan p JOIN client c ON c.id = p.client_id"
                " WHERE p.team_id IS NULL OR p.team_id <> c.team_id"))
            assert elsewhere == 0
            levels = conn.execute(text("SELECT level, COUNT(*) FROM support_plan GROUP BY level")).all()
            assert {level for level, _ in levels} == {1, 2}
        # What the bulk rows hold reads back through the ORM as the portal wrote it (on
        # PostgreSQL they go in by COPY): answers and snapshots as JSON, days at midnight UTC.
        newest = db.session.scalars(select(FeedbackResponse).order_by(FeedbackResponse.id.desc()).limit(50)).all()
        assert all(isinstance(r.outcome_answers, dict) and r.submitted_at.time() == dt.time(0)
                   and r.submitted_at.utcoffset() == dt.timedelta(0) for r in newest)
        assert any(r.outcome_answers for r in newest) and any(r.released_text for r in newest)
        snapshots = db.session.scalars(select(SupportPlanVersion.goals_snapshot)
                                       .order_by(SupportPlanVersion.id.desc()).limit(20)).all()
        assert all(isinstance(s, list) and s and isinstance(s[0], dict) for s in snapshots)
        # The ORM can still add rows afterwards (ids and sequences are past the bulk rows).
        with writing():
            db.session.add(Review(plan_id=1, due_on=dt.date(2030, 1, 1)))
            db.session.commit()


def test_build_scale_on_an_empty_database(tmp_path):
    from portal.db import make_engine
    from portal.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with writing():
        counts = demo.build_scale(engine, clients=30, seed=1)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT COUNT(*) FROM provider")) == 6
        assert conn.scalar(text("SELECT COUNT(*) FROM team")) == len(demo.TEAMS)
        assert conn.scalar(text("SELECT COUNT(*) FROM feedback_response")) == 300 == counts["feedback_response"]
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    with writing(), Session(engine) as session:
        times = session.scalars(select(FeedbackResponse.submitted_at)).all()
        assert {moment.time() for moment in times} == {dt.time(0)}  # only the day is kept
        snapshots = session.scalars(select(SupportPlanVersion.goals_snapshot)).all()
        assert _check_goal_snapshots(snapshots, _snapshot_keys_of_a_saved_plan(session)) >= 30
        session.rollback()
    engine.dispose()


GOAL_WORDS = {description: (steps, who) for description, steps, who, _levels in GOALS}


def _snapshot_keys_of_a_saved_plan(session: Session) -> set[str]:
    """The keys of a goal in the snapshot plans.py writes when staff save a plan (flushed only)."""
    team = session.scalars(select(Team).order_by(Team.id)).first()
    staff = Account(email="snapshot.staff@example.org", display_name="Staff", role=Role.staff, team_id=team.id)
    client = Client(given_name="Snap", family_name="Shot", team_id=team.id)
    session.add_all([staff, client])
    session.flush()
    plan = plans.start_plan(
        session, client,
        support=SupportDetails(level=1, arrangement=Arrangement.council_arranged,
                               provider=session.scalars(select(Provider).order_by(Provider.id)).first(),
                               hours_per_week=6, location=SupportLocation.own_home),
        text=PlanText("Home", [GoalText("Cook", steps="Learn a recipe", who_helps="Me",
                                        target_date=dt.date(2030, 6, 1))]),
        block_start=dt.date(2030, 1, 1), written_by=staff, now=utcnow(),
    )
    (goal,) = plan.versions[-1].goals_snapshot
    return set(goal)


def _check_goal_snapshots(snapshots: list[list[dict]], keys: set[str]) -> int:
    """Every goal in every snapshot has the keys plans.py writes, and the steps and who helps
    of the demo goal it is; returns how many goals were checked."""
    goals = [goal for snapshot in snapshots for goal in snapshot]
    for goal in goals:
        assert set(goal) == keys, goal
        steps, who = GOAL_WORDS[goal["description"]]
        assert goal["steps"] == steps and goal["steps"], goal
        assert goal["who_helps"] == who, goal
    return len(goals)


def test_plan_versions_snapshot_goals_as_saving_a_plan_does(session):
    """A demo version's goals_snapshot is what plans.py writes when staff save a plan: the
    same keys, with each goal's steps and who helps (the plan page showed "Steps: Not written
    yet" for every demo plan while the snapshots lacked them), and the latest version's
    goals carry the target dates of the plan's goals."""
    demo_plans = session.scalars(select(SupportPlan)).all()
    snapshots = [version.goals_snapshot for plan in demo_plans for version in plan.versions]
    assert _check_goal_snapshots(snapshots, _snapshot_keys_of_a_saved_plan(session)) > len(demo_plans)
    for plan in demo_plans:
        targets = {g.description: g.target_date.isoformat() for g in plan.goals}
        for goal in plan.versions[-1].goals_snapshot:
            assert goal["target_date"] == targets[goal["description"]], (plan.id, goal)
