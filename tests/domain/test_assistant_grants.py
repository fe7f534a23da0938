"""The assistant's grants: per chat, per client, short-lived, ended by signing out, and
never travelling in clear (assistant_grants)."""
import datetime as dt

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import func, select

from portal import demo
from portal.domain import accounts, assistant_grants
from portal.models import Account, AssistantGrant, CarerAccess, Client

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC)


def _demo(session, role: str) -> Account:
    email = next(a.email for a in demo.DEMO_ACCOUNTS if a.role == role)
    return session.scalar(select(Account).where(Account.email == email))


def test_a_grant_speaks_for_the_client_only_in_its_own_chat_and_only_for_minutes(session):
    client = _demo(session, "client")
    token = assistant_grants.issue(session, chat_id="chat-a", account=client, now=NOW, minutes=5)
    held = assistant_grants.holder(session, token=token, chat_id="chat-a", now=NOW + dt.timedelta(minutes=4))
    assert held.account.id == client.id and held.client_id == client.client_id
    assert assistant_grants.holder(session, token=token, chat_id="chat-b", now=NOW) is None
    assert assistant_grants.holder(session, token=token, chat_id="chat-a", now=NOW + dt.timedelta(minutes=5)) is None
    assert assistant_grants.holder(session, token=token + "x", chat_id="chat-a", now=NOW) is None


def test_only_the_hash_is_kept_and_a_new_message_replaces_the_chats_grant(session):
    client = _demo(session, "client")
    first = assistant_grants.issue(session, chat_id="chat-a", account=client, now=NOW, minutes=5)
    second = assistant_grants.issue(session, chat_id="chat-a", account=client, now=NOW, minutes=5)
    stored = list(session.scalars(select(AssistantGrant.token_hash)))
    assert first not in stored and second not in stored and len(stored) == 1
    assert assistant_grants.holder(session, token=first, chat_id="chat-a", now=NOW) is None
    assert assistant_grants.holder(session, token=second, chat_id="chat-a", now=NOW) is not None


def test_signing_out_everywhere_or_being_disabled_ends_the_grants(session):
    client = _demo(session, "client")
    token = assistant_grants.issue(session, chat_id="chat-a", account=client, now=NOW, minutes=5)
    accounts.sign_out_everywhere(session, client)
    assert assistant_grants.holder(session, token=token, chat_id="chat-a", now=NOW) is None
    token = assistant_grants.issue(session, chat_id="chat-a", account=client, now=NOW, minutes=5)
    accounts.disable(session, client)
    assert assistant_grants.holder(session, token=token, chat_id="chat-a", now=NOW) is None


@pytest.mark.parametrize("role", ["staff", "commissioner", "admin"])
def test_people_without_a_record_of_their_own_get_no_grant(session, role):
    assert assistant_grants.issue(session, chat_id="chat-s", account=_demo(session, role), now=NOW, minutes=5) is None
    assert session.scalar(select(func.count()).select_from(AssistantGrant)) == 0


def test_a_carer_speaks_for_the_person_whose_pages_they_opened_last(session):
    carer = _demo(session, "carer")
    supported = sorted(session.scalars(select(CarerAccess.client_id).where(
        CarerAccess.carer_account_id == carer.id, CarerAccess.revoked_at.is_(None))))
    assert len(supported) >= 2  # the demo carer helps two people
    token = assistant_grants.issue(session, chat_id="c", account=carer, now=NOW, minutes=5, acting_for=supported[1])
    assert assistant_grants.holder(session, token=token, chat_id="c", now=NOW).client_id == supported[1]
    # Not yet on anybody's pages: no client, so the assistant asks them to open one.
    token = assistant_grants.issue(session, chat_id="c", account=carer, now=NOW, minutes=5)
    assert assistant_grants.holder(session, token=token, chat_id="c", now=NOW).client_id is None
    # A client id the carer does not support is ignored, never trusted.
    other = session.scalar(select(Client.id).where(Client.id.not_in(supported)).limit(1))
    assert other is not None
    token = assistant_grants.issue(session, chat_id="c", account=carer, now=NOW, minutes=5, acting_for=other)
    assert assistant_grants.holder(session, token=token, chat_id="c", now=NOW).client_id is None


def test_the_token_travels_sealed_and_only_the_shared_key_opens_it():
    key, other_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = assistant_grants.seal("the-token", key)
    assert "the-token" not in sealed
    assert Fernet(key.encode()).decrypt(sealed.encode()).decode() == "the-token"
    with pytest.raises(InvalidToken):
        Fernet(other_key.encode()).decrypt(sealed.encode())
