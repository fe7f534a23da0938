"""Secure messages through the pages: sending, bad input, a double submit, plain text, the
help a risk message brings, the team inbox, assigning and closing, who has looked, and
the mail that says only that there is a message (through a real local SMTP server)."""
import re

from sqlalchemy import func, select

from portal.db import db
from portal.domain import messages
from portal.models import (
    Account,
    AlertSource,
    AuditEvent,
    CarerAccess,
    Client,
    Conversation,
    ConversationStatus,
    Message,
    OutboxMessage,
    Role,
    SafeguardingAlert,
    utcnow,
)
from tests.conftest import enter_session
from tests.views.test_auth import deliver

OUT_OF_HOURS = "Messages are not read out of hours"


def _ids(app, demo_accounts) -> dict:
    with app.app_context():
        def account(role):
            return db.session.scalar(select(Account).where(Account.email == demo_accounts[role].email))
        me, staff, carer = account("client"), account("staff"), account("carer")
        found = {"client_id": me.client_id, "me": me.id, "staff": staff.id, "carer": carer.id}
        db.session.commit()
    return found


def _form_key(html: str) -> str:
    return re.search(r'name="submission_key" type="hidden" value="([0-9a-f]+)"', html).group(1)


def _new(client, client_id: int, subject: str, body: str, key: str | None = None):
    page = client.get(f"/en/clients/{client_id}/messages/new")
    assert page.status_code == 200
    return client.post(f"/en/clients/{client_id}/messages/new",
                       data={"subject": subject, "body": body,
                             "submission_key": key or _form_key(page.get_data(as_text=True))})


def _count(app, model, *where) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(model).where(*where))
        db.session.commit()
    return count


def test_a_client_writes_sees_it_in_the_thread_and_the_team_is_told_without_the_words(
        app, client, demo_accounts, smtp_server):
    ids = _ids(app, demo_accounts)
    enter_session(client, ids["me"])
    listing = client.get(f"/en/clients/{ids['client_id']}/messages").get_data(as_text=True)
    assert OUT_OF_HOURS in listing and "We aim to reply within 3 working days." in listing
    assert "Get help now if you are in crisis" in listing and "Write a new message" in listing
    words = "Could my worker ring me on Tuesday about my direct payment forms?"
    sent = _new(client, ids["client_id"], "Tuesday call", words)
    assert sent.status_code == 302 and "sent=1" in sent.headers["Location"] and "help=" not in sent.headers["Location"]
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert words in page and "Your message has been sent." in page and OUT_OF_HOURS in page

    with app.app_context():
        conversation = db.session.scalar(select(Conversation).where(Conversation.subject == "Tuesday call"))
        team = {w.email for w in messages.team_workers(db.session, conversation.client)}
        db.session.commit()
    mails = [m for m in deliver(app, smtp_server) if m["To"] in team]
    assert {m["To"] for m in mails} == team
    for mail in mails:
        text = mail.get_content()
        assert words not in text and "Tuesday" not in text and "Tuesday" not in mail["Subject"]
        assert f"/en/clients/{ids['client_id']}/messages/{conversation.id}" in text


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    enter_session(client, ids["me"])
    before = _count(app, Message)
    empty = _new(client, ids["client_id"], "About my visit", "   ")
    html = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "There is a problem" in html and "Write your message" in html
    assert 'value="About my visit"' in html
    long_text = "I would like to say " + "x" * 2000
    too_long = _new(client, ids["client_id"], "", long_text).get_data(as_text=True)
    assert "Your message must be 2,000 characters or fewer" in too_long and "Enter what your message is about" in too_long
    assert long_text in too_long
    assert _count(app, Message) == before
    # A form without its key, or with nonsense, never breaks the page.
    response = client.post(f"/en/clients/{ids['client_id']}/messages/new", data={"subject": "x" * 5000, "body": "y"})
    assert response.status_code == 200


