"""The chat page without JavaScript, with the assistant down or slow (the real assistant is
exercised in tests/chatbot)."""
import http.server
import re
import threading
import time

import pytest


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    requests_seen = 0

    def do_POST(self):
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
    html = client.post("/en/chat", data={"message": "What is Level 2?"}).get_data(as_text=True)
    # The assistant answers after 2 s; the portal stopped waiting at its timeout (0.5 s in tests).
    assert "the assistant is not available" in html and "116 123" in html
    assert "too late" not in html and slow_assistant.requests_seen == 1


def test_crisis_message_is_answered_by_the_portal_without_waiting(client, slow_assistant):
    html = client.post("/en/chat", data={"message": "I want to end my life"}).get_data(as_text=True)
    assert "116 123" in html and "999" in html
    assert slow_assistant.requests_seen == 0


def test_high_risk_gets_a_human_first_line_then_the_help_then_an_offer_to_go_on(client):
    html = client.post("/en/chat", data={"message": "i took 30 paracetamol"}).get_data(as_text=True)
    first, numbers, go_on = (html.index(t) for t in ("You are not alone", "116 123", "When you are ready"))
    assert first < numbers < go_on
    assert "If someone is hurting you" not in html


def test_every_phone_number_in_the_help_is_a_link_to_tap(client, app):
    app.config["SAFEGUARDING_PHONE"] = "0114 000 0000"
    data = _widget_post(client, {"message": "my carer hits me"}).get_json()
    for link in ('href="tel:999"', 'href="tel:111"', 'href="tel:116123"', 'href="sms:85258?body=SHOUT"',
                 'href="tel:08088010440"', 'href="tel:01140000000"'):
        assert link in data["help_html"], link
    assert 'dir="ltr"' in data["help_html"]


def test_abuse_by_others_gets_the_safeguarding_route_with_the_configured_number(client, app):
    app.config["SAFEGUARDING_PHONE"] = "0114 000 0000"
    data = _widget_post(client, {"message": "my son takes my pension and says he will hurt me"}).get_json()
    html = data["help_html"]
    assert "If someone is hurting you" in html and "0114 000 0000" in html and "What happens next" in html
    assert html.index("999") < html.index("0114 000 0000")


def _help_headings(html: str) -> list[str]:
    return re.findall(r'<h\d class="govuk-heading-s">([^<]+)</h\d>', html)


@pytest.mark.parametrize("message", [
    "my dad fell and he's not breathing properly what do i do",  # a relative's emergency
    "my husband beats me and i want to kill myself",  # being hurt, and a risk to self
])
def test_a_life_at_risk_is_the_first_help_after_the_first_words(client, message):
    """999 for a life at risk comes before the safeguarding route when both are shown: a
    relative's emergency that the classifier also hears as someone being hurt must not read
    "Nobody has the right to hurt you" first."""
    headings = _help_headings(_widget_post(client, {"message": message}).get_json()["help_html"])
    assert headings[:2] == ["You are not alone", "If a life is at risk"], headings


def test_without_a_safeguarding_number_configured_the_route_still_reads_whole(client, app):
    app.config["SAFEGUARDING_PHONE"] = ""
    html = _widget_post(client, {"message": "my carer hits me"}).get_json()["help_html"]
    assert "adult social care team" in html and "on ." not in html and "tel:\"" not in html


def test_concern_is_answered_with_one_discreet_line(client, slow_assistant, app):
    app.config["RASA_TIMEOUT_SECONDS"] = 3
    data = _widget_post(client, {"message": "these forms are killing me, how do reviews work"}).get_json()
    assert slow_assistant.requests_seen == 1  # the question is still answered
    assert "app-crisis-help--concern" in data["help_html"] and "You are not alone" not in data["help_html"]


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
    reply = _widget_post(client, {"message": "I want to end my life"})
    assert slow_assistant.requests_seen == 0  # answered without asking the (slow) assistant
    data = reply.get_json()
    assert reply.status_code == 200 and "116 123" in data["help_html"] and "85258" in data["help_html"]


def test_widget_endpoint_falls_back_with_crisis_numbers_when_the_assistant_is_down(client):
    data = _widget_post(client, {"message": "What is Level 2?"}).get_json()
    assert "not available" in data["texts"][0] and "116 123" in data["help_html"]


def test_assistant_text_is_escaped_and_its_links_and_numbers_made_links(client, app):
    with app.test_request_context("/en/"):
        from flask import g

        from portal.blueprints.chat.replies import reply_html

        g.lang = "en"
        html = str(reply_html("<b>Call 999</b> or Samaritans on 116 123.\n\nRead more: /en/reviews /en/not-a-page"))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'href="tel:999"' in html and 'href="tel:116123"' in html
    assert '<a class="govuk-link" href="/en/reviews">Reviews</a>' in html and "/en/not-a-page" in html


@pytest.mark.parametrize("body", [{}, {"message": ""}, {"message": "   "}, {"message": 42}, ["x"], {"message": "x" * 501}])
def test_widget_endpoint_refuses_bad_input_calmly(client, body):
    reply = _widget_post(client, body)
    assert reply.status_code == 400 and reply.get_json()["error"]


def test_widget_endpoint_needs_the_csrf_token(client):
    assert _widget_post(client, {"message": "hello"}, csrf=False).status_code == 400


def test_links_to_the_portals_own_pages_in_replies_are_links(client, app):
    """Replies name the provider directory and sign-in too, not only content pages."""
    with app.test_request_context("/pl/"):
        from portal.blueprints.chat.replies import reply_html

        html = str(reply_html("Read more: /pl/providers\n\nRead more: /pl/sign-in /pl/not-a-page /xx/providers"))
    assert '<a class="govuk-link" href="/pl/providers">/pl/providers</a>' in html
    assert '<a class="govuk-link" href="/pl/sign-in">/pl/sign-in</a>' in html
    assert 'href="/pl/not-a-page"' not in html and 'href="/xx/providers"' not in html


class _BrokenHandler(http.server.BaseHTTPRequestHandler):
    """An assistant that answers, but not with its messages: set `answer` to (status, body,
    extra headers)."""
    answer: tuple = (500, b"Internal Server Error", {})
    requests_seen = 0

    def do_POST(self):
        type(self).requests_seen += 1
        status, body, headers = self.answer
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("answer", [
    (500, b"Internal Server Error", {}),
    (200, b"<html>not the REST channel</html>", {"Content-Type": "text/html"}),
    (200, b'{"text": "one message, not a list"}', {"Content-Type": "application/json"}),
    (200, b"\xff\xfe broken", {"Content-Type": "application/json"}),
    (307, b"", {"Location": "/webhooks/rest/webhook"}),
], ids=["error", "html", "not-a-list", "not-utf8", "redirect"])
def test_an_assistant_answering_nonsense_gives_the_fallback_once(client, app, answer):
    _BrokenHandler.answer, _BrokenHandler.requests_seen = answer, 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BrokenHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["RASA_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        html = client.post("/en/chat", data={"message": "What is Level 2?"}).get_data(as_text=True)
    finally:
        server.shutdown()
    assert "the assistant is not available" in html and "116 123" in html
    assert _BrokenHandler.requests_seen == 1  # never sent twice (no retries, no redirects followed)
