"""The migration that forgets when feedback was given, to the second, and who opened the form."""
import datetime as dt

import pytest
from sqlalchemy import MetaData, insert, select

from portal.db import make_engine
from portal.migrate import upgrade

BEFORE, THIS = "5e1d0c4a9b27", "c0ffee1feed5"


@pytest.mark.db
def test_feedback_given_before_keeps_only_its_day_and_leaves_no_audit_link(empty_database_url):
    upgrade(empty_database_url, BEFORE)
    engine = make_engine(empty_database_url)
    tables = MetaData()
    tables.reflect(engine, only=["feedback_response", "audit_event"])
    feedback, audit = tables.tables["feedback_response"], tables.tables["audit_event"]
    given = dt.datetime(2025, 3, 4, 10, 3, 27, 123456, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(insert(feedback), [
            {"submission_key": key, "submitted_at": moment, "channel": "signed_in", "respondent_type": "client",
             "on_behalf_of_client": False, "language": "en", "fft": "good", "outcome_answers": {},
             "free_text_status": "none"}
            for key, moment in (("a", given), ("b", given.replace(hour=0, minute=0, second=0, microsecond=0)))])
        conn.execute(insert(audit), [{"occurred_at": given, "action": action}
                                     for action in ("feedback_given", "give_feedback", "view_plan")])
    engine.dispose()

    upgrade(empty_database_url, THIS)

    engine = make_engine(empty_database_url)
    with engine.connect() as conn:
        days = [moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
                for moment in conn.scalars(select(feedback.c.submitted_at).order_by(feedback.c.submission_key))]
        assert days == [dt.datetime(2025, 3, 4, tzinfo=dt.UTC)] * 2
        assert conn.scalars(select(audit.c.action)).all() == ["view_plan"]  # a view of a record stays
    engine.dispose()
