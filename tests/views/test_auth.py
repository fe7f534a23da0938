"""Signing in and out, invitations end to end (through a real SMTP server), sessions, the
throttle, inviting, and what is kept when a session ends mid-form."""
import datetime as dt
import re

import pytest
from sqlalchemy import func, select, update

from portal.cli import smtp_settings
from portal.db import db
from portal.domain import accounts, outbox, plans
from portal.models import Account, AuditEvent, Client, GoalRating, Role, SignInSession, Team, utcnow
from tests.conftest import sign_in_client


def deliver(app, smtp_server) -> list:
    """Send what the outbox holds through the test SMTP server; the mails that arrived."""
    with app.app_context():
        settings = smtp_settings()
        settings = type(settings)(**{**settings.__dict__, "port": smtp_server.port})
        outbox.send_due(db.session.session_factory, settings, now=utcnow())
    return smtp_server.messages


def link_path(mail, kind: str = "invitation") -> str:
    link = re.search(rf"http://\S+/{kind}/\S+", mail.get_content()).group(0)
    return link.split("127.0.0.1:5000", 1)[1]


@pytest.mark.parametrize("role, landing", [
    ("client", "/en/clients/{client_id}/support"), ("carer", "/en/people-i-support"), ("staff", "/en/staff/caseload"),
    ("commissioner", "/en/insights"), ("admin", "/en/account"),
])
def test_each_role_lands_on_its_own_start_page(app, demo_accounts, role, landing):
    client = app.test_client()
    response = sign_in_client(app, client, role)
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == demo_accounts[role].email))
    assert response.headers["Location"] == landing.format(client_id=account.client_id)
    assert client.get(response.headers["Location"]).status_code == 200


def test_sign_in_is_audited(app, client, sign_in, demo_accounts):
    sign_in("client")
    assert demo_accounts["client"].email in client.get("/en/account").get_data(as_text=True)
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


def test_repeated_failures_slow_sign_in_with_the_same_words_whether_or_not_the_account_exists(app, demo_accounts):
    """The lock-out said "your account is locked", so it told anyone which addresses have
    accounts, and anyone could lock anyone out for 15 minutes."""
    answers = {}
    for email in (demo_accounts["staff"].email, "no.such.person@example.org"):
        browser = app.test_client()
        for _ in range(app.config["SIGNIN_FREE_FAILURES"] + 1):  # the free ones, then one that starts a wait
            browser.post("/en/sign-in", data={"email": email, "password": "wrong password"})
        html = browser.post("/en/sign-in", data={"email": email, "password": "wrong password"}).get_data(as_text=True)
        answers[email] = re.search(r'govuk-error-summary__list">\s*<li>\s*<a[^>]*>([^<]*)<', html).group(1).strip()
    known, unknown = answers.values()
    assert known == unknown == "You have tried to sign in too many times. Wait 1 minute, then try again."
    assert "locked" not in known


