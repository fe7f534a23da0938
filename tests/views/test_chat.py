"""The chat page without JavaScript, with the assistant down or slow (the real assistant is
exercised in tests/chatbot)."""
import http.server
import threading
import time

import pytest


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    requests_seen = 0

    def do_POST(self):  # noqa: N802
        type(self).requests_seen += 1
        time.sleep(2)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'[{"recipient_id": "x", "text": "too late"}]')
        except BrokenPipeError:  # the portal stopped waiting, as it should
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_assistant(app):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    _SlowHandler.requests_seen = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["RASA_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield _SlowHandler
    server.shutdown()


def test_assistant_down_gives_a_fallback_with_crisis_numbers(client):
    html = client.post("/en/chat", data={"message": "What is Level 2?"}).get_data(as_text=True)
    assert "the assistant is not available" in html
    assert "116 123" in html and "85258" in html


def test_slow_assistant_times_out_with_the_fallback(client, slow_assistant):
    started = time.perf_counter()
    html = client.post("/en/chat", data={"message": "What is Level 2?"}).get_data(as_text=True)
    assert time.perf_counter() - started < 1.5  # the timeout is 0.5 s in tests
    assert "the assistant is not available" in html and "116 123" in html
    assert "too late" not in html


def test_crisis_message_is_answered_by_the_portal_without_waiting(client, slow_assistant):
    started = time.perf_counter()
    html = client.post("/en/chat", data={"message": "I want to end my life"}).get_data(as_text=True)
    assert time.perf_counter() - started < 0.5
    assert "116 123" in html and "999" in html
    assert slow_assistant.requests_seen == 0


def test_empty_and_overlong_questions_are_explained_and_kept(client):
    assert "Type your question" in client.post("/en/chat", data={"message": "  "}).get_data(as_text=True)
    long_text = "é" * 501
    html = client.post("/en/chat", data={"message": long_text}).get_data(as_text=True)
    assert "500 characters or fewer" in html and long_text in html


def test_question_is_shown_back_escaped(client):
    html = client.post("/en/chat", data={"message": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _widget_post(client, body, csrf=True):
    headers = {"X-CSRFToken": client.csrf_token()} if csrf else {}
    return client.post("/en/chat/messages", json=body, headers=headers)


def test_every_page_but_the_chat_page_carries_the_widget(client):
    home = client.get("/en/").get_data(as_text=True)
    assert "data-app-chat-launcher" in home and 'href="/en/chat"' in home and "chat-widget.mjs" in home
    assert "data-app-chat-dialog" not in client.get("/en/chat").get_data(as_text=True)


def test_widget_endpoint_answers_crisis_at_once_without_the_assistant(client, slow_assistant):
    started = time.perf_counter()
    reply = _widget_post(client, {"message": "I want to end my life"})
    assert time.perf_counter() - started < 0.5 and slow_assistant.requests_seen == 0
    data = reply.get_json()
    assert reply.status_code == 200 and "116 123" in data["crisis_html"] and "85258" in data["crisis_html"]


def test_widget_endpoint_falls_back_with_crisis_numbers_when_the_assistant_is_down(client):
    data = _widget_post(client, {"message": "What is Level 2?"}).get_json()
    assert "not available" in data["texts"][0] and "116 123" in data["crisis_html"]


@pytest.mark.parametrize("body", [{}, {"message": ""}, {"message": "   "}, {"message": 42}, ["x"], {"message": "x" * 501}])
def test_widget_endpoint_refuses_bad_input_calmly(client, body):
    reply = _widget_post(client, body)
    assert reply.status_code == 400 and reply.get_json()["error"]


def test_widget_endpoint_needs_the_csrf_token(client):
    assert _widget_post(client, {"message": "hello"}, csrf=False).status_code == 400
