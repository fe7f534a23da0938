"""The replies generated from content/ (chatbot/bin/build-responses): up to date, one
variation per portal language, short, ending with a link to the page. Reads files only."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from portal.i18n import LANGUAGES as PORTAL_LANGUAGES

REPO = Path(__file__).resolve().parents[2]
CHATBOT = REPO / "chatbot"
LANGUAGES = list(PORTAL_LANGUAGES)
MAX_CHARS = 650 + 80  # the answer plus its "Read more: /xx/page" line


def _answers() -> dict:
    return yaml.safe_load((CHATBOT / "domain" / "answers.yml").read_text(encoding="utf-8"))


def _topics() -> list[dict]:
    return yaml.safe_load((CHATBOT / "answers" / "topics.yml").read_text(encoding="utf-8"))["topics"]


def test_generated_files_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(CHATBOT / "bin" / "build-responses"), "--check"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr + "\nRun chatbot/bin/build-responses (or make chatbot-model)."


def test_every_reply_has_one_variation_per_language_with_english_as_default():
    for name, variations in _answers()["responses"].items():
        conditions = [v.get("condition") for v in variations]
        languages = sorted(c[0]["value"] for c in conditions if c)
        assert languages == sorted(LANGUAGES[1:]), name
        assert conditions.count(None) == 1, name  # English, the default
        for variation in variations:
            if variation.get("condition"):
                assert variation["condition"] == [
                    {"type": "slot", "name": "language", "value": variation["condition"][0]["value"]}
                ], name


def test_topic_answers_are_short_and_end_with_a_link_to_their_page():
    responses = _answers()["responses"]
    for topic in _topics():
        name = "utter_" + topic["intent"].removeprefix("ask_")
        for variation in responses[name]:
            language = variation["condition"][0]["value"] if variation.get("condition") else "en"
            text = variation["text"]
            assert len(text) <= MAX_CHARS, (name, language, len(text))
            assert text.rstrip().endswith(f"/{language}/{topic['page']}"), (name, language)


def test_no_reply_holds_configuration():
    """The local crisis line and the council's numbers are the portal's configuration, put
    in at run time; a reply that held them would need a retrain to follow a change."""
    text = (CHATBOT / "domain" / "answers.yml").read_text(encoding="utf-8")
    assert "0808" not in text and "{{" not in text and "{local" not in text
    core = yaml.safe_load((CHATBOT / "domain" / "core.yml").read_text(encoding="utf-8"))
    assert core["responses"]["utter_crisis"] == [{"custom": {"heard": "crisis"}}]


def test_the_fallback_replies_name_no_invented_phone_number():
    responses = _answers()["responses"]
    allowed = {"999", "111", "116", "123", "2"}
    import re

    for name in ("utter_rephrase", "utter_handoff", "utter_talk_to_person"):
        for variation in responses[name]:
            numbers = set(re.findall(r"\d+", variation["text"]))
            assert numbers <= allowed, (name, numbers)


def test_rephrase_buttons_send_ordinary_questions():
    for variation in _answers()["responses"]["utter_rephrase"]:
        assert len(variation["buttons"]) >= 3
        for button in variation["buttons"]:
            assert not button["payload"].startswith("/")  # the portal strips "/": no intents


def test_every_trained_intent_has_a_rule_and_examples_in_every_language():
    intents = set(_answers()["intents"]) | {"greet", "thanks", "goodbye", "out_of_scope", "crisis"}
    for language in LANGUAGES:
        data = yaml.safe_load((CHATBOT / "data" / "nlu" / f"{language}.yml").read_text(encoding="utf-8"))
        counts: dict[str, int] = {}
        for item in data["nlu"]:  # an intent may have several blocks (Rasa joins them)
            counts[item["intent"]] = counts.get(item["intent"], 0) + item["examples"].count("\n- ") + 1
        for intent in intents:
            assert counts.get(intent, 0) >= 8, (language, intent, counts.get(intent, 0))


def test_a_miss_carries_the_marker_that_sends_the_portal_to_the_answer_search():
    # portal/domain/assistant.py searches content/'s answer blocks for a reply with it.
    responses = _answers()["responses"]
    for name, miss in (("utter_rephrase", "rephrase"), ("utter_handoff", "handoff")):
        assert all(variation["custom"] == {"miss": miss} for variation in responses[name]), name
    assert not any("custom" in variation for variation in responses["utter_levels"])
