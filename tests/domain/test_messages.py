"""Secure messages: the rules called directly, on the demo data (real database)."""
import datetime as dt
import secrets

import pytest
from sqlalchemy import func, select

from portal.domain import messages, my_data, records, retention
from portal.models import (
    Account,
    AccountStatus,
    AlertSource,
    CarerAccess,
    CarerScope,
    Client,
    Conversation,
    ConversationStatus,
    Message,
    Role,
    SafeguardingAlert,
    utcnow,
)

NOW = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)


def _key() -> str:
    return secrets.token_hex(16)


def _account(session, email: str) -> Account:
    return session.scalar(select(Account).where(Account.email == email))


@pytest.fixture
def people(session, demo_accounts):
    client_account = _account(session, demo_accounts["client"].email)
    client = session.get(Client, client_account.client_id)
    staff = _account(session, demo_accounts["staff"].email)
    carer = _account(session, demo_accounts["carer"].email)
    return {"client": client, "me": client_account, "staff": staff, "carer": carer,
            "own": records.decide(session, client_account, client),
            "team": records.decide(session, staff, client)}


def _carer_with(session, client: Client, scopes: list[str]) -> Account:
    carer = Account(email=f"carer-{_key()[:8]}@test.invalid", display_name="Test Carer", role=Role.carer,
                    status=AccountStatus.active)
    session.add(carer)
    session.flush()
    session.add(CarerAccess(carer_account_id=carer.id, client_id=client.id, scopes=scopes, granted_at=NOW,
                            accepted_at=NOW))
    session.flush()
    return carer


def test_a_client_writes_the_team_replies_and_each_person_keeps_their_own_read_state(session, people):
    sent = messages.start_conversation(session, people["own"], subject="  Thursday's   visit ",
                                       body="Can we move Thursday's visit to Friday?", language="en",
                                       submission_key=_key(), now=NOW)
    conversation = sent.conversation
    assert conversation.subject == "Thursday's visit" and conversation.status == ConversationStatus.open
    assert sent.message.author_role == "client" and sent.message.language == "en" and not sent.duplicate
    # Nothing unread for the writer; one message for staff of the team.
    assert messages.unread_counts(session, people["me"], [conversation.id]) == {}
    assert messages.unread_counts(session, people["staff"], [conversation.id]) == {conversation.id: 1}

    messages.reply(session, people["team"], conversation, body="Yes, Friday at 10 is fine.", language="en",
                   submission_key=_key(), now=NOW + dt.timedelta(hours=1))
    assert messages.unread_counts(session, people["staff"], [conversation.id]) == {}
    assert messages.unread_counts(session, people["me"], [conversation.id]) == {conversation.id: 1}
    messages.mark_read(session, conversation, people["me"], now=NOW + dt.timedelta(hours=2))
    assert messages.unread_counts(session, people["me"], [conversation.id]) == {}
    assert [m.author_role for m in messages.thread(session, conversation)] == ["client", "staff"]


def test_a_double_submit_stores_one_message(session, people):
    key = _key()
    first = messages.start_conversation(session, people["own"], subject="Visit", body="Hello", language="en",
                                        submission_key=key, now=NOW)
    again = messages.start_conversation(session, people["own"], subject="Visit", body="Hello", language="en",
                                        submission_key=key, now=NOW)
    assert again.duplicate and again.message.id == first.message.id
    reply_key = _key()
    messages.reply(session, people["own"], first.conversation, body="More", language="en", submission_key=reply_key,
                   now=NOW)
    twice = messages.reply(session, people["own"], first.conversation, body="More", language="en",
                           submission_key=reply_key, now=NOW)
    assert twice.duplicate
    assert session.scalar(select(func.count()).select_from(Message)
                          .where(Message.conversation_id == first.conversation.id)) == 2
    # Someone else's form key never shows them the other person's message.
    with pytest.raises(messages.NotYours):
        messages.reply(session, people["team"], first.conversation, body="x", language="en", submission_key=key,
                       now=NOW)


@pytest.mark.parametrize(("subject", "body", "error"), [
    ("Visit", "   \n ", messages.MessageNeeded),
    ("Visit", "x" * (messages.MAX_BODY + 1), messages.MessageTooLong),
    ("   ", "Hello", messages.SubjectNeeded),
])
def test_empty_and_overlong_messages_are_refused(session, people, subject, body, error):
    with pytest.raises(error):
        messages.start_conversation(session, people["own"], subject=subject, body=body, language="en",
                                    submission_key=_key(), now=NOW)


