"""The client's plan on a phone (375 and 320 px): the personal budget, the staying-well plan
and the conversation about the plan, in every language, printed as well as on screen; the
client writes to their worker and asks for a review; the worker writes the staying-well plan
and budget with them. axe on every page, no sideways scroll."""
import re

from portal.i18n import LANGUAGES
from tests.browser.conftest import no_horizontal_scroll, sign_in_as, then_check

# What people write goes through the risk detector, whose first use in a process loads its
# model: on a busy machine that can take longer than Playwright's 30 seconds.
RISK_DETECTOR_FIRST_USE_MS = 120_000


def _plan_url(page) -> str:
    return re.sub(r"/support$", "/plan", page.url)


def test_client_reads_budget_staying_well_and_talks_about_changes_on_a_phone(phone, live_server, visit, axe_checks):
    phone.set_default_timeout(RISK_DETECTOR_FIRST_USE_MS)
    sign_in_as(phone, visit, axe_checks, live_server, "client")
    visit(phone, _plan_url(phone))
    main = phone.locator("main")
    for heading in ("My personal budget", "My staying-well plan", "Talking about changes"):
        assert main.get_by_role("heading", name=heading).is_visible()
    assert "£" in main.locator(".app-budget").inner_text()
    contact = main.locator(".app-staying-well a[href^='tel:']").first
    assert contact.is_visible() and contact.get_attribute("href") == "tel:01144960123"
    assert no_horizontal_scroll(phone)
    talk = phone.get_by_label("I want to talk about changes")
    if talk.count():  # a version waits for agreement: agree, or talk about changes
        talk.check()
    phone.locator("textarea[name='comment']").fill("Could my visits be in the afternoon?")
    then_check(phone, axe_checks, phone.get_by_role("button", name="Send").click)
    assert "Could my visits be in the afternoon?" in phone.locator(".app-conversation").inner_text()
    assert no_horizontal_scroll(phone)


def test_client_asks_for_a_review_on_a_phone(phone, live_server, visit, axe_checks):
    phone.set_default_timeout(RISK_DETECTOR_FIRST_USE_MS)
    sign_in_as(phone, visit, axe_checks, live_server, "client")
    visit(phone, re.sub(r"/support$", "/reviews", phone.url))
    then_check(phone, axe_checks, phone.get_by_role("link", name="Ask for a review").click)
    phone.get_by_label("Why would you like a review?").fill("My hours are not enough since I moved")
    then_check(phone, axe_checks, phone.get_by_role("button", name="Continue").click)
    phone.get_by_label("In the next few weeks").check()
    then_check(phone, axe_checks, phone.get_by_role("button", name="Ask for a review").click)
    assert "A review has been asked for" in phone.locator("main").inner_text()
    assert no_horizontal_scroll(phone)


def test_the_plan_fits_320px_in_every_language_on_screen_and_in_print(narrow_page, live_server, visit, axe_checks):
    sign_in_as(narrow_page, visit, axe_checks, live_server, "client")
    plan_path = re.sub(r"^.*?/en/", "/", _plan_url(narrow_page))
    for lang in sorted(LANGUAGES):
        visit(narrow_page, f"{live_server}/{lang}{plan_path}")
        for part in ("#budget", "#staying-well", "#conversation", ".app-budget", ".app-staying-well"):
            assert narrow_page.locator(part).is_visible(), (lang, part)
        assert no_horizontal_scroll(narrow_page), lang
        # The printed copy: only the plan (no navigation or forms), nothing wider than the page.
        narrow_page.emulate_media(media="print")
        assert narrow_page.locator(".app-budget").is_visible() and narrow_page.locator(".app-staying-well").is_visible()
        assert not narrow_page.locator(".app-record-nav").is_visible()
        assert not narrow_page.locator("form.app-print-hide").first.is_visible()
        assert no_horizontal_scroll(narrow_page), (lang, "print")
        narrow_page.emulate_media(media="screen")


def test_worker_writes_the_staying_well_plan_and_budget_with_the_client_on_a_phone(phone, live_server, visit,
                                                                                    axe_checks):
    phone.set_default_timeout(RISK_DETECTOR_FIRST_USE_MS)
    sign_in_as(phone, visit, axe_checks, live_server, "staff")
    then_check(phone, axe_checks, phone.locator("main table a").first.click)
    staff_plan = phone.url.rsplit("/", 1)[0].replace("/en/clients/", "/en/staff/clients/") + "/plan"
    visit(phone, staff_plan)
    signs = "Sleeping less than five hours, missing the Tuesday group"
    phone.get_by_label("My early warning signs").fill(signs)
    budget = phone.get_by_label("Personal budget a year")
    if budget.count():  # an agreed budget changes only at a review: then there is no box
        budget.fill("a lot")
    then_check(phone, axe_checks, phone.get_by_role("button", name="Save the plan").click)
    if budget.count():
        # Bad input: the error summary names the box, and nothing typed is lost.
        assert phone.locator(".govuk-error-summary").is_visible()
        assert phone.get_by_label("My early warning signs").input_value() == signs
        phone.get_by_label("Personal budget a year").fill("9,360")
        then_check(phone, axe_checks, phone.get_by_role("button", name="Save the plan").click)
    assert phone.url.endswith("/plan/saved")
    then_check(phone, axe_checks, phone.get_by_role("link", name="Read the plan").click)
    assert signs in phone.locator(".app-staying-well").inner_text()
    assert no_horizontal_scroll(phone)