def test_the_wait_ends_and_the_person_signs_in(app, demo_accounts):
    browser = app.test_client()
    demo = demo_accounts["client"]
    for _ in range(app.config["SIGNIN_FREE_FAILURES"] + 1):
        browser.post("/en/sign-in", data={"email": demo.email, "password": "wrong password"})
    with app.app_context():
        from portal.models import SignInThrottle

        db.session.execute(update(SignInThrottle).values(blocked_until=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    assert browser.post("/en/sign-in", data={"email": demo.email, "password": demo.password}).status_code == 302


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


def _token_of(browser) -> str:
    with browser.session_transaction() as session:
        return session["sid"]


def test_each_sign_in_gets_its_own_token_and_a_copied_cookie_dies_at_sign_out(app, demo_accounts):
    """Signing in rotates the token: it is new for every sign-in (one device's sign-in does
    not end another's), the database keeps only its hash, and signing out anywhere ends
    every copy of every cookie."""
    laptop, phone, thief = app.test_client(), app.test_client(), app.test_client()
    sign_in_client(app, laptop, "carer")
    first = _token_of(laptop)
    sign_in_client(app, laptop, "carer")
    again = _token_of(laptop)
    sign_in_client(app, phone, "carer")
    assert len({first, again, _token_of(phone)}) == 3
    with thief.session_transaction() as session:  # a copy of the laptop's cookie
        session.update(sid=again, seen=int(utcnow().timestamp()))
    assert thief.get("/en/account").status_code == phone.get("/en/account").status_code == 200
    with app.app_context():
        assert again not in db.session.scalars(select(SignInSession.token_hash)).all()
    phone.post("/en/sign-out", data={})
    assert laptop.get("/en/account").status_code == thief.get("/en/account").status_code == 302


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


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, client, sign_in):
    sign_in("client")
    assert client.get("/en/account").status_code == 200
    with app.app_context():
        db.session.execute(update(SignInSession).values(
            started_at=utcnow() - dt.timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)))
        db.session.commit()
    response = client.get("/en/account")
    assert response.status_code == 302 and "timed_out=long" in response.headers["Location"]
    assert "signed in for 12 hours" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_staying_signed_in_refreshes_the_session(app, client, sign_in):
    sign_in("client")
    stale = int((utcnow() - dt.timedelta(minutes=25)).timestamp())
    with client.session_transaction() as session:
        session["seen"] = stale
    response = client.post("/en/session/stay-signed-in", data={}, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json == {"idle_seconds": app.config["SESSION_IDLE_MINUTES"] * 60}
    with client.session_transaction() as session:
        assert session["seen"] > stale
    # Without JavaScript, the same button is a form that comes back to the page.
    back = client.post("/en/session/stay-signed-in", data={"next": "/en/account"})
    assert back.status_code == 302 and back.headers["Location"] == "/en/account"


def test_signed_in_pages_carry_the_timeout_warning_and_others_do_not(app, client, sign_in):
    assert "data-app-timeout" not in client.get("/en/").get_data(as_text=True)
    sign_in("client")
    html = client.get("/en/account").get_data(as_text=True)
    assert "data-app-timeout" in html and "session-timeout.mjs" in html
    idle = int(re.search(r'data-idle-seconds="(\d+)"', html).group(1))
    assert app.config["SESSION_IDLE_MINUTES"] * 60 - 61 <= idle <= app.config["SESSION_IDLE_MINUTES"] * 60
    assert 'data-absolute-seconds="' in html and "Stay signed in" in html


def test_what_was_typed_when_the_session_ended_is_kept_and_sent_after_signing_in(app, client, sign_in, demo_accounts):
    sign_in("client")
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == demo_accounts["client"].email))
        goal = plans.active_goals(plans.current_plan(db.session, account.client_id))[0]
        rate = f"/en/clients/{account.client_id}/goals/{goal.id}/rate"
    client.get(rate)
    with client.session_transaction() as session:
        session["seen"] = int((utcnow() - dt.timedelta(minutes=45)).timestamp())
    words = "I went to the shop on my own twice this week"
    ended = client.post(rate, data={"rating": "7", "note": words})
    assert ended.status_code == 302 and "kept=1" in ended.headers["Location"]
    sign_in_page = client.get(ended.headers["Location"]).get_data(as_text=True)
    assert "We kept what you typed" in sign_in_page
    landing = sign_in_client(app, client, "client")
    assert landing.headers["Location"] == "/en/kept-answers"
    kept = client.get("/en/kept-answers").get_data(as_text=True)
    assert words in kept and "csrf_token" in kept
    sent = client.post("/en/kept-answers", data={"kept": "send", "rating": "7", "note": words})
    assert sent.status_code == 307 and sent.headers["Location"] == rate
    assert client.post(rate, data={"kept": "send", "rating": "7", "note": words}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(GoalRating.note).where(GoalRating.goal_id == goal.id)
                                 .order_by(GoalRating.id.desc()).limit(1)) == words
    assert client.get("/en/kept-answers").headers["Location"].endswith("/support"), "kept once, then gone"


def test_kept_answers_are_for_their_owner_only(app, client, sign_in, demo_accounts):
    sign_in("client")
    with client.session_transaction() as session:
        session["seen"] = int((utcnow() - dt.timedelta(minutes=45)).timestamp())
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == demo_accounts["client"].email))
    client.post(f"/en/clients/{account.client_id}/feedback", data={"fft_reason": "words of the client"})
    other = app.test_client()
    sign_in_client(app, other, "carer")
    assert other.get("/en/kept-answers").status_code == 302
    # A post with no session at all keeps nothing.
    stranger = app.test_client()
    response = stranger.post(f"/en/clients/{account.client_id}/feedback", data={"fft_reason": "x y"})
    assert response.status_code == 302 and "kept" not in response.headers["Location"]


def test_missing_csrf_token_gets_a_friendly_page(client, demo_accounts):
    demo = demo_accounts["client"]
    response = client.post("/en/sign-in", data={"email": demo.email, "password": demo.password}, csrf=False)
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)


# -- Invitations ------------------------------------------------------------------------------


def test_staff_invite_reaches_the_person_who_sets_a_password(app, client, sign_in, smtp_server):
    sign_in("staff")
    response = client.post(
        "/en/staff/invite",
        data={"role": "client", "given_name": "Zainab", "family_name": "Osman", "email": "Zainab.Osman@example.org"},
    )
    assert "Invitation sent" in response.get_data(as_text=True)
    mails = deliver(app, smtp_server)
    assert len(mails) == 1 and mails[0]["To"] == "zainab.osman@example.org"
    path = link_path(mails[0])

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


