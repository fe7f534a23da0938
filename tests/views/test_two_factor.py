"""Two-step sign-in through the pages: required for staff, commissioners and admins (set up
straight after the password when they have not yet), optional for clients and carers."""
import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from portal.db import db
from portal.domain import accounts, two_factor
from portal.models import Account, AccountStatus, AuditEvent, OutboxMessage, Role, SignInSession, Team, utcnow
from tests.conftest import pass_second_step, sign_in_client, totp_code


def _password_step(client, demo) -> str:
    response = client.post("/en/sign-in", data={"email": demo.email, "password": demo.password})
    assert response.status_code == 302
    return response.headers["Location"]


def _last_step(app, email) -> int | None:
    with app.app_context():
        return db.session.scalar(select(Account.totp_last_step).where(Account.email == email))


@pytest.mark.parametrize("role", ["staff", "commissioner", "admin"])
def test_a_password_alone_opens_nothing_for_those_who_read_many_records(app, client, demo_accounts, role):
    assert _password_step(client, demo_accounts[role]) == "/en/sign-in/code"
    for path in ("/en/staff/caseload", "/en/insights", "/en/account", "/en/staff/invite"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/en/sign-in/code", path
    page = client.get("/en/sign-in/code").get_data(as_text=True)
    assert "Enter the code from your app" in page and 'autocomplete="one-time-code"' in page
    assert "Signed in as" not in page
    pass_second_step(app, client, demo_accounts[role].email, demo_accounts[role].totp_secret)
    assert client.get("/en/account").status_code == 200


def test_a_wrong_code_is_refused_and_a_code_works_only_once(app, demo_accounts):
    demo = demo_accounts["staff"]
    first = app.test_client()
    _password_step(first, demo)
    wrong = first.post("/en/sign-in/code", data={"code": "12345"}).get_data(as_text=True)
    assert "The code is not right" in wrong
    code, _step = totp_code(demo.totp_secret, _last_step(app, demo.email))
    assert first.post("/en/sign-in/code", data={"code": code}).headers["Location"] == "/en/staff/caseload"
    # Someone watching over a shoulder, with the password too: the same code again is refused.
    second = app.test_client()
    _password_step(second, demo)
    again = second.post("/en/sign-in/code", data={"code": code})
    assert again.status_code == 200 and "The code is not right" in again.get_data(as_text=True)
    assert second.get("/en/staff/caseload").headers["Location"] == "/en/sign-in/code"


def test_wrong_codes_are_throttled(app, client, demo_accounts):
    demo = demo_accounts["commissioner"]
    _password_step(client, demo)
    for _ in range(app.config["SIGNIN_FREE_FAILURES"] + 1):
        client.post("/en/sign-in/code", data={"code": "000000"})
    code, _step = totp_code(demo.totp_secret, _last_step(app, demo.email))
    html = client.post("/en/sign-in/code", data={"code": code}).get_data(as_text=True)
    assert "too many wrong codes" in html


def test_a_half_signed_in_session_lasts_minutes(app, client, demo_accounts):
    _password_step(client, demo_accounts["staff"])
    with app.app_context():
        db.session.execute(update(SignInSession).values(started_at=utcnow() - dt.timedelta(minutes=11)))
        db.session.commit()
    assert client.get("/en/sign-in/code").headers["Location"].startswith("/en/sign-in?")


def test_where_someone_was_going_survives_the_second_step(app, client):
    response = sign_in_client(app, client, "staff", next_path="?next=/en/staff/invite")
    assert response.headers["Location"] == "/en/staff/invite"


def _enrolled_client(app, client, demo) -> list[str]:
    """The demo client turns two-step sign-in on from their account; returns the recovery codes."""
    sign_in_client(app, client, "client")
    account_page = client.get("/en/account").get_data(as_text=True)
    assert "Two-step sign-in" in account_page and "Turn on" in account_page
    setup = client.get("/en/account/two-step-sign-in").get_data(as_text=True)
    assert "<svg" in setup and "QR code to set up your authenticator app" in setup
    key = "".join(re.search(r'<code>([A-Z2-7 ]+)</code>', setup).group(1).split())
    assert re.search(r"otpauth://", setup) is None, "the setup address is only inside the QR code"
    code, _step = totp_code(key, None)
    done = client.post("/en/account/two-step-sign-in", data={"code": code})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "Save your recovery codes" in html
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", html)
    assert len(codes) == 10
    return key, codes


def test_a_client_turns_it_on_and_then_signs_in_with_a_code(app, client, demo_accounts):
    demo = demo_accounts["client"]
    key, _codes = _enrolled_client(app, client, demo)
    assert "On" in client.get("/en/account").get_data(as_text=True)
    other = app.test_client()
    assert _password_step(other, demo) == "/en/sign-in/code"
    code, _step = totp_code(key, _last_step(app, demo.email))
    assert re.fullmatch(r"/en/clients/\d+/support", other.post("/en/sign-in/code", data={"code": code}).headers["Location"])
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        told = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.to_address == demo.email)).all()
    assert "two_factor_on" in actions
    assert told == ["Two-step sign-in is now on for your account"], "the person hears of it, whoever did it"


