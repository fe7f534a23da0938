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
IDENTITIES = ["anonymous"] + [role.value for role in Role]


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule


def _url(app, rule) -> str:
    missing = [arg for arg in rule.arguments if arg not in SAMPLE_ARGS]
    assert not missing, f"{rule.endpoint}: add a sample for {missing} to SAMPLE_ARGS"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: SAMPLE_ARGS[arg] for arg in rule.arguments})


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
                refused = status == 403 or (
                    status == 302 and "/sign-in" in response.headers.get("Location", "")
                    and rule.endpoint != "pages.home"
                )
                if refused or status >= 500:
                    wrong.append(f"{identity} {method} {url}: {status}, expected access")
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