def test_markup_is_kept_as_the_text_typed(session, people):
    body = '<a href="https://evil.example">click</a> <script>alert(1)</script>'
    sent = messages.start_conversation(session, people["own"], subject="Links", body=body, language="en",
                                       submission_key=_key(), now=NOW)
    assert sent.message.body == body  # stored as typed; pages escape it (tests/views)


def test_a_message_showing_high_risk_makes_the_conversation_urgent_first_in_the_inbox_and_alerts(session, people):
    calm = messages.start_conversation(session, people["own"], subject="Visit", body="Can we talk next week?",
                                       language="en", submission_key=_key(), now=NOW + dt.timedelta(hours=5))
    worried = messages.start_conversation(session, people["own"], subject="This week",
                                          body="I want to end my life, I have the pills ready", language="en",
                                          submission_key=_key(), now=NOW)
    assert worried.risk.is_high and worried.conversation.urgent and not calm.conversation.urgent
    alert = session.scalar(select(SafeguardingAlert).where(SafeguardingAlert.source == AlertSource.message,
                                                           SafeguardingAlert.client_id == people["client"].id))
    assert alert is not None and alert.team_id == people["client"].team_id and "end my life" in alert.text
    inbox = messages.team_inbox(session, people["staff"])
    assert inbox[0].conversation.urgent
    ids = [row.conversation.id for row in inbox]
    assert ids.index(worried.conversation.id) < ids.index(calm.conversation.id)


def test_staff_words_are_not_read_for_risk(session, people):
    sent = messages.start_conversation(session, people["own"], subject="Visit", body="Hello", language="en",
                                       submission_key=_key(), now=NOW)
    reply = messages.reply(session, people["team"], sent.conversation,
                           body="If you feel you want to end your life, call 999.", language="en",
                           submission_key=_key(), now=NOW)
    assert not reply.risk.shows_help and not sent.conversation.urgent


def test_assigned_only_to_a_worker_of_the_clients_team_closed_and_reopened_by_a_new_message(session, people):
    sent = messages.start_conversation(session, people["own"], subject="Visit", body="Hello", language="en",
                                       submission_key=_key(), now=NOW)
    conversation = sent.conversation
    workers = messages.team_workers(session, people["client"])
    assert people["staff"] in workers and all(w.team_id == people["client"].team_id for w in workers)
    other_team = session.scalar(select(Account).where(Account.role == Role.staff,
                                                      Account.team_id != people["client"].team_id).limit(1))
    with pytest.raises(messages.NotInTeam):
        messages.assign(session, conversation, other_team.id, by=people["staff"], now=NOW)
    with pytest.raises(messages.NotInTeam):
        messages.assign(session, conversation, people["me"].id, by=people["staff"], now=NOW)
    assert messages.assign(session, conversation, workers[-1].id, by=people["staff"], now=NOW) == workers[-1]
    messages.close(session, conversation, by=people["staff"], now=NOW)
    assert conversation.status == ConversationStatus.closed
    assert conversation.id not in [r.conversation.id for r in messages.team_inbox(session, people["staff"])]
    messages.reply(session, people["own"], conversation, body="Can the visit be in the afternoon instead?", language="en",
                   submission_key=_key(), now=NOW)
    assert conversation.status == ConversationStatus.open


def test_staff_of_another_team_see_nothing_in_their_inbox(session, people):
    messages.start_conversation(session, people["own"], subject="Visit", body="Hello", language="en",
                                submission_key=_key(), now=NOW)
    other_team = session.scalar(select(Account).where(Account.role == Role.staff,
                                                      Account.team_id != people["client"].team_id).limit(1))
    assert all(row.client.team_id == other_team.team_id for row in messages.team_inbox(session, other_team))


def test_messages_are_never_edited_or_deleted_through_the_application(session, people):
    sent = messages.start_conversation(session, people["own"], subject="Visit", body="Hello", language="en",
                                       submission_key=_key(), now=NOW)
    session.commit()
    sent.message.body = "changed"
    with pytest.raises(PermissionError):
        session.flush()
    session.rollback()
    session.delete(session.get(Message, sent.message.id))
    with pytest.raises(PermissionError):
        session.flush()
    session.rollback()


