"""A slow assistant cannot take the portal down: only CHAT_ASSISTANT_CONCURRENCY requests
of a process wait on it, the rest are answered at once with the fallback and the crisis
numbers, and the crisis page stays fast; chat is rate limited per chat and per address."""
from __future__ import annotations

import http.server
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from portal.domain import assistant
from portal.limits import limiter
from tests.processes import free_port, stop_process_group
from tests.views.test_chat import _SlowHandler

ROOT = Path(__file__).resolve().parents[2]


def test_a_full_waiting_room_answers_at_once_but_high_risk_is_still_answered_first():
    waiting = assistant.Waiting(1)
    asked = []
    assistant.risk_detector.assess("warm up", "en")  # the detector trains on its first use
    with waiting.place() as placed:  # someone else is waiting on a slow assistant
        assert placed
        started = time.perf_counter()
        reply = assistant.ask(rasa_url="http://127.0.0.1:9", sender="s", message="What is Level 2?", language="en",
                              timeout=5, waiting=waiting, sealed_grant=lambda: asked.append(1))
        assert reply.source == assistant.ReplySource.unavailable and time.perf_counter() - started < 0.5
        crisis = assistant.ask(rasa_url="http://127.0.0.1:9", sender="s", message="I want to end my life",
                               language="en", timeout=5, waiting=waiting)
        assert crisis.source == assistant.ReplySource.risk and crisis.risk.is_high
    assert asked == [], "no grant is made for a message the assistant is not asked"


@pytest.fixture
def slow_rasa():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    _SlowHandler.requests_seen = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def portal_with_four_threads(database_url, slow_rasa, tmp_path):
    """The portal under gunicorn, one worker with four threads (as `make run`'s each)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING",
           "RASA_URL": slow_rasa, "RASA_TIMEOUT_SECONDS": "5", "CHAT_ASSISTANT_CONCURRENCY": "2"}
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "4", "--no-control-socket"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/en/", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline and process.poll() is None, log.read_text()[-3000:]
            time.sleep(0.2)
        yield base
    finally:
        stop_process_group(process, timeout=10)


def test_slow_chat_holds_two_threads_at_most_and_the_crisis_page_stays_fast(portal_with_four_threads):
    base = portal_with_four_threads
    chatters = []
    # The risk classifier trains in the background after the start (and takes the CPU while
    # it does): the test begins once the portal says it is ready.
    deadline = time.monotonic() + 300
    while requests.get(f"{base}/healthz", timeout=10).json()["risk_classifier"] != "ready":
        assert time.monotonic() < deadline, "the risk classifier did not finish training"
        time.sleep(0.5)
    warm = requests.Session()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', warm.get(f"{base}/en/chat", timeout=10).text).group(1)
    assert "116 123" in warm.post(f"{base}/en/chat", data={"csrf_token": token, "message": "I want to end my life"},
                                  timeout=30).text
    for _ in range(12):
        chatter = requests.Session()
        page = chatter.get(f"{base}/en/chat", timeout=10).text
        chatters.append((chatter, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)))

    def chat(chatter_and_token):
        chatter, token = chatter_and_token
        started = time.perf_counter()
        html = chatter.post(f"{base}/en/chat", data={"csrf_token": token, "message": "What is Level 2?"}, timeout=30).text
        return time.perf_counter() - started, html

    with ThreadPoolExecutor(max_workers=12) as pool:
        replies = pool.map(chat, chatters)
        time.sleep(0.5)  # every chat request is in by now; two of them wait on the assistant
        started = time.perf_counter()
        crisis = requests.get(f"{base}/en/help-in-a-crisis", timeout=30)
        crisis_seconds = time.perf_counter() - started
        replies = list(replies)
    assert crisis.ok and "116 123" in crisis.text
    assert crisis_seconds < 1.0, f"the crisis page took {crisis_seconds:.1f} s"
    waited = [html for seconds, html in replies if seconds >= 1.5]
    at_once = [html for seconds, html in replies if seconds < 1.0]
    assert len(waited) == 2 and all("too late" in html for html in waited), [round(s, 2) for s, _ in replies]
    assert len(at_once) == 10
    assert all("the assistant is not available" in html and "116 123" in html for html in at_once)
    assert _SlowHandler.requests_seen == 2


@pytest.fixture
def limits_on():
    limiter.enabled = True
    limiter.reset()
    yield
    limiter.enabled = False
    limiter.reset()


def test_chat_is_limited_per_chat_and_per_address_and_the_refusal_carries_the_crisis_numbers(app, client, limits_on):
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_CHAT_SESSION="3 per minute", RATELIMIT_CHAT_ADDRESS="100 per minute")
    assert [client.post("/en/chat", data={"message": "What is Level 2?"}).status_code for _ in range(4)] == [200] * 3 + [429]
    refused = client.post("/en/chat/messages", json={"message": "hello"}, headers={"X-CSRFToken": client.csrf_token()})
    assert refused.status_code == 429 and "116 123" in refused.get_data(as_text=True)
    assert app.test_client().post("/en/chat", data={"message": "What is Level 2?"}).status_code == 200, "a new chat"

    limiter.reset()
    app.config.update(RATELIMIT_CHAT_SESSION="100 per minute", RATELIMIT_CHAT_ADDRESS="3 per minute")
    # A client that drops its cookie starts a new chat with each message: its address counts.
    assert [app.test_client().post("/en/chat", data={"message": "What is Level 2?"}).status_code
            for _ in range(4)] == [200] * 3 + [429]