def test_a_double_submit_stores_one_message(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    enter_session(client, ids["me"])
    page = client.get(f"/en/clients/{ids['client_id']}/messages/new").get_data(as_text=True)
    key = _form_key(page)
    first = _new(client, ids["client_id"], "Twice", "Sent once, clicked twice", key=key)
    second = _new(client, ids["client_id"], "Twice", "Sent once, clicked twice", key=key)
    assert first.headers["Location"].split("?")[0] == second.headers["Location"].split("?")[0]
    assert _count(app, Message, Message.body == "Sent once, clicked twice") == 1
    thread_url = first.headers["Location"].split("?")[0]
    reply_key = _form_key(client.get(thread_url).get_data(as_text=True))
    for _ in range(2):
        client.post(thread_url, data={"body": "And one more question", "submission_key": reply_key})
    assert _count(app, Message, Message.body == "And one more question") == 1


def test_markup_and_links_show_as_the_text_typed(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    enter_session(client, ids["me"])
    words = '<script>alert("x")</script> <a href="https://phish.example">my bank</a> https://example.org/form'
    sent = _new(client, ids["client_id"], "<b>Links</b>", words)
    html = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html and "<script>alert" not in html
    assert 'href="https://phish.example"' not in html and 'href="https://example.org/form"' not in html
    assert "&lt;b&gt;Links&lt;/b&gt;" in html


def test_a_risk_message_shows_help_at_once_and_is_urgent_first_in_the_team_inbox(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    enter_session(client, ids["me"])
    sent = _new(client, ids["client_id"], "This week", "I can't go on, I want to kill myself tonight")
    assert "help=high" in sent.headers["Location"]
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    main = page.split('id="main-content"', 1)[1]
    assert "app-crisis-help--high" in main.split("This week", 1)[0], "the help comes first"
    assert "999" in main
    with app.app_context():
        conversation = db.session.scalar(select(Conversation).where(Conversation.subject == "This week"))
        assert conversation.urgent
        assert db.session.scalar(select(SafeguardingAlert).where(
            SafeguardingAlert.source == AlertSource.message, SafeguardingAlert.client_id == ids["client_id"],
            SafeguardingAlert.text.contains("kill myself"))) is not None
        db.session.commit()

    enter_session(client, ids["staff"])
    inbox = client.get("/en/staff/messages").get_data(as_text=True)
    rows = inbox.split("<tbody", 1)[1].split("</tr>")
    assert "Urgent" in rows[0]
    assert f"/messages/{conversation.id}" in "".join(r for r in rows if "Urgent" in r)
    thread = client.get(f"/en/clients/{ids['client_id']}/messages/{conversation.id}").get_data(as_text=True)
    assert "Follow the safeguarding procedure today" in thread


def test_a_carer_needs_the_messages_scope_and_their_reads_show_in_who_has_looked(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    with app.app_context():
        grant = db.session.scalar(select(CarerAccess).where(CarerAccess.carer_account_id == ids["carer"],
                                                            CarerAccess.client_id == ids["client_id"]))
        assert "messages" in grant.scopes  # the demo carer was allowed messages
        other = db.session.scalar(select(CarerAccess).where(CarerAccess.carer_account_id == ids["carer"],
                                                            CarerAccess.client_id != ids["client_id"]))
        assert "messages" not in other.scopes
        conversation = messages.conversations_for(db.session, ids["client_id"])[0]
        db.session.commit()
    enter_session(client, ids["carer"])
    assert client.get(f"/en/clients/{other.client_id}/messages").status_code == 404
    assert client.get(f"/en/clients/{other.client_id}/messages/new").status_code == 404
    people = client.get("/en/people-i-support").get_data(as_text=True)
    assert "Read and send messages to the team" in people
    page = client.get(f"/en/clients/{ids['client_id']}/messages/{conversation.id}")
    assert page.status_code == 200 and OUT_OF_HOURS in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.actor_account_id == ids["carer"], AuditEvent.action == "view_messages")) is not None
        db.session.commit()
    enter_session(client, ids["me"])
    looked = client.get(f"/en/clients/{ids['client_id']}/who-has-looked").get_data(as_text=True)
    assert "Read your messages" in looked


def test_staff_read_assign_reply_and_close_and_the_client_is_told(app, client, demo_accounts, smtp_server):
    ids = _ids(app, demo_accounts)
    enter_session(client, ids["me"])
    sent = _new(client, ids["client_id"], "Visit time", "Can the visit be in the afternoon instead?")
    thread_url = sent.headers["Location"].split("?")[0]
    deliver(app, smtp_server)  # the team's notices
    smtp_server.messages.clear()

    enter_session(client, ids["staff"])
    inbox = client.get("/en/staff/messages").get_data(as_text=True)
    assert "Visit time" in inbox and "Nobody yet" in inbox
    page = client.get(thread_url).get_data(as_text=True)
    assert "Can the visit be in the afternoon instead?" in page and "Not assigned to a worker yet" in page
    with app.app_context():
        conversation_id = db.session.scalar(select(Conversation.id).where(Conversation.subject == "Visit time"))
        workers = messages.team_workers(db.session, db.session.get(Conversation, conversation_id).client)
        stranger = db.session.scalar(select(Account.id).where(Account.role == Role.staff,
                                                              Account.team_id != workers[0].team_id).limit(1))
        db.session.commit()
    refused = client.post(f"{thread_url}/assign", data={"worker": str(stranger)})
    assert refused.status_code == 200 and "Select one of the options" in refused.get_data(as_text=True)
    assert client.post(f"{thread_url}/assign", data={"worker": "not-a-number"}).status_code == 200
    done = client.post(f"{thread_url}/assign", data={"worker": str(workers[-1].id)})
    assert done.status_code == 302
    assert f"Dealt with by {workers[-1].display_name}" in client.get(done.headers["Location"]).get_data(as_text=True)

    key = _form_key(client.get(thread_url).get_data(as_text=True))
    replied = client.post(thread_url, data={"body": "Yes, 2pm on Thursday works.", "submission_key": key})
    assert replied.status_code == 302
    mails = deliver(app, smtp_server)
    told = {m["To"] for m in mails}
    assert demo_accounts["client"].email in told and demo_accounts["carer"].email in told
    assert all("2pm" not in m.get_content() for m in mails)

    closed = client.post(f"{thread_url}/close", data={})
    assert closed.status_code == 302
    with app.app_context():
        assert db.session.get(Conversation, conversation_id).status == ConversationStatus.closed
        db.session.commit()
    assert "Visit time" in client.get("/en/staff/messages?show=closed").get_data(as_text=True)

    enter_session(client, ids["me"])
    listing = client.get(f"/en/clients/{ids['client_id']}/messages").get_data(as_text=True)
    assert "1 new message" in listing and "Closed" in listing
    assert "Yes, 2pm on Thursday works." in client.get(thread_url).get_data(as_text=True)
    assert "1 new message" not in client.get(f"/en/clients/{ids['client_id']}/messages").get_data(as_text=True)


def test_staff_of_another_team_cannot_read_a_conversation(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    with app.app_context():
        conversation = messages.conversations_for(db.session, ids["client_id"])[0]
        client_team = conversation.client.team_id
        outsider = db.session.scalar(select(Account).where(Account.role == Role.staff, Account.team_id != client_team))
        db.session.commit()
    enter_session(client, outsider.id)
    assert client.get(f"/en/clients/{ids['client_id']}/messages/{conversation.id}").status_code == 404
    inbox = client.get("/en/staff/messages").get_data(as_text=True)
    assert f"/clients/{ids['client_id']}/messages" not in inbox


def test_a_conversation_of_another_client_is_not_found_under_this_one(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    with app.app_context():
        someone_else = db.session.scalar(select(Conversation.id).where(Conversation.client_id != ids["client_id"])
                                         .limit(1))
        db.session.commit()
    enter_session(client, ids["me"])
    assert client.get(f"/en/clients/{ids['client_id']}/messages/{someone_else}").status_code == 404


def test_the_menu_offers_messages_to_clients_and_the_team_inbox_to_staff(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    enter_session(client, ids["me"])
    assert f'href="/en/clients/{ids["client_id"]}/messages"' in client.get("/en/account").get_data(as_text=True)
    enter_session(client, ids["staff"])
    assert 'href="/en/staff/messages"' in client.get("/en/account").get_data(as_text=True)


def test_the_queued_mails_hold_neither_the_subject_nor_the_words(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    enter_session(client, ids["me"])
    with app.app_context():
        before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
        db.session.commit()
    _new(client, ids["client_id"], "Private subject", "Private words about my health")
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > before)).all()
        assert rows and all("Private" not in row.subject + row.body_text for row in rows)
        db.session.commit()


def _views_by(app, account_id: int) -> int:
    return _count(app, AuditEvent, AuditEvent.actor_account_id == account_id, AuditEvent.action == "view_messages")


def test_the_open_page_learns_of_new_messages_and_a_look_that_finds_none_is_not_a_read(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    enter_session(client, ids["me"])
    thread_url = _new(client, ids["client_id"], "Thursday", "Can we move Thursday's visit?").headers["Location"]
    thread_url = thread_url.split("?")[0]
    page = client.get(thread_url).get_data(as_text=True)
    after = re.search(r'data-after="(\d+)"', page).group(1)
    assert f'data-newer-url="{thread_url}/newer"' in page and 'aria-live="polite"' in page

    # Staff look while nothing is new: an empty answer, and nothing in "Who has looked".
    enter_session(client, ids["staff"])
    staff_page = client.get(thread_url).get_data(as_text=True)
    staff_after = re.search(r'data-after="(\d+)"', staff_page).group(1)
    views = _views_by(app, ids["staff"])
    quiet = client.get(f"{thread_url}/newer?after={staff_after}")
    assert quiet.status_code == 200 and quiet.json == {"messages": [], "announcement": ""}
    assert "no-store" in quiet.headers["Cache-Control"]
    assert _views_by(app, ids["staff"]) == views
    key = _form_key(staff_page)
    assert client.post(thread_url, data={"body": "Friday at 10 works <b>fine</b>.", "submission_key": key}
                       ).status_code == 302

    # The client's open page asks: the reply, as plain text, announced by the worker's name.
    enter_session(client, ids["me"])
    with app.app_context():
        worker = db.session.get(Account, ids["staff"]).display_name
        db.session.commit()
    news = client.get(f"{thread_url}/newer?after={after}").json
    assert [m["body"] for m in news["messages"]] == ["Friday at 10 works <b>fine</b>."]
    said = news["messages"][0]
    assert said["author"] == f"Worker: {worker}" and said["reply"] is True and said["language"] == "en"
    assert said["time"] and said["time_text"]
    assert news["announcement"] == f"1 new message from Worker: {worker}"
    # What was returned counts as read: the list shows nothing new.
    listing = client.get(f"/en/clients/{ids['client_id']}/messages").get_data(as_text=True)
    assert "1 new message" not in listing
    assert client.get(f"{thread_url}/newer?after={said['id']}").json["messages"] == []
    # Nonsense for "after" is read as "from the start", never an error.
    assert client.get(f"{thread_url}/newer?after=soon").status_code == 200

    # A read by staff that does return messages is in "Who has looked".
    enter_session(client, ids["staff"])
    with app.app_context():
        given_name = db.session.get(Client, ids["client_id"]).given_name
        db.session.commit()
    found = client.get(f"{thread_url}/newer?after=0").json
    assert [m["author"] for m in found["messages"]] == [given_name, "You"]
    assert found["announcement"].startswith("1 new message from ")
    assert _views_by(app, ids["staff"]) == views + 2  # the page after replying, and this look


def test_looking_for_new_messages_is_refused_like_the_page(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    with app.app_context():
        conversation = messages.conversations_for(db.session, ids["client_id"])[0]
        outsider = db.session.scalar(select(Account.id).where(Account.role == Role.staff,
                                                              Account.team_id != conversation.client.team_id))
        without_scope = db.session.scalar(select(CarerAccess).where(CarerAccess.carer_account_id == ids["carer"],
                                                                    CarerAccess.client_id != ids["client_id"]))
        theirs = _conversation_for(without_scope.client_id)
        someone_else = db.session.scalar(select(Account.id).where(Account.role == Role.client,
                                                                  Account.client_id != ids["client_id"]))
        db.session.commit()
    mine = f"/en/clients/{ids['client_id']}/messages/{conversation.id}/newer?after=0"
    enter_session(client, outsider)  # staff of another team
    assert client.get(mine).status_code == 404
    enter_session(client, someone_else)  # another client
    assert client.get(mine).status_code == 404
    enter_session(client, ids["carer"])  # a carer whose grant from this client has no "messages"
    assert client.get(f"/en/clients/{without_scope.client_id}/messages/{theirs}/newer?after=0").status_code == 404
    assert client.get(mine).status_code == 200  # and with it, the same carer reads
    enter_session(client, ids["me"])  # a client: their own conversations only, even under their own id
    assert client.get(mine).status_code == 200
    assert client.get(f"/en/clients/{ids['client_id']}/messages/{theirs}/newer?after=0").status_code == 404
    enter_session(client, None)
    assert client.get(mine).status_code == 302


def _conversation_for(client_id: int) -> int:
    found = db.session.scalar(select(Conversation.id).where(Conversation.client_id == client_id).limit(1))
    if found is None:
        conversation = Conversation(client_id=client_id, subject="Visit", status=ConversationStatus.open,
                                    created_at=utcnow(), last_message_at=utcnow())
        db.session.add(conversation)
        db.session.flush()
        found = conversation.id
    return found


def test_looking_for_new_messages_does_not_put_off_the_idle_sign_out(app, client, demo_accounts):
    ids = _ids(app, demo_accounts)
    with app.app_context():
        conversation = messages.conversations_for(db.session, ids["client_id"])[0]
        db.session.commit()
    enter_session(client, ids["me"])
    long_ago = int(utcnow().timestamp()) - 10 * 60
    with client.session_transaction() as cookie:
        cookie["seen"] = long_ago
    url = f"/en/clients/{ids['client_id']}/messages/{conversation.id}"
    assert client.get(f"{url}/newer?after=0").status_code == 200
    with client.session_transaction() as cookie:
        assert cookie["seen"] == long_ago  # the script's look is not the person's activity
    assert client.get(url).status_code == 200
    with client.session_transaction() as cookie:
        assert cookie["seen"] > long_ago  # opening the page is