def test_turning_it_on_ends_the_other_sessions(app, demo_accounts):
    elsewhere, here = app.test_client(), app.test_client()
    sign_in_client(app, elsewhere, "client")
    _enrolled_client(app, here, demo_accounts["client"])
    assert elsewhere.get("/en/account").status_code == 302
    assert here.get("/en/account").status_code == 200


def test_a_recovery_code_signs_in_once(app, client, demo_accounts):
    demo = demo_accounts["client"]
    _key, codes = _enrolled_client(app, client, demo)
    for attempt in range(2):
        browser = app.test_client()
        _password_step(browser, demo)
        page = browser.get("/en/sign-in/code").get_data(as_text=True)
        assert "I cannot use my app" in page
        response = browser.post("/en/sign-in/code", data={"recovery_code": codes[0].upper()})
        if attempt == 0:
            assert response.status_code == 302
        else:
            assert "This recovery code is not right, or it has been used" in response.get_data(as_text=True)


def test_a_client_turns_it_off_with_a_code_and_staff_cannot(app, client, sign_in, demo_accounts):
    demo = demo_accounts["client"]
    key, _codes = _enrolled_client(app, client, demo)
    assert "Turn off two-step sign-in" in client.get("/en/account/two-step-sign-in").get_data(as_text=True)
    code, _step = totp_code(key, _last_step(app, demo.email))
    assert client.post("/en/account/two-step-sign-in/turn-off", data={"code": code}).status_code == 302
    assert _password_step(app.test_client(), demo) != "/en/sign-in/code"
    staff = app.test_client()
    sign_in_client(app, staff, "staff")
    assert staff.get("/en/account/two-step-sign-in/turn-off").status_code == 403
    assert "Turn off" not in staff.get("/en/account/two-step-sign-in").get_data(as_text=True)


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(app, client, demo_accounts):
    demo = demo_accounts["client"]
    key, old_codes = _enrolled_client(app, client, demo)
    assert "You have 10 recovery codes left" in client.get("/en/account/two-step-sign-in").get_data(as_text=True)
    code, _step = totp_code(key, _last_step(app, demo.email))
    html = client.post("/en/account/two-step-sign-in", data={"code": code}).get_data(as_text=True)
    fresh = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", html)
    assert len(fresh) == 10 and not set(fresh) & set(old_codes)


def test_new_staff_set_it_up_straight_after_their_password_and_can_do_nothing_else(app, client):
    with app.app_context():
        team = db.session.scalar(select(Team).limit(1))
        db.session.add(Account(email="new.worker@example.org", display_name="New Worker", role=Role.staff,
                               status=AccountStatus.active, team_id=team.id,
                               password_hash=accounts.hash_password("a long worker passphrase")))
        db.session.commit()
    response = client.post("/en/sign-in", data={"email": "new.worker@example.org", "password": "a long worker passphrase"})
    assert response.headers["Location"] == "/en/account/two-step-sign-in"
    assert client.get("/en/staff/caseload").headers["Location"] == "/en/account/two-step-sign-in"
    assert client.get("/en/sign-in/code").headers["Location"] == "/en/account/two-step-sign-in"
    setup = client.get("/en/account/two-step-sign-in").get_data(as_text=True)
    assert "You need to set it up before you can carry on" in setup and "Cancel and sign out" in setup
    key = "".join(re.search(r'<code>([A-Z2-7 ]+)</code>', setup).group(1).split())
    wrong = client.post("/en/account/two-step-sign-in", data={"code": "000000"}).get_data(as_text=True)
    assert "The code is not right" in wrong and key.replace(" ", "")[:4] in wrong.replace(" ", "")
    code, _step = totp_code(key, None)
    html = client.post("/en/account/two-step-sign-in", data={"code": code}).get_data(as_text=True)
    assert "Save your recovery codes" in html and 'href="/en/staff/caseload"' in html
    assert client.get("/en/staff/caseload").status_code == 200
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == "new.worker@example.org"))
        assert two_factor.is_on(account) and key not in account.totp_secret


def test_the_administrators_reset_lets_someone_set_it_up_again(app, demo_accounts):
    demo = demo_accounts["staff"]
    browser = app.test_client()
    sign_in_client(app, browser, "staff")
    result = app.test_cli_runner().invoke(args=["reset-two-factor", demo.email])
    assert result.exit_code == 0, result.output
    assert browser.get("/en/staff/caseload").status_code == 302, "signed out"
    assert _password_step(app.test_client(), demo) == "/en/account/two-step-sign-in"
