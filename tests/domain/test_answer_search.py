"""The assistant's second way to find an answer: the content's answer blocks, searched in
the message's language when the intent model is unsure (portal/domain/answer_search.py)."""
import http.server
import json
import threading

import pytest

from portal.domain import answer_search, assistant

# Per language: a question about money in words the assistant's training does not hold, and
# a question no block answers.
QUESTIONS = {
    "en": ("do they count my savings before deciding what i pay", "whats the weather going to be tomorrow"),
    "ar": ("هل يحسبون مدخراتي قبل ما يقرروا قديش بدفع", "كيف رح يكون الطقس بكرا"),
    "zh": ("决定我付多少钱之前会算我的存款吗", "明天会下雨吗"),
    "ur": ("کیا وہ میری بچت دیکھ کر طے کرتے ہیں کہ میں کتنا دوں", "کل بارش ہوگی کیا"),
    "sk": ("zapocitaju moje uspory ked rozhoduju kolko zaplatim", "bude zajtra prsat"),
    "pl": ("czy licza moje oszczednosci zanim zdecyduja ile place", "czy jutro bedzie padac"),
    "ro": ("imi numara economiile inainte sa decida cat platesc", "o sa ploua maine"),
    "so": ("ma xisaabiyaan lacagta aan kaydsaday ka hor intaanay go'aamin inta aan bixinayo", "berri roob ma di'i doonaa"),
}


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
def test_a_question_in_new_words_finds_its_block_in_its_language(lang):
    match = answer_search.search(QUESTIONS[lang][0], lang)
    assert match is not None and match.page == "money-and-contributions"
    reply = answer_search.answer_text(match, lang)
    assert reply.endswith(f"/{lang}/money-and-contributions") and match.title in reply


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
def test_a_question_no_block_answers_finds_nothing(lang):
    assert answer_search.search(QUESTIONS[lang][1], lang) is None


def test_blocks_holding_configuration_are_never_answers():
    match = answer_search.best_block("who can I call in a crisis, what is the local helpline number", "en")
    assert match is None or "{{" not in match.text


def test_the_answer_fits_a_phone_screen():
    match = answer_search.search("tell me everything about direct payments and council arranged support", "en")
    assert match is not None
    assert len(answer_search.answer_text(match, "en")) <= answer_search.MAX_ANSWER_CHARS + 60


class _MissingAssistant(http.server.BaseHTTPRequestHandler):
    """Rasa's reply to a miss: the rephrase text, suggested questions and the miss marker."""

    def do_POST(self):
        body = json.dumps([
            {"recipient_id": "x", "text": "Sorry, I did not understand.",
             "buttons": [{"title": "Money", "payload": "Do I have to pay towards my support?"}]},
            {"recipient_id": "x", "custom": {"miss": "rephrase"}},
        ]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def missing_assistant():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _MissingAssistant)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _ask(url, message, language):
    return assistant.ask(rasa_url=url, sender="s", message=message, language=language, timeout=2,
                         waiting=assistant.Waiting(2))


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
def test_a_miss_is_answered_from_the_best_block(missing_assistant, lang):
    reply = _ask(missing_assistant, QUESTIONS[lang][0], lang)
    assert reply.source == assistant.ReplySource.search
    assert reply.texts[0].endswith(f"/{lang}/money-and-contributions")
    assert not reply.suggestions and not reply.unanswered


def test_a_miss_the_search_cannot_answer_keeps_the_rephrase_and_its_suggestions(missing_assistant):
    reply = _ask(missing_assistant, "recipe for a chocolate cake", "en")
    assert reply.source == assistant.ReplySource.assistant
    assert reply.texts == ["Sorry, I did not understand."]
    assert [s.title for s in reply.suggestions] == ["Money"] and reply.unanswered
