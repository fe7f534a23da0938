"""The commissioners' dashboard: every figure, disclosure control, no identities."""
import csv
import io
import re
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from portal.db import db
from portal.domain import survey
from portal.models import (
    Account,
    Client,
    EqualityMonitoring,
    FeedbackResponse,
    FreeTextStatus,
    SafeguardingAlert,
    utcnow,
)


def _csv_rows(client, period="all"):
    response = client.get(f"/en/insights/figures.csv?period={period}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


COUNT_MEASURES = {"responses", "answered", "count", "requests"}


def _visible_counts(client):
    """Every count a commissioner can see: CSV counts, and integer cells of the page's tables."""
    counts = [row["value"] for row in _csv_rows(client) if row["measure"] in COUNT_MEASURES]
    html = client.get("/en/insights?period=all").get_data(as_text=True)
    cells = re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">\s*([^<]*?)\s*</td>', html)
    key_figures = re.findall(r'<span class="govuk-heading-m">([^<]*)</span>', html)
    integers = [c for c in cells + key_figures if re.fullmatch(r"\d+|\*", c)]
    return counts + integers, html


def _allowed(text: str) -> bool:
    return text == "*" or (text.isdigit() and (int(text) == 0 or (int(text) >= 10 and int(text) % 5 == 0)))


def test_dashboard_shows_every_figure_for_the_demo_data(client, sign_in):
    sign_in("commissioner")
    html = client.get("/en/insights").get_data(as_text=True)
    for heading in ["Feedback", "By quarter", "By level of support", "By provider", "Clients and carers",
                    "By language of the form", "By age group", "By ethnic group", "By disability", "Outcome statements",
                    "Annual reviews overdue", "Level 1 for more than 12 months", "Level 1 for more than 24 months",
                    "Level 1 ended with discharge", "Level 1 ended with a move to Level 2",
                    "Median days from referral to support starting", "Mean change in goal rating",
                    "Goals improved by 3 points or more", "How support is arranged", "Preferences no provider can meet"]:
        assert heading in html, heading
    assert "<svg" in html and "95% interval" in html


def test_period_filter_and_csv(client, sign_in):
    sign_in("commissioner")
    everything = {r["breakdown"]: r for r in _csv_rows(client, "all") if r["measure"] == "responses"}
    quarter = {r["breakdown"]: r for r in _csv_rows(client, "quarter") if r["measure"] == "responses"}
    assert everything["all"]["value"] != quarter["all"]["value"]
    assert client.get("/en/insights?period=nonsense").status_code == 200


def test_every_visible_count_is_protected_on_the_demo_data(client, sign_in):
    sign_in("commissioner")
    counts, _html = _visible_counts(client)
    assert counts and all(_allowed(c) for c in counts), [c for c in counts if not _allowed(c)]


_answer = st.fixed_dictionaries({
    "fft": st.sampled_from(survey.FFT_CODES),
    "level": st.sampled_from([1, 2, None]),
    "language": st.sampled_from(["en", "ar", "ur", "pl"]),
    "respondent_type": st.sampled_from(["client", "carer"]),
    "outcome": st.sampled_from(survey.AGREEMENT_CODES),
    "sex": st.sampled_from(["female", "male", "prefer_not_to_say", None]),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.lists(_answer, min_size=0, max_size=40))
def test_property_no_visible_count_is_small_or_unrounded(app, client, sign_in, answers):
    """Whatever the responses, a commissioner never sees a count from 1 to 7 or one that is
    not a multiple of 5 (page or CSV)."""
    with app.app_context():
        db.session.execute(delete(SafeguardingAlert))
        db.session.execute(delete(EqualityMonitoring))
        db.session.execute(delete(FeedbackResponse))
        now = utcnow()
        for answer in answers:
            key = uuid.uuid4().hex
            result = db.session.execute(insert(FeedbackResponse).values(
                submission_key=key, submitted_at=now, channel="public_link", respondent_type=answer["respondent_type"],
                on_behalf_of_client=False, level=answer["level"], language=answer["language"], fft=answer["fft"],
                outcome_answers={"listened_to": answer["outcome"]}, free_text_status="none"))
            if answer["sex"]:
                db.session.execute(insert(EqualityMonitoring).values(feedback_response_id=result.inserted_primary_key[0], sex=answer["sex"]))
        db.session.commit()
    if not getattr(client, "_signed_in", False):
        sign_in("commissioner")
        client._signed_in = True
    counts, _html = _visible_counts(client)
    assert all(_allowed(c) for c in counts), [c for c in counts if not _allowed(c)]


def test_no_names_emails_or_unreleased_text_reach_commissioners(app, client, sign_in):
    with app.app_context():
        people = db.session.execute(select(Client.given_name, Client.family_name, Client.email)).all()
        emails = db.session.scalars(select(Account.email)).all()
        pending = set(db.session.scalars(select(FeedbackResponse.fft_reason).where(
            FeedbackResponse.free_text_status != FreeTextStatus.released, FeedbackResponse.fft_reason.is_not(None))))
        # The same words may also have been released from another response: those may show.
        pending -= set(db.session.scalars(select(FeedbackResponse.released_text).where(
            FeedbackResponse.free_text_status == FreeTextStatus.released)))
    sign_in("commissioner")
    html = client.get("/en/insights?period=all").get_data(as_text=True)
    body = html.split('<main', 1)[1].split('</main>', 1)[0]  # the header names the signed-in commissioner
    text = body + "\n".join(",".join(r.values()) for r in _csv_rows(client))
    leaks = [f"{g} {f}" for g, f, _e in people if f"{g} {f}" in text]
    leaks += [e for e in emails if e in text]
    leaks += [t for t in pending if len(t) > 12 and t in text]
    assert leaks == []


def test_released_text_does_reach_commissioners(app, client, sign_in):
    with app.app_context():
        response = db.session.scalar(select(FeedbackResponse).limit(1))
        response.free_text_status = FreeTextStatus.released
        response.released_text = "The worker always listened – released by staff"
        response.submitted_at = utcnow()
        db.session.commit()
    sign_in("commissioner")
    assert "released by staff" in client.get("/en/insights?period=all").get_data(as_text=True)


def test_only_commissioners_see_the_dashboard(client, sign_in):
    sign_in("staff")
    assert client.get("/en/insights").status_code == 403
    assert client.get("/en/insights/figures.csv").status_code == 403
