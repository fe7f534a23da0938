"""A forgotten password: the same answer for any address, a single-use link by email (in the
person's language) that expires, every session ended, the throttle, the audit trail."""
import datetime as dt

from sqlalchemy import func, select, update

from portal.db import db
from portal.models import Account, AuditEvent, Invitation, OutboxMessage, utcnow
from tests.conftest import sign_in_client
from tests.views.test_auth import deliver, link_path

NEW_PASSWORD = "lantern over the quiet canal"


def _ask(app, email: str):
    browser = app.test_client()
    return browser.post("/en/forgotten-password", data={"email": email})


def test_the_sign_in_page_offers_it(client):
    html = client.get("/en/sign-in").get_data(as_text=True)
    assert 'href="/en/forgotten-password"' in html and "Forgotten your password?" in html
    assert "Reset your password" in client.get("/en/forgotten-password").get_data(as_text=True)


def test_the_same_answer_whether_or_not_an_account_uses_the_address(app, demo_accounts):
    known, unknown = _ask(app, demo_accounts["carer"].email), _ask(app, "nobody.here@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/en/forgotten-password/sent"
    page = app.test_client().get("/en/forgotten-password/sent").get_data(as_text=True)
    assert "If an account uses that address, we have sent a link" in page and "60 minutes" in page
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.to_address)).all() == [demo_accounts["carer"].email]


def test_an_empty_or_overlong_address_is_explained(client):
    assert "Enter your email address" in client.post("/en/forgotten-password", data={"email": ""}).get_data(as_text=True)
    html = client.post("/en/forgotten-password", data={"email": "a" * 300}).get_data(as_text=True)
    assert "254 characters or fewer" in html and 'value="' + "a" * 300 in html


def test_the_link_sets_a_new_password_once_and_ends_every_session(app, demo_accounts, smtp_server):
    demo = demo_accounts["carer"]
    elsewhere = app.test_client()
    sign_in_client(app, elsewhere, "carer")
    _ask(app, demo.email)
    mail = deliver(app, smtp_server)[0]
    assert mail["To"] == demo.email and "Reset your password" in mail["Subject"]
    assert "expires in 60 minutes" in mail.get_content()
    path = link_path(mail, "reset-password")

    person = app.test_client()
    page = person.get(path).get_data(as_text=True)
    assert "Create a new password" in page and "signed out everywhere" in page
    weak = person.post(path, data={"password": "Sheffield1", "confirm": "Sheffield1"}).get_data(as_text=True)
    assert "the name of the council" in weak
    done = person.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/en/sign-in?reset=1"
    assert "Your password has been changed" in person.get(done.headers["Location"]).get_data(as_text=True)
    assert elsewhere.get("/en/account").status_code == 302, "the other session ended"
    assert person.get(path).status_code == 410, "the link works once"

    old = person.post("/en/sign-in", data={"email": demo.email, "password": demo.password})
    assert old.status_code == 200
    assert person.post("/en/sign-in", data={"email": demo.email, "password": NEW_PASSWORD}).status_code == 302
    changed = deliver(app, smtp_server)[-1]
    assert "has been changed" in changed["Subject"] and changed["To"] == demo.email
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "password_reset_requested" in actions and "password_reset_completed" in actions


def test_a_newer_link_retires_the_older_and_links_expire(app, demo_accounts, smtp_server):
    demo = demo_accounts["client"]
    _ask(app, demo.email)
    _ask(app, demo.email)
    first, second = (link_path(mail, "reset-password") for mail in deliver(app, smtp_server))
    assert "replaced by a newer one" in app.test_client().get(first).get_data(as_text=True)
    assert app.test_client().get(second).status_code == 200
    with app.app_context():
        db.session.execute(update(Invitation).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    expired = app.test_client().get(second)
    assert expired.status_code == 410 and "This link has expired. Ask for a new one." in expired.get_data(as_text=True)


def test_the_mail_is_in_the_persons_language(app, demo_accounts, smtp_server):
    demo = demo_accounts["client"]
    with app.app_context():
        db.session.execute(update(Account).where(Account.email == demo.email).values(preferred_language="pl"))
        db.session.commit()
    _ask(app, demo.email)
    mail = deliver(app, smtp_server)[0]
    assert "/pl/reset-password/" in mail.get_content()


def test_reset_mails_to_one_address_are_limited(app, demo_accounts):
    for _ in range(5):
        assert _ask(app, demo_accounts["client"].email).headers["Location"] == "/en/forgotten-password/sent"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_an_invitation_link_is_no_reset_link(app, client, sign_in, smtp_server):
    sign_in("staff")
    client.post("/en/staff/invite", data={"role": "carer", "given_name": "R", "family_name": "S",
                                          "email": "r.s@example.org"})
    invitation = link_path(deliver(app, smtp_server)[0])
    token = invitation.rsplit("/", 1)[1]
    assert app.test_client().get(f"/en/reset-password/{token}").status_code == 410
