"""Sign-in rules: passwords, invitation and reset links, the throttle, sessions."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.domain import accounts
from portal.domain.accounts import AccountAlreadyActive, InvitationProblem, PasswordProblem, SignInFailure, Throttle
from portal.models import (
    Account,
    AccountStatus,
    AssistantGrant,
    Invitation,
    LinkPurpose,
    Role,
    SignInSession,
    SignInThrottle,
    utcnow,
)

SECRET = "test-secret"
ABOUT = accounts.words_about(display_name="Zainab Osman", email="zainab.osman@example.org",
                             council="Sheffield City Council", service="Mental health independence and support")


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short", PasswordProblem.too_short),
        ("password123", PasswordProblem.too_common),
        ("Password123", PasswordProblem.too_common),  # case does not make a common password safe
        ("x" * 257, PasswordProblem.too_long),
        ("correct horse battery staple", None),
        ("لدي كلمة مرور طويلة", None),  # any script is fine
        ("میرا\u200cپاس ورڈ لمبا ہے", None),  # Urdu's zero-width non-joiner is part of writing
        # From the penetration test: all accepted before.
        ("aaaaaaaa", PasswordProblem.too_easy),
        ("        ", PasswordProblem.only_spaces),
        ("abcdefgh", PasswordProblem.too_easy),
        ("Sheffield1", PasswordProblem.about_you),
        ("quiet river\u202espring", PasswordProblem.invisible_characters),  # right-to-left override
        ("quiet\u200f river spring", PasswordProblem.invisible_characters),  # right-to-left mark
        ("quiet river\x00spring", PasswordProblem.invisible_characters),
        ("quiet\u200b river spring", PasswordProblem.invisible_characters),  # zero-width space
        ("quiet river\nspring", PasswordProblem.invisible_characters),
        ("abc\u200cdefg", PasswordProblem.too_short),  # joiners are allowed but not counted
        ("Zainab2024", PasswordProblem.about_you),
        ("mentalhealth1", PasswordProblem.about_you),
    ],
)
def test_password_rules_are_length_guessability_and_visible_characters(password, problem):
    assert accounts.password_problem(password, about=ABOUT) == problem


def test_password_equal_to_email_is_refused():
    about = accounts.words_about(email="Me@Example.com")
    assert accounts.password_problem("me@example.com", about=about) == PasswordProblem.about_you


def test_passwords_are_hashed_with_argon2id_at_owasp_parameters():
    hashed = accounts.hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in hashed


def _invite(session, now, email="new.person@example.com", role=Role.client):
    return accounts.invite(
        session, secret_key=SECRET, email=email, display_name="New Person", role=role,
        invited_by=None, now=now,
    )


def _find(session, token, now=None, purpose=LinkPurpose.invitation):
    return accounts.find_link(session, secret_key=SECRET, link_token=token, now=now or utcnow(), purpose=purpose)


def test_invitation_link_works_once(session):
    now = utcnow()
    created = _invite(session, now)
    assert created.account.status == AccountStatus.invited
    found = _find(session, created.link_token, now)
    account = accounts.accept_invitation(session, found, "a long enough passphrase", now)
    assert account.status == AccountStatus.active
    assert _find(session, created.link_token, now) == InvitationProblem.used
    # The same invitation row, held from before it was spent, cannot be spent again.
    assert accounts.accept_invitation(session, found, "another long passphrase", now) is None


def test_an_older_invitation_stops_working_once_a_newer_one_is_used(session):
    """The penetration test: invited twice, link 2 set the password, and link 1 still set a
    new one (signing the attacker in and locking the person out)."""
    now = utcnow()
    first = _invite(session, now)
    second = _invite(session, now + dt.timedelta(minutes=5))
    accounts.accept_invitation(session, _find(session, second.link_token), "the person's own passphrase", now)
    old = _find(session, first.link_token)
    assert old in (InvitationProblem.replaced, InvitationProblem.used)
    assert isinstance(old, InvitationProblem)


def test_a_newer_invitation_retires_the_older_one_at_once(session):
    now = utcnow()
    first = _invite(session, now)
    second = _invite(session, now)
    assert _find(session, first.link_token) == InvitationProblem.replaced
    assert isinstance(_find(session, second.link_token), Invitation)


def test_an_account_that_can_sign_in_is_never_invited_again(session, demo_accounts):
    now = utcnow()
    with pytest.raises(AccountAlreadyActive):
        _invite(session, now, email=demo_accounts["client"].email)
    # And a link made for it while it was still invited does not work once it is active.
    created = _invite(session, now)
    link = session.scalar(select(Invitation).where(Invitation.account_id == created.account.id))
    created.account.status = AccountStatus.active
    session.flush()
    assert _find(session, created.link_token) == InvitationProblem.used
    assert accounts.accept_invitation(session, link, "a long enough passphrase", now) is None


def test_invitation_expires_after_seven_days(session):
    now = utcnow()
    created = _invite(session, now)
    later = now + dt.timedelta(days=7, seconds=1)
    assert _find(session, created.link_token, later) == InvitationProblem.expired
    almost = now + dt.timedelta(days=6, hours=23)
    assert _find(session, created.link_token, almost) != InvitationProblem.expired


def _flip_first(token: str) -> str:
    # Always a different character, so the token really changes.
    return ("y" if token[0] == "x" else "x") + token[1:]


@pytest.mark.parametrize("tamper", [lambda t: t + "x", _flip_first, lambda t: t.split(".")[0], lambda t: ""])
def test_tampered_or_unsigned_links_are_invalid(session, tamper):
    created = _invite(session, utcnow())
    assert _find(session, tamper(created.link_token)) == InvitationProblem.invalid


def test_link_signed_with_another_key_is_invalid(session):
    created = _invite(session, utcnow())
    assert accounts.find_invitation(session, secret_key="other", link_token=created.link_token,
                                    now=utcnow()) == InvitationProblem.invalid


def test_database_keeps_only_a_hash_of_the_link(session):
    created = _invite(session, utcnow())
    raw = created.link_token.rsplit(".", 1)[0]
    stored = session.scalars(select(Invitation.token_hash)).all()
    assert raw not in stored and all(len(h) == 64 for h in stored)


# -- Password reset links -----------------------------------------------------------------

RESETS = Throttle(free=3, max_wait=dt.timedelta(hours=1))


def _reset(session, email, now=None, throttle=RESETS):
    return accounts.request_password_reset(session, secret_key=SECRET, email=email, now=now or utcnow(),
                                           valid_for=dt.timedelta(hours=1), throttle=throttle)


def _account(session, email) -> Account:
    return session.scalar(select(Account).where(Account.email == email))


def test_a_reset_link_only_for_an_account_in_use(session, demo_accounts):
    assert _reset(session, "nobody@example.org") is None
    assert _reset(session, _invite(session, utcnow()).account.email) is None  # still invited
    created = _reset(session, demo_accounts["client"].email.upper())
    assert created is not None and created.account.email == demo_accounts["client"].email
    # The link is not an invitation, and an invitation's link is not a reset link.
    assert _find(session, created.link_token) == InvitationProblem.invalid
    assert isinstance(_find(session, created.link_token, purpose=LinkPurpose.password_reset), Invitation)


def test_a_reset_sets_the_password_once_ends_every_session_and_retires_other_links(session, demo_accounts):
    demo = demo_accounts["carer"]
    account = _account(session, demo.email)
    now = utcnow()
    accounts.open_session(session, account, now=now, second_factor_done=True, max_age=dt.timedelta(hours=12))
    session.add(AssistantGrant(token_hash="g" * 64, chat_hash="c" * 64, account_id=account.id, client_id=None,
                               expires_at=now + dt.timedelta(minutes=5)))
    older = _reset(session, demo.email, now)
    newer = _reset(session, demo.email, now)
    assert _find(session, older.link_token, purpose=LinkPurpose.password_reset) == InvitationProblem.replaced
    link = _find(session, newer.link_token, purpose=LinkPurpose.password_reset)
    assert accounts.reset_password(session, link, "a brand new passphrase here", now) is account
    assert _find(session, newer.link_token, purpose=LinkPurpose.password_reset) == InvitationProblem.used
    assert accounts.reset_password(session, link, "and another passphrase", now) is None
    assert session.scalar(select(func.count()).select_from(SignInSession).where(SignInSession.account_id == account.id)) == 0
    assert session.scalar(select(func.count()).select_from(AssistantGrant).where(AssistantGrant.account_id == account.id)) == 0
    assert _sign_in(session, demo.email, "a brand new passphrase here", now).account is account


def test_a_reset_link_expires(session, demo_accounts):
    now = utcnow()
    created = _reset(session, demo_accounts["client"].email, now)
    later = now + dt.timedelta(hours=1, seconds=1)
    assert _find(session, created.link_token, later, LinkPurpose.password_reset) == InvitationProblem.expired


def test_reset_mails_to_one_address_are_throttled(session, demo_accounts):
    now = utcnow()
    sent = [_reset(session, demo_accounts["client"].email, now) is not None for _ in range(5)]
    assert sent == [True, True, True, False, False]
    assert _reset(session, demo_accounts["client"].email, now + dt.timedelta(days=2)) is not None


# -- Signing in, and the throttle that replaced the lock-out --------------------------------

PER_EMAIL = Throttle(free=3, max_wait=dt.timedelta(minutes=15))
PER_ADDRESS = Throttle(free=10, max_wait=dt.timedelta(minutes=15))


def _sign_in(session, email, password, now, address="192.0.2.1"):
    return accounts.sign_in(session, email=email, password=password, address=address, now=now,
                            per_email=PER_EMAIL, per_address=PER_ADDRESS)


def test_sign_in_with_the_right_password(session, demo_accounts):
    demo = demo_accounts["staff"]
    result = _sign_in(session, demo.email.upper(), demo.password, utcnow())
    assert result.account is not None and result.account.email == demo.email


def test_unknown_email_and_wrong_password_get_the_same_answer(session, demo_accounts):
    now = utcnow()
    unknown = _sign_in(session, "nobody@example.com", "whatever-password", now)
    wrong = _sign_in(session, demo_accounts["staff"].email, "whatever-password", now)
    assert unknown.failure == wrong.failure == SignInFailure.bad_credentials


def test_repeated_failures_slow_sign_in_down_the_same_whether_or_not_the_account_exists(session, demo_accounts):
    now = utcnow()
    for email in (demo_accounts["client"].email, "nobody@example.com"):
        answers = [_sign_in(session, email, f"wrong-{i}", now, address=email).failure for i in range(5)]
        assert answers == [SignInFailure.bad_credentials] * 4 + [SignInFailure.wait]
    waits = []
    for _ in range(3):  # each further failure after the wait makes the next wait longer
        now += dt.timedelta(minutes=20)
        assert _sign_in(session, "nobody@example.com", "wrong", now, address="x").failure == SignInFailure.bad_credentials
        waits.append(_sign_in(session, "nobody@example.com", "wrong", now, address="x").wait_seconds)
    assert waits[0] < waits[1] < waits[2] <= 15 * 60 + 1


def test_a_throttled_account_signs_in_once_the_short_wait_is_over(session, demo_accounts):
    demo = demo_accounts["client"]
    now = utcnow()
    for i in range(4):
        _sign_in(session, demo.email, f"wrong-{i}", now)
    assert _sign_in(session, demo.email, demo.password, now).failure == SignInFailure.wait
    after = now + dt.timedelta(seconds=31)
    assert _sign_in(session, demo.email, demo.password, after).account is not None
    # Success clears the account's count: the next typo is free again.
    assert _sign_in(session, demo.email, "typo", after).failure == SignInFailure.bad_credentials
    assert _sign_in(session, demo.email, demo.password, after).account is not None


def test_many_failures_from_one_network_address_slow_that_address(session, demo_accounts):
    now = utcnow()
    for i in range(11):
        _sign_in(session, f"guess-{i}@example.com", "wrong", now, address="198.51.100.7")
    assert _sign_in(session, demo_accounts["client"].email, demo_accounts["client"].password, now,
                    address="198.51.100.7").failure == SignInFailure.wait
    assert _sign_in(session, demo_accounts["client"].email, demo_accounts["client"].password, now,
                    address="203.0.113.9").account is not None


def test_counts_are_forgotten_a_day_later_and_hold_no_address_in_clear(session):
    now = utcnow()
    _sign_in(session, "someone@example.com", "wrong", now, address="192.0.2.44")
    keys = session.scalars(select(SignInThrottle.key)).all()
    assert keys and not any("someone" in key or "192.0.2.44" in key for key in keys)
    _sign_in(session, "other@example.com", "wrong", now + dt.timedelta(days=1, minutes=1), address="192.0.2.45")
    assert session.scalar(select(func.count()).select_from(SignInThrottle)) == 2  # only the new ones


def test_passwords_are_compared_after_nfkc_normalisation(session, demo_accounts):
    account = _account(session, demo_accounts["client"].email)
    account.password_hash = accounts.hash_password("ｃｏｒｒｅｃｔ horse battery")  # full-width letters
    session.flush()
    assert _sign_in(session, account.email, "correct horse battery", utcnow()).account is account


# -- Sessions -------------------------------------------------------------------------------


def test_each_sign_in_gets_a_fresh_token_and_signing_out_ends_them_all(session, demo_accounts):
    account = _account(session, demo_accounts["carer"].email)
    now, age = utcnow(), dt.timedelta(hours=12)
    tokens = [accounts.open_session(session, account, now=now, second_factor_done=True, max_age=age) for _ in range(2)]
    assert tokens[0] != tokens[1]
    assert all(accounts.session_for(session, token).account is account for token in tokens)
    stored = session.scalars(select(SignInSession.token_hash)).all()
    assert not set(tokens) & set(stored), "only hashes are kept"
    accounts.sign_out_everywhere(session, account)
    assert [accounts.session_for(session, token) for token in tokens] == [None, None]


def test_passing_the_second_step_replaces_the_half_open_session(session, demo_accounts):
    account = _account(session, demo_accounts["staff"].email)
    now, age = utcnow(), dt.timedelta(hours=12)
    half = accounts.open_session(session, account, now=now, second_factor_done=False, max_age=age)
    full = accounts.pass_second_step(session, accounts.session_for(session, half), now=now, max_age=age)
    assert accounts.session_for(session, half) is None
    assert accounts.session_for(session, full).second_factor_at == now


def test_disabled_account_cannot_sign_in_and_its_sessions_end(session, demo_accounts):
    demo = demo_accounts["carer"]
    account = _account(session, demo.email)
    token = accounts.open_session(session, account, now=utcnow(), second_factor_done=True,
                                  max_age=dt.timedelta(hours=12))
    accounts.disable(session, account)
    assert accounts.session_for(session, token) is None
    assert _sign_in(session, demo.email, demo.password, utcnow()).failure == SignInFailure.bad_credentials
