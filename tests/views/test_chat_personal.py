"""The portal's side of the assistant's personal answers: GET /<lang>/chat/personal/<topic>
with a chat's grant token. (The whole path through the real Rasa and action servers is in
tests/chatbot/test_personal_answers.py.)"""
import datetime as dt

import pytest
from sqlalchemy import select

from portal import demo
from portal.db import db
from portal.domain import assistant_grants, plans
from portal.models import Account, AuditEvent, CarerAccess, CarerScope, utcnow


def _account(role: str) -> Account:
    email = next(a.email for a in demo.DEMO_ACCOUNTS if a.role == role)
    return db.session.scalar(select(Account).where(Account.email == email))


def _grant(app, role: str, chat_id: str = "chat-1", acting_for: int | None = None) -> tuple[str, Account]:
    with app.app_context():
        account = _account(role)
        token = assistant_grants.issue(db.session, chat_id=chat_id, account=account, now=utcnow(), minutes=5,
                                       acting_for=acting_for)
        db.session.commit()
        return token, account


def _ask(client, topic: str, token: str, chat_id: str = "chat-1", lang: str = "en"):
    return client.get(f"/{lang}/chat/personal/{topic}",
                      headers={"Authorization": f"Bearer {token}", "X-Chat-Id": chat_id})


def test_the_next_review_comes_from_the_clients_own_plan_and_the_read_is_audited(app, client):
    token, account = _grant(app, "client")
    response = _ask(client, "next-review", token)
    assert response.status_code == 200
    with app.app_context():
        review = plans.open_review(plans.current_plan(db.session, account.client_id))
        day = review.scheduled_for or review.due_on
        expected = f"{day.day} {day:%B} {day.year}"  # British order, as on the pages
        audited = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.client_id == account.client_id, AuditEvent.actor_account_id == account.id)).all()
    text = response.get_json()["text"]
    assert expected in text and f"/en/clients/{account.client_id}/reviews" in text
    assert "assistant_answer" in audited
    assert response.headers["Cache-Control"].startswith("no-store")


def test_goals_provider_and_request_answers_name_the_clients_own_things(app, client):
    token, account = _grant(app, "client")
    with app.app_context():
        plan = plans.current_plan(db.session, account.client_id)
        goals = [goal.description for goal in plans.active_goals(plan)]
        provider = plan.provider.name if plan.provider else None
    assert goals
    text = _ask(client, "goals", token).get_json()["text"]
    assert all(goal in text for goal in goals)
    if provider:
        assert provider in _ask(client, "provider", token).get_json()["text"]
    assert "/support-arrangement" in _ask(client, "request", token).get_json()["text"]


def test_the_answer_is_in_the_language_of_the_url(app, client):
    token, account = _grant(app, "client")
    text = _ask(client, "next-review", token, lang="pl").get_json()["text"]
    assert "przegląd" in text.lower() and f"/pl/clients/{account.client_id}/reviews" in text


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer not-a-token", "X-Chat-Id": "chat-1"},
    {"X-Chat-Id": "chat-1"},
])
def test_without_a_live_grant_nothing_is_said(app, client, headers):
    _grant(app, "client")
    response = client.get("/en/chat/personal/goals", headers=headers)
    assert response.status_code == 401 and "text" not in response.get_json()


def test_a_grant_from_another_chat_or_a_signed_in_cookie_is_not_enough(app, client, sign_in):
    token, _account_ = _grant(app, "client", chat_id="chat-1")
    assert _ask(client, "goals", token, chat_id="chat-2").status_code == 401
    sign_in("client")
    assert client.get("/en/chat/personal/goals").status_code == 401


def test_a_carer_hears_only_what_the_client_granted(app, client):
    with app.app_context():
        carer = _account("carer")
        demo_client = _account("client")
        access = db.session.scalar(select(CarerAccess).where(CarerAccess.carer_account_id == carer.id,
                                                             CarerAccess.client_id == demo_client.client_id))
        assert access.allows(CarerScope.reviews) and not access.allows(CarerScope.arrangement)
    token, _carer = _grant(app, "carer", acting_for=demo_client.client_id)
    assert "/reviews" in _ask(client, "next-review", token).get_json()["text"]
    refused = _ask(client, "request", token).get_json()["text"]
    assert "do not have permission" in refused and "AR-" not in refused


def test_a_carer_of_several_who_opened_nobodys_pages_is_asked_to(app, client):
    token, _carer = _grant(app, "carer")
    assert "more than one person" in _ask(client, "goals", token).get_json()["text"]


def test_an_expired_grant_is_refused(app, client):
    token, account = _grant(app, "client")
    with app.app_context():
        for grant in db.session.scalars(select(assistant_grants.AssistantGrant)):
            grant.expires_at = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    assert _ask(client, "goals", token).status_code == 401
