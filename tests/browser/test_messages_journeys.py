"""Secure messages on a phone, with and without JavaScript: a client writes to their team
and reads the worker's reply; the worker finds it in the team inbox, assigns it and
replies; a carer allowed messages reads them, and cannot for the person who did not allow
it; words that show risk bring the crisis help at once; an open conversation shows a new
reply without a reload, announced, focus where it was. Axe on every page reached."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import no_horizontal_scroll, sign_in_as, then_check
from tests.conftest import live_portal

PAGES = ["phone", "no_js_page"]


def _sections(page):
    return page.get_by_role("navigation", name="Sections of the record")


@pytest.mark.parametrize("which", PAGES)
def test_client_sends_a_message_the_worker_assigns_and_replies_the_client_reads_it(
        request, browser, browser_context_args, live_server, visit, axe_checks, which):
    page = request.getfixturevalue(which)
    subject = f"Moving my visit ({which})"
    sign_in_as(page, visit, axe_checks, live_server, "client")
    then_check(page, axe_checks, _sections(page).get_by_role("link", name="Messages").click)
    main = page.locator("main").inner_text()
    assert "Messages are not read out of hours" in main and "working days" in main
    assert page.get_by_role("link", name="Get help now if you are in crisis").count() >= 1
    then_check(page, axe_checks, page.get_by_role("link", name="Write a new message").click)
    then_check(page, axe_checks, page.get_by_role("button", name="Send message").click)
    assert "Enter what your message is about" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("What is your message about?").fill(subject)
    page.get_by_label("Your message", exact=True).fill("Could the visit on Thursday be in the afternoon?")
    then_check(page, axe_checks, page.get_by_role("button", name="Send message").click)
    assert "Your message has been sent." in page.locator("main").inner_text()
    assert page.locator("ol.app-conversation li").last.inner_text().endswith(
        "Could the visit on Thursday be in the afternoon?")
    thread_url = page.url.split("?")[0]
    assert no_horizontal_scroll(page)
    # The client leaves the conversation: an open page would fetch the reply itself and count it read.
    page.goto("about:blank")

    context = browser.new_context(**{**browser_context_args, "java_script_enabled": which == "phone"})
    worker = context.new_page()
    worker.no_js = which != "phone"
    try:
        sign_in_as(worker, visit, axe_checks, live_server, "staff")
        visit(worker, f"{live_server}/en/staff/messages")
        first_row = worker.locator("tbody tr").first.inner_text()
        assert "Urgent" in first_row  # the demo's urgent conversation comes first
        then_check(worker, axe_checks, worker.get_by_role("link", name=subject).click)
        worker.get_by_label("Who will deal with it?").select_option(label="Jo Whitfield")
        then_check(worker, axe_checks, worker.get_by_role("button", name="Assign").click)
        assert "Dealt with by Jo Whitfield" in worker.locator("main").inner_text()
        worker.get_by_label("Your reply").fill("Yes, 2pm on Thursday is fine. The provider will ring you.")
        then_check(worker, axe_checks, worker.get_by_role("button", name="Send reply").click)
        assert "Your reply has been sent." in worker.locator("main").inner_text()
        assert no_horizontal_scroll(worker)
    finally:
        context.close()

    visit(page, thread_url)
    messages = page.locator("ol.app-conversation").inner_text()
    assert "Yes, 2pm on Thursday is fine." in messages and "Worker: Jo Whitfield" in messages
    assert page.locator(".app-conversation__new").count() == 1  # marked new, once


@pytest.mark.parametrize("which", PAGES)
def test_carer_reads_messages_only_where_allowed(request, live_server, visit, axe_checks, which):
    page = request.getfixturevalue(which)
    sign_in_as(page, visit, axe_checks, live_server, "carer")
    assert page.url.endswith("/en/people-i-support")
    then_check(page, axe_checks, page.get_by_role("link", name="Read and send messages to the team").click)
    assert re.search(r"/clients/\d+/messages$", page.url)
    assert "Messages are not read out of hours" in page.locator("main").inner_text()
    then_check(page, axe_checks, page.get_by_role("link", name="Going back to college").click)
    assert "My brother asked me to write for him." in page.locator("ol.app-conversation").inner_text()
    assert page.get_by_label("Your reply").count() == 1
    # The friend allowed the plan only: their messages are not there for this carer.
    visit(page, f"{live_server}/en/people-i-support")
    friend = page.locator("main h2 + p + ul").filter(has=page.locator("li:only-child"))
    support = friend.get_by_role("link").get_attribute("href")
    response = page.goto(f"{live_server}{support.replace('/support', '/messages')}")
    axe_checks.check(page)
    assert response.status == 404
    assert no_horizontal_scroll(page)


def test_words_that_show_risk_bring_help_at_once(phone, live_server, visit, axe_checks):
    sign_in_as(phone, visit, axe_checks, live_server, "client")
    then_check(phone, axe_checks, _sections(phone).get_by_role("link", name="Messages").click)
    then_check(phone, axe_checks, phone.get_by_role("link", name="Write a new message").click)
    phone.get_by_label("What is your message about?").fill("Tonight")
    phone.get_by_label("Your message", exact=True).fill("I want to end my life tonight, I can't do this any more")
    then_check(phone, axe_checks, phone.get_by_role("button", name="Send message").click)
    help_box = phone.locator("main .app-crisis-help").first
    assert help_box.is_visible() and "999" in help_box.inner_text()
    # The help comes before the conversation itself.
    assert phone.evaluate("""() => {
        const help = document.querySelector('main .app-crisis-help');
        const thread = document.querySelector('ol.app-conversation');
        return !!(help.compareDocumentPosition(thread) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert no_horizontal_scroll(phone)


@pytest.fixture(scope="module")
def quick_portal(database_template, tmp_path_factory):
    """A live portal of its own whose conversation pages ask for news every half second,
    so the test waits for the words, not for a 20 s clock."""
    with live_portal(database_template, tmp_path_factory.mktemp("quick-news"),
                     {"RASA_URL": "http://127.0.0.1:9", "RASA_TIMEOUT_SECONDS": 0.5,
                      "MESSAGES_POLL_SECONDS": 0.5}) as running:
        yield running.base_url


def test_an_open_conversation_shows_the_reply_without_a_reload_and_focus_stays(
        phone, browser, browser_context_args, quick_portal, visit, axe_checks):
    sign_in_as(phone, visit, axe_checks, quick_portal, "client")
    then_check(phone, axe_checks, _sections(phone).get_by_role("link", name="Messages").click)
    then_check(phone, axe_checks, phone.get_by_role("link", name="Going back to college").click)
    thread_url = phone.url.split("?")[0]
    news = phone.locator("[data-app-thread-news]")
    expect(news).to_have_attribute("aria-live", "polite")
    replies = phone.locator("ol.app-conversation li.app-conversation__message")
    before = replies.count()
    # The demo worker answered here before: the client sees their name on it.
    worker_name = re.search(r"Worker: ([^\n,]+)", phone.locator("ol.app-conversation").inner_text()).group(1)
    reply_box = phone.get_by_label("Your reply")
    reply_box.fill("I am halfway through writing this")
    phone.evaluate("window.sameDocument = true")  # gone if the page were loaded again

    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    worker = context.new_page()
    worker.no_js = True
    words = "I can ring on Monday at 11. <b>Does that suit?</b>"
    try:
        sign_in_as(worker, visit, axe_checks, quick_portal, "staff")
        visit(worker, thread_url)
        worker.get_by_label("Your reply").fill(words)
        then_check(worker, axe_checks, worker.get_by_role("button", name="Send reply").click)
    finally:
        context.close()

    expect(news).to_have_text(f"1 new message from Worker: {worker_name}", timeout=15_000)
    expect(replies).to_have_count(before + 1)
    latest = replies.last
    expect(latest).to_have_class(re.compile("app-conversation__message--reply"))
    expect(latest.locator("strong")).to_have_text(f"Worker: {worker_name}")
    expect(latest.locator("p.app-user-text")).to_have_text(words)  # as typed: no markup made of it
    assert latest.locator("b").count() == 0 and latest.locator("time").get_attribute("datetime")
    assert phone.evaluate("window.sameDocument") is True
    assert phone.evaluate("document.activeElement === document.querySelector('textarea[name=body]')")
    assert reply_box.input_value() == "I am halfway through writing this"
    axe_checks.check(phone)
    assert no_horizontal_scroll(phone)
