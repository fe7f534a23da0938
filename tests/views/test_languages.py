"""Every page in every language: the language in the URL, lang and dir on <html>, the
switcher naming each language in itself, no English left in the frame, translated content
with an English fallback that says so, and dates in the reader's locale."""
import re
import shutil

import pytest
from flask import url_for
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.access import PUBLIC, audience_of
from portal.content import page_slugs
from portal.db import db
from portal.i18n import LANGUAGES
from portal.models import Account
from tests.conftest import sign_in_client

CODES = list(LANGUAGES)
RTL = {"ar", "ur"}
# The frame's own words: none of them may stay English on a page in another language.
FRAME_ENGLISH = ["Skip to main content", "Get help now if you are in crisis", "Accessibility statement", "Privacy notice",
                 "Help in a crisis", "Choose a language"]


def _html(response) -> str:
    assert response.status_code == 200, response.request.path
    return response.get_data(as_text=True)


def _root_attributes(html: str) -> tuple[str, str]:
    found = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', html)
    return found.group(1), found.group(2)


def test_eight_languages_with_right_to_left_for_arabic_and_urdu():
    assert CODES == ["en", "ar", "zh", "ur", "sk", "pl", "ro", "so"]
    assert {code for code, lang in LANGUAGES.items() if lang.direction == "rtl"} == RTL


@pytest.mark.parametrize("code", CODES)
def test_public_pages_in_each_language(app, client, code):
    with app.test_request_context():
        paths = []
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or "GET" not in rule.methods or PUBLIC not in (audience_of(app, rule.endpoint) or ()):
                continue
            if set(rule.arguments) - {"lang", "slug"} or rule.endpoint in ("auth.accept_invitation",):
                continue
            if "slug" in rule.arguments:
                paths += [url_for(rule.endpoint, lang=code, slug=slug) for slug in page_slugs("en")
                          if rule.endpoint == "pages.content_page"]
            elif "lang" in rule.arguments:
                paths.append(url_for(rule.endpoint, lang=code))
    assert len(paths) > 15
    for path in paths:
        html = _html(client.get(path))
        assert _root_attributes(html) == (code, "rtl" if code in RTL else "ltr"), path
        if code != "en":
            leaked = [words for words in FRAME_ENGLISH if words in html]
            assert not leaked, f"{path}: {leaked}"
        for other in LANGUAGES.values():
            assert other.native_name in html, f"{path}: switcher lacks {other.native_name}"


def _in(app, code: str, message: str, **values) -> str:
    with app.test_request_context(), force_locale(code):
        return gettext(message, **values)


DRAFT = "This translation is a draft. It will be checked by a native speaker."


@pytest.mark.parametrize("code", [c for c in CODES if c != "en"])
def test_translated_content_is_marked_draft_until_reviewed(app, client, code):
    html = _html(client.get(f"/{code}/level-1-targeted-help"))
    english = _html(client.get("/en/level-1-targeted-help"))
    assert _in(app, code, DRAFT) in html and DRAFT not in english
    # The same answer blocks, under the same ids, as the English page (the assistant uses them).
    assert re.findall(r'<h2[^>]* id="([a-z0-9-]+)"', html) == re.findall(r'<h2[^>]* id="([a-z0-9-]+)"', english)


@pytest.fixture
def content_without_polish_easy_read(tmp_path, monkeypatch):
    """The pages as they are, less the Polish Easy Read of about-the-service: every Easy Read
    page is translated now, so the fallback is tested on a copy of the content folder."""
    from portal import content

    folder = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, folder)
    (folder / "pl" / "about-the-service.easy-read.md").unlink()
    assert (folder / "en" / "about-the-service.easy-read.md").is_file()
    monkeypatch.setattr(content, "CONTENT_DIR", folder)
    content.load_page.cache_clear()
    yield
    content.load_page.cache_clear()


def test_easy_read_falls_back_to_english_with_a_notice_in_the_readers_language(app, client, content_without_polish_easy_read):
    notice = "This page is not available in your language yet. It is shown in English."
    html = _html(client.get("/pl/about-the-service/easy-read"))
    assert notice not in html and _in(app, "pl", notice) in html
    assert 'lang="en"' in html, "the English text is marked as English"
    assert _root_attributes(html) == ("pl", "ltr")


