"""Two-step sign-in: RFC 6238 codes, one step of drift, no code twice, the secret encrypted,
single-use recovery codes kept as hashes."""
import base64
import datetime as dt

import pytest
from sqlalchemy import select

from portal.domain import two_factor
from portal.models import Account, RecoveryCode, Role

SECRET_KEY = "test-secret"


@pytest.mark.parametrize("unix_time, code", [
    (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"),
    (1234567890, "89005924"), (2000000000, "69279037"), (20000000000, "65353130"),
])
def test_codes_match_the_rfc_6238_test_vectors(unix_time, code):
    secret = base64.b32encode(b"12345678901234567890").decode()  # the RFC's SHA-1 seed
    step = two_factor.step_of(dt.datetime.fromtimestamp(unix_time, dt.UTC))
    assert two_factor.code_at(secret, step, digits=8) == code


def _set_up(session, email="totp.person@example.org", role=Role.client) -> tuple[Account, str]:
    account = Account(email=email, display_name="Totp Person", role=role, status="active")
    session.add(account)
    session.flush()
    return account, two_factor.pending_secret(session, account, secret_key=SECRET_KEY)


def _at(step: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(step * two_factor.STEP_SECONDS + 1, dt.UTC)


def test_it_is_on_only_once_a_code_from_the_app_confirms_it(session):
    account, secret = _set_up(session)
    now = _at(1000)
    assert not two_factor.is_on(account)
    assert two_factor.confirm(session, account, "000000" if two_factor.code_at(secret, 1000) != "000000" else "111111",
                              secret_key=SECRET_KEY, now=now) is None
    assert not two_factor.is_on(account)
    codes = two_factor.confirm(session, account, two_factor.code_at(secret, 1000), secret_key=SECRET_KEY, now=now)
    assert two_factor.is_on(account) and len(codes) == 10 and len(set(codes)) == 10


def test_a_code_from_one_step_either_side_is_taken_and_none_further(session):
    account, secret = _set_up(session)
    now = _at(5000)
    for step in (4998, 5002):
        assert not two_factor.check_code(session, account, two_factor.code_at(secret, step), secret_key=SECRET_KEY, now=now)
    assert two_factor.check_code(session, account, two_factor.code_at(secret, 4999), secret_key=SECRET_KEY, now=now)
    assert two_factor.check_code(session, account, two_factor.code_at(secret, 5001), secret_key=SECRET_KEY, now=now)


def test_a_code_works_once_and_no_older_one_after_it(session):
    account, secret = _set_up(session)
    now = _at(7000)
    code = two_factor.code_at(secret, 7000)
    assert two_factor.check_code(session, account, code, secret_key=SECRET_KEY, now=now)
    assert not two_factor.check_code(session, account, code, secret_key=SECRET_KEY, now=now)
    assert not two_factor.check_code(session, account, two_factor.code_at(secret, 6999), secret_key=SECRET_KEY, now=now)
    # Spaces as the app shows them are fine.
    spaced = two_factor.code_at(secret, 7001)
    assert two_factor.check_code(session, account, f"{spaced[:3]} {spaced[3:]}", secret_key=SECRET_KEY, now=now)


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"])
def test_anything_but_six_ascii_digits_is_refused(session, typed):
    account, _secret = _set_up(session)
    assert not two_factor.check_code(session, account, typed, secret_key=SECRET_KEY, now=_at(10))


def test_the_secret_is_encrypted_at_rest_with_a_key_from_secret_key(session):
    account, secret = _set_up(session)
    stored = session.scalar(select(Account.totp_secret).where(Account.id == account.id))
    assert secret not in stored
    assert two_factor.secret_of(account, SECRET_KEY) == secret
    assert two_factor.secret_of(account, "another-key") is None  # and so no code works with another key
    # Reloading the setup page shows the same secret, not a new one.
    assert two_factor.pending_secret(session, account, secret_key=SECRET_KEY) == secret


def test_recovery_codes_work_once_and_only_their_hashes_are_kept(session):
    account, secret = _set_up(session)
    codes = two_factor.confirm(session, account, two_factor.code_at(secret, 300), secret_key=SECRET_KEY, now=_at(300))
    stored = session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.account_id == account.id)).all()
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)
    assert two_factor.use_recovery_code(session, account, codes[0].upper(), now=_at(301))
    assert not two_factor.use_recovery_code(session, account, codes[0], now=_at(301))
    assert two_factor.recovery_codes_left(session, account) == 9
    fresh = two_factor.new_recovery_codes(session, account)
    assert not two_factor.use_recovery_code(session, account, codes[1], now=_at(302)), "old codes stop working"
    assert two_factor.use_recovery_code(session, account, fresh[0], now=_at(302))


def test_it_is_required_for_those_who_read_many_records_only(session):
    for role in Role:
        account = Account(email=f"{role.value}@example.org", display_name="R", role=role, status="active")
        assert two_factor.asks_for_second_step(account) == (role in {Role.staff, Role.commissioner, Role.admin})


def test_the_setup_address_names_the_council_and_the_account(session):
    uri = two_factor.setup_uri("ABCDEFGH", account_email="a.person@example.org", issuer="Sheffield City Council")
    assert uri.startswith("otpauth://totp/Sheffield%20City%20Council%3Aa.person%40example.org?")
    assert "secret=ABCDEFGH" in uri and "issuer=Sheffield+City+Council" in uri


def test_turning_it_off_forgets_the_app_and_the_codes(session):
    account, secret = _set_up(session)
    two_factor.confirm(session, account, two_factor.code_at(secret, 40), secret_key=SECRET_KEY, now=_at(40))
    two_factor.turn_off(session, account)
    assert not two_factor.is_on(account) and account.totp_secret is None
    assert session.scalars(select(RecoveryCode).where(RecoveryCode.account_id == account.id)).all() == []
