"""The access policy (tests/access/policy.py, written by hand) against the running app.

Every route of the app must be in the policy table (a new route fails here until someone
decides who may use it), every endpoint must declare its audience, and each reader gets
what the table says: requested anonymously, as the client, as another client, as a carer
holding each single scope, as staff of the client's team and of another team, as a
commissioner and as an admin. Pages that show parts of a record show each part only to
readers granted it (`policy.SHOWN`), and the record's navigation offers exactly the pages
the reader may open.
"""
from __future__ import annotations

import secrets

import pytest
from flask import url_for
from sqlalchemy import select

from portal import demo
from portal.access import audience_of
from portal.db import db
from portal.domain import plans
from portal.models import (
    Account,
    AccountStatus,
    Arrangement,
    ArrangementRequest,
    CarerAccess,
    Client,
    Conversation,
    Goal,
    Provider,
    Referral,
    Role,
    SupportPlan,
    Team,
    utcnow,
)
from tests.access import policy
from tests.conftest import enter_session

POLICY = policy.parse()
SAMPLE_ARGS = {"lang": "en", "slug": "help-in-a-crisis", "token": "not-a-real-token", "topic": "next-review"}
RECORD_PAGES = sorted(e for e, row in POLICY.items() if row["client"] and not row["other"])


def _demo_account(session, role: str) -> Account:
    email = next(a.email for a in demo.DEMO_ACCOUNTS if a.role == role)
    return session.scalar(select(Account).where(Account.email == email))


def _new_account(session, role: Role, *, team_id: int | None = None) -> Account:
    account = Account(email=f"{role.value}-{secrets.token_hex(4)}@policy.invalid", display_name=f"Policy {role.value}",
                      role=role, status=AccountStatus.active, team_id=team_id)
    session.add(account)
    session.flush()
    return account


def _carer(session, client_id: int, scopes: list[str]) -> Account:
    carer = _new_account(session, Role.carer)
    if scopes:
        session.add(CarerAccess(carer_account_id=carer.id, client_id=client_id, scopes=sorted(scopes),
                                granted_at=utcnow(), accepted_at=utcnow()))
    else:  # a carer of someone else: no grant from this client
        other = session.scalar(select(Client.id).where(Client.id != client_id).limit(1))
        session.add(CarerAccess(carer_account_id=carer.id, client_id=other, scopes=["plan"], granted_at=utcnow(),
                                accepted_at=utcnow()))
    return carer


def _reader(session, name: str, client: Client) -> Account | None:
    """The account that plays `name` (a column of the policy, or "c:plan+reviews")."""
    if name == "anon":
        return None
    if name in ("client", "other"):
        return _demo_account(session, "client")
    if name.startswith("c:"):
        scopes = name[2:].split("+")
        return _carer(session, client.id, [] if scopes == ["none"] else scopes)
    if name == "staff":
        return _demo_account(session, "staff")
    if name == "staff:other":
        other_team = session.scalar(select(Team.id).where(Team.id != client.team_id).limit(1))
        return _new_account(session, Role.staff, team_id=other_team)
    return _demo_account(session, {"comm": "commissioner", "admin": "admin"}[name])


def _sign_in_as(client, account: Account | None) -> None:
    """Straight into a session with both steps of signing in passed: the policy is about
    what each reader may open, not about signing in (tests/views/test_auth.py), and argon2
    is slow."""
    enter_session(client, account.id if account is not None else None)


def _request_of(session, client_id: int) -> ArrangementRequest:
    found = session.scalar(select(ArrangementRequest).where(ArrangementRequest.client_id == client_id).limit(1))
    if found is None:
        found = ArrangementRequest(
            reference=f"AR-T{client_id:05d}"[:16], submission_key=f"matrix-{client_id}", client_id=client_id,
            from_arrangement=Arrangement.council_arranged, to_arrangement=Arrangement.direct_payment,
            created_at=utcnow(), updated_at=utcnow(),
        )
        session.add(found)
        session.flush()
    return found


