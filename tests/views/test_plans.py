"""Support plans through the pages: clients, carers (consent scopes) and staff."""
import datetime as dt
import json
import re

from sqlalchemy import event, select

from portal.db import db
from portal.domain import plans
from portal.models import (
    Account,
    AuditEvent,
    CarerAccess,
    Client,
    GoalRating,
    OutboxMessage,
    PlanStatus,
    SafeguardingAlert,
    utcnow,
)
from tests.conftest import sign_in_client

RTL_TEXT = "أريد أن أطبخ وجبة ساخنة"  # unicode, right to left


def _ids(app, demo_accounts):
    with app.app_context():
        client_account = db.session.scalar(select(Account).where(Account.email == demo_accounts["client"].email))
        carer = db.session.scalar(select(Account).where(Account.email == demo_accounts["carer"].email))
        staff = db.session.scalar(select(Account).where(Account.email == demo_accounts["staff"].email))
        plan = plans.current_plan(db.session, client_account.client_id)
        goal = plans.active_goals(plan)[0]
        friend = db.session.scalar(select(CarerAccess.client_id).where(
            CarerAccess.carer_account_id == carer.id, CarerAccess.client_id != client_account.client_id))
        return {"client": client_account.client_id, "goal": goal.id, "carer": carer.id, "staff": staff.id,
                "friend": friend, "due": plans.open_review(plan).due_on, "team": staff.team_id}


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_my_support_shows_level_next_review_and_goals(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    html = _text(client.get(f"/en/clients/{ids['client']}/support"))
    assert "Your support" in html and "Your next review" in html
    assert re.search(r"Level [12] – (targeted help|ongoing care)", html)
    assert str(ids["due"].year) in html and "out of 10" in html


def test_client_rates_a_goal_and_bad_input_keeps_what_was_typed(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    url = f"/en/clients/{ids['client']}/goals/{ids['goal']}/rate"
    missing = client.post(url, data={"note": RTL_TEXT})
    assert missing.status_code == 200 and "Select a number from 0 to 10" in _text(missing)
    assert RTL_TEXT in _text(missing), "the note typed is kept"
    for bad in ("11", "-1", "five", "5.5"):
        assert "Select one of the options" in _text(client.post(url, data={"rating": bad}))
    too_long = client.post(url, data={"rating": "6", "note": "x" * 1001})
    assert "1,000 characters or fewer" in _text(too_long)
    saved = client.post(url, data={"rating": "7", "note": RTL_TEXT})
    assert saved.status_code == 302
    goals = _text(client.get(saved.headers["Location"]))
    assert "Your rating has been saved" in goals and RTL_TEXT in goals and "<svg" in goals
    with app.app_context():
        rating = db.session.scalar(select(GoalRating).where(GoalRating.goal_id == ids["goal"]).order_by(GoalRating.id.desc()))
        assert (rating.rating, rating.rated_by.value, rating.note) == (7, "client", RTL_TEXT)


def test_client_asks_for_changes_and_the_worker_is_told(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    url = f"/en/clients/{ids['client']}/plan"
    empty = client.post(url, data={"response": "talk", "comment": "  "})
    assert "Tell us what you would like to change" in _text(empty)
    done = client.post(url, data={"response": "talk", "comment": "Thursdays suit me better"})
    assert done.status_code == 302
    assert "told your worker" in _text(client.get(done.headers["Location"]))
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.subject.like("A client wants to talk%")))
        assert mail is not None and "Thursdays" not in mail.body_text, "no personal details in the mail"


def _alerts(app, client_id):
    with app.app_context():
        return db.session.scalars(select(SafeguardingAlert).where(SafeguardingAlert.client_id == client_id)).all()


def test_risk_in_a_plan_comment_shows_help_at_once_and_alerts_the_team(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    done = client.post(f"/en/clients/{ids['client']}/plan",
                       data={"response": "talk", "comment": "i have been saving my tablets, i dont see the point"})
    assert "help=high" in done.headers["Location"]
    page = _text(client.get(done.headers["Location"]))
    main = page[page.index("<main"):]
    assert main.index('href="tel:116123"') < main.index("told your worker")
    [alert] = _alerts(app, ids["client"])
    assert alert.source.value == "plan_comment" and alert.team_id == ids["team"] and "self" in alert.kinds


def test_risk_in_a_goal_note_alerts_the_team_but_a_workers_note_does_not(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    url = f"/en/clients/{ids['client']}/goals/{ids['goal']}/rate"
    sign_in("staff")
    client.post(url, data={"rating": "3", "note": "Discussed the self-harm safety plan with them today"})
    assert _alerts(app, ids["client"]) == []  # staff write about risk as part of the work
    client.post("/en/sign-out", data={})
    sign_in("client")
    saved = client.post(url, data={"rating": "2", "note": "my carer hits me when nobody is here"})
    assert "help=from_others" in saved.headers["Location"]
    assert "If someone is hurting you" in _text(client.get(saved.headers["Location"]))
    [alert] = _alerts(app, ids["client"])
    assert alert.source.value == "goal_note" and "from_others" in alert.kinds


def test_an_ordinary_comment_raises_nothing(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    done = client.post(f"/en/clients/{ids['client']}/plan", data={"response": "talk", "comment": "Can we cut my hours on Fridays?"})
    assert "help=" not in done.headers["Location"] and _alerts(app, ids["client"]) == []


def test_carer_sees_only_what_was_granted(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("carer")
    # The demo client granted plan, goals, reviews and feedback; the friend granted the plan only.
    assert client.get(f"/en/clients/{ids['client']}/goals").status_code == 200
    assert client.get(f"/en/clients/{ids['friend']}/support").status_code == 200
    assert client.get(f"/en/clients/{ids['friend']}/goals").status_code == 404
    assert client.get(f"/en/clients/{ids['friend']}/reviews").status_code == 404
    friend_page = _text(client.get(f"/en/clients/{ids['friend']}/support"))
    assert "Rate goals" not in friend_page and f"/clients/{ids['friend']}/goals" not in friend_page
    # Carers never answer for the client or manage the client's carers.
    assert client.post(f"/en/clients/{ids['client']}/plan", data={"response": "agree"}).status_code == 403
    assert client.get(f"/en/clients/{ids['client']}/carers").status_code == 403
    people = _text(client.get("/en/people-i-support"))
    assert "People you support" in people and people.count("govuk-heading-m") >= 2


def test_revoking_a_carer_stops_their_next_request(app, demo_accounts):
    ids = _ids(app, demo_accounts)
    carer, person = app.test_client(), app.test_client()
    carer.post("/en/sign-in", data={"email": demo_accounts["carer"].email, "password": demo_accounts["carer"].password})
    person.post("/en/sign-in", data={"email": demo_accounts["client"].email, "password": demo_accounts["client"].password})
    assert carer.get(f"/en/clients/{ids['client']}/plan").status_code == 200
    with app.app_context():
        access_id = db.session.scalar(select(CarerAccess.id).where(CarerAccess.carer_account_id == ids["carer"],
                                                                   CarerAccess.client_id == ids["client"]))
    # Narrow first: plan only, then goals are refused.
    assert person.post(f"/en/clients/{ids['client']}/carers/{access_id}", data={"scopes": ["plan"]}).status_code == 302
    assert carer.get(f"/en/clients/{ids['client']}/goals").status_code == 404
    stop = person.post(f"/en/clients/{ids['client']}/carers/{access_id}/stop", data={})
    assert stop.status_code == 302 and "Their access has stopped" in _text(person.get(stop.headers["Location"]))
    assert carer.get(f"/en/clients/{ids['client']}/plan").status_code == 404


def test_client_invites_a_carer_with_chosen_scopes(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    url = f"/en/clients/{ids['client']}/carers/invite"
    bad = client.post(url, data={"name": "Amina Yusuf", "email": "not-an-email", "relationship": RTL_TEXT})
    html = _text(bad)
    assert "Enter an email address in the correct format" in html and "Select at least one thing" in html
    assert 'value="Amina Yusuf"' in html and RTL_TEXT in html
    done = client.post(url, data={"name": "Amina Yusuf", "email": "Amina@Example.org", "scopes": ["plan", "reviews"]})
    assert done.status_code == 302
    listing = _text(client.get(done.headers["Location"]))
    assert "Amina Yusuf" in listing and "See reviews and get review reminders" in listing
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "amina@example.org"))
        assert mail is not None and "/en/invitation/" in mail.body_text


def test_who_has_looked_lists_carer_and_staff_views(app, demo_accounts):
    ids = _ids(app, demo_accounts)
    carer = app.test_client()
    carer.post("/en/sign-in", data={"email": demo_accounts["carer"].email, "password": demo_accounts["carer"].password})
    carer.get(f"/en/clients/{ids['client']}/goals")
    person = app.test_client()
    person.post("/en/sign-in", data={"email": demo_accounts["client"].email, "password": demo_accounts["client"].password})
    html = _text(person.get(f"/en/clients/{ids['client']}/who-has-looked"))
    assert "Yusuf Hussain (Carer)" in html and "Looked at your goals" in html


def test_download_my_data_holds_only_my_record(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("client")
    response = client.get(f"/en/clients/{ids['client']}/my-data.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    with app.app_context():
        me = db.session.get(Client, ids["client"])
        others = db.session.scalars(select(Client.family_name).where(Client.id != me.id).limit(50)).all()
    assert data["about_you"]["given_name"] == me.given_name
    assert data["support_plans"] and data["support_plans"][0]["versions"]
    dumped = json.dumps(data)
    assert not [name for name in set(others) if f'"{name}"' in dumped and name != me.family_name]
    page = _text(client.get(f"/en/clients/{ids['client']}/my-data"))
    assert me.given_name in page and "Download your data" in page


# -- Staff ------------------------------------------------------------------------------------

def test_caseload_filters_show_only_the_teams_clients(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("staff")
    for show in plans.CaseloadFilter:
        html = _text(client.get(f"/en/staff/caseload?show={show.value}"))
        with app.app_context():
            found, total = plans.caseload(db.session, ids["team"], utcnow().date(), show, limit=50)
            names = [f"{p.client.family_name}, {p.client.given_name}" for p in found]
        assert all(name in html for name in names)
    assert client.get("/en/staff/caseload?show=nonsense&page=-3").status_code == 200
    assert "Review overdue" in _text(client.get("/en/staff/caseload"))


def _client_without_plan(app, team_id):
    with app.app_context():
        found = plans.clients_without_plan(db.session, team_id)
        if found:
            return found[0].id
        person = Client(given_name="Noor", family_name="Test", team_id=team_id)
        db.session.add(person)
        db.session.commit()
        return person.id


def _provider_id(app):
    with app.app_context():
        from portal.models import Provider

        return db.session.scalar(select(Provider.id).order_by(Provider.id))


def test_staff_write_a_plan_with_a_client_and_bad_input_is_kept(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    person = _client_without_plan(app, ids["team"])
    sign_in("staff")
    url = f"/en/staff/clients/{person}/plan"
    assert "Write the support plan" in _text(client.get(url))
    form = {
        "level": "1", "arrangement": "council_arranged", "provider": str(_provider_id(app)), "hours_per_week": "six",
        "location": "own_home", "what_matters_to_me": RTL_TEXT,
        "goals-0-description": "Cook a hot meal", "goals-0-steps": "Plan meals on Sunday",
        "goals-0-target_date": ["31", "2", "2027"],
        "goals-1-description": "", "goals-1-steps": "Orphan step",
        "goals-2-description": "y" * 501,
    }
    html = _text(client.post(url, data=form))
    assert "Enter hours a week as a number" in html
    assert "Enter a real date" in html
    assert "Write the goal, or leave all of its boxes empty" in html
    assert "The goal must be 500 characters or fewer" in html
    assert RTL_TEXT in html and "Plan meals on Sunday" in html and 'value="31"' in html and "Orphan step" in html
    partial = _text(client.post(url, data={**form, "goals-0-target_date": ["", "3", "2027"]}))
    assert "Enter a full date, with a day, month and year" in partial
    good = {**form, "hours_per_week": "7.5", "goals-0-target_date": ["27", "3", "2027"], "goals-1-steps": "",
            "goals-2-description": "Walk to the park"}
    saved = client.post(url, data=good)
    assert saved.status_code == 302
    page = _text(client.get(saved.headers["Location"]))
    assert "Share the plan with the client" in page
    shared = client.post(saved.headers["Location"], data={})
    assert shared.status_code == 302 and "has been shared" in _text(client.get(shared.headers["Location"]))
    with app.app_context():
        plan = plans.current_plan(db.session, person)
        assert plan.status == PlanStatus.shared and plan.level == 1 and plan.versions[-1].hours_per_week == 7.5
        assert [g.description for g in plans.active_goals(plan)] == ["Cook a hot meal", "Walk to the park"]
        assert plans.active_goals(plan)[0].target_date == dt.date(2027, 3, 27)
        assert plan.versions[-1].what_matters_to_me == RTL_TEXT


def test_staff_cannot_change_agreed_support_outside_a_review(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("staff")
    with app.app_context():
        plan = plans.current_plan(db.session, ids["client"])
        ever_agreed = any(v.agreed_by_client_at for v in plan.versions)
    html = _text(client.get(f"/en/staff/clients/{ids['client']}/plan"))
    assert ever_agreed and "It changes only at a review" in html and 'name="hours_per_week"' not in html


def _level_1_client(app, team_id):
    with app.app_context():
        found, _ = plans.caseload(db.session, team_id, utcnow().date(), plans.CaseloadFilter.level_1_past_12, limit=500)
        plan = next(p for p in found if p.block_start <= utcnow().date())
        return plan.client_id, plan.block_start


def test_staff_record_a_review_that_moves_level_1_to_level_2(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    person, block_start = _level_1_client(app, ids["team"])
    sign_in("staff")
    url = f"/en/staff/clients/{person}/review/record"
    page = _text(client.get(url))
    assert "Move to Level 2 – ongoing care" in page and "Level 1 support so far" in page
    tomorrow = utcnow().date() + dt.timedelta(days=1)
    future = _text(client.post(url, data={"held_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
                                          "outcome": "move_to_level_2", "notes": RTL_TEXT}))
    assert "must be today or in the past" in future and RTL_TEXT in future
    assert "Select one of the options" in _text(client.post(url, data={"held_on": ["1", "1", "2026"], "outcome": "continue_level_2"}))
    today = utcnow().date()
    done = client.post(url, data={"held_on": [str(today.day), str(today.month), str(today.year)],
                                  "outcome": "move_to_level_2", "hours_per_week": "4", "notes": "Still needs help with bills"})
    assert done.status_code == 302
    reviews = _text(client.get(done.headers["Location"]))
    assert "Move to Level 2 – ongoing care" in reviews and "Still needs help with bills" in reviews
    with app.app_context():
        plan = plans.current_plan(db.session, person)
        assert plan.level == 2 and plan.status == PlanStatus.shared and plan.versions[-1].hours_per_week == 4
        assert plans.open_review(plan).due_on == plan.block_end
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review_recorded",
                                                          AuditEvent.client_id == person)) is not None


def test_staff_book_a_review_with_date_checks(app, client, sign_in, demo_accounts):
    ids = _ids(app, demo_accounts)
    sign_in("staff")
    url = f"/en/staff/clients/{ids['client']}/review/book"
    assert "Enter the date of the review" in _text(client.post(url, data={"scheduled_for": ["", "", ""]}))
    assert "Enter a real date" in _text(client.post(url, data={"scheduled_for": ["40", "13", "2026"]}))
    assert "Enter a real date" in _text(client.post(url, data={"scheduled_for": ["1", "2"]}))
    past = _text(client.post(url, data={"scheduled_for": ["1", "1", "2020"]}))
    assert "today or in the future" in past and 'value="2020"' in past
    day = ids["due"] - dt.timedelta(days=3)
    if day < utcnow().date():
        day = utcnow().date() + dt.timedelta(days=2)
    assert client.post(url, data={"scheduled_for": [str(day.day), str(day.month), str(day.year)]}).status_code == 302
    with app.app_context():
        plan = plans.current_plan(db.session, ids["client"])
        assert plans.open_review(plan).scheduled_for == day


def test_two_workers_editing_the_same_plan_the_second_is_told_and_keeps_their_words(app, demo_accounts):
    ids = _ids(app, demo_accounts)
    first, second = app.test_client(), app.test_client()
    for worker in (first, second):
        sign_in_client(app, worker, "staff")
    url = f"/en/staff/clients/{ids['client']}/plan"
    pages = [_text(w.get(url)) for w in (first, second)]
    lock = re.search(r'name="lock_version" type="hidden" value="(\d+)"', pages[0]).group(1)

    def form(words):
        with app.app_context():
            plan = plans.current_plan(db.session, ids["client"])
            goals = plans.active_goals(plan)
            data = {"what_matters_to_me": words, "lock_version": lock, "change_summary": "Reworded"}
            for i, goal in enumerate(goals):
                data[f"goals-{i}-goal_id"] = str(goal.id)
                data[f"goals-{i}-description"] = goal.description
            return data

    assert first.post(url, data=form("Seeing my brother every week")).status_code == 302
    clash = second.post(url, data=form("Feeling in charge of my home"))
    html = _text(clash)
    assert clash.status_code == 200 and "Someone else changed this plan" in html
    assert "Feeling in charge of my home" in html, "the second worker's words are still there to copy"
    with app.app_context():
        plan = plans.current_plan(db.session, ids["client"])
        assert plan.versions[-1].what_matters_to_me == "Seeing my brother every week"


def test_a_carers_grant_is_read_once_per_record_page(app, demo_accounts):
    """The access check reads the carer's grant; the page's sections and the feedback form's
    choices use that same grant rather than reading it again."""
    ids = _ids(app, demo_accounts)
    carer = app.test_client()
    carer.post("/en/sign-in", data={"email": demo_accounts["carer"].email, "password": demo_accounts["carer"].password})
    grant_reads: list[str] = []

    def watch(_conn, _cursor, statement, *_args):
        if "FROM carer_access" in statement:
            grant_reads.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        for page in ("plan", "goals", "feedback"):
            grant_reads.clear()
            response = carer.get(f"/en/clients/{ids['client']}/{page}")
            assert response.status_code == 200
            assert len(grant_reads) == 1, page
    finally:
        event.remove(engine, "before_cursor_execute", watch)
