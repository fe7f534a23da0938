"""The route × role access matrix, generated from app.url_map.

Every endpoint must declare its audience (portal.access.audience). Each endpoint is then
requested anonymously and as every role, and must answer as its declaration says. New
routes are covered automatically; a route whose URL needs an argument this file cannot
fill fails until a sample is added to SAMPLE_ARGS.
"""
from __future__ import annotations

import pytest

from portal.access import ANY_SIGNED_IN, PUBLIC, audience_of
from portal.models import Role

SAMPLE_ARGS = {
    "lang": "en",
    "slug": "help-in-a-crisis",
    "token": "not-a-real-token",
    "filename": "dist/app.css",
}

def _first_provider(session):
    from sqlalchemy import select

    from portal.models import Provider

    return {"slug": session.scalar(select(Provider.slug).order_by(Provider.id).limit(1))}


# Endpoints whose URL names an object of the demo data: how to find one.
ENDPOINT_ARGS = {
    "providers.provider_page": _first_provider,
    "providers.edit": _first_provider,
}
# What an allowed GET answers when it is not 200.
GET_STATUS = {"root": 302, "auth.accept_invitation": 410}
IDENTITIES = ["anonymous"] + [role.value for role in Role]


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule


def _url(app, rule) -> str:
    from flask import url_for

    from portal.db import db

    with app.test_request_context():
        args = {arg: SAMPLE_ARGS[arg] for arg in rule.arguments if arg in SAMPLE_ARGS}
        if rule.endpoint in ENDPOINT_ARGS:
            args.update(ENDPOINT_ARGS[rule.endpoint](db.session))
        missing = [arg for arg in rule.arguments if arg not in args]
        assert not missing, f"{rule.endpoint}: add a sample for {missing} to SAMPLE_ARGS or ENDPOINT_ARGS"
        return url_for(rule.endpoint, **args)


def test_every_endpoint_declares_its_audience(app):
    undeclared = [rule.endpoint for rule in _rules(app) if audience_of(app, rule.endpoint) is None]
    assert undeclared == []


def test_an_undeclared_endpoint_is_refused(app, client):
    @app.get("/en/undeclared-test-route")
    def undeclared_test_route():
        return "should never be served"

    assert client.get("/en/undeclared-test-route").status_code == 403


def _allowed(audience: frozenset[str], identity: str) -> bool:
    if PUBLIC in audience:
        return True
    if identity == "anonymous":
        return False
    return ANY_SIGNED_IN in audience or identity in audience


@pytest.mark.parametrize("identity", IDENTITIES)
def test_each_identity_gets_what_each_endpoint_declares(app, client, sign_in, identity):
    if identity != "anonymous":
        sign_in(identity)
    wrong = []
    for rule in _rules(app):
        audience = audience_of(app, rule.endpoint)
        url = _url(app, rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            if rule.endpoint == "auth.sign_out" and identity != "anonymous":
                continue  # signing out here would end the rest of this identity's walk
            response = client.open(url, method=method, data={})
            status = response.status_code
            if _allowed(audience, identity):
                if method == "GET":
                    expected = GET_STATUS.get(rule.endpoint, 200)
                    if status != expected:
                        wrong.append(f"{identity} GET {url}: {status}, expected {expected}")
                elif status == 403 or status >= 500 or "/sign-in?" in response.headers.get("Location", ""):
                    wrong.append(f"{identity} POST {url}: {status}, expected access")
            elif identity == "anonymous":
                if not (status == 302 and "/sign-in" in response.headers["Location"]):
                    wrong.append(f"{identity} {method} {url}: {status}, expected redirect to sign in")
            elif status != 403:
                wrong.append(f"{identity} {method} {url}: {status}, expected 403")
    assert wrong == []


def test_sign_out_is_for_signed_in_people_only(client, sign_in):
    response = client.post("/en/sign-out", data={})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    sign_in("client")
    assert client.post("/en/sign-out", data={}).status_code == 302
    assert client.get("/en/account").status_code == 302
