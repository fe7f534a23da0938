"""The route × role access matrix, generated from app.url_map.

Every endpoint must declare its audience (portal.access.audience). Each endpoint is then
requested anonymously and as every role, and must answer as its declaration says: 200 for
the audience (a carer gets 404 where the demo client did not grant the view's scope), a
redirect to sign in for anonymous visitors, 403 for other roles. Every endpoint that names
a client's object is also requested by a client for another client's object (404).

New routes are covered automatically; a route whose URL needs an argument this file cannot
fill fails until a sample is added to SAMPLE_ARGS or ENDPOINT_ARGS.
"""
from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from portal.access import ANY_SIGNED_IN, ASSISTANT_GRANT, PUBLIC, audience_of
from portal.db import db
from portal.domain import demo, records
from portal.models import (
    Account, ArrangementRequest, Arrangement, CarerAccess, Client, Goal, Provider, Role, SupportPlan, utcnow,
)

IDENTITIES = ["anonymous"] + [role.value for role in Role]


def _account(session, role: str) -> Account:
    email = next(a.email for a in demo.DEMO_ACCOUNTS if a.role == role)
    return session.scalar(select(Account).where(Account.email == email))


def _own_client_id(session) -> int:
    return _account(session, "client").client_id


def _other_client_id(session) -> int:
    """A client on no demo account's record: neither the demo client nor one the demo carer supports."""
    return session.scalar(select(Client.id).where(Client.id != _own_client_id(session)).order_by(Client.id.desc()).limit(1))


def _request_of(session, client_id: int) -> ArrangementRequest:
    found = session.scalar(select(ArrangementRequest).where(ArrangementRequest.client_id == client_id).limit(1))
    if found is None:
        found = ArrangementRequest(
            reference=f"AR-T{client_id:05d}"[:16], submission_key=f"matrix-{client_id}", client_id=client_id,
            from_arrangement=Arrangement.council_arranged, to_arrangement=Arrangement.direct_payment,
            created_at=utcnow(), updated_at=utcnow(),
        )
        session.add(found)
        session.commit()
    return found


def _first_provider(session, _client_id):
    return {"slug": session.scalar(select(Provider.slug).order_by(Provider.id).limit(1))}


def _goal_args(session, client_id):
    goal = session.scalar(select(Goal.id).join(SupportPlan).where(SupportPlan.client_id == client_id).limit(1))
    return {"goal_id": goal if goal is not None else 10**9}  # no goal: an id nobody has


def _carer_access_args(session, client_id):
    access = session.scalar(select(CarerAccess.id).where(CarerAccess.client_id == client_id,
                                                         CarerAccess.revoked_at.is_(None)).limit(1))
    return {"access_id": access if access is not None else 10**9}


def _request_args(session, client_id):
    return {"client_id": client_id, "reference": _request_of(session, client_id).reference}


SAMPLE_ARGS = {
    "lang": "en",
    "slug": "help-in-a-crisis",
    "token": "not-a-real-token",
    "topic": "next-review",
}
# Endpoints whose URL names objects: given a client id, the arguments for that client's object.
ENDPOINT_ARGS = {
    "pages.easy_read_page": lambda session, client_id: {"slug": "about-the-service"},
    "providers.provider_page": _first_provider,
    "providers.edit": _first_provider,
    "choice.track": _request_args,
    "choice.decide": lambda session, client_id: {"reference": _request_of(session, client_id).reference},
    "plans.rate_goal": _goal_args,
    "plans.carer_scopes": _carer_access_args,
    "plans.stop_carer": _carer_access_args,
}
# What an allowed GET answers when it is not 200 (redirects to the right step, and so on).
GET_STATUS = {
    "root": 302,
    "auth.accept_invitation": 410,
    "choice.what": 302,  # the client has an open request: it goes to that request
    "choice.preferences": 302,  # no answer to the first question yet
    "choice.contact": 302,
    "choice.check": 302,
}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _url(app, rule, client_id: int) -> str:
    with app.test_request_context():
        args = {arg: SAMPLE_ARGS[arg] for arg in rule.arguments if arg in SAMPLE_ARGS}
        if "client_id" in rule.arguments:
            args["client_id"] = client_id
        if rule.endpoint in ENDPOINT_ARGS:
            args.update(ENDPOINT_ARGS[rule.endpoint](db.session, client_id))
        missing = [arg for arg in rule.arguments if arg not in args]
        assert not missing, f"{rule.endpoint}: add a sample for {missing} to SAMPLE_ARGS or ENDPOINT_ARGS"
        return url_for(rule.endpoint, **args)


