"""The Rasa assistant end to end: real Rasa server + action server over HTTP.

Messages go to the REST channel the way the portal sends them, with the page language in
the metadata; the replies must come back in that language.
"""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.chatbot

CHATBOT = Path(__file__).resolve().parents[2] / "chatbot"


def send(base_url: str, sender: str, message: str, language: str | None = "en") -> list[dict]:
    payload = {"sender": sender, "message": message}
    if language is not None:
        payload["metadata"] = {"language": language}
    response = requests.post(f"{base_url}/webhooks/rest/webhook", json=payload, timeout=30)
    response.raise_for_status()
    replies = response.json()
    assert replies, f"no reply to {message!r}"
    return replies


def ask(base_url: str, message: str, language: str | None = "en") -> str:
    """Send one message in a fresh conversation; return all reply texts joined."""
    return "\n".join(r.get("text", "") for r in send(base_url, uuid.uuid4().hex, message, language))


def test_greeting_gets_a_greeting(rasa_server):
    assert ask(rasa_server, "Hello").startswith("Hello")


def test_level_1_question_gets_the_level_1_answer_with_its_page(rasa_server):
    reply = ask(rasa_server, "what is level 1?")
    assert "Level 1" in reply and "Level 2" in reply
    assert "12 months" in reply and "24 months" in reply
    assert reply.rstrip().endswith("/en/level-1-targeted-help")
    assert "116 123" not in reply


@pytest.mark.parametrize(
    ("message", "language", "expected"),
    [
        ("Czym jest Poziom 1?", "pl", ["Poziom 1", "12 miesięcy", "/pl/level-1-targeted-help"]),
        ("第1级是什么？", "zh", ["第1级", "12 个月", "/zh/level-1-targeted-help"]),
        ("Ce este Nivelul 1?", "ro", ["Nivelul 1", "12 luni", "/ro/level-1-targeted-help"]),
        ("ما هو المستوى 1؟", "ar", ["المستوى 1", "12 شهرًا", "/ar/level-1-targeted-help", "اقرأ المزيد"]),
        ("Čo je úroveň 1?", "sk", ["Úroveň 1", "12 mesiacov", "/sk/level-1-targeted-help"]),
        ("لیول 1 کیا ہے؟", "ur", ["درجہ 1", "12 مہینے", "/ur/level-1-targeted-help", "مزید پڑھیں"]),
        ("Waa maxay heerka 1?", "so", ["Heerka 1", "12 bilood", "/so/level-1-targeted-help", "Wax badan ka akhri"]),
    ],
)
def test_level_question_is_answered_in_the_page_language(rasa_server, message, language, expected):
    reply = ask(rasa_server, message, language)
    for text in expected:
        assert text in reply, (text, reply)
    assert "116 123" not in reply


@pytest.mark.parametrize(
    ("message", "language", "expected"),
    [
        ("What are the two levels of support?", "en", "/en/about-the-service"),
        ("Jakie są poziomy wsparcia?", "pl", "/pl/about-the-service"),
        ("两个支持级别是什么？", "zh", "/zh/about-the-service"),
        ("How long does Level 1 last?", "en", "/en/level-1-targeted-help"),
        ("Do I have to pay towards my support?", "en", "/en/money-and-contributions"),
        ("Czy muszę płacić za wsparcie?", "pl", "/pl/money-and-contributions"),
        ("What is section 117 aftercare?", "en", "/en/money-and-contributions"),
        ("Can I talk to a real person?", "en", "adult social care team"),
        ("Can I get a provider who speaks Arabic?", "en", "/en/providers"),
    ],
)
def test_topic_questions_get_the_topic_answer(rasa_server, message, language, expected):
    assert expected in ask(rasa_server, message, language)


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("What is crisis support in Level 1?", "en"),
        ("what is crisis support in level 1", "en"),
        ("Czym jest wsparcie kryzysowe na poziomie 1?", "pl"),
        ("第1级的危机支持是什么？", "zh"),
        ("Ce este sprijinul în criză la Nivelul 1?", "ro"),
        ("ما هو دعم الأزمات في المستوى الأول؟", "ar"),
        ("درجہ 1 میں بحران کے وقت کیا مدد ملتی ہے؟", "ur"),
        ("Čo je krízová pomoc na úrovni 1?", "sk"),
        ("heerka 1 taageerada xaaladda degdegga ah waa maxay?", "so"),
    ],
)
def test_the_word_crisis_alone_is_not_a_crisis(rasa_server, message, language):
    reply = ask(rasa_server, message, language)
    assert "116 123" not in reply
    assert f"/{language}/level-1-targeted-help" in reply


