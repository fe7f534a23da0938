"""Who may use each endpoint, and who is signed in.

Every view declares its audience with `@audience(...)`. The same declarations feed the
route × role matrix test, and an endpoint that declares nothing is refused here, so a
forgotten decorator fails closed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from .db import db, end_read, reset_writing, set_writing, writing
from .domain import accounts, two_factor
from .models import Account, AccountStatus, CarerScope, Role, SignInSession, utcnow

if TYPE_CHECKING:
    from .domain.records import RecordAccess

PUBLIC = "public"
ANY_SIGNED_IN = "signed_in"
SEEN_RESOLUTION_SECONDS = 60
# The assistant's action server, with a chat's grant token: no session; the view checks the
# token itself (portal.domain.assistant_grants), so no cookie can ever open it.
ASSISTANT_GRANT = "assistant_grant"
# Someone between the password and the second step of signing in (portal.domain.two_factor):
# only the pages of that step open for them, and they open for nobody else.
SIGNING_IN = "signing_in"
SECOND_STEP_TIME = dt.timedelta(minutes=10)


def audience(*who: str | Role, carer_scope: CarerScope | None = None, by_script: bool = False) -> Callable:
    """Declare who may use a view: PUBLIC, ANY_SIGNED_IN, or one or more roles; for a view
    of a client's record, also the scope a carer needs (checked when the record is opened).
    `by_script`: a page's script asks it on its own (looking for news), which is not the
    person's activity, so it never puts off the idle sign-out."""
    allowed = frozenset(str(w) for w in who)
    if not allowed:
        raise ValueError("declare at least one audience")

    def decorate(view: Callable) -> Callable:
        view.audience = allowed
        view.carer_scope = carer_scope
        view.by_script = by_script
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


def signing_in() -> SignInSession | None:
    """The sign-in whose password step passed and whose second step has not (yet)."""
    return g.get("signing_in")


def start_session(token: str, *, next_url: str | None = None) -> None:
    """A fresh cookie for a new sign-in session (never reuse a pre-sign-in cookie); it
    holds the session's token and when it was last seen, nothing else of the person."""
    session.clear()
    session["sid"] = token
    session["seen"] = int(utcnow().timestamp())
    if next_url:
        session["next"] = next_url
    session.permanent = False


def end_session() -> None:
    session.clear()


def stay_signed_in() -> None:
    session["seen"] = int(utcnow().timestamp())


def seconds_left() -> dict[str, int] | None:
    """For the timeout warning: seconds until the idle sign-out and until the sign-in's
    absolute end, whichever the page may meet first."""
    row = g.get("sign_in_session")
    if row is None:
        return None
    config, now = current_app.config, utcnow()
    idle = session["seen"] + config["SESSION_IDLE_MINUTES"] * 60 - int(now.timestamp())
    absolute = row.started_at + dt.timedelta(hours=config["SESSION_MAX_HOURS"]) - now
    return {"idle": max(idle, 0), "absolute": max(int(absolute.total_seconds()), 0)}


def _load_account(app: Flask) -> Account | None:
    token, seen = session.get("sid"), session.get("seen")
    if not token:
        return None
    # A read, even on a POST, so it never waits for SQLite's write lock (portal.db); it ends
    # where the database needs it ended before the view's own writes (end_read).
    reading = set_writing(False)
    try:
        row = accounts.session_for(db.session, token)
        end_read(db.session)
    finally:
        reset_writing(reading)
    if row is None or row.account.status != AccountStatus.active or not isinstance(seen, int):
        session.clear()
        return None
    now = utcnow()
    ended = None
    if row.second_factor_at is None:
        ended = "second_step" if now - row.started_at > SECOND_STEP_TIME else None
    elif now - dt.datetime.fromtimestamp(seen, dt.UTC) > dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]):
        ended = "idle"
    elif now - row.started_at > dt.timedelta(hours=app.config["SESSION_MAX_HOURS"]):
        ended = "long"
    if ended:
        session.clear()
        g.session_timed_out, g.ended_session = ended, row
        return None
    if row.second_factor_at is None:
        g.signing_in = row
        return None
    # "Last seen" is rewritten at most once a minute (so the idle sign-out may come up to a
    # minute early): the cookie is then re-signed and sent again once a minute, not with
    # every response.
    by_script = getattr(app.view_functions.get(request.endpoint), "by_script", False)
    if int(now.timestamp()) - seen >= SEEN_RESOLUTION_SECONDS and not by_script:
        session["seen"] = int(now.timestamp())
    g.sign_in_session = row
    return row.account


def _keep_what_was_posted() -> bool:
    """A form sent just after the session ended: keep what was typed for after sign-in
    (the CSRF check has passed, so it came from this person's own page). Never passwords
    or codes, never the sign-in pages' own forms."""
    row = g.get("ended_session")
    if row is None or g.session_timed_out not in ("idle", "long") or request.method != "POST":
        return False
    if (request.blueprint or "") == "auth":
        return False
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name != "csrf_token" and "password" not in name and name != "code"]
    if not any(value.strip() for _, value in fields):
        return False
    with writing():
        accounts.keep_answers(db.session, row.account, path=request.full_path.rstrip("?"), fields=fields, now=utcnow())
        db.session.commit()
    return True


def init_app(app: Flask) -> None:
    app.jinja_env.globals["session_seconds_left"] = seconds_left

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
        pending = signing_in()
        if pending is not None:
            if SIGNING_IN in allowed:
                return None
            # Half signed in: nothing but the second step (or setting it up) until it is done.
            return redirect(url_for("auth.two_factor_code" if two_factor.is_on(pending.account)
                                    else "auth.two_factor_setup"))
        account = g.account
        if account is None:
            ended = g.get("session_timed_out")
            reason = {"timed_out": "1" if ended == "idle" else "long"} if ended in ("idle", "long") else {}
            kept = {"kept": 1} if _keep_what_was_posted() else {}
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?"), **reason, **kept))
        if ANY_SIGNED_IN in allowed or account.role.value in allowed:
            return None
        abort(403)