def test_a_carer_needs_the_messages_scope(session, people):
    client = people["client"]
    without = _carer_with(session, client, ["plan", "goals"])
    with_scope = _carer_with(session, client, ["messages"])
    with pytest.raises(records.RecordNotAvailable):
        records.check_access(session, reader=without, client_id=client.id, scope=CarerScope.messages)
    record = records.check_access(session, reader=with_scope, client_id=client.id, scope=CarerScope.messages)
    sent = messages.start_conversation(session, record, subject="Visit for my mother",
                                       body="My mother would like you to ring her about her visit.",
                                       language="en", submission_key=_key(), now=NOW)
    assert sent.message.author_role == "carer"


def test_who_is_told_of_a_new_message(session, people):
    client = people["client"]
    allowed = _carer_with(session, client, ["messages"])
    not_allowed = _carer_with(session, client, ["plan"])
    sent = messages.start_conversation(session, people["own"], subject="Visit", body="Hello", language="en",
                                       submission_key=_key(), now=NOW)
    team = {w.id for w in messages.team_workers(session, client)}
    assert {p.account_id for p in messages.notice_recipients(session, sent.message)} == team
    messages.assign(session, sent.conversation, people["staff"].id, by=people["staff"], now=NOW)
    reply = messages.reply(session, people["team"], sent.conversation, body="Yes", language="en",
                           submission_key=_key(), now=NOW)
    told = {p.account_id for p in messages.notice_recipients(session, reply.message)}
    assert people["me"].id in told and allowed.id in told and not_allowed.id not in told
    assert people["staff"].id not in told
    carer_record = records.decide(session, allowed, client)
    by_carer = messages.reply(session, carer_record, sent.conversation, body="Thank you, that helps.", language="en",
                              submission_key=_key(), now=NOW)
    told = {p.account_id for p in messages.notice_recipients(session, by_carer.message)}
    assert told == {people["staff"].id, people["me"].id}  # the assigned worker, and the client


def test_the_data_download_holds_the_messages_and_retention_removes_old_conversations(session, people):
    old = messages.start_conversation(session, people["own"], subject="Long ago", body="Can I bring my sister to the visit?",
                                      language="en", submission_key=_key(), now=NOW - dt.timedelta(days=400))
    new = messages.start_conversation(session, people["own"], subject="Recent", body="A new question", language="so",
                                      submission_key=_key(), now=NOW)
    exported = my_data.export_client(session, people["client"])["messages"]
    subjects = {c["subject"] for c in exported}
    assert {"Long ago", "Recent"} <= subjects
    recent = next(c for c in exported if c["subject"] == "Recent")
    assert recent["messages"][0]["body"] == "A new question" and recent["messages"][0]["language"] == "so"
    assert recent["messages"][0]["written_by"] == people["me"].display_name

    counts = retention.purge(session, now=NOW, policy=retention.RetentionPolicy(message_days=365))
    assert counts["conversation"] >= 1
    assert session.get(Conversation, old.conversation.id) is None
    assert session.get(Conversation, new.conversation.id) is not None
    assert session.scalar(select(func.count()).select_from(Message)
                          .where(Message.conversation_id == old.conversation.id)) == 0


def test_inbox_lists_latest_first_among_equals(session, people):
    first = messages.start_conversation(session, people["own"], subject="Visit on Monday",
                                        body="Can I bring my sister to the visit?", language="en",
                                        submission_key=_key(), now=utcnow() - dt.timedelta(minutes=5))
    second = messages.start_conversation(session, people["own"], subject="Bus pass",
                                         body="Is there a bus pass I could get?", language="en",
                                         submission_key=_key(), now=utcnow())
    rows = messages.team_inbox(session, people["staff"])
    ids = [row.conversation.id for row in rows if not row.conversation.urgent]
    assert ids.index(second.conversation.id) < ids.index(first.conversation.id)


def test_the_demo_conversations_read_as_their_flag_says(session):
    """The demo's urgent conversations show high risk to the detector, the others do not,
    as the rules would have made them."""
    from portal.domain import risk

    for conversation in session.scalars(select(Conversation)):
        first, *rest = messages.thread(session, conversation)
        writing = [f"{conversation.subject}\n{first.body}"] + [m.body for m in rest if m.author_role != "staff"]
        assert any(risk.assess(text, "en").is_high for text in writing) == conversation.urgent, conversation.subject
