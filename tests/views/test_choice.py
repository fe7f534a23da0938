"""Asking to change how support is arranged, one question a page, and the staff decision."""
import datetime as dt

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import (
    Account,
    Arrangement,
    ArrangementRequest,
    CarerAccess,
    OutboxMessage,
    PlanStatus,
    SupportLocation,
    SupportPlan,
    SupportPlanVersion,
    Update,
    UpdateKind,
    utcnow,
)
from tests.conftest import sign_in_client


@pytest.fixture
def demo_client_id(app, demo_accounts):
    """The demo client's id, with an agreed council-arranged plan (made here if the demo has none)."""
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == demo_accounts["client"].email))
        plan = db.session.scalar(select(SupportPlan).where(SupportPlan.client_id == account.client_id, SupportPlan.ended_on.is_(None)))
        # Close any demo request so each test starts with none open.
        db.session.execute(
            ArrangementRequest.__table__.delete().where(ArrangementRequest.client_id == account.client_id)
        )
        if plan is None:
            today = utcnow().date()
            plan = SupportPlan(client_id=account.client_id, level=2, status=PlanStatus.agreed,
                               arrangement=Arrangement.council_arranged, block_start=today,
                               block_end=today + dt.timedelta(days=364), next_review_due=today + dt.timedelta(days=364),
                               started_on=today)
            db.session.add(plan)
            db.session.flush()
            db.session.add(SupportPlanVersion(plan_id=plan.id, version_no=1, level=2, status=PlanStatus.agreed,
                                              block_start=today, block_end=plan.block_end,
                                              arrangement=Arrangement.council_arranged, location=SupportLocation.own_home))
        else:
            plan.arrangement = Arrangement.council_arranged
        db.session.commit()
        return account.client_id


def _walk(client, base, to="direct_payment"):
    assert client.post(f"{base}/change", data={"to_arrangement": to}).status_code == 302
    assert client.post(f"{base}/change/preferences", data={
        "language": "ar", "worker_gender": "woman", "times_of_day": ["mornings", "weekends"],
        "cultural_or_faith_needs": "Halal food; no visits during Friday prayers", "preferred_provider": "",
    }).status_code == 302
    assert client.post(f"{base}/change/contact", data={"contact_method": "email", "contact_detail": "me@example.org"}).status_code == 302


def test_client_asks_for_a_direct_payment_and_gets_a_reference(app, client, sign_in, demo_client_id, demo_accounts):
    sign_in("client")
    base = f"/en/clients/{demo_client_id}/support-arrangement"
    assert "Council-arranged support" in client.get(base).get_data(as_text=True)
    _walk(client, base)
    check = client.get(f"{base}/change/check").get_data(as_text=True)
    assert "Check your answers" in check and "Arabic" in check and "Halal food" in check and "me@example.org" in check
    key = check.split('name="submission_key" type="hidden" value="')[1].split('"')[0]
    first = client.post(f"{base}/change/check", data={"submission_key": key})
    assert first.status_code == 302
    # A double submit (the same key again) records one request.
    client.post(f"{base}/change/check", data={"submission_key": key})
    with app.app_context():
        requests = db.session.scalars(select(ArrangementRequest).where(ArrangementRequest.client_id == demo_client_id)).all()
        assert len(requests) == 1
        made = requests[0]
        assert made.to_arrangement == Arrangement.direct_payment and made.preferences["language"] == "ar"
        # The client is told through their account (a link to sign in, no details); the
        # address typed as the way to contact them is for the worker.
        told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == demo_accounts["client"].email)).all()
        assert len(told) == 1 and made.reference not in told[0].body_text and "Halal" not in told[0].body_text
    confirmation = client.get(first.headers["Location"]).get_data(as_text=True)
    assert made.reference in confirmation and "Requested" in confirmation


def test_only_one_open_request_at_a_time(app, client, sign_in, demo_client_id):
    sign_in("client")
    base = f"/en/clients/{demo_client_id}/support-arrangement"
    _walk(client, base)
    key = client.get(f"{base}/change/check").get_data(as_text=True).split('name="submission_key" type="hidden" value="')[1].split('"')[0]
    client.post(f"{base}/change/check", data={"submission_key": key})
    again = client.get(f"{base}/change")
    assert again.status_code == 302 and "/requests/AR-" in again.headers["Location"]


def test_bad_answers_are_explained_and_kept(client, sign_in, demo_client_id):
    sign_in("client")
    base = f"/en/clients/{demo_client_id}/support-arrangement"
    html = client.post(f"{base}/change", data={}).get_data(as_text=True)
    assert "Select how you would like your support to be arranged" in html
    # Council-arranged is what the client has now, so it is not offered.
    assert client.post(f"{base}/change", data={"to_arrangement": "council_arranged"}).status_code == 200
    client.post(f"{base}/change", data={"to_arrangement": "mixed"})
    long_text = "نص طويل " * 80
    html = client.post(f"{base}/change/preferences", data={"worker_gender": "woman", "cultural_or_faith_needs": long_text}).get_data(as_text=True)
    assert "500 characters or fewer" in html and long_text.strip() in html
    client.post(f"{base}/change/preferences", data={"worker_gender": "no_preference"})
    html = client.post(f"{base}/change/contact", data={"contact_method": "phone", "contact_detail": "call me maybe"}).get_data(as_text=True)
    assert "Enter a phone number" in html and 'value="call me maybe"' in html


