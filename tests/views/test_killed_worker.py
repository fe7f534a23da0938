"""Fault: a worker killed in the middle of a request leaves no partial records.

A real gunicorn (two sync workers, `portal.wsgi:app`) serves the app on the test's own file
database: a SQLite file, or a PostgreSQL database when TEST_DATABASE_URL is set (make
test-postgres). Writes that span several rows are interrupted with SIGKILL:

- a signed-in feedback post: the response, its equality answers, its tally rows, an audit event;
- a goal rating: the goal's running figures, the rating, an audit event;
- a plan rewritten with its goals: the goals, the plan, a new version, an audit event.

First at fixed points inside their transactions: a hook in each worker (a gunicorn config
written here; the app is not changed) pauses the worker just before a chosen statement or
before COMMIT, and the test kills it there, so these kills certainly land mid-transaction.
Then at seeded random moments while the three kinds of writes run side by side (two people
rating the same goals), so kills also land elsewhere (between statements, in COMMIT, while the
answer is sent).

Afterwards every record is whole: the tallies equal a rebuild from the responses (what
`flask --app portal rebuild-tallies` would write), every goal's running figures equal its
ratings, every new rating, response and plan version has its audit event, every new response
its equality answers, every new version its goals (the ones the plan has); the database is
sound; and the app still serves pages and writes.
"""
from __future__ import annotations

import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.db import make_engine, writing
from portal.demo import DEMO_ACCOUNTS, enrol_two_factor
from portal.domain import tally
from portal.models import (
    AuditEvent,
    EqualityMonitoring,
    FeedbackResponse,
    FeedbackTally,
    Goal,
    GoalRating,
    GoalStatus,
    SupportPlan,
    SupportPlanVersion,
    utcnow,
)
from tests.conftest import totp_code
from tests.processes import free_port, stop_process_group

ROOT = Path(__file__).resolve().parents[2]
CLIENT = next(a for a in DEMO_ACCOUNTS if a.role == "client")
STAFF = next(a for a in DEMO_ACCOUNTS if a.role == "staff")

# A gunicorn config: in each worker, pause just before a statement (or COMMIT) of an armed
# kill point, once, and say so with a file holding the worker's pid. Arming is a file too;
# taking it is an atomic rename, so only one worker ever pauses for it.
KILL_POINTS_CONFIG = '''
import os, time
from sqlalchemy import event

DIR = os.environ["KILL_POINTS"]
STATEMENTS = {
    "feedback_before_tally": lambda s, p: s.startswith("INSERT INTO feedback_tally"),
    "rating_before_insert": lambda s, p: s.startswith("INSERT INTO goal_rating"),
    "rating_before_audit": lambda s, p: s.startswith("INSERT INTO audit_event") and "goal_rated" in repr(p),
    "plan_before_version": lambda s, p: s.startswith("INSERT INTO support_plan_version"),
    "rating_before_update": lambda s, p: s.startswith("UPDATE goal SET"),
}


def _pause_if_armed(point):
    armed = os.path.join(DIR, "armed-" + point)
    try:
        os.rename(armed, armed + ".taken")
    except FileNotFoundError:
        return
    with open(os.path.join(DIR, "paused-" + point), "w") as marker:
        marker.write(str(os.getpid()))
    release, deadline = os.path.join(DIR, "release-" + point), time.monotonic() + 25
    while not os.path.exists(release) and time.monotonic() < deadline:
        time.sleep(0.01)  # until the test kills this process, or releases it


def post_worker_init(worker):
    engine = worker.wsgi.extensions["database"].engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before_statement(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO feedback_response"):
            conn.info["wrote_feedback"] = True
        for point, matches in STATEMENTS.items():
            if matches(statement, parameters):
                _pause_if_armed(point)

    @event.listens_for(engine, "commit")
    def _before_commit(conn):
        if conn.info.pop("wrote_feedback", False):
            _pause_if_armed("feedback_before_commit")

    @event.listens_for(engine, "rollback")
    def _after_rollback(conn):
        conn.info.pop("wrote_feedback", None)

    open(os.path.join(DIR, "ready-%d" % os.getpid()), "w").close()  # serving from now on
'''


@dataclass
class Server:
    base: str
    pid: int
    points: Path
    log: Path

    def workers(self) -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.pid and fields[0] != "Z":
                    found.append(int(entry))
        return found

    def serving_workers(self) -> list[int]:
        """Workers that have started and serve (a new one takes a moment to load the app)."""
        return [pid for pid in self.workers() if (self.points / f"ready-{pid}").exists()]

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the server does not answer; its log:\n{self.log.read_text()[-3000:]}")

    def arm(self, point: str) -> None:
        (self.points / f"armed-{point}").write_text("")

    def release(self, point: str) -> None:
        (self.points / f"release-{point}").write_text("")

    def wait_paused(self, point: str, timeout: float = 20) -> int:
        marker = self.points / f"paused-{point}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text():
                return int(marker.read_text())
            time.sleep(0.01)
        raise AssertionError(f"no worker reached {point}; server log:\n{self.log.read_text()[-3000:]}")


