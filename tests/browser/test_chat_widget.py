"""The assistant's dialog on a phone: opened from any page by keyboard, messages announced
in a live region, crisis help shown at once (most browser tests run without Rasa, so this is
also the "assistant down" path), Escape closes it and focus goes back; axe with it open.
The last test uses the real Rasa server for its suggested-question buttons."""
import pytest

from tests.browser.conftest import no_horizontal_scroll
from tests.conftest import live_portal


@pytest.mark.parametrize("code", ["en", "ar"])
def test_dialog_by_keyboard_with_crisis_help(narrow_page, live_server, visit, axe_checks, code):
    page = narrow_page
    visit(page, f"{live_server}/{code}/about-the-service")
    launcher = page.locator("[data-app-chat-launcher]")
    launcher.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog[data-app-chat-dialog]")
    assert dialog.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.id") == "app-chat-message"
    # An empty question is explained, not sent.
    dialog.locator("button[type=submit]").click()
    error = dialog.locator("[data-app-chat-error]")
    assert error.is_visible()
    # GOV.UK's pattern: tied to the field, announced, and gone after a good send.
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == error.get_attribute("id")
    assert dialog.locator("[data-app-chat-status]").inner_text() == error.locator("[data-app-chat-error-text]").inner_text()
    page.keyboard.type("I want to end my life")
    dialog.locator("button[type=submit]").click()
    page.wait_for_selector("[data-app-chat-log] .app-crisis-help")
    assert not error.is_visible() and page.evaluate("!document.activeElement.hasAttribute('aria-describedby')")
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320, box  # the dialog fits the screen
    log = dialog.locator("[data-app-chat-log]")
    assert log.get_attribute("aria-live") == "polite"
    assert "116 123" in log.inner_text() and "85258" in log.inner_text()
    assert no_horizontal_scroll(page)
    axe_checks.check(page)
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.hasAttribute('data-app-chat-launcher')")


def test_without_javascript_the_launcher_is_a_link_to_the_chat_page(no_js_page, live_server, visit, axe_checks):
    visit(no_js_page, f"{live_server}/en/reviews")
    link = no_js_page.get_by_role("link", name="Ask the assistant").first
    with no_js_page.expect_navigation():
        link.click()
    axe_checks.check(no_js_page)
    assert no_js_page.url.endswith("/en/chat")


@pytest.fixture(scope="module")
def portal_with_assistant(database_template, tmp_path_factory, rasa_server):
    """A live portal talking to the real Rasa server (the other browser tests run without)."""
    with live_portal(database_template, tmp_path_factory.mktemp("widget-rasa"),
                     {"RASA_URL": rasa_server, "RASA_TIMEOUT_SECONDS": 10}) as live:
        yield live.base_url


def test_after_a_miss_suggested_questions_are_buttons_the_keyboard_can_use(phone, portal_with_assistant, visit,
                                                                          axe_checks):
    page = phone
    visit(page, f"{portal_with_assistant}/en/reviews")
    page.locator("[data-app-chat-launcher]").click()
    dialog = page.locator("dialog[data-app-chat-dialog]")
    page.keyboard.type("?? ...")  # no words: a miss
    dialog.locator("button[type=submit]").click()
    suggestions = dialog.locator(".app-chat__suggestions button")
    suggestions.first.wait_for()
    assert suggestions.count() >= 2
    axe_checks.check(page)
    suggestions.first.focus()
    page.keyboard.press("Enter")
    # The suggestion is sent as if typed; the answer is a topic answer ending with a link to its page.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-app-chat-log] .app-chat__message--assistant a')]"
        ".some(a => a.getAttribute('href').startsWith('/en/'))")
    assert dialog.locator(".app-chat__suggestions").count() == 0
    assert dialog.locator(".app-chat__message--user").count() == 2