def _names_a_client(rule) -> bool:
    return "client_id" in rule.arguments or rule.endpoint in ENDPOINT_ARGS and rule.endpoint.startswith("choice.")


def test_every_endpoint_declares_its_audience(app):
    undeclared = [rule.endpoint for rule in _rules(app) if audience_of(app, rule.endpoint) is None]
    assert undeclared == []


def test_an_undeclared_endpoint_is_refused(app, client):
    @app.get("/en/undeclared-test-route")
    def undeclared_test_route():
        return "should never be served"

    assert client.get("/en/undeclared-test-route").status_code == 403


def _expected(app, rule, identity: str) -> int | str:
    audience = audience_of(app, rule.endpoint)
    if ASSISTANT_GRANT in audience:
        return 401  # only the action server's grant token opens it: no session, whoever's
    if PUBLIC in audience or (identity != "anonymous" and (ANY_SIGNED_IN in audience or identity in audience)):
        if identity == "carer" and _names_a_client(rule):
            with app.app_context():
                carer = _account(db.session, "carer")
                scope = getattr(app.view_functions[rule.endpoint], "carer_scope", None)
                client = db.session.get(Client, _own_client_id(db.session))
                if not records.may_read(db.session, carer, client, scope):
                    return 404
        return "allowed"
    return "sign-in" if identity == "anonymous" else 403


@pytest.mark.parametrize("identity", IDENTITIES)
def test_each_identity_gets_what_each_endpoint_declares(app, client, sign_in, identity):
    with app.app_context():
        own = _own_client_id(db.session)
        _request_of(db.session, own)  # so the request pages have one to show
    if identity != "anonymous":
        sign_in(identity)
    wrong = []
    for rule in _rules(app):
        url = _url(app, rule, own)
        expected = _expected(app, rule, identity)
        for method in sorted(rule.methods & {"GET", "POST"}):
            if rule.endpoint == "auth.sign_out" and identity != "anonymous":
                continue  # signing out here would end the rest of this identity's walk
            response = client.open(url, method=method, data={})
            status, location = response.status_code, response.headers.get("Location", "")
            if expected == "allowed":
                if method == "GET":
                    ok = status == GET_STATUS.get(rule.endpoint, 200)
                else:
                    ok = status < 500 and status != 403 and "/sign-in?" not in location
            elif expected == "sign-in":
                ok = status == 302 and "/sign-in" in location
            else:
                ok = status == expected
            if not ok:
                wrong.append(f"{identity} {method} {url}: {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_a_client_cannot_reach_another_clients_objects(app, client, sign_in):
    with app.app_context():
        other = _other_client_id(db.session)
    sign_in("client")
    checked, wrong = 0, []
    for rule in _rules(app):
        if not _names_a_client(rule) or "client" not in audience_of(app, rule.endpoint):
            continue
        url = _url(app, rule, other)
        for method in sorted(rule.methods & {"GET", "POST"}):
            checked += 1
            status = client.open(url, method=method, data={}).status_code
            if status != 404:
                wrong.append(f"client {method} {url}: {status}, expected 404")
    assert checked > 0 and wrong == []


def test_staff_cannot_reach_another_teams_clients(app, client, sign_in):
    with app.app_context():
        staff = _account(db.session, "staff")
        other = db.session.scalar(
            select(Client.id).where((Client.team_id != staff.team_id) | Client.team_id.is_(None)).limit(1)
        )
        if other is None:  # the demo city always has several teams; make sure regardless
            other_client = Client(given_name="Other", family_name="Team")
            db.session.add(other_client)
            db.session.commit()
            other = other_client.id
    sign_in("staff")
    checked, wrong = 0, []
    for rule in _rules(app):
        if "staff" not in audience_of(app, rule.endpoint) or not _names_a_client(rule):
            continue
        with app.app_context():
            url = _url(app, rule, other)
        for method in sorted(rule.methods & {"GET", "POST"}):
            checked += 1
            if client.open(url, method=method, data={}).status_code != 404:
                wrong.append(f"{method} {url}")
    assert checked > 0 and wrong == []


def test_sign_out_is_for_signed_in_people_only(client, sign_in):
    response = client.post("/en/sign-out", data={})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    sign_in("client")
    assert client.post("/en/sign-out", data={}).status_code == 302
    assert client.get("/en/account").status_code == 302
