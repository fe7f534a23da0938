"""The audit trail records only actions it knows, and each has words for the person whose
record it is ("Who has looked" and the data download never show a code)."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.domain import audit
from portal.labels import audit_action_names
from portal.models import Account, AuditEvent


def test_every_action_has_words_and_every_name_is_an_action():
    assert set(audit_action_names) == audit.ACTIONS
    assert audit.READS < audit.ACTIONS


def test_every_status_of_a_request_or_referral_is_an_action():
    # The domain records these as f"arrangement_{status}" and f"referral_{status}".
    assert {"arrangement_agreed", "arrangement_declined", "referral_not_eligible", "referral_passed_to_team"} <= audit.ACTIONS


@pytest.mark.parametrize("write", [audit.record, audit.record_read])
def test_an_unknown_action_is_refused_before_anything_is_written(session, demo_accounts, write):
    staff = session.scalar(select(Account).where(Account.email == demo_accounts["staff"].email))
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(audit.UnknownAction):
        write(session, actor=staff, action="looked_around", now=dt.datetime.now(dt.UTC), client_id=1)
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