@pytest.fixture
def server(database_url, tmp_path):
    port = free_port()
    config = tmp_path / "kill_points.py"
    config.write_text(KILL_POINTS_CONFIG)
    points = tmp_path / "points"
    points.mkdir()
    log = tmp_path / "gunicorn.log"
    engine = make_engine(database_url)
    with Session(engine) as session:  # the demo's two-step keys, encrypted with this server's key
        enrol_two_factor(session, secret_key="killed-worker-test-secret", now=utcnow())
        session.commit()
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": database_url, "KILL_POINTS": str(points),
           "SECRET_KEY": "killed-worker-test-secret", "RATELIMIT_ENABLED": "false", "SESSION_COOKIE_SECURE": "false",
           "LOG_LEVEL": "WARNING", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           "RASA_URL": "http://127.0.0.1:9", "SMTP_PORT": "9"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--timeout", "30", "--graceful-timeout", "2", "--log-level", "warning", "--no-control-socket",
             "--config", str(config)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    running = Server(f"http://127.0.0.1:{port}", process.pid, points, log)
    try:
        running.wait_ready()
        yield running
    finally:
        stop_process_group(process, timeout=10)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


class Person:
    """A signed-in browser: a requests session with its CSRF token."""

    def __init__(self, base: str, account):
        self.base, self.http = base, requests.Session()
        self.token = _csrf(self.http.get(f"{base}/en/sign-in", timeout=30).text)
        signed_in = self.http.post(f"{base}/en/sign-in", data={"csrf_token": self.token, "email": account.email,
                                                               "password": account.password},
                                   allow_redirects=False, timeout=30)
        assert signed_in.status_code == 302, "sign-in failed"
        if signed_in.headers["Location"].endswith("/sign-in/code"):  # staff: the second step
            token = _csrf(self.http.get(f"{base}/en/sign-in/code", timeout=30).text)
            code, _step = totp_code(account.totp_secret, None)
            signed_in = self.http.post(f"{base}/en/sign-in/code", data={"csrf_token": token, "code": code},
                                       allow_redirects=False, timeout=30)
            assert signed_in.status_code == 302, "second step failed"
        self.token = _csrf(self.http.get(f"{base}/en/account", timeout=30).text)

    def post(self, path: str, data: dict) -> int:
        """The status code, or 0 when the connection broke (the worker was killed)."""
        try:
            return self.http.post(f"{self.base}{path}", data={"csrf_token": self.token, **data},
                                  allow_redirects=False, timeout=30).status_code
        except requests.RequestException:
            return 0


@dataclass
class Writes:
    """The three multi-row writes, as the pages post them."""

    client: Person
    staff: Person
    client_id: int
    goal_ids: list[int]
    goal_texts: dict[int, str]
    rng: random.Random

    def feedback(self) -> int:
        return self.client.post(f"/en/clients/{self.client_id}/feedback", {
            "submission_key": secrets.token_hex(16), "fft": self.rng.choice(["very_good", "good", "poor"]),
            "about": "service", "outcome_towards_goals": "agree", "equality_age_band": "age_25_34",
        })

    def rating(self) -> int:
        goal = self.rng.choice(self.goal_ids)
        return self.client.post(f"/en/clients/{self.client_id}/goals/{goal}/rate",
                                {"rating": str(self.rng.randint(0, 10)), "note": ""})

    def plan(self) -> int:
        """The plan's goals reworded (each its own row), plus what matters: a new version."""
        mark = secrets.token_hex(3)
        data = {"what_matters_to_me": f"Feeling in charge of my home ({mark})", "change_summary": f"Reworded {mark}"}
        for i, goal in enumerate(self.goal_ids):
            data[f"goals-{i}-goal_id"] = str(goal)
            data[f"goals-{i}-description"] = f"{self.goal_texts[goal]} ({mark})"
        return self.staff.post(f"/en/staff/clients/{self.client_id}/plan", data)


def _high_water(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.scalar(select(func.coalesce(func.max(table.id), 0))) for name, table in
                (("audit", AuditEvent), ("rating", GoalRating), ("response", FeedbackResponse),
                 ("version", SupportPlanVersion))}


