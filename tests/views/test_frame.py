"""The frame every page shares: headers, crisis link, language, errors."""
import re

import pytest
from cryptography.fernet import Fernet


def test_root_redirects_to_the_language_the_browser_prefers(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/")


@pytest.mark.parametrize("path", ["/en/", "/en/help-in-a-crisis", "/en/sign-in", "/en/chat"])
def test_public_pages_carry_the_crisis_link_and_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/en/help-in-a-crisis"' in html
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    # Every inline script carries this response's nonce.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all(f'nonce="{nonce}"' in attrs for attrs in scripts)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_each_response_has_a_fresh_nonce(client):
    first = client.get("/en/").headers["Content-Security-Policy"]
    second = client.get("/en/").headers["Content-Security-Policy"]
    assert first != second


def test_crisis_page_shows_every_number_from_configuration(client, app):
    html = client.get("/en/help-in-a-crisis").get_data(as_text=True)
    for number in ["999", "111", "116 123", "85258", app.config["CRISIS_LOCAL_LINE_NUMBER"]]:
        assert number in html


def test_local_crisis_line_follows_configuration(database_url):
    from portal import create_app

    app = create_app({"DATABASE_URL": database_url, "CRISIS_LOCAL_LINE_NUMBER": "0114 000 0000"})
    html = app.test_client().get("/en/help-in-a-crisis").get_data(as_text=True)
    assert "0114 000 0000" in html


def test_unknown_language_is_a_page_not_found_in_english(client):
    response = client.get("/xx/")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_personal_pages_are_not_cached(client, sign_in):
    sign_in("client")
    response = client.get("/en/account")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/en/").headers
    secure = client.get("/en/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_oversized_body_gets_a_friendly_page(client):
    response = client.post("/en/sign-in", data={"email": "a" * 100_000, "password": "x"})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client, demo_accounts):
    demo = demo_accounts["client"]
    response = client.post("/en/sign-in", data={"email": demo.email, "password": demo.password})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development over http


def test_production_cookie_is_secure(database_url, monkeypatch):
    from portal import create_app

    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("ASSISTANT_GRANT_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    # Not enabled here: the limiter is one object, which would keep this app's storage.
    app = create_app({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_a_secret(database_url, monkeypatch):
    from portal import create_app

    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ASSISTANT_GRANT_KEY", Fernet.generate_key().decode())
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": database_url})


def test_production_refuses_to_start_without_the_assistants_grant_key(database_url, monkeypatch):
    from portal import create_app

    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("ASSISTANT_GRANT_KEY", raising=False)
    with pytest.raises(RuntimeError, match="ASSISTANT_GRANT_KEY"):
        create_app({"DATABASE_URL": database_url})


def test_sign_in_posts_are_rate_limited(app, client):
    app.config["RATELIMIT_ENABLED"] = True
    from portal.limits import limiter

    limiter.enabled = True
    try:
        statuses = [
            client.post("/en/sign-in", data={"email": "x@example.org", "password": "wrong"}).status_code
            for _ in range(21)
        ]
    finally:
        limiter.enabled = False
        limiter.reset()
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


def test_each_request_is_logged_as_json_without_the_path_or_personal_data(app, client, caplog):
    import json
    import logging

    from portal.logs import JsonLines

    caplog.set_level(logging.INFO, logger="portal")
    client.get("/en/providers?language=ar")
    records = [r for r in caplog.records if r.getMessage() == "request"]
    assert records
    entry = json.loads(JsonLines().format(records[-1]))
    assert entry["status"] == 200 and entry["method"] == "GET" and entry["duration_ms"] >= 0
    assert "language=ar" not in json.dumps(entry) and "/providers" not in json.dumps(entry)


def test_pages_and_assets_are_compressed_and_assets_cached_for_a_year(client):
    import gzip
    import re

    plain = client.get("/en/about-the-service")
    packed = client.get("/en/about-the-service", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    # A fresh nonce each time, and the CSRF token is signed with the current second.
    unvarying = lambda body: re.sub(rb'nonce="[^"]+"|(?<=name="csrf_token" value=)"[^"]+"', b"", body)  # noqa: E731
    assert unvarying(gzip.decompress(packed.data)) == unvarying(plain.data)
    assert len(packed.data) < len(plain.data) / 2
    css = re.search(r'href="(/static/dist/app\.css\?v=[0-9a-f]+)"', plain.get_data(as_text=True)).group(1)
    asset = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert asset.headers["Content-Encoding"] == "gzip" and "immutable" in asset.headers["Cache-Control"]
    assert b"govuk" in gzip.decompress(asset.data)
    assert client.get(css).headers.get("Content-Encoding") is None, "only when the browser asks for it"


def test_database_unavailable_is_a_503_in_the_readers_language_and_nothing_half_written(app, client, tmp_path):
    """The database goes away: a plain page in the person's language, no stack trace; when it
    comes back, nothing from the failed request is there (each write is one transaction)."""
    from flask_babel import force_locale, gettext
    from sqlalchemy import func, select

    from portal import create_app
    from portal.db import db, make_engine
    from portal.models import FeedbackResponse

    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(FeedbackResponse))
    good_url = app.config["DATABASE_URL"]
    down = create_app({**{k: app.config[k] for k in ("TESTING", "RATELIMIT_ENABLED", "SMTP_PORT", "RASA_URL")},
                       "DATABASE_URL": f"sqlite:///{tmp_path}/missing-folder/none.sqlite3"})
    down.test_client_class = type(client)
    browser = down.test_client()
    response = browser.get("/ar/providers")
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and "Traceback" not in body
    assert '<html lang="ar" dir="rtl"' in body
    with down.test_request_context(), force_locale("ar"):
        assert gettext("Get help now if you are in crisis") in body
    posted = browser.post("/ar/feedback", data={"fft": "good", "respondent": "client", "submission_key": "db-down"})
    assert posted.status_code in (400, 503) and "Traceback" not in posted.get_data(as_text=True)
    # The portal's session is bound to the last app made, so count through a fresh engine.
    engine = make_engine(good_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(FeedbackResponse)) == before
    engine.dispose()


def test_healthz_is_ok_only_while_the_database_answers(client, tmp_path):
    from portal import create_app
    from portal.domain.risk import classifier

    classifier.shared()  # trained (waits for the run's warm-up)
    assert client.get("/healthz").get_json() == {"status": "ok", "risk_classifier": "ready"}
    unreachable = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/no-such-folder/portal.sqlite3", "TESTING": True,
                              "RATELIMIT_ENABLED": False})
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "database unavailable"}
