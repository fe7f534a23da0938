"""Journeys every later page relies on: signing in by keyboard on a phone, the skip link,
the crisis link at 320 px, errors, and the same without JavaScript."""
import pytest

from portal.demo import DEMO_ACCOUNTS
from tests.browser.conftest import no_horizontal_scroll, then_check, type_the_code

ACCOUNTS = {account.role: account for account in DEMO_ACCOUNTS}


def _sign_in_by_keyboard(page, visit, axe_checks, base, account):
    visit(page, f"{base}/en/sign-in")
    page.focus("#email")
    page.keyboard.type(account.email)
    page.keyboard.press("Tab")
    page.keyboard.type(account.password)
    then_check(page, axe_checks, lambda: page.keyboard.press("Enter"))
    if page.url.endswith("/sign-in/code"):
        type_the_code(page, axe_checks, account)


@pytest.mark.parametrize("role", ["client", "carer", "staff", "commissioner", "admin"])
def test_each_role_signs_in_and_out_by_keyboard(phone, live_server, visit, axe_checks, role):
    _sign_in_by_keyboard(phone, visit, axe_checks, live_server, ACCOUNTS[role])
    assert phone.locator("h1").count() == 1
    assert "/sign-in" not in phone.url
    assert no_horizontal_scroll(phone)
    then_check(phone, axe_checks, phone.get_by_role("button", name="Sign out").click)
    assert phone.locator("h1").inner_text() == "You have signed out"


def test_skip_link_is_first_and_moves_to_main_content(phone, live_server, visit):
    visit(phone, f"{live_server}/en/")
    phone.keyboard.press("Tab")
    focused = phone.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main-content"


def test_crisis_link_visible_at_320px_without_scrolling(narrow_page, live_server, visit, axe_checks):
    visit(narrow_page, f"{live_server}/en/")
    link = narrow_page.get_by_role("link", name="Get help now if you are in crisis")
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 640
    assert no_horizontal_scroll(narrow_page)
    then_check(narrow_page, axe_checks, link.click)
    assert "116 123" in narrow_page.content()
    assert no_horizontal_scroll(narrow_page)


def test_wrong_password_focuses_the_error_summary_and_keeps_the_email(phone, live_server, visit, axe_checks):
    visit(phone, f"{live_server}/en/sign-in")
    phone.fill("#email", ACCOUNTS["client"].email)
    phone.fill("#password", "not the password")
    then_check(phone, axe_checks, phone.get_by_role("button", name="Sign in").click)
    assert phone.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert phone.input_value("#email") == ACCOUNTS["client"].email
    assert phone.input_value("#password") == ""


def test_without_javascript_sign_in_and_chat_work(no_js_page, live_server, visit, axe_checks):
    _sign_in_by_keyboard(no_js_page, visit, axe_checks, live_server, ACCOUNTS["client"])
    assert "/sign-in" not in no_js_page.url
    visit(no_js_page, f"{live_server}/en/chat")
    no_js_page.fill("#message", "What is Level 2?")
    then_check(no_js_page, axe_checks, no_js_page.get_by_role("button", name="Send").click)
    content = no_js_page.content()
    assert "the assistant is not available" in content and "116 123" in content


@pytest.mark.parametrize("path", ["/en/", "/en/help-in-a-crisis", "/en/providers", "/en/feedback", "/en/about-the-service", "/en/council-arranged-or-direct-payments",
                                  "/en/accessibility-statement", "/en/chat", "/en/sign-in"])
def test_public_pages_fit_320px_and_pass_axe(narrow_page, live_server, visit, path):
    visit(narrow_page, f"{live_server}{path}")
    assert no_horizontal_scroll(narrow_page), path