def _check_no_partial_records(engine, before: dict[str, int], client_id: int, goals_before: list[str]) -> dict[str, int]:
    """Every record whole; returns how many of each were written (committed) in the test."""
    tally_row = (FeedbackTally.month, FeedbackTally.dimension, FeedbackTally.category, FeedbackTally.answer,
                 FeedbackTally.count)
    with writing(), engine.connect() as conn:
        rebuild = conn.begin()
        kept = Counter({tuple(row[:4]): row[4] for row in conn.execute(select(*tally_row))})
        tally.rebuild(conn)
        rebuilt = Counter({tuple(row[:4]): row[4] for row in conn.execute(select(*tally_row))})
        rebuild.rollback()
    assert kept == rebuilt, f"tallies differ from the responses: {(kept - rebuilt) + (rebuilt - kept)}"

    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []

        ratings: dict[int, list[int]] = {}
        for goal_id, value in conn.execute(select(GoalRating.goal_id, GoalRating.rating).order_by(GoalRating.id)):
            ratings.setdefault(goal_id, []).append(value)
        for goal in conn.execute(select(Goal.id, Goal.rating_count, Goal.first_rating, Goal.latest_rating)):
            given = ratings.get(goal.id, [])
            assert (goal.rating_count, goal.first_rating, goal.latest_rating) == (
                len(given), given[0] if given else None, given[-1] if given else None), f"goal {goal.id}"

        def new_audit(action: str) -> int:
            return conn.scalar(select(func.count()).where(AuditEvent.action == action, AuditEvent.id > before["audit"]))

        new_ratings = conn.scalar(select(func.count()).where(GoalRating.id > before["rating"]))
        assert new_audit("goal_rated") == new_ratings, "a rating without its audit event, or the other way"
        new_responses = conn.scalar(select(func.count()).where(FeedbackResponse.id > before["response"]))
        with_equality = conn.scalar(select(func.count()).select_from(EqualityMonitoring).where(
            EqualityMonitoring.feedback_response_id > before["response"]))
        assert with_equality == new_responses, "a response without the equality answers sent with it"

        plan = conn.execute(select(SupportPlan.id, SupportPlan.current_version_no).where(
            SupportPlan.client_id == client_id, SupportPlan.ended_on.is_(None))).one()
        numbers = conn.scalars(select(SupportPlanVersion.version_no).where(SupportPlanVersion.plan_id == plan.id)
                               .order_by(SupportPlanVersion.version_no)).all()
        assert numbers == list(range(1, len(numbers) + 1)) and plan.current_version_no == numbers[-1]
        new_versions = conn.execute(select(SupportPlanVersion.goals_snapshot, SupportPlanVersion.what_matters_to_me)
                                    .where(SupportPlanVersion.id > before["version"])
                                    .order_by(SupportPlanVersion.version_no)).all()
        assert new_audit("plan_rewritten") == len(new_versions)
        goals = conn.scalars(select(Goal.description).where(Goal.plan_id == plan.id, Goal.status == GoalStatus.active)
                             .order_by(Goal.position)).all()
        if new_versions:  # the goals are the latest version's, all of them
            latest = new_versions[-1]
            assert [goal["description"] for goal in latest.goals_snapshot] == goals, "the version and its goals differ"
            mark = re.search(r"\((\w+)\)$", latest.what_matters_to_me).group(1)
            assert all(description.endswith(f"({mark})") for description in goals), "goals from another version"
        else:  # no version was written: nor were the goals
            assert goals == goals_before, "goals rewritten without their version"
    return {"ratings": new_ratings, "responses": new_responses, "versions": len(new_versions)}


