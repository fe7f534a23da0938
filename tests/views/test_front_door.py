"""The front door: the council's own branding (no crown, no Crown copyright), landmarks, the
words a shared link previews with, and the service's name in the reader's language."""
from __future__ import annotations

import re

import pytest


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/en/", "/en/reviews", "/en/sign-in", "/en/help-in-a-crisis"])
def test_no_crown_and_no_crown_copyright(client, app, path):
    html = _page(client, path)
    for crown in ("Crown copyright", "crown-copyright", "govuk-footer__crown", "govuk-footer__copyright-logo",
                  "govuk-logo", "Open Government Licence"):
        assert crown not in html, crown
    footer = html[html.index("<footer"):html.index("</footer>")]
    assert app.config["COUNCIL_NAME"] in footer


def test_the_council_logo_comes_from_configuration(database_url):
    from portal import create_app

    app = create_app({"DATABASE_URL": database_url, "COUNCIL_LOGO_URL": "/static/council-logo.svg"})
    html = app.test_client().get("/en/").get_data(as_text=True)
    header = html[html.index("<header"):html.index("</header>")]
    assert '<img class="app-council-logo" src="/static/council-logo.svg" alt=""' in header
    assert app.config["COUNCIL_NAME"] in header


def test_every_bar_before_the_content_is_in_the_header_landmark(client, sign_in):
    sign_in("client")
    html = _page(client, "/en/reviews")
    header = html[html.index("<header"):html.index("</header>")]
    for bar in ("app-crisis-link", "app-account-bar", "data-app-chat-launcher", "app-language-switcher"):
        assert bar in header, bar
    between = html[html.index("</header>"):html.index("<main")]
    assert "<a " not in between and "<form" not in between


def test_content_pages_describe_themselves_for_search_and_sharing(client, app):
    html = _page(client, "/pl/reviews")
    description = re.search(r'<meta name="description" content="([^"]+)">', html)[1]
    assert description and description == re.search(r'<meta property="og:description" content="([^"]+)">', html)[1]
    from portal.content import load_page

    assert description == load_page("pl", "reviews").summary.replace("'", "&#39;")
    assert '<meta property="og:title" content="' + load_page("pl", "reviews").title in html
    assert f'<meta property="og:url" content="{app.config["PUBLIC_BASE_URL"]}/pl/reviews">' in html


@pytest.mark.parametrize("path", ["/en/", "/en/sign-in", "/en/chat", "/en/providers"])
def test_every_page_has_a_description(client, path):
    assert re.search(r'<meta name="description" content="[^"]{20,}">', _page(client, path))


def test_the_service_name_is_read_in_the_readers_language(client, monkeypatch):
    import portal.i18n

    monkeypatch.setattr(portal.i18n, "gettext", lambda text: f"[{text}]")  # a catalog that marks what it translates
    html = _page(client, "/so/")
    assert re.search(r'govuk-service-navigation__service-name"><a [^>]*>\[Mental health independence and support\]</a>', html)
    assert "[Mental health independence and support] – " in html  # the title and link previews too


def test_a_council_that_names_its_service_gets_its_own_words(database_url):
    from portal import create_app

    app = create_app({"DATABASE_URL": database_url, "SERVICE_NAME": "Mind your way"})
    assert "Mind your way" in app.test_client().get("/pl/").get_data(as_text=True)


def test_search_answers_in_the_readers_language_and_keeps_the_words(client):
    html = _page(client, "/pl/search?q=opiekunowie")
    assert 'value="opiekunowie"' in html and 'href="/pl/carers' in html and ">Opiekunowie<" in html
    nothing = _page(client, "/pl/search?q=" + "zz" * 500)
    assert 'href="/pl/site-map"' in nothing and 'maxlength="200"' in nothing


def test_the_home_page_leads_to_the_feedback_form_and_its_share_page(client):
    html = _page(client, "/so/")
    assert 'href="/so/feedback"' in html and 'href="/so/feedback/share"' in html


def test_getting_support_names_the_councils_contact_from_configuration(database_url):
    from portal import create_app

    configured = create_app({"DATABASE_URL": database_url, "ADULT_SOCIAL_CARE_PHONE": "0114 496 0000",
                             "ADULT_SOCIAL_CARE_EMAIL": "asc@council.example"}).test_client()
    html = configured.get("/ar/getting-support").get_data(as_text=True)
    assert 'href="tel:01144960000"' in html and 'href="mailto:asc@council.example"' in html
    blank = create_app({"DATABASE_URL": database_url}).test_client().get("/en/getting-support").get_data(as_text=True)
    assert "{{" not in blank and "Phone:" not in blank and "tel:" not in blank.split("<main")[1].split("</main>")[0]


def test_privacy_notice_names_the_data_protection_officer_from_configuration(database_url):
    from portal import create_app

    configured = create_app({"DATABASE_URL": database_url, "DATA_PROTECTION_EMAIL": "dpo@council.example",
                             "COUNCIL_NAME": "Example Council", "RETENTION_MESSAGE_DAYS": 3650}).test_client()
    html = configured.get("/ur/how-we-use-your-information").get_data(as_text=True)
    assert 'href="mailto:dpo@council.example"' in html and "Example Council" in html and "10" in html
    easy = configured.get("/en/how-we-use-your-information/easy-read").get_data(as_text=True)
    assert 'href="mailto:dpo@council.example"' in easy and "10 years" in easy
    blank = create_app({"DATABASE_URL": database_url}).test_client()
    main = blank.get("/en/how-we-use-your-information").get_data(as_text=True).split("<main")[1].split("</main>")[0]
    assert "{{" not in main and "mailto:" not in main and "8 years" in main
