"""The commissioners' figures: they read frozen releases, every count protected, the
downloads safe to open, no identities."""
import csv
import datetime as dt
import io
import json
import re
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import delete, insert, select

from portal.db import db
from portal.domain import releases, survey, tally
from portal.models import (
    Account,
    Client,
    EqualityMonitoring,
    FeedbackResponse,
    FreeTextStatus,
    InsightRelease,
    Provider,
    SafeguardingAlert,
    utcnow,
)


def _csv(client, query="", lang="en"):
    response = client.get(f"/{lang}/insights/figures.csv{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return response


def _csv_rows(client, query="", lang="en"):
    body = _csv(client, query, lang).get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _sheet_rows(client, query=""):
    response = client.get(f"/en/insights/figures.xlsx{query}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    return book, [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]


COUNT_MEASURES = {"responses", "answered", "started", "ended", "open_plans", "level_1_open", "goals_rated",
                  "arrangement_decided", "requests"}


def _visible_counts(client):
    """Every count a commissioner can see: CSV and spreadsheet counts, and integer cells of
    the page's tables and summary, for every period."""
    # An empty value is a figure not recorded (satisfaction by area), not a count.
    counts = [row["value"] for row in _csv_rows(client) if row["measure"] in COUNT_MEASURES and row["value"] != ""]
    _book, sheet = _sheet_rows(client)
    counts += [str(row["value"]) for row in sheet if row["measure"] in COUNT_MEASURES and row["value"] is not None]
    for period in ("quarter", "year", "all"):
        html = client.get(f"/en/insights?period={period}").get_data(as_text=True)
        cells = re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">\s*([^<]*?)\s*</td>', html)
        summary = re.findall(r'<span class="app-summary__figure[^"]*"[^>]*>([^<]*)</span>', html)
        counts += [c for c in cells + summary if re.fullmatch(r"\d+|\*", c)]
    return counts


def _allowed(text: str) -> bool:
    return text == "*" or (text.isdigit() and (int(text) == 0 or (int(text) >= 10 and int(text) % 5 == 0)))


def test_dashboard_shows_every_figure_of_the_release_with_its_dates(client, sign_in):
    sign_in("commissioner")
    html = client.get("/en/insights").get_data(as_text=True)
    for heading in ["Summary", "Friends and Family Test", "By quarter", "By level of support", "By provider",
                    "Clients and carers", "By language of the form", "By age group", "By ethnic group", "By disability",
                    "Outcome statements", "hope, meaning and purpose", "How Level 1 support ended", "Moved to Level 2",
                    "The line marks the aim: 20%", "Wait from referral to support", "Fair access", "By preferred language",
                    "By area", "Annual reviews overdue", "Level 1 for more than 12 months", "Level 1 for more than 24 months",
                    "Mean change in goal rating", "Goals improved by 3 points or more", "How support is arranged",
                    "Preferences no provider can meet", "All releases"]:
        assert heading in html, heading
    assert re.search(r"Release of <span[^>]*>\d+ \w+ \d{4}</span>", html)
    # "Last 12 months" says which 12 months: whole quarters that have ended.
    assert re.search(r"Last 12 months.*?1 \w+ \d{4} to 3\d \w+ \d{4}", html, re.S)
    assert 'role="region"' in html and 'tabindex="0"' in html


def test_a_response_added_after_a_release_changes_nothing_a_commissioner_sees(app, client, sign_in):
    sign_in("commissioner")
    before = [client.get(f"/en/insights?period={p}").get_data(as_text=True) for p in ("quarter", "year", "all")]
    csv_before, xlsx_before = _csv(client).get_data(), _sheet_rows(client)[1]
    with app.app_context():
        for _ in range(40):
            db.session.execute(insert(FeedbackResponse).values(
                submission_key=uuid.uuid4().hex, submitted_at=utcnow() - dt.timedelta(days=200), channel="public_link",
                respondent_type="client", on_behalf_of_client=False, level=1, language="pl", fft="very_poor",
                outcome_answers={}, free_text_status="none"))
        tally.rebuild(db.session)
        db.session.commit()
    after = [client.get(f"/en/insights?period={p}").get_data(as_text=True) for p in ("quarter", "year", "all")]
    main = lambda html: html.split("<main", 1)[1].split("</main>", 1)[0]  # noqa: E731
    assert [main(h) for h in after] == [main(h) for h in before]
    assert _csv(client).get_data() == csv_before and _sheet_rows(client)[1] == xlsx_before


def test_past_releases_stay_readable_and_a_correction_shows_its_note(app, client, sign_in):
    with app.app_context():
        first = releases.latest(db.session).id
        releases.make_release(db.session, now=utcnow(), correction_note="Two reviews were recorded on the wrong plan.")
        db.session.commit()
    sign_in("commissioner")
    latest = client.get("/en/insights").get_data(as_text=True)
    assert "Two reviews were recorded on the wrong plan." in latest and "correction" in latest
    assert client.get(f"/en/insights?release={first}").status_code == 200
    assert f'href="/en/insights?release={first}"' in latest
    for bad in ("999999", "abc", "1" * 30):
        assert client.get(f"/en/insights?release={bad}").status_code == 404
    assert client.get("/en/insights?period=nonsense").status_code == 200


def test_no_release_yet_says_so(app, client, sign_in):
    with app.app_context():
        db.session.execute(delete(InsightRelease))  # Core: the ORM refuses, as it should
        db.session.commit()
    sign_in("commissioner")
    assert "No figures have been released yet" in client.get("/en/insights").get_data(as_text=True)
    assert client.get("/en/insights/figures.csv").status_code == 404


def test_every_visible_count_is_protected_on_the_demo_data(client, sign_in):
    sign_in("commissioner")
    counts = _visible_counts(client)
    assert counts and all(_allowed(c) for c in counts), [c for c in counts if not _allowed(c)]


def test_csv_is_named_by_release_date_with_codes_and_labels_in_the_readers_language(app, client, sign_in):
    sign_in("commissioner")
    with app.app_context():
        released_on = releases.latest(db.session).released_on.isoformat()
    response = _csv(client)
    assert f'filename="commissioners-figures-{released_on}.csv"' in response.headers["Content-Disposition"]
    english, arabic = _csv_rows(client), _csv_rows(client, lang="ar")
    assert [(r["figure"], r["breakdown"], r["category"], r["measure"], r["value"]) for r in english] == \
        [(r["figure"], r["breakdown"], r["category"], r["measure"], r["value"]) for r in arabic]
    white = next(r for r in english if r["breakdown"] == "ethnic_group" and r["category"] == "white")
    white_ar = next(r for r in arabic if r["breakdown"] == "ethnic_group" and r["category"] == "white")
    assert white["category_label"] == "White" and white_ar["category_label"] != "White"
    assert {r["period"] for r in english} >= {"quarter", "year", "all", "release_day"}
    assert all(r["period_start"] and r["period_end"] and r["release_date"] == released_on for r in english)


def test_downloads_neutralise_formulas(app, client, sign_in):
    """A provider's name is typed by an administrator: "=HYPERLINK(…)" must not run in Excel."""
    with app.app_context():
        provider = db.session.scalar(select(Provider).order_by(Provider.id).limit(1))
        provider.name = '=HYPERLINK("http://evil.invalid","Click")'
        db.session.commit()
    sign_in("commissioner")
    rows = _csv_rows(client)
    labels = [r["category_label"] for r in rows if r["breakdown"] == "provider"]
    assert "'=HYPERLINK(\"http://evil.invalid\",\"Click\")" in labels
    assert not any(value.startswith(("=", "+", "@")) for r in rows for value in r.values())
    book, sheet = _sheet_rows(client)
    for worksheet in book.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f" and not (isinstance(cell.value, str) and cell.value.startswith(("=", "+", "@")))
    assert any(row["category_label"] == "'=HYPERLINK(\"http://evil.invalid\",\"Click\")" for row in sheet)


def test_spreadsheet_holds_the_same_figures_as_the_csv(client, sign_in):
    sign_in("commissioner")
    from_csv = [(r["period"], r["figure"], r["breakdown"], r["category"], r["measure"], r["value"]) for r in _csv_rows(client)]
    book, sheet = _sheet_rows(client)
    from_sheet = [(r["period"], r["figure"], r["breakdown"], r["category"], r["measure"],
                   "" if r["value"] is None else str(r["value"])) for r in sheet]
    assert from_sheet == from_csv
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert "Release date" in about and "Definitions version" in about


def test_how_figures_are_made(client, sign_in):
    sign_in("commissioner")
    everything = client.get("/en/insights/how-figures-are-made").get_data(as_text=True)
    for text in ["Friends and Family Test", "What is counted", "From which records", "Which period", "What is left out",
                 "Drafts (not yet shared with the person)", "not ASCOF 3A"]:
        assert text in everything, text
    one = client.get("/en/insights/how-figures-are-made?figure=level_1_endings").get_data(as_text=True)
    assert "How Level 1 support ended" in one and "Friends and Family Test" not in one
    assert client.get("/en/insights/how-figures-are-made?figure=nothing").status_code == 404


_answer = st.fixed_dictionaries({
    "fft": st.sampled_from(survey.FFT_CODES),
    "level": st.sampled_from([1, 2, None]),
    "language": st.sampled_from(["en", "ar", "ur", "pl"]),
    "respondent_type": st.sampled_from(["client", "carer"]),
    "outcome": st.sampled_from(survey.AGREEMENT_CODES),
    "sex": st.sampled_from(["female", "male", "prefer_not_to_say", None]),
    "days_back": st.integers(min_value=100, max_value=600),
})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.lists(_answer, min_size=0, max_size=40))
def test_property_no_visible_count_is_small_or_unrounded(app, client, sign_in, answers):
    """Whatever the responses, a commissioner never sees a count from 1 to 7 or one that is
    not a multiple of 5: page, CSV or spreadsheet of a release made from them."""
    with app.app_context():
        db.session.execute(delete(SafeguardingAlert))
        db.session.execute(delete(EqualityMonitoring))
        db.session.execute(delete(FeedbackResponse))
        db.session.execute(delete(InsightRelease))
        now = utcnow()
        for answer in answers:
            result = db.session.execute(insert(FeedbackResponse).values(
                submission_key=uuid.uuid4().hex, submitted_at=now - dt.timedelta(days=answer["days_back"]),
                channel="public_link", respondent_type=answer["respondent_type"], on_behalf_of_client=False,
                level=answer["level"], language=answer["language"], fft=answer["fft"],
                outcome_answers={"listened_to": answer["outcome"]}, free_text_status="none"))
            if answer["sex"]:
                db.session.execute(insert(EqualityMonitoring).values(feedback_response_id=result.inserted_primary_key[0], sex=answer["sex"]))
        tally.rebuild(db.session)
        releases.make_release(db.session, now=now)
        db.session.commit()
    if not getattr(client, "_signed_in", False):
        sign_in("commissioner")
        client._signed_in = True
    counts = _visible_counts(client)
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
    text = ""
    for period in ("quarter", "year", "all"):
        html = client.get(f"/en/insights?period={period}").get_data(as_text=True)
        text += html.split('<main', 1)[1].split('</main>', 1)[0]  # the header names the signed-in commissioner
    text += "\n".join(",".join(r.values()) for r in _csv_rows(client))
    leaks = [f"{g} {f}" for g, f, _e in people if f"{g} {f}" in text]
    leaks += [e for e in emails if e in text]
    leaks += [t for t in pending if len(t) > 12 and t in text]
    assert leaks == []


def test_released_text_reaches_commissioners_in_the_next_release(app, client, sign_in):
    with app.app_context():
        period = releases.read(releases.latest(db.session)).periods["quarter"]
        response = db.session.scalar(select(FeedbackResponse).limit(1))
        response.free_text_status = FreeTextStatus.released
        response.released_text = "The worker always listened – released by staff"
        response.submitted_at = dt.datetime.combine(period.end, dt.time(12), dt.UTC)
        db.session.commit()
    sign_in("commissioner")
    assert "released by staff" not in client.get("/en/insights?period=quarter").get_data(as_text=True)
    with app.app_context():
        releases.make_release(db.session, now=utcnow(), correction_note="Comments released late.")
        db.session.commit()
    assert "released by staff" in client.get("/en/insights?period=quarter").get_data(as_text=True)


def test_only_commissioners_see_the_figures(client, sign_in):
    sign_in("staff")
    for path in ("/en/insights", "/en/insights/figures.csv", "/en/insights/figures.xlsx", "/en/insights/how-figures-are-made"):
        assert client.get(path).status_code == 403, path


def test_release_command_waits_for_the_first_working_day_and_runs_once(app):
    """Scheduled daily: nothing before the month's first working day, one release on it,
    nothing the second time; a correction needs a note."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["insights-release", "--today", "2027-01-01"])  # New Year's Day
    assert result.exit_code == 0 and json.loads(result.output) == {"released": None, "due_on": "2027-01-04"}
    first = runner.invoke(args=["insights-release", "--today", "2027-01-04"])
    assert json.loads(first.output) == {"released": "2027-01-04", "revision": 0}
    again = runner.invoke(args=["insights-release", "--today", "2027-01-05"])
    assert json.loads(again.output) == {"released": None, "revision": None}
    assert runner.invoke(args=["insights-release", "--today", "2027-01-05", "--correction", " "]).exit_code != 0
    corrected = runner.invoke(args=["insights-release", "--today", "2027-01-05", "--correction", "Late reviews added."])
    assert json.loads(corrected.output) == {"released": "2027-01-05", "revision": 1}
    with app.app_context():
        latest = releases.latest(db.session)
        assert (latest.note, [p["end"] for p in latest.periods]) == ("Late reviews added.", ["2026-12-31"] * 3)
