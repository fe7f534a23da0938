"""Shared fixtures.

Each test gets its own database, copied from a template that was migrated and filled with
the demo data once per run: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
PostgreSQL (set TEST_DATABASE_URL=postgresql://… to run there, as .ci/run does).
View-test responses go through the page checker automatically.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import os
import re
import secrets
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, select, text
from werkzeug.serving import make_server

from portal import create_app, demo
from portal.db import db, writing
from portal.domain import accounts, two_factor
from portal.migrate import upgrade
from portal.models import Account, utcnow
from tests.assistant_servers import assistant_wiring, rasa_model, rasa_server, rasa_venv_rasa  # noqa: F401  (fixtures)
from tests.pagecheck import page_problems

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _pg_admin_engine():
    return create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")


def _pg_url_for(name: str) -> str:
    return re.sub(r"/[^/]*$", f"/{name}", PG_URL)


class LivePortal(NamedTuple):
    base_url: str
    database_url: str


@contextlib.contextmanager
def live_portal(database_template: str, directory: Path, config: dict, port: int = 0) -> Iterator[LivePortal]:
    """The real app on a loopback port (werkzeug, threaded), on its own copy of the demo
    database. For the browser and for the assistant's action server."""
    if PG_URL:
        name = f"mhisf_live_{uuid.uuid4().hex[:8]}"
        with _pg_admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{database_template.rsplit("/", 1)[1]}"'))
        url = _pg_url_for(name)
    else:
        target = directory / "portal.sqlite3"
        shutil.copy(database_template.removeprefix("sqlite:///"), target)
        url = f"sqlite:///{target}"
    app = create_app({"DATABASE_URL": url, "TESTING": True, "RATELIMIT_ENABLED": False, "SMTP_PORT": 9, **config})
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield LivePortal(f"http://127.0.0.1:{server.server_port}", url)
    finally:
        server.shutdown()
        if PG_URL:
            with _pg_admin_engine().connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session", autouse=True)
def risk_classifier_warm_up():
    """Train the risk classifier in the background from the start of the run, as the portal
    does at start-up, so the first page that checks writing does not wait tens of seconds."""
    from portal.domain.risk import classifier

    classifier.warm_up()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated database with the demo data, made once per test run."""
    if PG_URL:
        name = f"mhisf_tmpl_{uuid.uuid4().hex[:8]}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = _pg_url_for(name)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context(), writing():
        demo.build(db.session, seed=2022, now=utcnow())
        demo.enrol_two_factor(db.session, secret_key=app.config["SECRET_KEY"], now=utcnow())
        db.session.commit()
        db.engine.dispose()
    yield url
    if PG_URL:
        with _pg_admin_engine().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def database_url(database_template, tmp_path):
    if PG_URL:
        name = f"mhisf_test_{uuid.uuid4().hex[:10]}"
        template = database_template.rsplit("/", 1)[1]
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        yield _pg_url_for(name)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        source = Path(database_template.removeprefix("sqlite:///"))
        target = tmp_path / "portal.sqlite3"
        shutil.copy(source, target)
        yield f"sqlite:///{target}"


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with no tables, for migrating step by step."""
    if PG_URL:
        name = f"mhisf_empty_{uuid.uuid4().hex[:10]}"
        with _pg_admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield _pg_url_for(name)
        with _pg_admin_engine().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


class CheckedClient(FlaskClient):
    """A test client that runs the page checker on every HTML page it receives, and adds
    a valid CSRF token to form posts (pass `csrf=False` to post without one)."""

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def open(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and kwargs.get("method") == "POST" and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            body = response.get_data()
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            problems = page_problems(body.decode("utf-8"))
            assert not problems, f"page checker on {response.request.path}: {problems}"
        return response


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "SMTP_PORT": 9,  # nothing listens: tests that send mail start a real SMTP server
            "RASA_URL": "http://127.0.0.1:9",
            "RASA_TIMEOUT_SECONDS": 0.5,
        }
    )
    app.test_client_class = CheckedClient
    yield app
    db.engine_of(app).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    """A database session inside an app context (for calling domain rules directly)."""
    with app.app_context(), writing():
        yield db.session


@pytest.fixture
def demo_accounts():
    return {account.role: account for account in demo.DEMO_ACCOUNTS}


def totp_code(secret: str, last_used_step: int | None) -> tuple[str, int]:
    """A code the portal will take for `secret`: each works once, so it is for a time step
    after `last_used_step` (the current one, or the next: the portal allows one step of
    drift), waiting for the clock when both are spent. Returns the code and its step."""
    while True:
        now = two_factor.step_of(utcnow())
        step = max(now, (last_used_step or 0) + 1)
        if step <= now + 1:
            return two_factor.code_at(secret, step), step
        time.sleep(0.5)


def pass_second_step(app, client, email: str, secret: str, prefix: str = "/en"):
    """The sign-in's second step for a test client that passed the password step."""
    with app.app_context():
        last = db.session.scalar(select(Account.totp_last_step).where(Account.email == email))
        db.session.commit()
    code, _ = totp_code(secret, last)
    response = client.post(f"{prefix}/sign-in/code", data={"code": code})
    assert response.status_code == 302, "the second step of signing in failed"
    return response


def sign_in_client(app, client, role: str, next_path: str = ""):
    """Sign a test client in as a demo role through the forms (the code too when the role
    needs one); returns the last response, a redirect to where the person lands."""
    account = next(a for a in demo.DEMO_ACCOUNTS if a.role == role)
    response = client.post(f"/en/sign-in{next_path}", data={"email": account.email, "password": account.password})
    assert response.status_code == 302, f"sign-in as {role} failed"
    if response.headers["Location"].endswith("/sign-in/code"):
        response = pass_second_step(app, client, account.email, account.totp_secret)
    return response


def enter_session(client, account_id: int | None) -> None:
    """Straight into a signed-in session of the account (password and second step passed),
    or signed out for None: for tests about what people may open, not about signing in."""
    token = None
    if account_id is not None:
        # Inside a test's own app context the requests share its database session: write
        # and commit in that one, so their reads start after this row exists.
        with contextlib.nullcontext() if has_app_context() else client.application.app_context():
            token = accounts.open_session(db.session, db.session.get(Account, account_id), now=utcnow(),
                                          second_factor_done=True, max_age=dt.timedelta(hours=12))
            db.session.commit()
    with client.session_transaction() as session:
        session.clear()
        if token is not None:
            session.update(sid=token, seen=int(utcnow().timestamp()))


@pytest.fixture
def sign_in(app, client):
    """sign_in("staff") signs the test client in as that demo role."""

    def _sign_in(role: str):
        sign_in_client(app, client, role)
        return client

    return _sign_in


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port; `.messages` holds what arrived."""
    from portal.devmail import start

    controller, handler = start(0)
    handler.port = controller.port
    yield handler
    controller.stop()