def test_skipping_ahead_goes_back_to_the_first_unanswered_question(client, sign_in, demo_client_id):
    sign_in("client")
    response = client.get(f"/en/clients/{demo_client_id}/support-arrangement/change/check")
    assert response.status_code == 302 and response.headers["Location"].endswith("/change/contact")


def test_another_clients_arrangement_is_not_found(app, client, sign_in, demo_client_id):
    sign_in("client")
    assert client.get(f"/en/clients/{demo_client_id + 100000}/support-arrangement").status_code == 404


def test_carer_needs_the_arrangement_scope(app, client, sign_in, demo_accounts, demo_client_id):
    with app.app_context():
        carer = db.session.scalar(select(Account).where(Account.email == demo_accounts["carer"].email))
        db.session.execute(CarerAccess.__table__.delete().where(CarerAccess.carer_account_id == carer.id))
        db.session.add(CarerAccess(carer_account_id=carer.id, client_id=demo_client_id, scopes=["plan"],
                                   accepted_at=utcnow()))
        db.session.commit()
    sign_in("carer")
    assert client.get(f"/en/clients/{demo_client_id}/support-arrangement").status_code == 404
    with app.app_context():
        access = db.session.scalar(select(CarerAccess).where(CarerAccess.carer_account_id == carer.id))
        access.scopes = ["plan", "arrangement"]
        db.session.commit()
    assert client.get(f"/en/clients/{demo_client_id}/support-arrangement").status_code == 200


def _submitted(client, base) -> str:
    _walk(client, base)
    key = client.get(f"{base}/change/check").get_data(as_text=True).split('name="submission_key" type="hidden" value="')[1].split('"')[0]
    return client.post(f"{base}/change/check", data={"submission_key": key}).headers["Location"].rsplit("/", 1)[1].split("?")[0]


def test_staff_decide_and_an_agreed_request_becomes_a_new_plan_version(app, sign_in, demo_accounts, demo_client_id):
    person = app.test_client()
    person.post("/en/sign-in", data={"email": demo_accounts["client"].email, "password": demo_accounts["client"].password})
    reference = _submitted(person, f"/en/clients/{demo_client_id}/support-arrangement")
    with app.app_context():
        versions_before = len(db.session.scalar(select(SupportPlan).where(SupportPlan.client_id == demo_client_id,
                                                                          SupportPlan.ended_on.is_(None))).versions)
    staff = app.test_client()
    sign_in_client(app, staff, "staff")
    queue = staff.get("/en/staff/arrangement-requests").get_data(as_text=True)
    assert reference in queue
    url = f"/en/staff/arrangement-requests/{reference}"
    assert staff.post(url, data={"action": "assign"}).status_code == 302
    # The person's stated preferences are on the decision page (times of day and the rest).
    decision = staff.get(url).get_data(as_text=True)
    assert "Mornings, Weekends" in decision and "Halal food" in decision and "Arabic" in decision
    assert "Choose what to do" in staff.post(url, data={"action": "nonsense"}).get_data(as_text=True)
    declined = staff.post(url, data={"action": "decline", "reason": ""}).get_data(as_text=True)
    assert "Enter the reason" in declined
    assert staff.post(url, data={"action": "discuss", "reason": ""}).status_code == 302
    assert staff.post(url, data={"action": "agree", "reason": "We agreed this at the meeting"}).status_code == 302
    assert "already been decided" in staff.post(url, data={"action": "decline", "reason": "x"}).get_data(as_text=True)
    with app.app_context():
        plan = db.session.scalar(select(SupportPlan).where(SupportPlan.client_id == demo_client_id, SupportPlan.ended_on.is_(None)))
        assert plan.arrangement == Arrangement.direct_payment and plan.provider_id is None
        assert len(plan.versions) == versions_before + 1
        assert plan.versions[-1].change_summary == f"Arrangement change {reference} agreed"
        subjects = db.session.scalars(select(OutboxMessage.subject).where(
            OutboxMessage.to_address == demo_accounts["client"].email)).all()
        assert len(subjects) >= 3, "a mail for the request and for each change of status"
        statuses = db.session.scalars(select(Update.detail).where(Update.client_id == demo_client_id,
                                                                  Update.kind == UpdateKind.request_status)
                                      .order_by(Update.id)).all()
        assert statuses == ["requested", "in_discussion", "agreed"]
    support = person.get(f"/en/clients/{demo_client_id}/support").get_data(as_text=True)
    assert "You manage a direct payment" in support
    track = person.get(f"/en/clients/{demo_client_id}/support-arrangement/requests/{reference}").get_data(as_text=True)
    assert "Agreed" in track


def test_risk_written_in_the_preferences_shows_help_on_the_next_page_and_alerts_the_team(app, client, sign_in,
                                                                                         demo_client_id):
    from portal.models import SafeguardingAlert

    sign_in("client")
    base = f"/en/clients/{demo_client_id}/support-arrangement/change"
    client.post(base, data={"to_arrangement": "direct_payment"})
    moved = client.post(f"{base}/preferences", data={
        "worker_gender": "no_preference", "cultural_or_faith_needs": "my son takes my money and shouts at me"})
    assert moved.status_code == 302 and "help=from_others" in moved.headers["Location"]
    assert "If someone is hurting you" in client.get(moved.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        alert = db.session.scalar(select(SafeguardingAlert).where(SafeguardingAlert.client_id == demo_client_id))
        assert alert is not None and alert.source.value == "arrangement_request"
