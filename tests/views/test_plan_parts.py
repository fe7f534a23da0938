"""What a Care Act plan holds and what people are told, through the pages: the personal
budget and the staying-well plan (written by staff, read in plain words in every language,
shown in the chat beside the crisis numbers), the conversation about the plan with its
caseload flag, asking for a review at any time, and the readable data download in the
reader's language."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.db import db
from portal.domain import audit, plans
from portal.i18n import LANGUAGES
from portal.labels import data_names
from portal.models import (
    Account,
    OutboxMessage,
    PlanComment,
    ReviewRequest,
    SafeguardingAlert,
    Update,
    UpdateKind,
)
from tests.views.test_plans import _client_without_plan, _ids, _provider_id, _text

PLAN_FORM = {
    "level": "2", "arrangement": "mixed", "provider": "", "hours_per_week": "6", "location": "own_home",
    "what_matters_to_me": "Being at home", "goals-0-description": "Cook a hot meal",
    "goals-0-steps": "Plan meals on Sunday",
    "budget_a_year": "£12,480", "direct_payment_a_year": "4160.50", "contribution_a_week": "",
    "warning_signs": "I stop sleeping", "what_helps": "Walking with my dog", "what_i_will_do": "Call my sister",
    "in_a_crisis": "I want to stay at home if it is safe",
    "contacts-0-name": "Amira (my sister)", "contacts-0-phone": "0114 496 0000",
    "contacts-1-name": "", "contacts-1-phone": "",
}


def test_staff_write_the_budget_and_staying_well_plan_and_bad_input_is_kept(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    person = _client_without_plan(app, ids["team"])
    sign_in("staff")
    url = f"/en/staff/clients/{person}/plan"
    form = {**PLAN_FORM, "provider": str(_provider_id(app))}
    html = _text(client.post(url, data={**form, "budget_a_year": "lots", "contacts-0-phone": "call me",
                                        "contacts-1-phone": "0114 496 0001"}))
    assert "Enter an amount in pounds, like 12480 or 240.50" in html
    assert "Enter a phone number, like 0114 496 0000" in html
    assert "Enter the name of the person to contact, or leave both boxes empty" in html
    assert 'value="lots"' in html and 'value="call me"' in html and "Walking with my dog" in html
    # A mix needs its split; the rule's refusal shows at the box it is about.
    html = _text(client.post(url, data={**form, "direct_payment_a_year": ""}))
    assert "For a mix, enter the part of the budget paid as a direct payment" in html
    saved = client.post(url, data=form)
    assert saved.status_code == 302
    with app.app_context():
        version = plans.current_plan(db.session, person).versions[-1]
        assert (version.budget_pence_a_year, version.budget_direct_payment_pence_a_year,
                version.contribution_pence_a_week) == (1_248_000, 416_050, 0)
        assert version.staying_well["contacts"] == [{"name": "Amira (my sister)", "phone": "0114 496 0000"}]
    html = _text(client.get(f"/en/clients/{person}/plan"))
    page = re.sub(r"<[^>]+>", "", html)  # amounts sit in left-to-right spans
    assert "My personal budget" in page and "£12,480.00" in page and "£240.00" in page  # a year, and a week
    assert "£4,160.50 a year paid to me as a direct payment" in page and "£8,319.50 a year" in page
    assert "My staying-well plan" in page and "Walking with my dog" in page
    assert 'href="tel:01144960000"' in html
    # The form shows what was saved when the plan is changed.
    again = _text(client.get(url))
    assert 'value="12480"' in again and 'value="4160.50"' in again and "I stop sleeping" in again


def test_an_agreed_budget_changes_only_at_a_review(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("staff")
    html = _text(client.get(f"/en/staff/clients/{ids['client']}/plan"))
    assert "The client has agreed this budget. It changes only at a review." in html
    assert 'name="budget_a_year"' not in html


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_the_plan_shows_budget_staying_well_and_conversation_in_every_language(app, client, sign_in, demo_accounts,
                                                                               lang):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    page = _text(client.get(f"/{lang}/clients/{ids['client']}/plan"))
    assert 'id="budget"' in page and 'id="staying-well"' in page and 'id="conversation"' in page
    assert re.search(r"£\s?6[,.\s\u00a0\u202f]?000", page) or "£" in page  # the demo's synthetic budget
    assert 'href="tel:01144960123"' in page  # the demo client's contact, a number from Ofcom's drama range
    assert "budget_pence" not in page and "warning_signs" not in page


def test_conversation_every_comment_kept_staff_flagged_and_reply_told(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    url = f"/en/clients/{ids['client']}/plan"
    for words in ("Can visits be on Thursdays?", "And later in the day, please"):
        field = "comment"
        data = {"response": "talk", field: words}
        assert client.post(url, data=data).status_code == 302
    page = _text(client.get(url))
    assert "Can visits be on Thursdays?" in page and "And later in the day, please" in page
    staff = app.test_client()
    from tests.conftest import sign_in_client

    sign_in_client(app, staff, "staff")
    caseload = _text(staff.get("/en/staff/caseload?show=comment_waiting"))
    assert "Comment waiting for a reply" in caseload
    empty = _text(staff.post(f"/en/staff/clients/{ids['client']}/plan/reply", data={"reply": "  "}))
    assert "Write your reply" in empty
    replied = staff.post(f"/en/staff/clients/{ids['client']}/plan/reply", data={"reply": "Thursdays are fine"})
    assert replied.status_code == 302
    with app.app_context():
        comments = db.session.scalars(select(PlanComment).join(PlanComment.plan)
                                      .where(PlanComment.text.in_(["Can visits be on Thursdays?",
                                                                   "And later in the day, please",
                                                                   "Thursdays are fine"]))
                                      .order_by(PlanComment.id)).all()
        assert [c.from_client for c in comments] == [True, True, False]
        update = db.session.scalar(select(Update).where(Update.client_id == ids["client"],
                                                        Update.kind == UpdateKind.plan_reply))
        assert update.told_at is not None and update.client_mailed
        told = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"update:{update.id}:%"),
                                                             OutboxMessage.to_address == demo_accounts["client"].email))
        assert told is not None and "Thursdays" not in told.body_text and "/sign-in" not in told.subject
    assert "Thursdays are fine" in _text(client.get(url))
    assert "A worker replied about the support plan" in _text(client.get(f"/en/clients/{ids['client']}/support"))
    assert "Comment waiting for a reply" not in _text(staff.get("/en/staff/caseload?show=comment_waiting"))


def test_a_client_asks_for_a_review_staff_see_it_and_a_review_answers_it(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    reviews = f"/en/clients/{ids['client']}/reviews"
    assert "you can ask for a review at any time" in _text(client.get(reviews))
    ask = f"{reviews}/ask"
    assert "Tell us why you would like a review" in _text(client.post(ask, data={"reason": " "}))
    too_long = _text(client.post(ask, data={"reason": "x" * 2001}))
    assert "2,000 characters or fewer" in too_long and "x" * 2001 in too_long
    assert client.post(ask, data={"reason": "My sleep has got worse"}).status_code == 302
    assert "Select how soon you need the review" in _text(client.post(f"{ask}/how-soon", data={}))
    done = client.post(f"{ask}/how-soon", data={"urgency": "soon"})
    assert done.status_code == 302
    page = _text(client.get(done.headers["Location"]))
    assert "A review has been asked for" in page and "My sleep has got worse" in page
    staff = app.test_client()
    from tests.conftest import sign_in_client

    sign_in_client(app, staff, "staff")
    queue = _text(staff.get("/en/staff/review-requests"))
    assert "In the next few weeks" in queue
    assert "Review asked for" in _text(staff.get("/en/staff/caseload?show=review_asked"))
    with app.app_context():
        asked = db.session.scalar(select(ReviewRequest).where(ReviewRequest.client_id == ids["client"]))
        assert asked.answered_at is None
        plan = plans.current_plan(db.session, ids["client"])
        staff_account = db.session.get(Account, ids["staff"])
        from portal.models import ReviewOutcome, utcnow

        plans.record_review(db.session, plan, outcome=ReviewOutcome.continue_level_2 if plan.level == 2
                            else ReviewOutcome.move_to_level_2, held_on=utcnow().date(), notes="", by=staff_account,
                            today=utcnow().date(), now=utcnow())
        db.session.commit()
        db.session.refresh(asked)
        assert asked.answered_at is not None and asked.review_id is not None


def test_risk_in_a_review_request_shows_help_and_alerts_the_team(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    answer = client.post(f"/en/clients/{ids['client']}/reviews/ask", data={"reason": "I want to kill myself"})
    assert answer.status_code == 302
    assert "help" in answer.headers["Location"]
    with app.app_context():
        alert = db.session.scalar(select(SafeguardingAlert).where(SafeguardingAlert.client_id == ids["client"],
                                                                  SafeguardingAlert.source == "review_request"))
        assert alert is not None


def test_the_readable_data_download_names_everything_in_the_readers_language(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("staff")
    assert client.get(f"/en/clients/{ids['client']}/plan").status_code == 200  # a read the export lists
    sign_in("client")
    data = client.get(f"/en/clients/{ids['client']}/my-data.json").get_json()

    def names(value):
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from names(item)
        elif isinstance(value, list):
            for item in value:
                yield from names(item)

    held = set(names(data))
    assert held - set(data_names) == set(), "a name in the export with no words for the readable copy"
    for lang in ("ur", "zh", "en"):
        page = _text(client.get(f"/{lang}/clients/{ids['client']}/my-data"))
        assert not [name for name in held if "_" in name and f">{name}<" in page]
        assert ">what matters to me<" not in page and ">hours per week<" not in page
        # Codes read as words too: every action of the audit trail (reads and the rest), the ethnic group.
        actions = {event["action"] for event in data["who_has_looked_at_your_record"]}
        assert actions & audit.READS and actions - audit.READS, actions
        assert not [code for code in actions if f">{code}<" in page]
        assert f">{data['about_you']['ethnicity']}<" not in page


def test_a_signed_in_clients_risky_chat_message_shows_their_staying_well_plan(app, client, sign_in, demo_accounts):
    anonymous = _text(app.test_client().post("/en/chat", data={"message": "I want to end my life"}))
    assert "116 123" in anonymous and "From the staying-well plan" not in anonymous
    sign_in("client")
    calm = _text(client.post("/en/chat", data={"message": "When is my next review?"}))
    assert "From the staying-well plan" not in calm
    html = _text(client.post("/en/chat", data={"message": "I want to end my life"}))
    numbers, own = html.index("116 123"), html.index("From the staying-well plan")
    assert numbers < own and "A walk by the river" in html and 'href="tel:01144960123"' in html
    reply = client.post("/en/chat/messages", json={"message": "I want to end my life"},
                        headers={"X-CSRFToken": client.csrf_token()}).get_json()
    assert "116 123" in reply["help_html"] and "A walk by the river" in reply["help_html"]


def test_a_carer_with_the_plan_scope_sees_the_staying_well_plan_in_the_chat(app, client, sign_in, demo_accounts):
    from portal.models import CarerAccess

    ids = _ids(app, demo_accounts)

    def grant(scopes):
        with app.app_context():
            access = db.session.scalar(select(CarerAccess).where(CarerAccess.carer_account_id == ids["carer"],
                                                                 CarerAccess.client_id == ids["client"],
                                                                 CarerAccess.revoked_at.is_(None)))
            access.scopes = scopes
            db.session.commit()

    grant(["goals", "plan"])
    sign_in("carer")
    assert client.get(f"/en/clients/{ids['client']}/goals").status_code == 200  # whom they act for now
    html = _text(client.post("/en/chat", data={"message": "I want to end my life"}))
    assert "116 123" in html and "A walk by the river" in html
    grant(["goals"])
    html = _text(client.post("/en/chat", data={"message": "I want to end my life"}))
    assert "116 123" in html and "A walk by the river" not in html


def test_an_invited_carer_sees_nothing_until_they_accept(app, client, sign_in, demo_accounts):
    from portal.models import AccountStatus, Role
    from tests.conftest import enter_session

    ids = _ids(app, demo_accounts)
    with app.app_context():
        helper = Account(email="pending-helper@example.org", display_name="Pat Helper", role=Role.carer,
                         status=AccountStatus.active)
        db.session.add(helper)
        db.session.commit()
        helper_id = helper.id
    sign_in("client")
    invited = client.post(f"/en/clients/{ids['client']}/carers/invite", data={
        "name": "Pat", "email": "pending-helper@example.org", "relationship": "Neighbour", "scopes": ["plan"]})
    assert invited.status_code == 302
    assert "Invited, not accepted yet" in _text(client.get(f"/en/clients/{ids['client']}/carers"))
    carer = app.test_client()
    enter_session(carer, helper_id)
    assert carer.get(f"/en/clients/{ids['client']}/support").status_code == 404
    waiting = _text(carer.get("/en/people-i-support"))
    access_id = int(re.search(r"/people-i-support/invitations/(\d+)/accept", waiting)[1])
    assert carer.post(f"/en/people-i-support/invitations/{access_id}/accept", data={}).status_code == 302
    assert carer.get(f"/en/clients/{ids['client']}/support").status_code == 200
    # Another's invitation, or one already accepted, cannot be accepted: the same 404 for both.
    assert carer.post(f"/en/people-i-support/invitations/{access_id}/accept", data={}).status_code == 404
    with app.app_context():
        kinds = db.session.scalars(select(Update.detail).where(Update.client_id == ids["client"],
                                                               Update.kind == UpdateKind.carer_access)).all()
        assert "invited" in kinds


def test_a_review_changes_the_budget_and_the_client_is_asked_to_agree(app, client, sign_in, demo_accounts):
    from portal.models import PlanStatus, utcnow

    ids = _ids(app, demo_accounts)
    with app.app_context():
        plan = plans.current_plan(db.session, ids["client"])
        outcome = next(o.value for o in plans.outcomes_for(plan) if o.value != "discharge")
    sign_in("staff")
    url = f"/en/staff/clients/{ids['client']}/review/record"
    today = utcnow().date()
    form = {"held_on": [str(today.day), str(today.month), str(today.year)], "outcome": outcome, "notes": "", "budget_a_year": "£7,000", "contribution_a_week": "250"}
    html = _text(client.post(url, data={**form, "budget_a_year": "7000.999"}))
    assert "Enter an amount in pounds, like 12480 or 240.50" in html and 'value="7000.999"' in html
    html = _text(client.post(url, data=form))
    assert "What the client pays cannot be more than the budget" in html
    assert client.post(url, data={**form, "contribution_a_week": "10"}).status_code == 302
    with app.app_context():
        plan = plans.current_plan(db.session, ids["client"])
        version = plan.versions[-1]
        assert (version.budget_pence_a_year, version.contribution_pence_a_week) == (700_000, 1000)
        assert plan.status == PlanStatus.shared and version.agreed_by_client_at is None


def test_staff_are_told_only_what_happened_when_a_plan_is_shared(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    person = _client_without_plan(app, ids["team"])  # no account on the website: no mail can reach them
    sign_in("staff")
    url = f"/en/staff/clients/{person}/plan"
    saved = client.post(url, data={**PLAN_FORM, "provider": str(_provider_id(app))})
    shared = client.post(saved.headers["Location"], data={})
    page = _text(client.get(shared.headers["Location"]))
    assert "we could not email them" in page and "We have emailed the client" not in page
    with app.app_context():
        update = db.session.scalar(select(Update).where(Update.client_id == person,
                                                        Update.kind == UpdateKind.plan_shared))
        assert update.told_at is not None and not update.client_mailed and update.mailed == 0