def _conversation_of(session, client_id: int) -> Conversation:
    found = session.scalar(select(Conversation).where(Conversation.client_id == client_id).limit(1))
    if found is None:
        found = Conversation(client_id=client_id, subject="Matrix", created_at=utcnow(), last_message_at=utcnow())
        session.add(found)
        session.flush()
    return found


def _object_args(session, endpoint: str, client_id: int) -> dict:
    """Arguments naming one of `client_id`'s objects (or a public object)."""
    if endpoint in ("providers.provider_page", "providers.edit"):
        return {"slug": session.scalar(select(Provider.slug).order_by(Provider.id).limit(1))}
    if endpoint == "pages.easy_read_page":
        return {"slug": "about-the-service"}
    if endpoint in ("choice.track", "choice.decide"):
        return {"reference": _request_of(session, client_id).reference}
    if endpoint == "referrals.asked":
        return {"reference": "RF-ABCDEF"}
    if endpoint == "staff.referral_triage":  # one nobody has taken yet: for any team's staff
        return {"referral_id": session.scalar(select(Referral.id).where(
            Referral.status == "new", Referral.team_id.is_(None)).order_by(Referral.id).limit(1))}
    if endpoint == "plans.rate_goal":
        goal = session.scalar(select(Goal.id).join(SupportPlan).where(SupportPlan.client_id == client_id).limit(1))
        return {"goal_id": goal if goal is not None else 10**9}
    if endpoint == "plans.accept_invitation":  # nobody's invitation: the same answer as another's
        return {"access_id": 10**9}
    if endpoint in ("messages.thread", "messages.newer", "messages.assign", "messages.close"):
        return {"conversation_id": _conversation_of(session, client_id).id}
    if endpoint in ("plans.carer_scopes", "plans.stop_carer"):
        access = session.scalar(select(CarerAccess.id).where(CarerAccess.client_id == client_id,
                                                             CarerAccess.revoked_at.is_(None)).limit(1))
        return {"access_id": access if access is not None else 10**9}
    return {}


def _url(app, rule, client_id: int) -> str:
    with app.test_request_context():
        args = {arg: SAMPLE_ARGS[arg] for arg in rule.arguments if arg in SAMPLE_ARGS}
        if "client_id" in rule.arguments:
            args["client_id"] = client_id
        args.update(_object_args(db.session, rule.endpoint, client_id))
        db.session.commit()
        missing = [arg for arg in rule.arguments if arg not in args]
        assert not missing, f"{rule.endpoint}: add a sample for {missing}"
        return url_for(rule.endpoint, **args)


def _refused(response, names_a_record: bool) -> bool:
    """Signed out: sent to sign in; a role the page is not for: 403; someone with no right
    to this client's record: 404 (so nobody learns which ids exist). A 404 elsewhere is a
    form naming no object, which the page may answer."""
    location = response.headers.get("Location", "")
    return (response.status_code in (401, 403) or (response.status_code == 302 and "/sign-in" in location)
            or (response.status_code == 404 and names_a_record))


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_route_is_in_the_policy_table(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    assert sorted(endpoints - set(POLICY)) == [], "routes nobody has decided about: add them to tests/access/policy.py"
    assert sorted(set(POLICY) - endpoints) == [], "the policy names routes that do not exist"


def test_every_endpoint_declares_its_audience(app):
    assert [rule.endpoint for rule in _rules(app) if audience_of(app, rule.endpoint) is None] == []


def test_an_undeclared_endpoint_is_refused(app, client):
    @app.get("/en/undeclared-test-route")
    def undeclared_test_route():
        return "should never be served"

    assert client.get("/en/undeclared-test-route").status_code == 403


@pytest.mark.parametrize("reader", policy.READERS)
def test_each_reader_gets_what_the_policy_says(app, client, reader):
    with app.app_context():
        own = _demo_account(db.session, "client").client
        account = _reader(db.session, reader, own)
        # "other" is a client on someone else's record: it asks for a client the demo
        # client is nothing to.
        target = (db.session.scalar(select(Client.id).where(Client.id != own.id).order_by(Client.id.desc()).limit(1))
                  if reader == "other" else own.id)
        _request_of(db.session, target)  # so the request pages have one to show
        db.session.commit()
    _sign_in_as(client, account)
    wrong = []
    for rule in _rules(app):
        if rule.endpoint == "auth.sign_out":
            continue  # signing out would end the rest of this reader's walk; tested below
        url = _url(app, rule, target)
        allowed = POLICY[rule.endpoint][reader]
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={})
            names_a_record = "client_id" in rule.arguments or "reference" in rule.arguments
            if response.status_code >= 500 or allowed == _refused(response, names_a_record):
                wrong.append(f"{reader} {method} {url}: {response.status_code}, policy says "
                             f"{'allowed' if allowed else 'refused'}")
    assert not wrong, "\n".join(wrong)


