"""A slow assistant cannot take the portal down: only CHAT_ASSISTANT_CONCURRENCY requests
of a process wait on it, the rest are answered at once with the fallback and the crisis
numbers, and the crisis page is still served while they wait; chat is rate limited per chat and per address."""
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

ROOT = Path(__file__).resolve().parents[2]


class _HeldHandler(http.server.BaseHTTPRequestHandler):
    """An assistant that holds every request until the test lets go: whatever the machine's
    speed, a request that reaches it is still waiting while the test looks at the rest."""

    requests_seen = 0
    release = threading.Event()

    def do_POST(self):
        type(self).requests_seen += 1
        type(self).release.wait(timeout=300)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'[{"recipient_id": "x", "text": "answered after the wait"}]')
        except BrokenPipeError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def held_rasa():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HeldHandler)
    _HeldHandler.requests_seen = 0
    _HeldHandler.release = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    _HeldHandler.release.set()
    server.shutdown()


def test_a_full_waiting_room_answers_at_once_but_high_risk_is_still_answered_first(held_rasa):
    waiting = assistant.Waiting(1)
    asked = []
    with waiting.place() as placed:  # someone else is waiting on a slow assistant
        assert placed
        reply = assistant.ask(rasa_url=held_rasa, sender="s", message="What is Level 2?", language="en",
                              timeout=300, waiting=waiting, sealed_grant=lambda: asked.append(1))
        # The assistant holds every request until released: this reply came without asking it.
        assert reply.source == assistant.ReplySource.unavailable and _HeldHandler.requests_seen == 0
        crisis = assistant.ask(rasa_url=held_rasa, sender="s", message="I want to end my life",
                               language="en", timeout=300, waiting=waiting)
        assert crisis.source == assistant.ReplySource.risk and crisis.risk.is_high
    assert asked == [] and _HeldHandler.requests_seen == 0, "no grant is made for a message the assistant is not asked"


@pytest.fixture
def portal_with_four_threads(database_url, held_rasa, tmp_path):
    """The portal under gunicorn, one worker with four threads (as `make run`'s each)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING",
           "RASA_URL": held_rasa, "RASA_TIMEOUT_SECONDS": "300", "CHAT_ASSISTANT_CONCURRENCY": "2"}
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


def wait_for(condition, seconds: float = 120) -> bool:
    """A guard against hanging for ever, not a measure of speed."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_slow_chat_holds_two_threads_at_most_and_the_crisis_page_is_still_served(portal_with_four_threads):
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
        return chatter.post(f"{base}/en/chat", data={"csrf_token": token, "message": "What is Level 2?"}, timeout=300).text

    with ThreadPoolExecutor(max_workers=12) as pool:
        replies = [pool.submit(chat, chatter) for chatter in chatters]
        # Two requests wait on the assistant, which holds them; the other ten are answered
        # meanwhile, and so is the crisis page: none of them needs a thread the two hold.
        answered = wait_for(lambda: sum(reply.done() for reply in replies) == 10 and _HeldHandler.requests_seen == 2)
        assert answered, ([reply.done() for reply in replies], _HeldHandler.requests_seen)
        crisis = requests.get(f"{base}/en/help-in-a-crisis", timeout=120)
        assert not _HeldHandler.release.is_set() and _HeldHandler.requests_seen == 2
        _HeldHandler.release.set()
        htmls = [reply.result() for reply in replies]
    assert crisis.ok and "116 123" in crisis.text
    waited = [html for html in htmls if "answered after the wait" in html]
    at_once = [html for html in htmls if "the assistant is not available" in html and "116 123" in html]
    assert len(waited) == 2 and len(at_once) == 10
    assert _HeldHandler.requests_seen == 2


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
