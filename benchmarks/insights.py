"""The city at scale: the commissioners' dashboard (render time and peak memory) and a
team's caseload.

    .venv/bin/python benchmarks/insights.py                 # SQLite, 100,000 clients, 1,000,000 responses
    scripts/with-throwaway-postgres .venv/bin/python benchmarks/insights.py --postgres
    make benchmark-insights                                 # both, one after the other

Builds the demo city plus `--clients` bulk clients (ten feedback responses each) in a fresh
database, makes a release of the figures (timed: the monthly job's cost), signs in as the demo
commissioner through the Flask test client, then requests the dashboard (and its CSV and
spreadsheet) for each period: the first request cold, then the best of `--runs`. Pages read
the stored release, so their cost does not grow with the number of responses.
Peak memory is Python's own allocations during a second, untimed request (tracemalloc),
plus the process's resident peak. Figures are printed, never asserted; the target is under 1 s per render.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text

from benchmarks._harness import prepare_database
from portal import demo
from portal.db import make_engine, writing
from portal.domain import plans, releases
from portal.domain.plans import CaseloadFilter
from portal.models import Account, Client, FeedbackResponse, InsightRelease, SupportPlan, Team, utcnow

PATHS = [("dashboard, all time", "/en/insights?period=all"), ("dashboard, year", "/en/insights?period=year"),
         ("dashboard, quarter", "/en/insights?period=quarter"), ("CSV, the release", "/en/insights/figures.csv"),
         ("XLSX, the release", "/en/insights/figures.xlsx")]


def _postgres_database() -> str:
    admin_url = os.environ["TEST_DATABASE_URL"]
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS insights_bench"))
        conn.execute(text("CREATE DATABASE insights_bench"))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/insights_bench"


def _build(url: str, clients: int) -> tuple[int, int, float]:
    prepare_database(url)
    engine = make_engine(url)
    started = time.perf_counter()
    with writing():
        demo.build_scale(engine, clients=clients, seed=2022)
    seconds = time.perf_counter() - started
    with engine.connect() as conn:
        n_clients = conn.scalar(select(func.count()).select_from(Client))
        n_responses = conn.scalar(select(func.count()).select_from(FeedbackResponse))
        conn.execute(text("ANALYZE"))  # fresh statistics, as a production database would have
    engine.dispose()
    return n_clients, n_responses, seconds


def _release(url: str) -> float:
    """This month's release made again from everything (the demo made one before the bulk
    rows): the monthly job's time."""
    from sqlalchemy import delete
    from sqlalchemy.orm import Session

    engine = make_engine(url)
    with Session(engine) as session, writing():
        session.execute(delete(InsightRelease))  # Core: the ORM refuses, as it should
        started = time.perf_counter()
        releases.make_release(session, now=utcnow())
        seconds = time.perf_counter() - started
        session.commit()
    engine.dispose()
    return seconds


def _measure(url: str, runs: int) -> list[tuple[str, float, float, float, int]]:
    os.environ["DATABASE_URL"] = url
    from portal import create_app

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "TESTING": True})
    client = app.test_client()
    rows = []
    _signed_in_as(app, client, "commissioner")
    for name, path in PATHS:
        started = time.perf_counter()
        response = client.get(path)
        cold = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        # Memory in a request of its own: tracemalloc slows every allocation (it made the
        # first request of a process look 4 times slower than it is).
        tracemalloc.start()
        client.get(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        best = min(_timed(client, path) for _ in range(runs))
        rows.append((name, cold, best, peak / 2**20, len(response.data)))
    return rows


CASELOAD_PATHS = [("caseload", "/en/staff/caseload"), ("caseload, page 2", "/en/staff/caseload?page=2")] + [
    (f"caseload, {only.value.replace('_', ' ')}", f"/en/staff/caseload?show={only.value}") for only in CaseloadFilter]


def _caseload(url: str, team_size: int, runs: int) -> list[tuple[str, list[tuple[str, float, float]]]]:
    """The caseload's every filter, cold and best of `runs`: for the demo worker's whole area
    team, then for a team of `team_size` clients with open plans made for the purpose."""
    os.environ["DATABASE_URL"] = url
    from portal import create_app
    from portal.db import db

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "TESTING": True})
    client = app.test_client()
    _signed_in_as(app, client, "staff")
    email = next(a.email for a in demo.DEMO_ACCOUNTS if a.role == "staff")
    results = []
    with app.app_context():
        worker = db.session.scalar(select(Account).where(Account.email == email))
        area_team = worker.team_id
        open_plans = select(func.count()).select_from(SupportPlan).join(Client, Client.id == SupportPlan.client_id)
        whole = db.session.scalar(open_plans.where(Client.team_id == area_team, SupportPlan.ended_on.is_(None)))
        results.append((f"the worker's area team ({whole:,} open plans)", _timed_paths(client, CASELOAD_PATHS, runs)))
        with writing():
            name = f"Benchmark team of {team_size:,}"  # a reused database has it already
            team = db.session.scalar(select(Team).where(Team.name == name)) or Team(name=name)
            db.session.add(team)
            db.session.flush()
            chosen = list(db.session.scalars(select(SupportPlan.client_id).where(SupportPlan.ended_on.is_(None))
                                             .order_by(SupportPlan.client_id.desc()).limit(team_size)))
            plans.move_clients_to_team(db.session, chosen, team.id)
            worker.team_id = team.id
            db.session.commit()
            size = db.session.scalar(select(func.count(Client.id)).where(Client.team_id == team.id))
        results.append((f"a team of {size:,} clients", _timed_paths(client, CASELOAD_PATHS, runs)))
    return results