def test_sign_out_is_for_signed_in_people_only(client, sign_in):
    response = client.post("/en/sign-out", data={})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    sign_in("client")
    assert client.post("/en/sign-out", data={}).status_code == 302
    assert client.get("/en/account").status_code == 302


def _what_is_shown(html: str, what: str, plan) -> bool:
    if what == "next review":
        return "Next review" in html or "Your next review" in html
    if what == "provider":
        return plan.provider.name in html
    if what == "goals":
        return plans.active_goals(plan)[0].description in html
    raise AssertionError(what)


@pytest.mark.parametrize(("page", "what"), list(policy.SHOWN))
def test_each_part_of_a_page_shows_only_to_readers_granted_it(app, client, page, what):
    with app.app_context():
        own = _demo_account(db.session, "client").client
        plan = plans.current_plan(db.session, own.id)
        assert plan is not None and plan.provider is not None and plans.active_goals(plan), "the demo client's plan"
        cases = {name: _reader(db.session, name, own) for name in policy.SHOWN[(page, what)]}
        db.session.commit()
        wrong = []
        for name, account in cases.items():
            _sign_in_as(client, account)
            with app.test_request_context():
                url = url_for(page, lang="en", client_id=own.id)
            response = client.get(url)
            assert response.status_code == 200, f"{name} cannot open {url}"
            shown = _what_is_shown(response.get_data(as_text=True), what, plan)
            if shown != policy.SHOWN[(page, what)][name]:
                wrong.append(f"{name}: {what} {'shown' if shown else 'hidden'} on {page}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("reader", ["client", "c:plan", "c:goals", "c:reviews", "c:messages", "staff"])
def test_the_record_navigation_offers_exactly_the_pages_the_reader_may_open(app, client, reader):
    """The links under a record's heading (on a page the reader may open) are the record
    pages the policy allows them, no more (a 403 behind a link) and no fewer."""
    labels = {"plans.my_support": "Support", "plans.my_plan": "Plan", "plans.goals": "Goals",
              "plans.reviews": "Reviews", "choice.start": "How support is arranged",
              "messages.conversations": "Messages", "feedback.signed_in_form": "Give feedback", "plans.carers": "Carers",
              "plans.who_has_looked": "Who has looked", "plans.my_data_page": "Your data"}
    page = next(e for e in ("plans.my_support", "plans.goals", "plans.reviews", "messages.conversations")
                if POLICY[e][reader])
    with app.app_context():
        own = _demo_account(db.session, "client").client
        account = _reader(db.session, reader, own)
        db.session.commit()
    _sign_in_as(client, account)
    with app.test_request_context():
        html = client.get(url_for(page, lang="en", client_id=own.id)).get_data(as_text=True)
    nav = html.split('aria-label="Sections of the record"', 1)[1].split("</nav>", 1)[0]
    offered = {endpoint for endpoint, label in labels.items() if f">{label}<" in nav}
    assert offered == {e for e in labels if POLICY[e][reader]}
