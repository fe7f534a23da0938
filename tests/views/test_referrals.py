"""Asking for an assessment (public, every language) and the staff triage queue."""
import re

from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.db import db
from portal.models import AuditEvent, Referral, SafeguardingAlert
from portal.models.plans import ReferralStatus
from tests.conftest import CheckedClient
from tests.pagecheck import page_problems


def _key(html):
    return re.search(r'name="submission_key" type="hidden" value="([0-9a-f]+)"', html).group(1)


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _latest(app) -> Referral:
    with app.app_context():
        referral = db.session.scalar(select(Referral).order_by(Referral.id.desc()).limit(1))
        db.session.expunge(referral)
        return referral


FOR_SOMEONE_ELSE = {
    "for_whom": "someone_else", "person_name": "Halima Warsame", "person_phone": "07700 900123",
    "about": "My mother needs help with washing and shopping", "agreement": "agrees",
    "referrer_name": "Amina Warsame", "relationship": "Daughter", "referrer_email": "amina@example.org",
}


def test_someone_asks_for_someone_else_and_gets_a_reference(app, client):
    html = client.get("/en/getting-support/ask").get_data(as_text=True)
    before = _count(app, Referral)
    response = client.post("/en/getting-support/ask", data={**FOR_SOMEONE_ELSE, "submission_key": _key(html)})
    assert response.status_code == 302 and "help=" not in response.headers["Location"]
    assert _count(app, Referral) == before + 1
    stored = _latest(app)
    assert stored.status == ReferralStatus.new and not stored.urgent and stored.client_id is None
    assert stored.for_someone_else and stored.agreement.value == "agrees" and stored.relationship_to_person == "Daughter"
    assert stored.referrer_email == "amina@example.org" and stored.language == "en"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert stored.reference in page and "What happens next" in page
    # The demo has more than enough contacted referrals for a wait to be shown, computed from them.
    assert "half of the people who asked were first contacted within" in page


def test_a_form_sent_twice_makes_one_referral(app, client):
    key = _key(client.get("/en/getting-support/ask").get_data(as_text=True))
    before = _count(app, Referral)
    first = client.post("/en/getting-support/ask", data={**FOR_SOMEONE_ELSE, "submission_key": key})
    second = client.post("/en/getting-support/ask", data={**FOR_SOMEONE_ELSE, "submission_key": key})
    assert _count(app, Referral) == before + 1
    assert first.headers["Location"] == second.headers["Location"]


def test_bad_input_is_explained_in_the_readers_language_and_what_was_typed_is_kept(app, client):
    # The checked client knows only the English "Error:" title prefix: check this page here.
    raw = FlaskClient(app, app.response_class, use_cookies=True)
    key = _key(raw.get("/pl/getting-support/ask").get_data(as_text=True))
    before = _count(app, Referral)
    typed = "Mama Zofia – ممتاز 👍"
    response = raw.post("/pl/getting-support/ask", data={
        "csrf_token": CheckedClient.csrf_token(raw), "submission_key": key, "for_whom": "someone_else",
        "person_name": typed, "agreement": "not_asked", "person_email": "not-an-email", "about": "x" * 2001})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert page_problems(html, error_prefixes=("Błąd:",)) == []
    assert 'class="govuk-error-summary' in html and '<html lang="pl"' in html
    assert "There is a problem" not in html and "Błąd:" in html  # the summary's own words are Polish
    assert typed in html and key in html and _count(app, Referral) == before


def test_bad_input_messages_in_english(client):
    key = _key(client.get("/en/getting-support/ask").get_data(as_text=True))
    html = client.post("/en/getting-support/ask", data={
        "submission_key": key, "for_whom": "someone_else", "person_name": "Sam Ray", "agreement": "not_asked",
        "person_email": "not-an-email", "about": "x" * 2001}).get_data(as_text=True)
    for message in ["Ask them first. They need to agree, unless they cannot decide for themselves",
                    "Enter your full name", "Enter how you know them",
                    "Enter your phone number or email address, so the team can contact you",
                    "Enter an email address in the correct format, like name@example.com",
                    "Your answer must be 2,000 characters or fewer"]:
        assert message in html
    assert 'value="Sam Ray"' in html
    empty = client.post("/en/getting-support/ask", data={"submission_key": key}).get_data(as_text=True)
    assert "Select who needs support" in empty
    for_me = client.post("/en/getting-support/ask", data={"submission_key": key, "for_whom": "me",
                                                          "person_name": "Sam Ray"}).get_data(as_text=True)
    assert "Enter a phone number or an email address, so the team can contact you" in for_me


