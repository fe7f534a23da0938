"""Feedback and the figures on a phone: a carer gives feedback for the person they support;
a commissioner reads the dashboard and downloads the CSV. Axe on every page reached."""
import csv
import io
import re
from pathlib import Path

import pytest

from tests.browser.conftest import no_horizontal_scroll, sign_in_as, then_check


@pytest.mark.parametrize("which", ["phone", "no_js_page"])
def test_carer_gives_feedback_for_the_person_they_support(request, live_server, visit, axe_checks, which):
    page = request.getfixturevalue(which)
    sign_in_as(page, visit, axe_checks, live_server, "carer")
    then_check(page, axe_checks, page.get_by_role("link", name="Give feedback for them").first.click)
    assert re.search(r"/clients/\d+/feedback$", page.url)
    # Nothing answered: the one required question is named in the error summary.
    then_check(page, axe_checks, page.get_by_role("button", name="Send feedback").click)
    assert "Select how your experience of our service was" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Good", exact=True).check()
    page.get_by_label("What is the main reason for your answer?").fill("The worker listens to my brother")
    then_check(page, axe_checks, page.get_by_role("button", name="Send feedback").click)
    assert "Thank you" in page.locator("h1").inner_text() or "Thank you" in page.locator("main").inner_text()
    assert no_horizontal_scroll(page)


def test_commissioner_reads_the_dashboard_and_downloads_the_csv(phone, live_server, visit, axe_checks):
    sign_in_as(phone, visit, axe_checks, live_server, "commissioner")
    assert phone.url.endswith("/en/insights")
    main = phone.locator("main").inner_text()
    assert "These figures are fixed" in main  # a release, never live data
    phone.get_by_label("All time").check()
    then_check(phone, axe_checks, phone.get_by_role("button", name="Show figures").click)
    assert "period=all" in phone.url
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download every figure of this release (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) > 20 and {"release_date", "period", "measure", "value"} <= set(rows[0])
    # Every count a commissioner can download is disclosure-controlled: 0, *, or a multiple of 5.
    for row in rows:
        if row["measure"] == "responses":
            assert row["value"] in ("", "0", "*") or int(row["value"]) % 5 == 0, row
    assert "@" not in text, "no email addresses"
    assert no_horizontal_scroll(phone)