def _crisis_examples() -> list[tuple[str, str]]:
    """Two of the assistant's own crisis training examples per language."""
    import yaml

    found = []
    for path in sorted((CHATBOT / "data" / "nlu").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        examples = next(item["examples"] for item in data["nlu"] if item["intent"] == "crisis")
        found += [(line[2:].strip(), path.stem) for line in examples.splitlines() if line.startswith("- ")][:2]
    return found


@pytest.mark.parametrize(("message", "language"), _crisis_examples())
def test_a_crisis_the_model_hears_is_marked_and_answered_as_a_miss(rasa_server, message, language):
    """The portal answers high risk itself (its detector runs first); a message it let
    through that the assistant's own model still takes for a crisis is marked, and gets the
    rephrase reply with its miss marker (the portal then adds its discreet line to help)."""
    replies = send(rasa_server, uuid.uuid4().hex, message, language)
    assert {"heard": "crisis"} in [r.get("custom") for r in replies]
    assert {"miss": "rephrase"} in [r.get("custom") for r in replies]
    assert any(r.get("text") for r in replies)


def test_crisis_rule_applies_mid_conversation(rasa_server):
    sender = uuid.uuid4().hex
    for message in ("hi", "what is level 2?"):
        send(rasa_server, sender, message)
    message, language = _crisis_examples()[0]
    replies = send(rasa_server, sender, message, language)
    assert {"heard": "crisis"} in [r.get("custom") for r in replies]


def test_the_language_slot_follows_the_latest_message(rasa_server):
    sender = uuid.uuid4().hex
    first = "\n".join(r.get("text", "") for r in send(rasa_server, sender, "what is level 2?", "en"))
    assert "/en/level-2-ongoing-care" in first
    second = "\n".join(r.get("text", "") for r in send(rasa_server, sender, "what is level 2?", "pl"))
    assert "/pl/level-2-ongoing-care" in second and "Poziom 2" in second


def test_without_metadata_the_reply_is_english(rasa_server):
    assert "/en/level-1-targeted-help" in ask(rasa_server, "what is level 1?", language=None)


def test_an_unknown_language_code_falls_back_to_english(rasa_server):
    assert "/en/level-1-targeted-help" in ask(rasa_server, "what is level 1?", language="xx")


@pytest.mark.parametrize(
    ("message", "language", "expected"),
    [
        ("what's the weather tomorrow", "en",
         "I can only answer questions about the Mental Health Independence and Support Framework"),
        ("jaka będzie jutro pogoda?", "pl", "mogę odpowiadać tylko na pytania"),
        ("明天天气怎么样？", "zh", "我只能回答"),
    ],
)
def test_out_of_scope_question(rasa_server, message, language, expected):
    reply = ask(rasa_server, message, language)
    assert expected in reply
    assert "support plans and goals" in reply or language != "en"


def test_first_miss_asks_to_rephrase_with_topics_then_a_second_miss_points_to_a_person(rasa_server):
    # "/nlu_fallback" sets the intent directly (Rasa's "/intent" shortcut): the nlu_fallback
    # rules (chatbot/data/rules.yml) answer from the conversation's previous reply.
    sender = uuid.uuid4().hex
    first = send(rasa_server, sender, "/nlu_fallback")
    assert "try asking in a different way" in first[0]["text"]
    assert [b["title"] for b in first[0].get("buttons", [])][:2] == ["The two levels", "Support plans"]
    second = "\n".join(r.get("text", "") for r in send(rasa_server, sender, "/nlu_fallback"))
    assert "adult social care team" in second and "ask your worker" in second
    assert "116 123" in second and "999" in second
    # An answered question ends the run of misses: the next miss asks to rephrase again.
    send(rasa_server, sender, "what is level 1?")
    third = "\n".join(r.get("text", "") for r in send(rasa_server, sender, "/nlu_fallback"))
    assert "try asking in a different way" in third


def test_a_rephrase_button_payload_is_an_ordinary_question(rasa_server):
    sender = uuid.uuid4().hex
    buttons = send(rasa_server, sender, "/nlu_fallback")[0]["buttons"]
    reply = "\n".join(r.get("text", "") for r in send(rasa_server, sender, buttons[0]["payload"]))
    assert "/en/about-the-service" in reply


def test_fallback_replies_follow_the_page_language(rasa_server):
    sender = uuid.uuid4().hex
    send(rasa_server, sender, "Dzień dobry", "pl")  # sets the language slot
    first = send(rasa_server, sender, "/nlu_fallback", "pl")
    assert "Spróbuj zapytać inaczej" in first[0]["text"]
    assert first[0]["buttons"][0]["payload"] == "Jakie są dwa poziomy wsparcia?"
    second = "\n".join(r.get("text", "") for r in send(rasa_server, sender, "/nlu_fallback", "pl"))
    assert "zespołem opieki społecznej dla dorosłych" in second


def test_nonsense_gets_no_topic_answer(rasa_server):
    # Asking to rephrase or saying what the assistant can help with; never a topic's answer.
    reply = ask(rasa_server, "qwxz vbnm plk")
    assert "try asking in a different way" in reply or "I can only answer questions" in reply
    assert "Read more" not in reply


def test_a_miss_is_marked_for_the_portal(rasa_server):
    # The portal's answer search (portal/domain/answer_search.py) looks for this marker.
    items = send(rasa_server, uuid.uuid4().hex, "/nlu_fallback")
    assert {"miss": "rephrase"} in [item.get("custom") for item in items]


def test_rasa_data_validate(rasa_venv_rasa):
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [str(rasa_venv_rasa), "data", "validate", "--fail-on-warnings",
         "--config", "config.yml", "--domain", "domain", "--data", "data"],
        cwd=CHATBOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
