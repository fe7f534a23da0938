"""The assistant answers in the language of the message, whatever the page's
(portal/domain/message_language.py)."""
import http.server
import json
import threading

import pytest

from portal.domain import assistant
from portal.domain.message_language import identify

# A question in each portal language, typed on a page in another language.
QUESTIONS = {
    "en": "how long does targeted help last",
    "ar": "كم تستمر المساعدة الموجهة",
    "zh": "针对性帮助持续多长时间",
    "ur": "ٹارگٹڈ مدد کتنی دیر چلتی ہے",
    "sk": "ako dlho trvá cielená pomoc",
    "pl": "jak dlugo trwa pomoc ukierunkowana",
    "ro": "cat timp dureaza ajutorul tintit",
    "so": "intee bay socotaa caawimaadda la beegsaday",
}


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
def test_a_question_is_answered_in_its_own_language(lang):
    page = "ro" if lang == "en" else "en"
    assert identify(QUESTIONS[lang], page) == lang


@pytest.mark.parametrize("text, page", [("ok", "pl"), ("hi", "ar"), ("thanks", "so"), ("dzieki", "en")])
def test_too_short_to_tell_keeps_the_page_language(text, page):
    assert identify(text, page) == page


@pytest.mark.parametrize("text", ["level 1 kitne mahine ka hai", "kya main qualify karta hun",
                                  "mujhe kuch mahine madad chahiye"])
def test_roman_urdu_on_an_urdu_page_stays_urdu(text):
    assert identify(text, "ur") == "ur"


def test_arabic_and_urdu_are_told_apart_by_their_letters():
    assert identify("ما هو المستوى 1", "ur") == "ar"
    assert identify("لیول 1 کیا ہے", "ar") == "ur"


def test_a_language_the_portal_does_not_offer_keeps_the_page_language():
    assert identify("wie lange dauert die gezielte Hilfe", "en") == "en"  # German: not offered
    assert identify("how long does targeted help last", "pl", languages=("pl",)) == "pl"


class _EchoLanguage(http.server.BaseHTTPRequestHandler):
    """Answers with the language the portal sent in the message metadata."""

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps([{"recipient_id": "x", "text": f"answer in {payload['metadata']['language']}"}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_assistant():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoLanguage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
def test_the_assistant_is_asked_in_the_language_of_the_message(echo_assistant, lang):
    page = "ro" if lang == "en" else "en"
    reply = assistant.ask(rasa_url=echo_assistant, sender="s", message=QUESTIONS[lang], language=page, timeout=2,
                          waiting=assistant.Waiting(2))
    assert reply.texts == [f"answer in {lang}"] and reply.language == lang
