"""Rate limits count people as deployed: behind a configured number of trusted proxies the
person's address is the one the proxy saw (and X-Forwarded-For is nobody's word without
one), HSTS is sent when TLS ends at the trusted proxy, and production refuses per-worker
counters."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from portal import create_app
from portal.limits import limiter


@pytest.fixture
def limits_on():
    limiter.enabled = True
    limiter.reset()
    yield
    limiter.enabled = False
    limiter.reset()


@pytest.fixture
def behind_proxy(app):
    proxied = create_app({**app.config, "TRUSTED_PROXY_HOPS": 1})
    proxied.test_client_class = app.test_client_class
    return proxied.test_client()


def _feedback_posts(client, forwarded_for: list[str]) -> list[int]:
    """The public feedback form allows 10 posts an hour from one address."""
    return [client.post("/en/feedback", data={"respondent": "client"}, headers={"X-Forwarded-For": address}).status_code
            for address in forwarded_for]


def test_with_no_trusted_proxy_x_forwarded_for_gives_no_new_quota(client, limits_on):
    statuses = _feedback_posts(client, [f"198.51.100.{n}" for n in range(11)])
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_behind_a_trusted_proxy_each_person_has_their_own_quota_and_cannot_borrow_another(behind_proxy, limits_on):
    # The proxy appends the address it saw; whatever the person wrote before it is not believed.
    spoofing = _feedback_posts(behind_proxy, [f"203.0.113.{n}, 198.51.100.1" for n in range(11)])
    assert spoofing[:10] == [200] * 10 and spoofing[10] == 429
    assert _feedback_posts(behind_proxy, ["198.51.100.2"]) == [200], "someone else behind the same proxy"


def test_hsts_is_sent_when_tls_ends_at_a_trusted_proxy_only(client, behind_proxy):
    https = {"X-Forwarded-Proto": "https"}
    assert behind_proxy.get("/en/", headers=https).headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in behind_proxy.get("/en/").headers
    assert "Strict-Transport-Security" not in client.get("/en/", headers=https).headers, "no trusted proxy"


def test_production_refuses_per_worker_rate_limit_counters(database_url, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("ASSISTANT_GRANT_KEY", Fernet.generate_key().decode())
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app({"DATABASE_URL": database_url})
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app({"DATABASE_URL": database_url})
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    # Not enabled here: the limiter is one object, which would keep this app's storage.
    app = create_app({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis://")
