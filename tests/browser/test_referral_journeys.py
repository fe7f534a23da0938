"""The front door on a phone: someone asks for an assessment for a friend, sees the reference;
staff find it in the triage queue and mark it contacted. Axe on every page reached."""
import re

from portal.domain.risk import classifier
from tests.browser.conftest import no_horizontal_scroll, sign_in_as, then_check


def test_someone_asks_for_a_friend_and_staff_mark_it_contacted(phone, live_server, visit, axe_checks):
    # The live server runs in this process: wait here for the risk classifier's training (tens
    # of seconds on a busy machine), not inside the click that sends what was written.
    classifier.shared()
    visit(phone, f"{live_server}/en/getting-support")
    then_check(phone, axe_checks, phone.get_by_role("button", name="Ask for an assessment").click)
    assert phone.url.endswith("/en/getting-support/ask")
    assert no_horizontal_scroll(phone)

    # Someone else, but no agreement and no way to reach the asker: explained, and kept.
    phone.get_by_label("Someone else").check()
    phone.get_by_label("Full name", exact=True).fill("Joan Staniforth")
    then_check(phone, axe_checks, phone.get_by_role("button", name="Send").click)
    summary = phone.locator(".govuk-error-summary").inner_text()
    assert "Select whether the person agrees" in summary and "Enter how you know them" in summary
    assert phone.get_by_label("Full name", exact=True).input_value() == "Joan Staniforth"

    phone.get_by_label("Yes, they agree").check()
    phone.get_by_label("Your full name").fill("Peter Gill")
    phone.get_by_label("How do you know them?").fill("Friend")
    phone.get_by_label("Your phone number (optional if you give an email address)").fill("07700 900777")
    phone.get_by_label("What is happening, and what would help? (optional)").fill(
        "Joan needs help with shopping and getting to appointments")
    then_check(phone, axe_checks, phone.get_by_role("button", name="Send").click)
    reference = re.search(r"RF-[A-Z2-9]{6}", phone.locator(".app-reference").inner_text()).group(0)
    assert "What happens next" in phone.locator("main").inner_text()
    assert no_horizontal_scroll(phone)

    phone.context.clear_cookies()
    sign_in_as(phone, visit, axe_checks, live_server, "staff")
    visit(phone, f"{live_server}/en/staff/referrals")
    queue = phone.locator("main").inner_text()
    assert reference in queue and "Urgent" in queue  # the demo's urgent one sits at the top
    assert no_horizontal_scroll(phone)
    then_check(phone, axe_checks, phone.get_by_role("link", name=reference).click)
    assert "Peter Gill (Friend)" in phone.locator("main").inner_text()
    phone.get_by_label("Contacted").check()
    then_check(phone, axe_checks, phone.get_by_role("button", name="Save").click)
    assert phone.url.split("?")[0].endswith("/en/staff/referrals")
    row = phone.locator("tr", has_text=reference)
    assert "Contacted" in row.inner_text()


def test_the_form_fits_a_320_px_phone_in_a_right_to_left_language(narrow_page, live_server, visit):
    for lang in ("en", "ar"):
        visit(narrow_page, f"{live_server}/{lang}/getting-support/ask")
        assert narrow_page.locator("html").get_attribute("lang") == lang
        assert no_horizontal_scroll(narrow_page)
