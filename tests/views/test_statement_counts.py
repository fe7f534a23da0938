"""The busiest pages send the same number of SQL statements whatever the size of the record
(no query per goal, review, comment or plan): counted by a listener on the engine for a
client's record with a few items and again with 30 more of each, and for a staff caseload
with 30 more clients."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from portal import demo
from portal.db import db, writing
from portal.domain import messages, plans
from portal.models import (
    Account,
    Arrangement,
    Client,
    Goal,
    GoalRating,
    Message,
    PlanComment,
    PlanStatus,
    RatedBy,
    Review,
    ReviewOutcome,
    Role,
    SupportPlan,
    SupportPlanVersion,
    Update,
    UpdateKind,
    utcnow,
)
from tests.conftest import enter_session

MORE = 30
RECORD_PAGES = ("plan", "support", "goals", "reviews")


@pytest.fixture
def statements(app):
    """The statements the app sends, as a list a test can clear."""
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    yield sent
    event.remove(engine, "before_cursor_execute", count)


def _sent_by(client, statements: list[str], path: str) -> int:
    """Statements one request of `path` sends (asked twice, the second counted: the first
    fills per-process caches)."""
    assert client.get(path).status_code == 200
    statements.clear()
    assert client.get(path).status_code == 200
    return len(statements)


def _account(email: str) -> Account:
    return db.session.scalar(select(Account).where(Account.email == email))


def _staff_of(team_id: int) -> Account:
    return db.session.scalar(select(Account).where(Account.role == Role.staff, Account.team_id == team_id).limit(1))


def _grow_record(plan: SupportPlan, worker: Account, today: dt.date, now: dt.datetime) -> None:
    """MORE goals (each rated twice), reviews, comments from both sides, plan versions by
    the worker and updates on the plan's record."""
    last = plan.versions[-1]
    for n in range(MORE):
        goal = Goal(plan=plan, position=100 + n, description=f"Goal {n}", first_rating=4, latest_rating=6,
                    rating_count=2)
        goal.ratings = [GoalRating(rating=r, rated_by=RatedBy.client, rated_on=today - dt.timedelta(days=d))
                        for r, d in ((4, 60), (6, 30))]
        db.session.add(goal)
        db.session.add(Review(plan=plan, due_on=today - dt.timedelta(days=400 + n), completed_on=today,
                              outcome=ReviewOutcome.continue_level_1, recorded_by_account_id=worker.id))
        db.session.add(PlanComment(plan_id=plan.id, version_no=last.version_no, from_client=n % 2 == 0,
                                   author_account_id=None if n % 2 == 0 else worker.id, text=f"Comment {n}"))
        db.session.add(Update(client_id=plan.client_id, kind=UpdateKind.plan_reply, about_id=n, occurred_at=now))
    for n in range(MORE):  # older versions, each written by the worker, before the current one
        db.session.add(SupportPlanVersion(
            plan_id=plan.id, version_no=-n, level=last.level, status=PlanStatus.agreed, block_start=last.block_start,
            block_end=last.block_end, arrangement=last.arrangement, location=last.location,
            goals_snapshot=last.goals_snapshot, written_by_account_id=worker.id,
            created_at=last.created_at - dt.timedelta(days=n + 1)))


def test_record_pages_send_as_many_statements_for_a_long_record_as_for_a_short_one(app, client, statements):
    person = next(a for a in demo.DEMO_ACCOUNTS if a.role == "client")
    with app.app_context():
        account = _account(person.email)
        client_id = account.client_id
        # The client, and a worker of their team (whose name is on each reply and version).
        readers = {"client": account.id, "worker": _staff_of(db.session.get(Client, client_id).team_id).id}
        db.session.commit()
    paths = {page: f"/en/clients/{client_id}/{page}" for page in RECORD_PAGES}

    def counts() -> dict[str, dict[str, int]]:
        found = {}
        for reader, account_id in readers.items():
            enter_session(client, account_id)
            found[reader] = {page: _sent_by(client, statements, path) for page, path in paths.items()}
        return found

    short = counts()
    with app.app_context(), writing():
        _grow_record(plans.current_plan(db.session, client_id), db.session.get(Account, readers["worker"]),
                     utcnow().date(), utcnow())
        db.session.commit()
    assert counts() == short