def _timed_paths(client, paths: list[tuple[str, str]], runs: int) -> list[tuple[str, float, float]]:
    rows = []
    for name, path in paths:
        started = time.perf_counter()
        response = client.get(path)
        cold = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        rows.append((name, cold, min(_timed(client, path) for _ in range(runs))))
    return rows


def _signed_in_as(app, client, role: str) -> None:
    """Straight into a session with both steps of signing in passed (signing in is not what
    is measured, and the second step's code works once)."""
    import datetime as dt

    from portal.db import db
    from portal.domain import accounts
    from portal.models import Account

    email = next(a.email for a in demo.DEMO_ACCOUNTS if a.role == role)
    with app.app_context(), writing():
        account = db.session.scalar(select(Account).where(Account.email == email))
        token = accounts.open_session(db.session, account, now=utcnow(), second_factor_done=True,
                                      max_age=dt.timedelta(hours=1))
        db.session.commit()
    with client.session_transaction() as session:
        session.update(sid=token, seen=int(utcnow().timestamp()))


def _timed(client, path: str) -> float:
    started = time.perf_counter()
    client.get(path)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--team-size", type=int, default=2_000, help="clients of the team whose caseload is timed")
    parser.add_argument("--postgres", action="store_true", help="use the cluster in TEST_DATABASE_URL")
    parser.add_argument("--reuse", metavar="URL", help="measure a database an earlier run built (skips the build)")
    args = parser.parse_args()

    if args.reuse:
        url = args.reuse
        engine = make_engine(url)
        with engine.connect() as conn:
            n_clients = conn.scalar(select(func.count()).select_from(Client))
            n_responses = conn.scalar(select(func.count()).select_from(FeedbackResponse))
        engine.dispose()
        built = "reused"
    else:
        url = _postgres_database() if args.postgres else f"sqlite:///{tempfile.mkdtemp(prefix='mhisf-insights-')}/bench.sqlite3"
        n_clients, n_responses, build_seconds = _build(url, args.clients)
        built = f"bulk build {build_seconds:.0f} s"
    engine_name = url.split(":", 1)[0].replace("postgresql", "PostgreSQL").replace("sqlite", "SQLite")
    print(f"{engine_name}: {n_clients:,} clients, {n_responses:,} feedback responses ({built}; {url})")
    print(f"release of every figure (the monthly job): {_release(url):.1f} s")
    rows = _measure(url, args.runs)
    print(f"{'request':<22} {'cold s':>8} {'best s':>8} {'peak MiB':>9} {'bytes':>9}")
    for name, cold, best, peak, size in rows:
        print(f"{name:<22} {cold:>8.3f} {best:>8.3f} {peak:>9.1f} {size:>9,}")
    for team, timings in _caseload(url, args.team_size, args.runs):
        print(f"\nstaff caseload, {team}")
        print(f"{'request':<34} {'cold s':>8} {'best s':>8}")
        for name, cold, best in timings:
            print(f"{name:<34} {cold:>8.3f} {best:>8.3f}")
    print(f"\nprocess resident peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB; "
          "targets: < 1 s per dashboard render, < 300 ms per caseload page of a 2,000-client team")


if __name__ == "__main__":
    main()
