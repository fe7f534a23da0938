"""Sign-in rules: passwords, invitations, lock-out, server-side sign-out."""
import datetime as dt

import pytest
from sqlalchemy import select

from portal.domain import accounts
from portal.domain.accounts import InvitationProblem, PasswordProblem, SignInFailure
from portal.models import Account, AccountStatus, Role, utcnow

SECRET = "test-secret"


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short", PasswordProblem.too_short),
        ("password123", PasswordProblem.too_common),
        ("Password123", PasswordProblem.too_common),  # case does not make a common password safe
        ("x" * 257, PasswordProblem.too_long),
        ("correct horse battery staple", None),
        ("لدي كلمة مرور طويلة", None),  # any script is fine
    ],
)
def test_password_rules_are_length_and_commonness_only(password, problem):
    assert accounts.password_problem(password) == problem


def test_password_equal_to_email_is_refused():
    assert accounts.password_problem("me@example.com", email="Me@Example.com") == PasswordProblem.too_common


def test_passwords_are_hashed_with_argon2id_at_owasp_parameters():
    hashed = accounts.hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in hashed


def _invite(session, now, email="new.person@example.com", role=Role.client):
    return accounts.invite(
        session, secret_key=SECRET, email=email, display_name="New Person", role=role,
        invited_by=None, now=now,
    )


def test_invitation_link_works_once(session):
    now = utcnow()
    created = _invite(session, now)
    assert created.account.status == AccountStatus.invited
    found = accounts.find_invitation(session, secret_key=SECRET, link_token=created.link_token, now=now)
    account = accounts.accept_invitation(session, found, "a long enough passphrase", now)
    assert account.status == AccountStatus.active
    again = accounts.find_invitation(session, secret_key=SECRET, link_token=created.link_token, now=now)
    assert again == InvitationProblem.used


def test_invitation_expires_after_seven_days(session):
    now = utcnow()
    created = _invite(session, now)
    later = now + dt.timedelta(days=7, seconds=1)
    assert accounts.find_invitation(session, secret_key=SECRET, link_token=created.link_token, now=later) == InvitationProblem.expired
    almost = now + dt.timedelta(days=6, hours=23)
    assert accounts.find_invitation(session, secret_key=SECRET, link_token=created.link_token, now=almost) != InvitationProblem.expired


def _flip_first(token: str) -> str:
    # Always a different character, so the token really changes.
    return ("y" if token[0] == "x" else "x") + token[1:]


@pytest.mark.parametrize("tamper", [lambda t: t + "x", _flip_first, lambda t: t.split(".")[0], lambda t: ""])
def test_tampered_or_unsigned_links_are_invalid(session, tamper):
    created = _invite(session, utcnow())
    token = tamper(created.link_token)
    assert accounts.find_invitation(session, secret_key=SECRET, link_token=token, now=utcnow()) == InvitationProblem.invalid


def test_link_signed_with_another_key_is_invalid(session):
    created = _invite(session, utcnow())
    assert accounts.find_invitation(session, secret_key="other", link_token=created.link_token, now=utcnow()) == InvitationProblem.invalid


def test_database_keeps_only_a_hash_of_the_link(session):
    created = _invite(session, utcnow())
    raw = created.link_token.rsplit(".", 1)[0]
    from portal.models import Invitation

    stored = session.scalars(select(Invitation.token_hash)).all()
    assert raw not in stored and all(len(h) == 64 for h in stored)


def _sign_in(session, email, password, now, max_failures=3):
    return accounts.sign_in(session, email=email, password=password, now=now, max_failures=max_failures, lock_minutes=15)


def test_sign_in_with_the_right_password(session, demo_accounts):
    demo = demo_accounts["staff"]
    result = _sign_in(session, demo.email.upper(), demo.password, utcnow())
    assert result.account is not None and result.account.email == demo.email


def test_unknown_email_and_wrong_password_get_the_same_answer(session, demo_accounts):
    now = utcnow()
    unknown = _sign_in(session, "nobody@example.com", "whatever-password", now)
    wrong = _sign_in(session, demo_accounts["staff"].email, "whatever-password", now)
    assert unknown.failure == wrong.failure == SignInFailure.bad_credentials


def test_repeated_failures_lock_the_account_even_for_the_right_password(session, demo_accounts):
    demo = demo_accounts["client"]
    now = utcnow()
    results = [_sign_in(session, demo.email, f"wrong-{i}", now).failure for i in range(3)]
    assert results == [SignInFailure.bad_credentials, SignInFailure.bad_credentials, SignInFailure.locked]
    assert _sign_in(session, demo.email, demo.password, now).failure == SignInFailure.locked
    after = now + dt.timedelta(minutes=16)
    assert _sign_in(session, demo.email, demo.password, after).account is not None


def test_disabled_account_cannot_sign_in_and_its_sessions_end(session, demo_accounts):
    demo = demo_accounts["carer"]
    account = session.scalar(select(Account).where(Account.email == demo.email))
    old_token = account.session_token
    accounts.disable(session, account)
    assert account.session_token != old_token
    assert _sign_in(session, demo.email, demo.password, utcnow()).failure == SignInFailure.bad_credentials