def test_a_worker_killed_mid_request_leaves_no_partial_records(server, database_url):
    engine = make_engine(database_url)
    client, staff = Person(server.base, CLIENT), Person(server.base, STAFF)
    client_id = int(re.search(r"/en/clients/(\d+)/support", client.http.get(f"{server.base}/en/account").text).group(1))
    with engine.connect() as conn:
        plan_id = conn.scalar(select(SupportPlan.id).where(SupportPlan.client_id == client_id,
                                                          SupportPlan.ended_on.is_(None)))
        goals = conn.execute(select(Goal.id, Goal.description).where(
            Goal.plan_id == plan_id, Goal.status == GoalStatus.active).order_by(Goal.position)).all()
    assert len(goals) >= 2, "a plan with several goals"
    writes = Writes(client, staff, client_id, [g.id for g in goals], {g.id: g.description[:400] for g in goals},
                    random.Random(2022))
    goals_before = [g.description for g in goals]
    before = _high_water(engine)

    # 1. Kills that certainly land inside a transaction: the worker waits at the point.
    for point, write in [("feedback_before_tally", writes.feedback), ("feedback_before_commit", writes.feedback),
                         ("rating_before_insert", writes.rating), ("rating_before_audit", writes.rating),
                         ("plan_before_version", writes.plan)]:
        server.arm(point)
        answer: list[int] = []
        request = threading.Thread(target=lambda write=write, answer=answer: answer.append(write()))
        request.start()
        os.kill(server.wait_paused(point), signal.SIGKILL)
        request.join(30)
        assert answer == [0], f"{point}: the request should have died with its worker, got {answer}"
    server.wait_ready()
    assert _check_no_partial_records(engine, before, client_id, goals_before) == {"ratings": 0, "responses": 0, "versions": 0}

    # 2. Kills at seeded random moments while all three kinds of write run side by side.
    stop, statuses, counting = threading.Event(), Counter(), threading.Lock()

    def keep_writing(write):
        while not stop.is_set():
            status = write()
            with counting:
                statuses[status] += 1

    # Two people rate the same goals at once too: a goal's running figures must not lose one.
    second = Writes(Person(server.base, CLIENT), staff, client_id, writes.goal_ids, writes.goal_texts, random.Random(3))
    writers = [threading.Thread(target=keep_writing, args=(w,))
               for w in (writes.feedback, writes.rating, second.rating, writes.plan)]
    for writer in writers:
        writer.start()
    # The deadline only guards against a hang: on a busy machine a new worker takes seconds
    # to load the app, and the kills wait for it, so they are counted, not timed.
    kills, rng, deadline = 0, random.Random(7), time.monotonic() + 240
    try:
        # Kill a serving worker a random moment after both serve, until three requests died
        # with their worker (with four writers on two workers, most kills hit one).
        while statuses[0] < 3 and kills < 15 and time.monotonic() < deadline:
            serving = server.serving_workers()
            if len(serving) < 2:
                time.sleep(0.02)
                continue
            time.sleep(rng.uniform(0.05, 0.3))
            os.kill(rng.choice(serving), signal.SIGKILL)
            kills += 1
            time.sleep(0.05)
    finally:
        stop.set()
        for writer in writers:
            writer.join(60)
    print(f"random kills: {kills}; answers: {dict(statuses)} (0: died with its worker)")
    assert statuses[0] >= 1 and (statuses[302] + statuses[303]) >= 3, f"writes and kills both happened: {statuses}"
    assert set(statuses) <= {0, 302, 303}, f"only whole writes or broken connections: {statuses}"

    # 3. Still serving: a page and a write, and everything whole.
    server.wait_ready()
    assert writes.feedback() in (302, 303) and writes.rating() == 302
    page = client.http.get(f"{server.base}/en/clients/{client_id}/plan", timeout=30)
    assert page.status_code == 200 and "Your support plan" in page.text
    written = _check_no_partial_records(engine, before, client_id, goals_before)
    assert written["responses"] >= 1 and written["ratings"] >= 1
    engine.dispose()


def test_two_people_rating_one_goal_at_once_both_count(server, database_url):
    """Not a kill: the first rating waits inside its transaction, just before it writes the
    goal's running figures, while a second rating of the same goal is sent. The second must
    wait for the first (SQLite: one writer at a time; PostgreSQL: the goal's row is locked),
    or the first writes a count read before the second's and one rating goes uncounted."""
    engine = make_engine(database_url)
    first, second = Person(server.base, CLIENT), Person(server.base, CLIENT)
    client_id = int(re.search(r"/en/clients/(\d+)/support", first.http.get(f"{server.base}/en/account").text).group(1))
    with engine.connect() as conn:
        goal = conn.scalar(select(Goal.id).join(SupportPlan).where(
            SupportPlan.client_id == client_id, SupportPlan.ended_on.is_(None), Goal.status == GoalStatus.active))
    path = f"/en/clients/{client_id}/goals/{goal}/rate"
    answers: dict[str, int] = {}
    server.arm("rating_before_update")
    one = threading.Thread(target=lambda: answers.update(first=first.post(path, {"rating": "3", "note": ""})))
    one.start()
    server.wait_paused("rating_before_update")
    two = threading.Thread(target=lambda: answers.update(second=second.post(path, {"rating": "8", "note": ""})))
    two.start()
    two.join(1.5)
    second_waited = two.is_alive()
    server.release("rating_before_update")
    one.join(30)
    two.join(30)
    assert answers == {"first": 302, "second": 302}
    with engine.connect() as conn:
        figures = conn.execute(select(Goal.rating_count, Goal.latest_rating).where(Goal.id == goal)).one()
        given = conn.scalars(select(GoalRating.rating).where(GoalRating.goal_id == goal).order_by(GoalRating.id)).all()
    engine.dispose()
    assert second_waited, "the second rating did not wait for the first"
    assert tuple(figures) == (len(given), given[-1]) and given[-2:] == [3, 8]
