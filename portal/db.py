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
from collections.abc import Iterator
from typing import NamedTuple

from flask import current_app, g, request
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session, sessionmaker
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


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _create_private(engine.url.database)
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    return engine


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
