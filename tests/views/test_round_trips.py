"""What a record page costs the database beyond its statements: the transactions it opens and
the pings of pooled connections (each a round trip on PostgreSQL). On PostgreSQL the session
check runs on into the transaction that writes the audit event, and a connection is pinged
only after it has sat unused; on SQLite the session check ends first (portal.db.end_read).
The ping tests need PostgreSQL (TEST_DATABASE_URL, as .ci/run sets)."""
from __future__ import annotations

import importlib

import pytest
from sqlalchemy import event, select, text

from portal import demo
from portal.db import db
from portal.models import Account
from tests.conftest import PG_URL, enter_session

database = importlib.import_module("portal.db")  # the module: the package's `db` is its Database
CLIENT = next(a for a in demo.DEMO_ACCOUNTS if a.role == "client")
postgresql_only = pytest.mark.skipif(not PG_URL, reason="pooled connections are pinged on PostgreSQL only")


@pytest.fixture
def plan_page(app, client) -> str:
    """The demo client's plan page, the test client signed in as them."""
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == CLIENT.email))
        account_id, client_id = account.id, account.client_id
        db.session.commit()
    enter_session(client, account_id)
    return f"/en/clients/{client_id}/plan"


def _transactions(app, client, path: str) -> list[str]:
    """'begin', 'commit' and 'rollback' as one request of `path` (the second) sends them."""
    seen: list[str] = []
    engine = db.engine_of(app)
    listeners = {name: (lambda _conn, name=name: seen.append(name)) for name in ("begin", "commit", "rollback")}
    assert client.get(path).status_code == 200
    for name, listener in listeners.items():
        event.listen(engine, name, listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        for name, listener in listeners.items():
            event.remove(engine, name, listener)
    return seen


def test_the_session_check_shares_the_audit_events_transaction_except_on_sqlite(app, client, plan_page):
    seen = _transactions(app, client, plan_page)
    if db.engine_of(app).dialect.name == "sqlite":
        # session check; audit event (committed before the page shows anything); the record
        assert seen == ["begin", "commit", "begin", "commit", "begin", "rollback"]
    else:
        assert seen == ["begin", "commit", "begin", "rollback"]


@pytest.fixture
def pings(app, monkeypatch) -> list[object]:
    """The pings sent to pooled connections (the dialect's own ping, counted, then run)."""
    dialect = db.engine_of(app).dialect
    sent: list[object] = []
    real_ping = dialect.do_ping

    def counted(dbapi_connection):
        sent.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return sent


@postgresql_only
def test_a_connection_used_a_moment_ago_is_not_pinged(app, client, plan_page, pings, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600.0)
    assert client.get(plan_page).status_code == 200
    pings.clear()
    assert client.get(plan_page).status_code == 200
    assert pings == []


def _end_pooled_connections(app) -> None:
    """The database ends the app's pooled connections, as a restart would (asked through a
    connection of its own, so none of the pool's is touched from this side)."""
    outside = database.make_engine(app.config["DATABASE_URL"])
    try:
        with outside.connect() as connection:
            ended = connection.scalar(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            connection.commit()
    finally:
        outside.dispose()
    assert ended >= 1


@postgresql_only
def test_a_connection_that_sat_unused_is_pinged_and_replaced_when_it_is_gone(app, client, plan_page, pings,
                                                                              monkeypatch):
    assert client.get(plan_page).status_code == 200
    _end_pooled_connections(app)
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)  # every connection has sat long enough
    pings.clear()
    assert client.get(plan_page).status_code == 200
    assert pings, "the pooled connection was not pinged"


@postgresql_only
def test_a_connection_lost_within_the_second_fails_one_request_with_the_503_page(app, client, plan_page,
                                                                                 monkeypatch):
    assert client.get(plan_page).status_code == 200
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600.0)
    _end_pooled_connections(app)
    failed = client.get(plan_page)
    assert failed.status_code == 503 and "Traceback" not in failed.get_data(as_text=True)
    assert client.get(plan_page).status_code == 200  # the pool has reconnected


def _prepared_on_the_pooled_connection(app, pattern: str) -> int:
    """How many statements like `pattern` the app's pooled connection has prepared (asked on
    a pooled connection: requests come one at a time, so the pool holds one or two)."""
    with app.app_context():
        prepared = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :p"),
                                     {"p": pattern})
        db.session.rollback()
    return prepared


@postgresql_only
def test_pages_that_only_read_keep_the_connections_prepared_statements(app, client, plan_page):
    """psycopg prepares a statement on its fifth run on a connection and drops them all at a
    ROLLBACK, so the plan page, which ends with a transaction that only read, must end it
    with COMMIT for its statements to stay prepared."""
    for _ in range(12):  # five runs prepare it, on each connection the pool hands out in turn
        assert client.get(plan_page).status_code == 200
    assert _prepared_on_the_pooled_connection(app, "%FROM plan_comment%") == 1


@postgresql_only
def test_a_transaction_that_wrote_and_was_not_committed_is_rolled_back(app):
    with app.app_context():
        account_id, name = db.session.execute(select(Account.id, Account.display_name).limit(1)).one()
        db.session.rollback()
        engine = db.engine_of(app)
        with engine.connect() as connection:
            connection.execute(text("UPDATE account SET display_name = 'Not kept' WHERE id = :id"), {"id": account_id})
            assert connection.scalar(select(Account.display_name).where(Account.id == account_id)) == "Not kept"
        with engine.connect() as connection:  # closed without commit: the update is undone
            assert connection.scalar(select(Account.display_name).where(Account.id == account_id)) == name
            with pytest.raises(Exception, match="division by zero"):
                connection.execute(text("SELECT 1 / 0"))  # a failed transaction ends with ROLLBACK too
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT 1")) == 1