def _add_clients(team_id: int, how_many: int, today: dt.date, now: dt.datetime) -> None:
    """Clients of the team with an overdue Level 1 plan, a review and a comment waiting."""
    for n in range(how_many):
        person = Client(given_name=f"Person{n}", family_name="Added", team_id=team_id)
        db.session.add(person)
        db.session.flush()
        plan = SupportPlan(client_id=person.id, level=1, status=PlanStatus.shared, arrangement=Arrangement.council_arranged,
                           block_start=today - dt.timedelta(days=500), block_end=today + dt.timedelta(days=200),
                           next_review_due=today - dt.timedelta(days=n + 1),
                           level_1_started_on=today - dt.timedelta(days=800), started_on=today - dt.timedelta(days=800))
        db.session.add(plan)
        db.session.flush()
        db.session.add(Review(plan=plan, due_on=today - dt.timedelta(days=n + 1)))
        db.session.add(PlanComment(plan_id=plan.id, version_no=1, from_client=True, text="Can we talk?", created_at=now))


def test_the_caseload_sends_as_many_statements_for_a_big_team_as_for_a_small_one(app, client, statements):
    staff = next(a for a in demo.DEMO_ACCOUNTS if a.role == "staff")
    with app.app_context():
        worker = _account(staff.email)
        worker_id, team_id = worker.id, worker.team_id
        db.session.commit()
    enter_session(client, worker_id)
    pages = ["/en/staff/caseload"] + [f"/en/staff/caseload?show={only}" for only in plans.CaseloadFilter]

    def counts() -> list[int]:
        return [_sent_by(client, statements, path) for path in pages]

    with app.app_context(), writing():  # at least one plan in every filter, to compare with more
        _add_clients(team_id, 2, utcnow().date(), utcnow())
        db.session.commit()
    small = counts()
    with app.app_context(), writing():
        _add_clients(team_id, MORE, utcnow().date(), utcnow())
        db.session.commit()
    assert counts() == small

    # The filters' counts come from one query; each is what its filter lists.
    with app.app_context():
        today = utcnow().date()
        assert plans.caseload_counts(db.session, team_id, today) == {
            only: plans.caseload(db.session, team_id, today, only, limit=0)[1] for only in plans.CaseloadFilter}
        db.session.commit()


def _more_messages(conversation_id: int, authors: list[Account], now: dt.datetime) -> None:
    """MORE messages in the conversation, from each of `authors` in turn."""
    for n in range(MORE):
        author = authors[n % len(authors)]
        db.session.add(Message(conversation_id=conversation_id, author_account_id=author.id,
                               author_role=author.role.value, created_at=now, body=f"Message {n}",
                               submission_key=f"statement-count-{conversation_id}-{n}"))


def test_a_conversation_sends_as_many_statements_for_a_long_thread_as_for_a_short_one(app, client, statements):
    person = next(a for a in demo.DEMO_ACCOUNTS if a.role == "client")
    with app.app_context():
        account = _account(person.email)
        team_id = db.session.get(Client, account.client_id).team_id
        conversation = messages.conversations_for(db.session, account.client_id)[0]
        workers = messages.team_workers(db.session, conversation.client)
        readers = {"client": account.id, "worker": workers[0].id}
        db.session.commit()
    assert len(workers) >= 3, team_id
    paths = [f"/en/clients/{account.client_id}/messages", f"/en/clients/{account.client_id}/messages/{conversation.id}"]

    def counts() -> dict[str, list[int]]:
        found = {}
        for reader, account_id in readers.items():
            enter_session(client, account_id)
            found[reader] = [_sent_by(client, statements, path) for path in paths]
        return found

    short = counts()
    with app.app_context(), writing():  # the client and every worker of the team write, each several times
        _more_messages(conversation.id, [db.session.get(Account, account.id), *workers], utcnow())
        db.session.commit()
    assert counts() == short
