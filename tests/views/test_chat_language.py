"""The chat page answers in the language of the message and marks it (WCAG 3.1.2)."""
import http.server
import json
import threading

import pytest


class _EchoLanguage(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps([{"recipient_id": "x", "text": f"reply in {payload['metadata']['language']}"}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_assistant(app):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoLanguage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["RASA_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield
    server.shutdown()


def test_an_arabic_question_on_the_english_page_is_answered_in_arabic_marked_as_such(client, echo_assistant):
    html = client.post("/en/chat", data={"message": "كم تستمر المساعدة الموجهة"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl">reply in ar' in html


def test_a_question_in_the_page_language_needs_no_mark(client, echo_assistant):
    html = client.post("/pl/chat", data={"message": "jak dlugo trwa pomoc ukierunkowana"}).get_data(as_text=True)
    assert 'app-user-text">reply in pl' in html