def test_an_older_invitation_cannot_set_a_new_password_once_the_account_is_active(app, client, sign_in, smtp_server):
    """The penetration test: staff invited the same person twice; link 2 set the password;
    link 1 still opened and set a new one, signing the attacker in and the person out."""
    sign_in("staff")
    person = {"role": "client", "given_name": "Amina", "family_name": "Yusuf", "email": "amina.yusuf@example.org"}
    for _ in range(2):
        assert "Invitation sent" in client.post("/en/staff/invite", data=person).get_data(as_text=True)
    first, second = (link_path(mail) for mail in deliver(app, smtp_server))
    owner = app.test_client()
    owner.post(second, data={"password": "amina's own long passphrase", "confirm": "amina's own long passphrase"})
    assert owner.get("/en/account").status_code == 200

    attacker = app.test_client()
    assert attacker.get(first).status_code == 410
    taken = attacker.post(first, data={"password": "attacker passphrase here", "confirm": "attacker passphrase here"})
    assert taken.status_code == 410 and attacker.get("/en/account").status_code == 302
    assert owner.get("/en/account").status_code == 200, "the person is still signed in"
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == person["email"]))
        assert accounts._verify_password(account, "amina's own long passphrase")


def test_a_newer_invitation_retires_the_older_link_at_once(app, client, sign_in, smtp_server):
    sign_in("staff")
    person = {"role": "carer", "given_name": "Jan", "family_name": "Nowak", "email": "jan.nowak@example.org"}
    for _ in range(2):
        client.post("/en/staff/invite", data=person)
    first, second = (link_path(mail) for mail in deliver(app, smtp_server))
    html = app.test_client().get(first).get_data(as_text=True)
    assert "replaced by a newer one" in html
    assert app.test_client().get(second).status_code == 200


@pytest.mark.parametrize("password, message", [
    ("aaaaaaaa", "too easy to guess"),
    ("        ", "not only spaces"),
    ("abcdefgh", "too easy to guess"),
    ("Sheffield1", "the name of the council or the service"),
    ("Amina Yusuf 1", "your name, your email address"),
    ("quiet river\u200fspring", "invisible characters"),
    ("quiet river\x1bspring", "invisible characters"),  # (a NUL gets a 400 before any view; tests/domain)
    ("ab\u200b\u200bcdef", "invisible characters"),
    ("short", "8 characters or more"),
])
def test_weak_passwords_are_refused_with_a_clear_message(app, password, message):
    with app.app_context():
        created = accounts.invite(db.session, secret_key=app.config["SECRET_KEY"], email="amina.yusuf@example.org",
                                  display_name="Amina Yusuf", role=Role.client, invited_by=None, now=utcnow())
        db.session.commit()
    invitee = app.test_client()
    response = invitee.post(f"/en/invitation/{created.link_token}", data={"password": password, "confirm": password})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert invitee.get("/en/account").status_code == 302


def test_reinviting_someone_who_has_not_accepted_makes_no_second_client(app, client, sign_in):
    sign_in("staff")
    person = {"role": "client", "given_name": "Tariq", "family_name": "Mahmood", "email": "tariq@example.org"}
    for _ in range(2):
        assert "Invitation sent" in client.post("/en/staff/invite", data=person).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client).where(Client.email == person["email"])) == 1
        account = db.session.scalar(select(Account).where(Account.email == person["email"]))
        assert account.client is not None
    changed = client.post("/en/staff/invite", data={**person, "role": "carer"}).get_data(as_text=True)
    assert "invited before as another kind of account" in changed


@pytest.mark.parametrize("role", ["staff", "commissioner", "admin"])
def test_staff_cannot_create_accounts_that_see_many_records(client, sign_in, role):
    sign_in("staff")
    page = client.get("/en/staff/invite").get_data(as_text=True)
    assert f'value="{role}"' not in page and 'value="client"' in page and 'value="carer"' in page
    html = client.post(
        "/en/staff/invite", data={"role": role, "given_name": "A", "family_name": "B", "email": "a@example.org"}
    ).get_data(as_text=True)
    assert "Invitation sent" not in html and "Select one of the options" in html


def test_an_administrator_invites_staff_into_a_team(app, client, sign_in):
    sign_in("admin")
    person = {"role": "staff", "given_name": "Maya", "family_name": "Patel", "email": "maya.patel@example.org"}
    assert "Choose the team they work in" in client.post("/en/staff/invite", data=person).get_data(as_text=True)
    with app.app_context():
        team = db.session.scalar(select(Team).order_by(Team.name).limit(1))
    html = client.post("/en/staff/invite", data={**person, "team": str(team.id)}).get_data(as_text=True)
    assert "Invitation sent" in html
    with app.app_context():
        assert db.session.scalar(select(Account.team_id).where(Account.email == person["email"])) == team.id


def test_invite_form_keeps_what_was_typed_when_the_email_is_wrong(client, sign_in):
    sign_in("staff")
    html = client.post(
        "/en/staff/invite",
        data={"role": "carer", "given_name": "Jan", "family_name": "Kowalski", "email": "not-an-email"},
    ).get_data(as_text=True)
    assert "Enter an email address in the correct format" in html
    assert 'value="Kowalski"' in html and 'value="not-an-email"' in html