def test_tampered_and_hostile_posts_never_fail(client):
    key = _key(client.get("/en/getting-support/ask").get_data(as_text=True))
    for data in [{"for_whom": "everyone"}, {"for_whom": "someone_else", "agreement": "maybe"},
                 {"for_whom": "me", "person_name": "A B", "person_phone": "1" * 5000},
                 {"for_whom": ["me", "someone_else"], "submission_key": "k" * 500}]:
        response = client.post("/en/getting-support/ask", data={"submission_key": key, **data})
        assert response.status_code in (200, 302)
    assert client.post("/en/getting-support/ask", data={"for_whom": "me"}, csrf=False).status_code == 400
    assert client.get("/en/getting-support/asked/RF-<script>").status_code == 404
    assert client.get("/en/getting-support/asked/not-a-reference").status_code == 404


def test_writing_that_shows_risk_shows_help_at_once_and_makes_it_urgent(app, client):
    key = _key(client.get("/en/getting-support/ask").get_data(as_text=True))
    alerts = _count(app, SafeguardingAlert)
    response = client.post("/en/getting-support/ask", data={
        "submission_key": key, "for_whom": "me", "person_name": "Sam Ray", "person_phone": "07700 900456",
        "about": "Some days I want to end my life"})
    assert response.headers["Location"].endswith("help=high")
    stored = _latest(app)
    assert stored.urgent
    assert _count(app, SafeguardingAlert, SafeguardingAlert.source == "referral") >= 1
    assert _count(app, SafeguardingAlert) == alerts + 1
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    main = html[html.index("<main"):]
    assert main.index("116 123") < main.index(stored.reference) and "999" in main
    assert "marked your request as urgent" in main


def test_someone_hurting_them_takes_the_safeguarding_route(app, client):
    key = _key(client.get("/en/getting-support/ask").get_data(as_text=True))
    response = client.post("/en/getting-support/ask", data={
        **FOR_SOMEONE_ELSE, "submission_key": key, "about": "her carer hits her when nobody is there"})
    assert "help=from_others" in response.headers["Location"]
    assert _latest(app).urgent
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "app-crisis-help--from_others" in html


def test_every_language_has_the_form(client):
    for lang in ["en", "ar", "pl", "ro", "sk", "so", "ur", "zh"]:
        html = client.get(f"/{lang}/getting-support/ask").get_data(as_text=True)
        assert 'name="for_whom"' in html and 'name="csrf_token"' in html


def test_staff_triage_urgent_first_then_oldest_and_every_step_is_audited(app, client, sign_in):
    key = _key(client.get("/en/getting-support/ask").get_data(as_text=True))
    client.post("/en/getting-support/ask", data={**FOR_SOMEONE_ELSE, "submission_key": key})
    new = _latest(app)
    sign_in("staff")
    queue = client.get("/en/staff/referrals").get_data(as_text=True)
    assert new.reference in queue and "Halima Warsame" in queue
    with app.app_context():
        open_rows = db.session.scalars(select(Referral).where(Referral.status.in_(["new", "contacted"]))
                                       .order_by(Referral.urgent.desc(), Referral.created_at)).all()
        order = [r.reference for r in open_rows]
    assert open_rows[0].urgent
    positions = [queue.index(ref) for ref in order]
    assert positions == sorted(positions)

    opened = _count(app, AuditEvent, AuditEvent.action == "referral_opened")
    page = client.get(f"/en/staff/referrals/{new.id}").get_data(as_text=True)
    assert "Amina Warsame" in page and "My mother needs help" in page
    assert _count(app, AuditEvent, AuditEvent.action == "referral_opened") == opened + 1
    # Passing it to a team straight away is not the next step: refused, explained, nothing changed.
    refused = client.post(f"/en/staff/referrals/{new.id}", data={"status": "passed_to_team"})
    assert refused.status_code == 200 and _latest(app).status == ReferralStatus.new
    response = client.post(f"/en/staff/referrals/{new.id}", data={"status": "contacted"})
    assert response.status_code == 302
    contacted = _latest(app)
    assert contacted.status == ReferralStatus.contacted and contacted.contacted_on is not None
    # Not eligible needs the reason.
    html = client.post(f"/en/staff/referrals/{new.id}", data={"status": "not_eligible"}).get_data(as_text=True)
    assert "Enter why they are not eligible" in html
    with app.app_context():
        team_id = db.session.scalar(select(func.min(Referral.team_id)).where(Referral.team_id.is_not(None))) or 1
    client.post(f"/en/staff/referrals/{new.id}", data={"status": "passed_to_team", "team": str(team_id)})
    done = _latest(app)
    assert done.status == ReferralStatus.passed_to_team and done.team_id == team_id
    assert new.reference not in client.get("/en/staff/referrals").get_data(as_text=True)
    assert _count(app, AuditEvent, AuditEvent.action == "referral_passed_to_team",
                  AuditEvent.object_id == str(new.id)) == 1


def test_commissioners_and_clients_never_see_referrals(client, sign_in):
    for role in ("commissioner", "client", "carer", "admin"):
        sign_in(role)
        assert client.get("/en/staff/referrals").status_code == 403
        client.get("/en/sign-out")
