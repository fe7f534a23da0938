"""Giving feedback: public link and signed in; double submits; risk → crisis help + alert."""
import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.domain import survey
from portal.models import (
    Account,
    AuditEvent,
    CarerAccess,
    EqualityMonitoring,
    FeedbackChannel,
    FeedbackResponse,
    RespondentType,
    SafeguardingAlert,
    utcnow,
)
from portal.models.base import Base, UTCDateTime
from tests.conftest import enter_session


def _key(html):
    return re.search(r'name="submission_key" type="hidden" value="([0-9a-f]+)"', html).group(1)


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_anonymous_feedback_through_the_public_link(app, client):
    before = _count(app, FeedbackResponse)
    html = client.get("/en/feedback").get_data(as_text=True)
    assert "Overall, how was your experience of our service?" in html
    for label in ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"]:
        assert label in html.replace("&#39;", "'")
    response = client.post("/en/feedback", data={
        "submission_key": _key(html), "respondent": "carer", "level": "2", "provider": "", "fft": "good",
        "fft_reason": "Helpful and kind", "outcome_listened_to": "strongly_agree", "equality_age_band": "age_35_44",
        "equality_religion": "prefer_not_to_say",
    })
    assert response.status_code == 302 and response.headers["Location"] == "/en/feedback/thank-you"
    assert _count(app, FeedbackResponse) == before + 1
    with app.app_context():
        stored = db.session.scalar(select(FeedbackResponse).order_by(FeedbackResponse.id.desc()).limit(1))
        assert stored.channel == FeedbackChannel.public_link and stored.respondent_type == RespondentType.carer
        assert stored.level == 2 and stored.outcome_answers == {"listened_to": "strongly_agree"}
        equality = db.session.scalar(select(EqualityMonitoring).where(EqualityMonitoring.feedback_response_id == stored.id))
        assert equality.age_band == "age_35_44" and equality.religion == "prefer_not_to_say" and equality.sex is None


def test_double_submit_records_one_response(app, client):
    key = _key(client.get("/en/feedback").get_data(as_text=True))
    data = {"submission_key": key, "respondent": "client", "fft": "very_good"}
    before = _count(app, FeedbackResponse)
    client.post("/en/feedback", data=data)
    client.post("/en/feedback", data=data)
    assert _count(app, FeedbackResponse) == before + 1


def test_missing_answer_keeps_what_was_typed(client):
    key = _key(client.get("/en/feedback").get_data(as_text=True))
    typed = "Mae'r gefnogaeth yn dda – ممتاز 👍"
    html = client.post("/en/feedback", data={"submission_key": key, "respondent": "client", "fft_reason": typed}).get_data(as_text=True)
    assert "Select how your experience of our service was" in html
    assert typed in html.replace("&#39;", "'")
    assert key in html  # the same draft: a later submit still counts once


def test_unknown_codes_and_overlong_text_are_refused_calmly(app, client):
    key = _key(client.get("/en/feedback").get_data(as_text=True))
    before = _count(app, FeedbackResponse)
    html = client.post("/en/feedback", data={
        "submission_key": key, "respondent": "client", "fft": "amazing", "outcome_towards_goals": "maybe",
        "fft_reason": "x" * 2001,
    }).get_data(as_text=True)
    assert "2,000 characters or fewer" in html
    assert _count(app, FeedbackResponse) == before


def test_honeypot_stores_nothing(app, client):
    key = _key(client.get("/en/feedback").get_data(as_text=True))
    before = _count(app, FeedbackResponse)
    response = client.post("/en/feedback", data={"submission_key": key, "respondent": "client", "fft": "good", "website": "http://spam"})
    assert response.status_code == 302
    assert _count(app, FeedbackResponse) == before


def test_text_suggesting_risk_shows_crisis_help_and_alerts_staff(app, client, sign_in):
    key = _key(client.get("/en/feedback").get_data(as_text=True))
    alerts = _count(app, SafeguardingAlert)
    response = client.post("/en/feedback", data={
        "submission_key": key, "respondent": "client", "fft": "poor", "other_comments": "Some days I want to end my life",
    })
    assert response.headers["Location"].endswith("help=high")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    main = html[html.index("<main"):]
    assert main.index("116 123") < main.index("Thank you for your feedback") and "999" in main
    assert _count(app, SafeguardingAlert) == alerts + 1
    with app.app_context():  # the words are the alert's: the anonymous response does not keep them
        stored = db.session.scalar(select(FeedbackResponse).where(FeedbackResponse.submission_key == key))
        assert stored.other_comments is None and stored.fft == "poor"
    sign_in("staff")
    assert "Some days I want to end my life" in client.get("/en/staff/safeguarding-alerts").get_data(as_text=True)


