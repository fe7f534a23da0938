"""The support plan on a phone, with and without JavaScript: a client finds their next
review and rates a goal; a carer with plan-only consent cannot reach goals; a worker
records a review that moves a client from Level 1 to Level 2."""
import datetime as dt
import re

import pytest

from tests.browser.conftest import no_horizontal_scroll, sign_in_as, then_check

PAGES = ["phone", "no_js_page"]


@pytest.mark.parametrize("which", PAGES)
def test_client_finds_next_review_and_rates_a_goal(request, live_server, visit, axe_checks, which):
    page = request.getfixturevalue(which)
    sign_in_as(page, visit, axe_checks, live_server, "client")
    assert re.search(r"/en/clients/\d+/support$", page.url)
    review = page.locator("h2", has_text="Your next review")
    assert review.count() == 1
    assert re.search(r"\d{4}", page.locator("main").inner_text().split("Your next review", 1)[1])
    assert no_horizontal_scroll(page)
    then_check(page, axe_checks, page.get_by_role("link", name="Rate goals and see progress").click)
    then_check(page, axe_checks, page.get_by_role("link", name=re.compile("^Rate this goal")).first.click)
    # Sending nothing first: the error summary names the problem.
    then_check(page, axe_checks, page.get_by_role("button", name="Save rating").click)
    assert "Select a number from 0 to 10" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("7", exact=True).check()
    page.get_by_label("Anything you would like to add (optional)").fill("Went shopping twice this week")
    then_check(page, axe_checks, page.get_by_role("button", name="Save rating").click)
    assert "Your rating has been saved" in page.content()
    assert "Went shopping twice this week" in page.locator("main").inner_text()
    assert no_horizontal_scroll(page)


@pytest.mark.parametrize("which", PAGES)
def test_carer_with_plan_only_consent_cannot_reach_goals(request, live_server, visit, axe_checks, which):
    page = request.getfixturevalue(which)
    sign_in_as(page, visit, axe_checks, live_server, "carer")
    assert page.url.endswith("/en/people-i-support")
    # Two people: the brother granted several scopes, the friend the plan only: one link,
    # to the support page. (Their order on the page follows their names, not the test.)
    people = page.locator("main h2 + p + ul")
    assert people.count() == 2
    friend = people.filter(has=page.locator("li:only-child"))
    assert friend.count() == 1
    assert friend.get_by_role("link").count() == 1
    then_check(page, axe_checks, friend.get_by_role("link").click)
    assert "/support" in page.url
    nav = page.get_by_role("navigation", name="Sections of the record")
    assert nav.get_by_role("link", name="Goals").count() == 0
    goals_url = page.url.replace("/support", "/goals")
    response = page.goto(goals_url)
    axe_checks.check(page)
    assert response.status == 404
    assert no_horizontal_scroll(page)


@pytest.mark.parametrize("which", PAGES)
def test_worker_records_a_review_moving_level_1_to_level_2(request, live_server, visit, axe_checks, which):
    page = request.getfixturevalue(which)
    sign_in_as(page, visit, axe_checks, live_server, "staff")
    assert page.url.endswith("/en/staff/caseload")
    then_check(page, axe_checks, page.get_by_role("link", name=re.compile("^Level 1 past 12 months")).click)
    then_check(page, axe_checks, page.locator("main table a").first.click)
    then_check(page, axe_checks, page.get_by_role("link", name="Record a review").click)
    today = dt.date.today()
    page.fill("#held_on-day", str(today.day))
    page.fill("#held_on-month", str(today.month))
    page.fill("#held_on-year", str(today.year))
    page.get_by_label("Move to Level 2 – ongoing care").check()
    page.get_by_label("Notes from the review").fill("Agreed together: ongoing care for now.")
    then_check(page, axe_checks, page.get_by_role("button", name="Save the review").click)
    main = page.locator("main").inner_text()
    assert "Move to Level 2 – ongoing care" in main and "Agreed together" in main
    then_check(page, axe_checks, page.get_by_role("navigation", name="Sections of the record").get_by_role("link", name="Support", exact=True).click)
    assert "Level 2 – ongoing care" in page.locator("main h2").first.inner_text()
    assert no_horizontal_scroll(page)


CLIENT_PAGES = ["support", "plan", "goals", "reviews", "carers", "carers/invite", "who-has-looked", "my-data"]


def test_every_client_page_fits_320px_and_passes_axe(narrow_page, live_server, visit, axe_checks):
    sign_in_as(narrow_page, visit, axe_checks, live_server, "client")
    base = narrow_page.url.rsplit("/", 1)[0]
    for section in CLIENT_PAGES:
        visit(narrow_page, f"{base}/{section}")
        assert narrow_page.locator("h1").count() == 1, section
        assert no_horizontal_scroll(narrow_page), section
    # The page for one carer's access, reached from the carers page.
    visit(narrow_page, f"{base}/carers")
    then_check(narrow_page, axe_checks, narrow_page.get_by_role("link", name="Change or stop access").first.click)
    assert no_horizontal_scroll(narrow_page)


def test_staff_pages_fit_320px_and_pass_axe(narrow_page, live_server, visit, axe_checks):
    sign_in_as(narrow_page, visit, axe_checks, live_server, "staff")
    assert no_horizontal_scroll(narrow_page)
    then_check(narrow_page, axe_checks, narrow_page.locator("main table a").first.click)
    client_base = narrow_page.url.rsplit("/", 1)[0]
    staff_base = client_base.replace("/en/clients/", "/en/staff/clients/")
    for url in [f"{staff_base}/plan", f"{staff_base}/plan/saved", f"{staff_base}/review/book", f"{staff_base}/review/record", f"{client_base}/plan",
                f"{client_base}/goals"]:
        visit(narrow_page, url)
        assert no_horizontal_scroll(narrow_page), url
