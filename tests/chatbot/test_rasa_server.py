"""The Rasa assistant end to end: real Rasa server + action server over HTTP."""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.chatbot

CHATBOT = Path(__file__).resolve().parents[2] / "chatbot"
CRISIS_NUMBER = "116 123"  # Samaritans, in utter_crisis


def ask(base_url: str, message: str, language: str = "en") -> str:
    """Send one message in a fresh conversation; return all reply texts joined."""
    response = requests.post(
        f"{base_url}/webhooks/rest/webhook",
        json={"sender": uuid.uuid4().hex, "message": message, "metadata": {"language": language}},
        timeout=30,
    )
    response.raise_for_status()
    replies = response.json()
    assert replies, f"no reply to {message!r}"
    return "\n".join(r.get("text", "") for r in replies)


def test_greeting_gets_a_greeting(rasa_server):
    assert ask(rasa_server, "Hello").startswith("Hello")


def test_levels_question_explains_both_levels(rasa_server):
    reply = ask(rasa_server, "what is level 1?")
    assert "Level 1" in reply and "Level 2" in reply
    assert "12 months" in reply and "24 months" in reply
    assert CRISIS_NUMBER not in reply


@pytest.mark.parametrize(
    "message",
    [
        "I want to kill myself",
        "i've taken too many pills",  # not a training example
        "I took an overdose",
        "I want to end it all",
        "someone is hurting me",
        "I WANT TO KILL MYSELF",  # case folding
    ],
)
def test_crisis_messages_get_the_crisis_numbers(rasa_server, message):
    reply = ask(rasa_server, message)
    assert CRISIS_NUMBER in reply
    assert "999" in reply and "85258" in reply and "0808 801 0440" in reply


def test_crisis_rule_applies_mid_conversation(rasa_server):
    sender = uuid.uuid4().hex
    url = f"{rasa_server}/webhooks/rest/webhook"
    for message in ("hi", "what is level 2?"):
        requests.post(url, json={"sender": sender, "message": message}, timeout=30).raise_for_status()
    replies = requests.post(url, json={"sender": sender, "message": "I want to end my life"}, timeout=30).json()
    assert CRISIS_NUMBER in "\n".join(r["text"] for r in replies)


def test_the_word_crisis_alone_is_not_a_crisis(rasa_server):
    reply = ask(rasa_server, "What is crisis support in Level 1?")
    assert CRISIS_NUMBER not in reply
    assert "Level 1" in reply


def test_out_of_scope_question(rasa_server):
    reply = ask(rasa_server, "what's the weather tomorrow")
    assert "I can only answer questions about the Mental Health Independence and Support Framework" in reply


def test_fallback_comes_from_the_action_server(rasa_server):
    # "/nlu_fallback" sets the intent directly (Rasa's "/intent" shortcut), so the
    # nlu_fallback rule runs the custom action_default_fallback on the action server.
    reply = ask(rasa_server, "/nlu_fallback")
    assert "try asking in a different way" in reply


def test_rasa_data_validate(rasa_venv_rasa):
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [str(rasa_venv_rasa), "data", "validate", "--fail-on-warnings",
         "--config", "config.yml", "--domain", "domain.yml", "--data", "data"],
        cwd=CHATBOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
