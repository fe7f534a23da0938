"""Changing how support is arranged, on a phone with and without JavaScript: the client
compares, asks one question a page and gets a reference; a worker agrees it; the client's
support page then shows the direct payment."""
import re

import pytest

from tests.browser.conftest import no_horizontal_scroll, sign_in_as, then_check


def _service_nav_link(page, name):
    """On a phone the service navigation folds into its Menu control (with or without JavaScript)."""
    menu = page.locator(".app-fold--menu > summary")
    if menu.count() and menu.is_visible() and not page.locator(".app-fold--menu[open]").count():
        menu.click()
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name)


def _sign_out(page, axe_checks):
    then_check(page, axe_checks, page.get_by_role("button", name="Sign out").click)


@pytest.mark.parametrize("which", ["phone", "no_js_page"])
def test_client_asks_for_a_change_and_a_worker_agrees_it(request, live_server, visit, axe_checks, which):
    page = request.getfixturevalue(which)
    sign_in_as(page, visit, axe_checks, live_server, "client")
    support = page.url
    then_check(page, axe_checks, page.get_by_role("navigation", name="Sections of the record")
               .get_by_role("link", name="How support is arranged").click)
    # The JavaScript run leaves a direct payment; the run without JavaScript changes it back.
    to_direct_payment = "Now: Council-arranged support" in page.locator("main").inner_text()
    then_check(page, axe_checks, page.get_by_role("link", name="Compare council-arranged support and direct payments").click)
    assert "Direct payments" in page.locator("main").inner_text()
    page.go_back()
    axe_checks.check(page)
    then_check(page, axe_checks, page.get_by_role("button", name="Ask to change how support is arranged").click)
    # Nothing chosen: the error is explained on the same page.
    then_check(page, axe_checks, page.get_by_role("button", name="Continue").click)
    assert page.locator(".govuk-error-summary").count() == 1
    page.get_by_label("A direct payment" if to_direct_payment else "Council-arranged support").check()
    then_check(page, axe_checks, page.get_by_role("button", name="Continue").click)
    page.get_by_label("No preference").check()
    page.get_by_label("Mornings").check()
    then_check(page, axe_checks, page.get_by_role("button", name="Continue").click)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Email address or phone number").fill("journey@example.org")
    then_check(page, axe_checks, page.get_by_role("button", name="Continue").click)
    assert "journey@example.org" in page.locator("main").inner_text()
    then_check(page, axe_checks, page.get_by_role("button", name="Send request").click)
    reference = re.search(r"AR-[A-Z0-9]+", page.locator("main").inner_text()).group(0)
    assert no_horizontal_scroll(page)
    _sign_out(page, axe_checks)

    sign_in_as(page, visit, axe_checks, live_server, "staff")
    then_check(page, axe_checks, _service_nav_link(page, "Arrangement requests").click)
    then_check(page, axe_checks, page.get_by_role("link", name=reference).click)
    page.get_by_label("Agree the change").check()
    page.get_by_label("Reason, in words the person will understand").fill("Agreed at our meeting")
    then_check(page, axe_checks, page.get_by_role("button", name="Save").click)
    assert "Agreed" in page.locator("main").inner_text()
    _sign_out(page, axe_checks)

    sign_in_as(page, visit, axe_checks, live_server, "client")
    assert page.url == support
    expected = "You manage a direct payment" if to_direct_payment else "The council is finding a provider"
    assert expected in page.locator("main").inner_text()
