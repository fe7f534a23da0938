"""Signing in and out, invitations end to end (through a real SMTP server), sessions."""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from portal.cli import smtp_settings
from portal.db import db
from portal.domain import accounts, outbox
from portal.models import Account, AuditEvent, utcnow


@pytest.mark.parametrize("role, landing", [
    ("client", "/en/clients/{client_id}/support"), ("carer", "/en/people-i-support"), ("staff", "/en/staff/caseload"),
    ("commissioner", "/en/insights"), ("admin", "/en/account"),
])
def test_each_role_lands_on_its_own_start_page(app, demo_accounts, role, landing):
    demo = demo_accounts[role]
    client = app.test_client()
    response = client.post("/en/sign-in", data={"email": demo.email, "password": demo.password})
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == demo.email))
    assert response.headers["Location"] == landing.format(client_id=account.client_id)
    assert client.get(response.headers["Location"]).status_code == 200


def test_sign_in_is_audited(app, client, demo_accounts):
    demo = demo_accounts["client"]
    client.post("/en/sign-in", data={"email": demo.email, "password": demo.password})
    assert demo.email in client.get("/en/account").get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "sign_in" in actions


def test_wrong_password_keeps_the_email_and_never_the_password(client, demo_accounts):
    demo = demo_accounts["client"]
    response = client.post("/en/sign-in", data={"email": demo.email, "password": "not-my-password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and "Enter a correct email address and password" in html
    assert f'value="{demo.email}"' in html
    assert "not-my-password" not in html


def test_empty_form_explains_each_field(client):
    html = client.post("/en/sign-in", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your email address" in html and "Enter your password" in html


def test_lock_out_after_repeated_failures(client, demo_accounts, app):
    demo = demo_accounts["staff"]
    for _ in range(app.config["SIGNIN_MAX_FAILURES"]):
        client.post("/en/sign-in", data={"email": demo.email, "password": "wrong password"})
    html = client.post("/en/sign-in", data={"email": demo.email, "password": demo.password}).get_data(as_text=True)
    assert "locked" in html


@pytest.mark.parametrize("target, expected", [
    ("/en/account", "/en/account"),
    ("https://evil.example/", "/en/clients/1/support"),
    ("//evil.example/", "/en/clients/1/support"),
    ("/\\evil.example", "/en/clients/1/support"),
])
def test_next_only_goes_to_this_site(client, demo_accounts, target, expected):
    demo = demo_accounts["client"]
    response = client.post(f"/en/sign-in?next={target}", data={"email": demo.email, "password": demo.password})
    assert response.headers["Location"] == expected


def test_sign_in_gives_a_fresh_session(client, demo_accounts):
    client.get("/en/chat")
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    demo = demo_accounts["client"]
    client.post("/en/sign-in", data={"email": demo.email, "password": demo.password})
    with client.session_transaction() as after:
        assert "planted" not in after


def test_sign_out_ends_every_session_of_the_account(app, demo_accounts):
    demo = demo_accounts["carer"]
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.post("/en/sign-in", data={"email": demo.email, "password": demo.password})
        assert device.get("/en/account").status_code == 200
    phone.post("/en/sign-out", data={})
    assert laptop.get("/en/account").status_code == 302


def test_disabling_an_account_ends_its_session_at_once(app, client, sign_in, demo_accounts):
    sign_in("carer")
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == demo_accounts["carer"].email))
        accounts.disable(db.session, account)
        db.session.commit()
    assert client.get("/en/account").status_code == 302


def test_idle_session_times_out(app, client, sign_in):
    sign_in("client")
    with client.session_transaction() as session:
        session["seen"] = int((utcnow() - dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)).timestamp())
    response = client.get("/en/account")
    assert response.status_code == 302
    assert "did not do anything for a while" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_missing_csrf_token_gets_a_friendly_page(client, demo_accounts):
    demo = demo_accounts["client"]
    response = client.post("/en/sign-in", data={"email": demo.email, "password": demo.password}, csrf=False)
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)


def test_staff_invite_reaches_the_person_who_sets_a_password(app, client, sign_in, smtp_server):
    sign_in("staff")
    response = client.post(
        "/en/staff/invite",
        data={"role": "client", "given_name": "Zainab", "family_name": "Osman", "email": "Zainab.Osman@example.org"},
    )
    assert "Invitation sent" in response.get_data(as_text=True)
    with app.app_context():
        settings = smtp_settings()
        settings = type(settings)(**{**settings.__dict__, "port": smtp_server.port})
        assert outbox.send_due(db.session.session_factory, settings, now=utcnow())["sent"] == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == "zainab.osman@example.org"
    link = re.search(r"http://\S+/en/invitation/\S+", mail.get_content()).group(0)
    path = link.split("127.0.0.1:5000", 1)[1]

    invitee = app.test_client()
    page = invitee.get(path)
    assert page.status_code == 200 and "Create your password" in page.get_data(as_text=True)
    weak = invitee.post(path, data={"password": "password1", "confirm": "password1"})
    assert "too easy to guess" in weak.get_data(as_text=True)
    done = invitee.post(path, data={"password": "a quiet river in spring", "confirm": "a quiet river in spring"})
    assert re.fullmatch(r"/en/clients/\d+/support", done.headers["Location"])
    landing = invitee.get(done.headers["Location"]).get_data(as_text=True)
    assert "Your support" in landing and "There is no support plan yet" in landing
    assert "Zainab Osman" in invitee.get("/en/account").get_data(as_text=True)
    # Single use: the same link no longer works.
    assert app.test_client().get(path).status_code == 410


def test_staff_cannot_invite_an_administrator(client, sign_in):
    sign_in("staff")
    html = client.post(
        "/en/staff/invite", data={"role": "admin", "given_name": "A", "family_name": "B", "email": "a@example.org"}
    ).get_data(as_text=True)
    assert "Invitation sent" not in html


def test_invite_form_keeps_what_was_typed_when_the_email_is_wrong(client, sign_in):
    sign_in("staff")
    html = client.post(
        "/en/staff/invite",
        data={"role": "carer", "given_name": "Jan", "family_name": "Kowalski", "email": "not-an-email"},
    ).get_data(as_text=True)
    assert "Enter an email address in the correct format" in html
    assert 'value="Kowalski"' in html and 'value="not-an-email"' in html
