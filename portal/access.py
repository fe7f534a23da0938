"""Who may use each endpoint, and who is signed in.

Every view declares its audience with `@audience(...)`. The same declarations feed the
route × role matrix test, and an endpoint that declares nothing is refused here, so a
forgotten decorator fails closed.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from .db import db, reset_writing, set_writing
from .models import Account, AccountStatus, CarerScope, Role, utcnow

if TYPE_CHECKING:
    from .domain.records import RecordAccess

PUBLIC = "public"
ANY_SIGNED_IN = "signed_in"
SEEN_RESOLUTION_SECONDS = 60
# The assistant's action server, with a chat's grant token: no session; the view checks the
# token itself (portal.domain.assistant_grants), so no cookie can ever open it.
ASSISTANT_GRANT = "assistant_grant"


def audience(*who: str | Role, carer_scope: CarerScope | None = None) -> Callable:
    """Declare who may use a view: PUBLIC, ANY_SIGNED_IN, or one or more roles; for a view
    of a client's record, also the scope a carer needs (checked when the record is opened)."""
    allowed = frozenset(str(w) for w in who)
    if not allowed:
        raise ValueError("declare at least one audience")

    def decorate(view: Callable) -> Callable:
        view.audience = allowed
        view.carer_scope = carer_scope
        return view

    return decorate


def carer_scope_of_current_view() -> CarerScope | None:
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "carer_scope", None)


def may_open(endpoint: str, record: RecordAccess) -> bool:
    """Whether the reader of `record` may open the record page `endpoint`: the page's
    declared audience admits their role, and the record's access decision admits the
    page's declared carer scope. Links to a page are offered only when this holds."""
    view = current_app.view_functions[endpoint]
    return record.reader.role.value in view.audience and record.may(view.carer_scope)


def audience_of(app: Flask, endpoint: str) -> frozenset[str] | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, "audience", None)


def current_account() -> Account | None:
    return g.get("account")


def start_session(account: Account) -> None:
    """A fresh cookie on sign-in (never reuse a pre-sign-in session)."""
    session.clear()
    session["aid"] = account.id
    session["tok"] = account.session_token
    session["seen"] = int(utcnow().timestamp())
    session.permanent = False


def end_session() -> None:
    session.clear()


def _load_account(app: Flask) -> Account | None:
    account_id, token, seen = session.get("aid"), session.get("tok"), session.get("seen")
    if not account_id or not token:
        return None
    idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    now = utcnow()
    if seen is None or now - dt.datetime.fromtimestamp(seen, dt.UTC) > idle:
        session.clear()
        g.session_timed_out = True
        return None
    # A read, even on a POST, so it never waits for SQLite's write lock (portal.db); and it
    # ends at once, whatever it finds: the view's own transaction then begins fresh (a write
    # on SQLite cannot start from an older read snapshot once another writer has committed).
    reading = set_writing(False)
    try:
        account = db.session.get(Account, account_id)
        db.session.commit()
    finally:
        reset_writing(reading)
    if (
        account is None
        or account.status != AccountStatus.active
        or not secrets.compare_digest(account.session_token, token)
    ):
        session.clear()
        return None
    # "Last seen" is rewritten at most once a minute (so the idle sign-out may come up to a
    # minute early): the cookie is then re-signed and sent again once a minute, not with
    # every response.
    if int(now.timestamp()) - seen >= SEEN_RESOLUTION_SECONDS:
        session["seen"] = int(now.timestamp())
    return account


def init_app(app: Flask) -> None:
    @app.before_request
    def _check_audience():
        endpoint = request.endpoint
        if endpoint == "static":
            # Assets are the same for everyone: no session, no cookie, so browsers cache them.
            g.account = None
            return None
        g.account = _load_account(app)
        if endpoint is None:  # 404 / 405: nothing to protect
            return None
        allowed = audience_of(app, endpoint)
        if allowed is None:
            current_app.logger.error("endpoint %s declares no audience; refused", endpoint)
            abort(403)
        if PUBLIC in allowed or ASSISTANT_GRANT in allowed:
            return None
        account = g.account
        if account is None:
            timed_out = {"timed_out": 1} if g.get("session_timed_out") else {}
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?"), **timed_out))
        if ANY_SIGNED_IN in allowed or account.role.value in allowed:
            return None
        abort(403)
