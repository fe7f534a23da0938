"""Signing in on a phone with the second step, resetting a forgotten password from the mail,
and the warning before the idle sign-out: axe on every page, keyboard where people type."""
import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from portal.db import make_engine
from portal.demo import DEMO_ACCOUNTS
from portal.domain import accounts, outbox
from portal.models import Account, AccountStatus, Role, utcnow
from tests.browser.conftest import then_check, type_the_code
from tests.conftest import totp_code

STAFF = next(account for account in DEMO_ACCOUNTS if account.role == "staff")


def test_staff_sign_in_with_the_code_from_their_app(phone, live_server, visit, axe_checks):
    visit(phone, f"{live_server}/en/sign-in")
    phone.fill("#email", STAFF.email)
    phone.fill("#password", STAFF.password)
    then_check(phone, axe_checks, lambda: phone.keyboard.press("Enter"))
    assert phone.url.endswith("/en/sign-in/code")
    assert phone.locator("h1").inner_text() == "Enter the code from your app"
    assert phone.get_attribute("#code", "autocomplete") == "one-time-code"
    assert phone.get_attribute("#code", "inputmode") == "numeric"
    # The recovery code is behind "I cannot use my app", which opens without a page load.
    phone.get_by_text("I cannot use my app").click()
    assert phone.locator("#recovery_code").is_visible()

    phone.fill("#code", "000000")
    then_check(phone, axe_checks, lambda: phone.get_by_role("button", name="Continue", exact=True).click())
    assert phone.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert "The code is not right" in phone.locator(".govuk-error-summary").inner_text()
    assert phone.input_value("#code") == "000000"
    phone.fill("#code", "")
    type_the_code(phone, axe_checks, STAFF)
    assert phone.url.endswith("/en/staff/caseload")
    assert phone.get_by_role("button", name="Sign out").is_visible()


def _person_who_forgot(database_url: str) -> str:
    """An account of their own, so the demo sign-ins keep their passwords for other tests."""
    engine = make_engine(database_url)
    email = "forgot.password@example.org"
    with Session(engine) as session:
        session.execute(delete(Account).where(Account.email == email))
        session.add(Account(email=email, display_name="Robin Forgot", role=Role.carer, status=AccountStatus.active,
                            password_hash=accounts.hash_password("the old forgotten passphrase")))
        session.commit()
    engine.dispose()
    return email


def _reset_link(database_url: str, smtp_server, email: str) -> str:
    """Deliver the live portal's outbox (mails other journeys queued too) and find theirs."""
    engine = make_engine(database_url)
    settings = outbox.SmtpSettings(host="127.0.0.1", port=smtp_server.port, mail_from="no-reply@mhisf.invalid")
    while outbox.send_due(sessionmaker(bind=engine), settings, now=utcnow())["sent"]:
        pass
    engine.dispose()
    mail = next(m for m in reversed(smtp_server.messages) if m["To"] == email)
    return re.search(r"http://\S+(/en/reset-password/\S+)", mail.get_content()).group(1)


def test_a_forgotten_password_is_reset_from_the_mail_on_a_phone(phone, live, visit, axe_checks, smtp_server):
    email = _person_who_forgot(live.database_url)
    visit(phone, f"{live.base_url}/en/sign-in")
    then_check(phone, axe_checks, phone.get_by_role("link", name="Forgotten your password?").click)
    assert phone.locator("h1").inner_text() == "Reset your password"
    phone.focus("#email")
    phone.keyboard.type(email)
    then_check(phone, axe_checks, lambda: phone.keyboard.press("Enter"))
    assert phone.locator("h1").inner_text() == "Check your email"
    assert "If an account uses that address" in phone.content() and email not in phone.content()

    visit(phone, live.base_url + _reset_link(live.database_url, smtp_server, email))
    assert phone.locator("h1").inner_text() == "Create a new password"
    phone.fill("#password", "aaaaaaaa")
    phone.fill("#confirm", "aaaaaaaa")
    then_check(phone, axe_checks, phone.get_by_role("button", name="Save password").click)
    assert phone.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert "too easy to guess" in phone.locator(".govuk-error-summary").inner_text()
    phone.fill("#password", "moss on the old stone bridge")
    phone.fill("#confirm", "moss on the old stone bridge")
    then_check(phone, axe_checks, phone.get_by_role("button", name="Save password").click)
    assert "Your password has been changed" in phone.locator(".govuk-notification-banner").inner_text()

    phone.fill("#email", email)
    phone.fill("#password", "moss on the old stone bridge")
    then_check(phone, axe_checks, lambda: phone.keyboard.press("Enter"))
    assert phone.url.endswith("/en/people-i-support")


def test_the_warning_before_the_idle_sign_out_keeps_the_session(phone, live_server, visit, axe_checks):
    """A couple of minutes before the 30-minute sign-out a dialog says how long is left and
    offers to stay signed in; the clock is moved on rather than waited for."""
    phone.clock.install()
    visit(phone, f"{live_server}/en/sign-in")
    client = next(account for account in DEMO_ACCOUNTS if account.role == "client")
    phone.fill("#email", client.email)
    phone.fill("#password", client.password)
    then_check(phone, axe_checks, lambda: phone.keyboard.press("Enter"))
    dialog = phone.locator("[data-app-timeout]")
    assert not dialog.is_visible()
    phone.clock.run_for(int(dt.timedelta(minutes=28, seconds=10).total_seconds() * 1000))
    assert dialog.is_visible()
    assert phone.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    assert "We will sign you out in 1 minute" in dialog.inner_text()
    axe_checks.check(phone)
    with phone.expect_response(lambda response: response.url.endswith("/session/stay-signed-in")) as answer:
        phone.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 200
    expect(dialog).to_be_hidden()
    phone.clock.run_for(60_000)
    expect(dialog).to_be_hidden()
    # The session really was kept: the next page is still signed in.
    visit(phone, f"{live_server}/en/account")
    assert phone.locator("h1").inner_text() == "Your account"


def test_staff_cannot_do_anything_but_set_up_the_second_step_first(phone, live, visit, axe_checks):
    engine = make_engine(live.database_url)
    email = "new.staff.member@example.org"
    with Session(engine) as session:
        session.execute(delete(Account).where(Account.email == email))
        team_id = session.scalar(select(Account.team_id).where(Account.email == STAFF.email))
        session.add(Account(email=email, display_name="New Staff", role=Role.staff, status=AccountStatus.active,
                            team_id=team_id, password_hash=accounts.hash_password("a long new staff passphrase")))
        session.commit()
    engine.dispose()
    visit(phone, f"{live.base_url}/en/sign-in")
    phone.fill("#email", email)
    phone.fill("#password", "a long new staff passphrase")
    then_check(phone, axe_checks, lambda: phone.keyboard.press("Enter"))
    assert phone.locator("h1").inner_text() == "Set up two-step sign-in", phone.locator("main").inner_text()
    assert phone.locator(".app-qr-wrapper svg").is_visible()
    key = "".join(phone.locator("code").inner_text().split())
    visit(phone, f"{live.base_url}/en/staff/caseload")
    assert phone.url.endswith("/en/account/two-step-sign-in")
    phone.fill("#code", totp_code(key, None)[0])
    then_check(phone, axe_checks, phone.get_by_role("button", name="Turn on two-step sign-in").click)
    assert phone.locator("h1").inner_text() == "Save your recovery codes"
    assert phone.locator("ul code").count() == 10
    then_check(phone, axe_checks, phone.get_by_role("link", name="I have saved my codes – continue").click)
    assert phone.url.endswith("/en/staff/caseload")
