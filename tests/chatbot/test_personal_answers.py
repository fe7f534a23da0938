"""Personal answers end to end: a browser-like session on a live portal asks through the
portal's chat endpoint; the real Rasa server classifies the question, the real action
server unseals the chat's grant and asks the portal's JSON endpoint, and the answer comes
back in the page's language. Also: signed out, carers' scopes, suggestions, Rasa stopped."""
from __future__ import annotations

import re

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import demo
from portal.db import make_engine
from portal.models import Account, AuditEvent, Review, SupportPlan
from tests.conftest import live_portal

CRISIS_NUMBERS = ("116 123", "85258")


@pytest.fixture(scope="module")
def assistant_portal(database_template, tmp_path_factory, rasa_server, assistant_wiring):
    """A live portal on the port the action server was told, sharing its grant key."""
    config = {"RASA_URL": rasa_server, "RASA_TIMEOUT_SECONDS": 10,
              "ASSISTANT_GRANT_KEY": assistant_wiring["grant_key"]}
    with live_portal(database_template, tmp_path_factory.mktemp("assistant-portal"), config,
                     port=assistant_wiring["portal_port"]) as live:
        yield live


def _token(session: requests.Session, url: str) -> str:
    html = session.get(url).text
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return found.group(1)


def _signed_in(base: str, role: str) -> requests.Session:
    account = next(a for a in demo.DEMO_ACCOUNTS if a.role == role)
    session = requests.Session()
    token = _token(session, f"{base}/en/sign-in")
    response = session.post(f"{base}/en/sign-in", data={"csrf_token": token, "email": account.email,
                                                          "password": account.password}, allow_redirects=False)
    assert response.status_code == 302
    return session


def _chat(session: requests.Session, base: str, message: str, lang: str = "en") -> dict:
    token = _token(session, f"{base}/{lang}/chat")
    response = session.post(f"{base}/{lang}/chat/messages", json={"message": message},
                            headers={"X-CSRFToken": token}, timeout=20)
    assert response.status_code == 200, response.text
    return response.json()


def _demo_client_facts(live) -> tuple[int, Review]:
    engine = make_engine(live.database_url)
    with Session(engine) as session:
        email = next(a.email for a in demo.DEMO_ACCOUNTS if a.role == "client")
        client_id = session.scalar(select(Account.client_id).where(Account.email == email))
        review = session.scalar(select(Review).join(SupportPlan).where(
            SupportPlan.client_id == client_id, SupportPlan.ended_on.is_(None), Review.completed_on.is_(None)))
    engine.dispose()
    return client_id, review


def _audited_actions(live, client_id: int) -> list[str]:
    engine = make_engine(live.database_url)
    with Session(engine) as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.client_id == client_id)))
    engine.dispose()
    return actions


def test_a_signed_in_client_hears_their_own_next_review_and_it_is_audited(assistant_portal):
    client_id, review = _demo_client_facts(assistant_portal)
    session = _signed_in(assistant_portal.base_url, "client")
    reply = _chat(session, assistant_portal.base_url, "when is my next review?")
    text = "\n".join(reply["texts"])
    day = (review.scheduled_for or review.due_on)
    assert f"{day.day} {day.strftime('%B')} {day.year}" in text, text
    assert f"/en/clients/{client_id}/reviews" in text
    assert "assistant_answer" in _audited_actions(assistant_portal, client_id)


def test_the_personal_answer_comes_in_the_page_language(assistant_portal):
    client_id, _review = _demo_client_facts(assistant_portal)
    session = _signed_in(assistant_portal.base_url, "client")
    text = "\n".join(_chat(session, assistant_portal.base_url, "jakie są moje cele?", lang="pl")["texts"])
    assert f"/pl/clients/{client_id}/goals" in text, text


def test_signed_out_the_assistant_says_where_to_sign_in(assistant_portal):
    session = requests.Session()
    text = "\n".join(_chat(session, assistant_portal.base_url, "what are my goals?")["texts"])
    assert "/en/sign-in" in text and "sign in" in text.lower()


def test_a_carer_without_the_arrangement_scope_hears_no_request_details(assistant_portal):
    session = _signed_in(assistant_portal.base_url, "carer")
    client_id, _review = _demo_client_facts(assistant_portal)
    session.get(f"{assistant_portal.base_url}/en/clients/{client_id}/support")  # acting for the demo client
    text = "\n".join(_chat(session, assistant_portal.base_url, "has my request been decided?")["texts"])
    assert "do not have permission" in text, text


def test_a_first_miss_offers_suggested_questions_that_work(assistant_portal):
    session = requests.Session()
    reply = _chat(session, assistant_portal.base_url, "?? ...")  # no words: no topic can claim it
    assert reply["suggestions"], reply
    follow_up = _chat(session, assistant_portal.base_url, reply["suggestions"][0]["question"])
    assert "/en/" in "\n".join(follow_up["texts"])  # a topic answer ends with its page


def test_with_rasa_stopped_the_portal_still_answers_with_crisis_numbers(database_template, tmp_path_factory):
    config = {"RASA_URL": "http://127.0.0.1:9", "RASA_TIMEOUT_SECONDS": 3}
    with live_portal(database_template, tmp_path_factory.mktemp("no-rasa"), config) as live:
        reply = _chat(_signed_in(live.base_url, "client"), live.base_url, "when is my next review?")
    assert reply["help_html"] and all(number in reply["help_html"] for number in CRISIS_NUMBERS)
