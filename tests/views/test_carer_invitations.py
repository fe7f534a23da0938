"""Carer invitations cannot be turned into a mailing service: a few a day per client, counted
in the database; no words the client typed in the mail; and the same outcome for a staff
address as for any other, with nothing granted or sent to it."""
from __future__ import annotations

from sqlalchemy import func, select

from portal import create_app
from portal.db import db
from portal.models import Account, CarerAccess, Client, OutboxMessage

PHISH = "Your account is locked: log in at http://evil.example/login"


def _client_id(app, demo_accounts) -> int:
    with app.app_context():
        return db.session.scalar(select(Account.client_id).where(Account.email == demo_accounts["client"].email))


def _mail_to(app, address: str) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


def _invite(client, client_id: int, email: str, **fields):
    data = {"name": "Amina Yusuf", "email": email, "scopes": ["plan"], **fields}
    return client.post(f"/en/clients/{client_id}/carers/invite", data=data)


def test_a_client_sends_only_a_few_invitations_a_day_whichever_worker_counts(app, client, sign_in, demo_accounts):
    app.config["CARER_INVITATIONS_PER_DAY"] = 3
    client_id = _client_id(app, demo_accounts)
    sign_in("client")
    for n in range(3):
        assert _invite(client, client_id, f"friend{n}@example.org").status_code == 302
    refused = _invite(client, client_id, "friend3@example.org")
    assert refused.status_code == 200 and "You cannot send more invitations today" in refused.get_data(as_text=True)
    assert 'value="friend3@example.org"' in refused.get_data(as_text=True), "what was typed is kept"
    assert _mail_to(app, "friend3@example.org") == []
    # Another worker (its own app and memory, the same database) counts the same invitations.
    other = create_app({**app.config, "CARER_INVITATIONS_PER_DAY": 3})
    other.test_client_class = type(client)
    second = other.test_client()
    with client.session_transaction() as mine, second.session_transaction() as theirs:
        theirs.update(mine)
    assert _invite(second, client_id, "friend4@example.org").status_code == 200
    assert _mail_to(app, "friend4@example.org") == []


def test_the_invitation_mail_holds_no_words_the_client_typed(app, client, sign_in, demo_accounts):
    client_id = _client_id(app, demo_accounts)
    sign_in("client")
    assert _invite(client, client_id, "new.carer@example.org", name=PHISH, relationship=PHISH).status_code == 302
    [mail] = _mail_to(app, "new.carer@example.org")
    with app.app_context():
        record = db.session.get(Client, client_id)
    text = mail.subject + "\n" + mail.body_text
    assert "evil.example" not in text and "locked" not in text
    assert record.full_name in mail.body_text, "who invited them, as on the council's record"
    assert app.config["COUNCIL_NAME"] in mail.subject and app.config["SERVICE_NAME"] in mail.body_text
    assert "never ask for your password or bank details" in mail.body_text
    assert "/en/invitation/" in mail.body_text


def test_a_staff_address_gets_the_same_outcome_as_any_address_and_nothing_else(app, client, sign_in, demo_accounts):
    client_id = _client_id(app, demo_accounts)
    staff_email = "worker@example.org"
    with app.app_context():
        db.session.add(Account(email=staff_email, display_name="W", role="staff"))
        db.session.commit()
    sign_in("client")
    staff = _invite(client, client_id, staff_email)
    anyone = _invite(client, client_id, "someone.new@example.org")
    assert staff.status_code == anyone.status_code == 302
    assert staff.headers["Location"] == anyone.headers["Location"]
    assert "cannot be used" not in client.get(staff.headers["Location"]).get_data(as_text=True)
    assert _mail_to(app, staff_email) == []
    with app.app_context():
        staff_id = db.session.scalar(select(Account.id).where(Account.email == staff_email))
        assert db.session.scalar(select(func.count()).select_from(CarerAccess).where(
            CarerAccess.carer_account_id == staff_id)) == 0
    # It counts towards the day's invitations like any other, so addresses cannot be tried freely.
    app.config["CARER_INVITATIONS_PER_DAY"] = 2
    assert "You cannot send more invitations today" in _invite(client, client_id, staff_email).get_data(as_text=True)