@pytest.mark.parametrize("code", CODES)
def test_signed_in_pages_in_each_language(app, client, sign_in, demo_accounts, code):
    with app.app_context():
        client_id = db.session.scalar(select(Account.client_id).where(Account.email == demo_accounts["client"].email))
    sign_in("client")
    for section in ("support", "plan", "goals", "reviews", "carers", "who-has-looked", "support-arrangement", "feedback"):
        html = _html(client.get(f"/{code}/clients/{client_id}/{section}"))
        assert _root_attributes(html)[0] == code
        if code != "en":
            assert not [words for words in FRAME_ENGLISH if words in html], section


def test_dates_follow_the_readers_locale(app, client, sign_in, demo_accounts):
    with app.app_context():
        client_id = db.session.scalar(select(Account.client_id).where(Account.email == demo_accounts["client"].email))
    sign_in("client")
    english = _html(client.get(f"/en/clients/{client_id}/reviews"))
    polish = _html(client.get(f"/pl/clients/{client_id}/reviews"))
    months_en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December"]
    assert any(m in english for m in months_en)
    main = polish.split("<main", 1)[1]
    assert not any(m in main for m in months_en), "Polish month names, not English"
    arabic = _html(client.get(f"/ar/clients/{client_id}/reviews"))
    # Dates in a right-to-left page are isolated left to right so digits read correctly.
    assert '<span class="app-ltr" dir="ltr">' in arabic


def test_a_moment_is_written_in_the_readers_locale_and_the_councils_time_zone(app):
    """The date-and-time filter (message times) is cached by locale and time zone: the same
    moment reads as Flask-Babel writes it in each language, in London time, also when the
    language switches within one request."""
    import datetime as dt

    from flask import render_template_string
    from flask_babel import format_date, format_time

    summer, winter = dt.datetime(2026, 7, 1, 13, 5, tzinfo=dt.UTC), dt.datetime(2026, 1, 5, 13, 5, tzinfo=dt.UTC)
    with app.test_request_context("/en/status"):
        seen = {}
        for code in ("en", "pl", "en", "ar"):
            with force_locale(code):
                for moment in (summer, winter):
                    html = render_template_string("{{ moment|date_and_time }}", moment=moment)
                    assert html == f'<span class="app-ltr" dir="ltr">{format_date(moment, "long")}, ' \
                                   f'{format_time(moment, "short")}</span>', code
                    seen.setdefault(code, []).append(html)
        assert "14:05" in seen["en"][0] or "2:05" in seen["en"][0], "London summer time"
        assert "13:05" in seen["en"][1] or "1:05" in seen["en"][1], "London winter time"
        assert seen["pl"] != seen["en"] and "lipca" in seen["pl"][0]


def test_a_first_visit_follows_accept_language(client):
    response = client.get("/", headers={"Accept-Language": "so;q=0.9, en;q=0.5"})
    assert response.headers["Location"].endswith("/so/")
    response = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.headers["Location"].endswith("/zh/")


def test_labels_follow_each_pages_language_after_another_language_rendered(app, client, sign_in, demo_accounts):
    """Regression: labels set in an imported template were frozen in the first language the
    process rendered (Jinja caches imported modules); they are lazy strings now."""
    with app.app_context():
        client_id = db.session.scalar(select(Account.client_id).where(Account.email == demo_accounts["client"].email))
    sign_in("client")
    english = _html(client.get(f"/en/clients/{client_id}/plan"))
    level = re.search(r"Level [12] – (targeted help|ongoing care)", english).group(0)
    polish = _html(client.get(f"/pl/clients/{client_id}/plan"))
    assert level not in polish and _in(app, "pl", level) in polish


@pytest.mark.parametrize("code", CODES)
def test_staff_and_commissioner_pages_in_each_language(app, demo_accounts, code):
    from portal.domain import plans

    with app.app_context():
        staff = db.session.scalar(select(Account).where(Account.email == demo_accounts["staff"].email))
        plan = plans.caseload(db.session, staff.team_id, staff.created_at.date(), limit=1)[0][0]
    pages = {
        "staff": ["staff/caseload", "staff/caseload?show=review_overdue", f"staff/clients/{plan.client_id}/plan",
                  f"staff/clients/{plan.client_id}/review/record", "staff/arrangement-requests", "staff/invite"],
        "commissioner": ["insights", "insights?period=all"],
    }
    for role, paths in pages.items():
        browser = app.test_client()
        sign_in_client(app, browser, role)
        for path in paths:
            html = _html(browser.get(f"/{code}/{path}"))
            assert _root_attributes(html) == (code, "rtl" if code in RTL else "ltr"), path
            if code != "en":
                assert not [words for words in FRAME_ENGLISH + ["Your team’s caseload", "How the service is doing"]
                            if words in html], path