def test_a_signed_in_clients_risky_feedback_alerts_their_own_team_only(app, client, sign_in, demo_ids):
    client_id, _carer = demo_ids
    sign_in("client")
    html = client.get(f"/en/clients/{client_id}/feedback").get_data(as_text=True)
    client.post(f"/en/clients/{client_id}/feedback", data={
        "submission_key": _key(html), "about": "service", "fft": "poor", "fft_reason": "my carer hits me when nobody is there"})
    with app.app_context():
        alert = db.session.scalar(select(SafeguardingAlert).order_by(SafeguardingAlert.id.desc()).limit(1))
        own_team = db.session.get(Account, db.session.scalar(
            select(Account.id).where(Account.client_id == client_id))).client.team_id
        assert alert.client_id == client_id and alert.team_id == own_team and "from_others" in alert.kinds
        other = Account(email="other-team@example.invalid", display_name="Other team", role="staff", status="active",
                        team_id=db.session.scalar(
                            select(func.min(Account.team_id)).where(Account.team_id != own_team)))
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    client.post("/en/sign-out", data={})
    sign_in("staff")
    assert "my carer hits me" in client.get("/en/staff/safeguarding-alerts").get_data(as_text=True)
    enter_session(client, other_id)
    assert "my carer hits me" not in client.get("/en/staff/safeguarding-alerts").get_data(as_text=True)
    assert client.post("/en/staff/safeguarding-alerts", data={"alert_id": alert.id}).status_code == 404


def test_commissioners_never_see_safeguarding_alerts(client, sign_in):
    sign_in("commissioner")
    assert client.get("/en/staff/safeguarding-alerts").status_code == 403
    assert client.get("/en/staff/feedback-text").status_code == 403


@pytest.fixture
def demo_ids(app, demo_accounts):
    with app.app_context():
        client_account = db.session.scalar(select(Account).where(Account.email == demo_accounts["client"].email))
        carer = db.session.scalar(select(Account).where(Account.email == demo_accounts["carer"].email))
        return client_account.client_id, carer.id


def test_signed_in_client_feedback_keeps_level_not_identity(app, client, sign_in, demo_ids):
    client_id, _carer = demo_ids
    sign_in("client")
    html = client.get(f"/en/clients/{client_id}/feedback").get_data(as_text=True)
    client.post(f"/en/clients/{client_id}/feedback", data={"submission_key": _key(html), "about": "service", "fft": "very_good"})
    with app.app_context():
        stored = db.session.scalar(select(FeedbackResponse).order_by(FeedbackResponse.id.desc()).limit(1))
        assert stored.channel == FeedbackChannel.signed_in and stored.respondent_type == RespondentType.client
        assert not hasattr(stored, "client_id") and not hasattr(stored, "account_id")


def test_a_carer_gives_feedback_only_with_the_feedback_scope(app, client, sign_in, demo_ids):
    """The form records answers on the client's behalf: a carer the client did not grant
    "feedback" cannot open it at all."""
    client_id, carer_id = demo_ids
    with app.app_context():
        db.session.execute(CarerAccess.__table__.delete().where(CarerAccess.carer_account_id == carer_id))
        db.session.add(CarerAccess(carer_account_id=carer_id, client_id=client_id, scopes=["plan"],
                                   accepted_at=utcnow()))
        db.session.commit()
    sign_in("carer")
    assert client.get(f"/en/clients/{client_id}/feedback").status_code == 404
    assert client.post(f"/en/clients/{client_id}/feedback", data={"about": "service", "fft": "good"}).status_code == 404
    with app.app_context():
        access = db.session.scalar(select(CarerAccess).where(CarerAccess.carer_account_id == carer_id))
        access.scopes = ["plan", "feedback"]
        db.session.commit()
    html = client.get(f"/en/clients/{client_id}/feedback").get_data(as_text=True)
    assert "I am writing down their answers" in html
    client.post(f"/en/clients/{client_id}/feedback", data={"submission_key": _key(html), "about": "service", "answering": "client", "fft": "good"})
    with app.app_context():
        stored = db.session.scalar(select(FeedbackResponse).order_by(FeedbackResponse.id.desc()).limit(1))
        assert stored.respondent_type == RespondentType.client and stored.on_behalf_of_client
    html = client.get(f"/en/clients/{client_id}/feedback").get_data(as_text=True)
    client.post(f"/en/clients/{client_id}/feedback", data={"submission_key": _key(html), "about": "service", "answering": "carer", "fft": "good"})
    with app.app_context():
        stored = db.session.scalar(select(FeedbackResponse).order_by(FeedbackResponse.id.desc()).limit(1))
        assert stored.respondent_type == RespondentType.carer and not stored.on_behalf_of_client


