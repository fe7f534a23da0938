"""Engine and sessions.

SQLite is the embedded default. Several gunicorn workers share the file, so every
connection gets WAL, a busy timeout and foreign keys, and a transaction that will write
starts with BEGIN IMMEDIATE: a deferred transaction that later tries to write can fail at
once with "database is locked" instead of waiting for the busy timeout.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import time
from collections.abc import Iterator
from typing import NamedTuple

from flask import current_app, g, request
from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from werkzeug.routing import IntegerConverter

_writing = contextvars.ContextVar("writing", default=False)

# Row ids are INTEGER columns. A bigger number in a URL or a form is no row, not a
# "integer out of range" error from PostgreSQL (SQLite would just find nothing).
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: a positive number that fits a row id, else 404."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_ROW_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def posted_row_id(name: str) -> int:
    """A row id from a form field, or 0 (which is no row) when it is missing or cannot be one."""
    value = request.form.get(name, type=int) or 0
    return value if 0 < value <= MAX_ROW_ID else 0


def is_sqlite(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "sqlite"


def end_read(session: Session) -> None:
    """End a read transaction before the same request writes, where the database needs it:
    on SQLite a write cannot begin from an older read snapshot once another writer has
    committed (it fails at once with "database is locked"). PostgreSQL reads the latest
    commit at every statement (read committed), so there the read runs on into the
    request's next statements, one BEGIN and one COMMIT fewer."""
    if is_sqlite(session.get_bind()):
        session.commit()


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _create_private(engine.url.database)
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, **kwargs)
        _ping_when_idle(engine)
        _end_reads_with_commit(engine)
    return engine


def _end_reads_with_commit(engine: Engine) -> None:
    """A transaction that only read ends with COMMIT, not ROLLBACK (the same for the
    database: there is nothing to undo). psycopg prepares a statement on the server once a
    connection has run it five times, so later runs skip parsing and planning (most of the
    database's work on a record page), but it drops every prepared statement at a ROLLBACK,
    which ends every page that only reads. A transaction that sent anything but a SELECT,
    or failed, still ends with ROLLBACK (a SELECT here writes nothing that a ROLLBACK would
    undo: its row locks end either way, and sequences are never rolled back)."""
    @event.listens_for(engine, "begin")
    def _reads_only(connection):
        connection.info["wrote"] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _note_write(connection, _cursor, statement, *_):
        if statement.lstrip()[:6].upper() != "SELECT":
            connection.info["wrote"] = True

    rollback = engine.dialect.do_rollback
    in_transaction = engine.dialect.loaded_dbapi.pq.TransactionStatus.INTRANS

    def _commit_if_read(proxied_connection) -> None:
        """`proxied_connection` is the pool's, whose `info` is the one `connection.info` shares."""
        try:
            only_read = proxied_connection.info.get("wrote") is False
        except NotImplementedError:  # not the pool's (the dialect's first look at the database)
            only_read = False
        if only_read and proxied_connection.dbapi_connection.info.transaction_status == in_transaction:
            proxied_connection.commit()
        else:
            rollback(proxied_connection)

    engine.dialect.do_rollback = _commit_if_read


# A pooled connection that answered this recently is taken as alive without a ping.
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's pool_pre_ping, for connections that have sat unused: pool_pre_ping pings
    at every checkout, and a session checks out once per transaction (twice on a record
    page), each ping a round trip of nothing. A connection lost in the second since its last
    use (the database restarted) fails its request with the 503 page, and the pool then
    reconnects them all."""
    @event.listens_for(engine.pool, "connect")
    @event.listens_for(engine.pool, "checkin")
    def _answered(_dbapi_connection, record):
        record.info["answered_at"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping(dbapi_connection, record, _proxy):
        if time.monotonic() - record.info.get("answered_at", 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(str(error)) from error  # the pool reconnects and retries


def _create_private(database: str | None) -> None:
    """Make a new SQLite file readable by the portal's user only (0600) before SQLite opens it
    (it would make it 0644); SQLite gives its -wal and -shm files the database file's mode."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    with contextlib.suppress(FileExistsError, FileNotFoundError):  # made already; or no folder: SQLite says so
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Mark the transactions begun inside this block as writers (BEGIN IMMEDIATE on SQLite)."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def set_writing(flag: bool) -> contextvars.Token:
    return _writing.set(flag)


def reset_writing(token: contextvars.Token) -> None:
    """Undo a set_writing(): transactions begun after this begin as they did before it."""
    _writing.reset(token)


class Database:
    """One engine per app; one session per app context (request or CLI command).

    The engine belongs to the app, not to this module: a process may hold several apps (the
    tests run live portals beside each other, each on its own database), and each request
    must use its own app's database, not the last one made."""

    def __init__(self) -> None:
        # One session per app context, like Flask-SQLAlchemy: requests and CLI commands alike.
        self.session = scoped_session(self._new_session, scopefunc=lambda: id(g._get_current_object()))

    @staticmethod
    def engine_of(app) -> Engine:
        return app.extensions["database"].engine

    @property
    def engine(self) -> Engine:
        """The current app's engine (inside an app context only)."""
        return self.engine_of(current_app)

    @staticmethod
    def _new_session():
        return current_app.extensions["database"].sessions()

    def init_app(self, app) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["database"] = _AppDatabase(engine, sessionmaker(bind=engine, expire_on_commit=False))

        @app.before_request
        def _writes_begin_immediately():
            # First hook of all, so the request's first query already knows: on SQLite a
            # request that may write takes the write lock when its transaction begins.
            set_writing(request.method not in {"GET", "HEAD", "OPTIONS"})

        @app.teardown_appcontext
        def _remove_session(_exc):
            self.session.remove()


class _AppDatabase(NamedTuple):
    engine: Engine
    sessions: sessionmaker


db = Database()
