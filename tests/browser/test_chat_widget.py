"""The assistant's dialog on a phone: opened from any page by keyboard, messages announced
in a live region, crisis help shown at once (the browser tests run without Rasa, so this is
also the "assistant down" path), Escape closes it and focus goes back; axe with it open."""
import pytest

from tests.browser.conftest import no_horizontal_scroll


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
    assert dialog.locator("[data-app-chat-error]").is_visible()
    page.keyboard.type("I want to end my life")
    dialog.locator("button[type=submit]").click()
    page.wait_for_selector("[data-app-chat-log] .app-crisis-numbers")
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