def test_share_page_has_the_link_and_a_qr_code(client):
    html = client.get("/en/feedback/share").get_data(as_text=True)
    assert "/en/feedback" in html and "<svg" in html


def test_staff_release_redacted_text_for_commissioners(app, client, sign_in):
    key = _key(client.get("/en/feedback").get_data(as_text=True))
    client.post("/en/feedback", data={"submission_key": key, "respondent": "client", "fft": "good", "fft_reason": "Worker Jane at Flat 3 was great"})
    with app.app_context():
        stored = db.session.scalar(select(FeedbackResponse).where(FeedbackResponse.submission_key == key))
    sign_in("staff")
    client.post("/en/staff/feedback-text", data={"response_id": stored.id, "action": "release", "redacted_text": "Worker [name] was great"})
    with app.app_context():
        stored = db.session.get(FeedbackResponse, stored.id)
        assert stored.free_text_status.value == "released" and stored.released_text == "Worker [name] was great"


def _every_row(app) -> dict[str, set[str]]:
    """Every row of every table, as a DBA would dump it."""
    with app.app_context():
        return {table.name: {repr(tuple(row)) for row in db.session.execute(select(table))}
                for table in Base.metadata.sorted_tables}


def test_a_dba_cannot_join_signed_in_feedback_and_equality_answers_to_the_person(app, client, sign_in, demo_ids):
    """The penetration test's join: the audit event for giving feedback and the response
    shared a timestamp to the microsecond, linking an email and name to free text and
    equality answers. Now opening and sending the form writes nothing but the response, its
    equality row and the tallies; the response keeps only its day; no other row, in any
    table, carries a time from those moments or points at either row."""
    client_id, _carer = demo_ids
    sign_in("client")
    before = _every_row(app)
    opened = utcnow()
    html = client.get(f"/en/clients/{client_id}/feedback").get_data(as_text=True)
    equality = {f"equality_{q.code}": next(iter(q.codes)) for q in survey.EQUALITY_QUESTIONS}
    sent = client.post(f"/en/clients/{client_id}/feedback", data={
        "submission_key": _key(html), "about": "service", "fft": "poor", "fft_reason": "The visits are too short",
        **equality})
    assert sent.status_code == 302
    done = utcnow()
    after = _every_row(app)

    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"feedback_response", "equality_monitoring", "feedback_tally"}, changed
    with app.app_context():
        response = db.session.scalar(select(FeedbackResponse).where(FeedbackResponse.submission_key == _key(html)))
        row = db.session.scalar(select(EqualityMonitoring).where(EqualityMonitoring.feedback_response_id == response.id))
        assert row.ethnicity and response.fft_reason == "The visits are too short"
        # A day, not a moment: midnight UTC of the day it was given.
        assert response.submitted_at == dt.datetime.combine(done.date(), dt.time(), dt.UTC)
        # Neither row points anywhere that names a person, nor does anything point at them.
        for table in (FeedbackResponse.__table__, EqualityMonitoring.__table__):
            assert {fk.column.table.name for fk in table.foreign_keys} <= {"provider", "feedback_response"}
        for table in Base.metadata.sorted_tables:
            if table.name in ("feedback_response", "equality_monitoring"):
                continue
            assert not any(fk.column.table.name in ("feedback_response", "equality_monitoring") for fk in table.foreign_keys)
            # The join itself: any time from the moments the form was open and sent, anywhere.
            for column in table.columns:
                if isinstance(column.type, UTCDateTime):
                    near = db.session.scalar(select(func.count()).select_from(table).where(
                        column.between(opened, done)))
                    assert near == 0, f"{table.name}.{column.name} holds a time from when feedback was given"
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.object_type == "feedback")) == 0
