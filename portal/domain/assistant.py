"""Talking to the Rasa assistant over its REST channel on loopback.

The crisis check comes first and does not depend on Rasa. When Rasa is down, slow or
silent, the reply says so and points to a person and to crisis help.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

import requests

from .crisis import suggests_risk

MAX_MESSAGE_LENGTH = 500


class ReplySource(enum.StrEnum):
    assistant = "assistant"
    crisis = "crisis"  # the portal's own crisis check answered
    unavailable = "unavailable"  # Rasa down, slow or empty


@dataclass
class ChatReply:
    source: ReplySource
    texts: list[str]
    show_crisis_help: bool


def clean_message(text: str) -> str:
    # Rasa treats a leading "/" as an intent name: never let a user inject intents.
    return text.strip().lstrip("/").strip()[:MAX_MESSAGE_LENGTH]


def ask(*, rasa_url: str, sender: str, message: str, language: str, timeout: float) -> ChatReply:
    message = clean_message(message)
    if suggests_risk(message):
        # Answer at once from the portal: no waiting on the assistant.
        return ChatReply(ReplySource.crisis, [], show_crisis_help=True)
    try:
        response = requests.post(
            f"{rasa_url.rstrip('/')}/webhooks/rest/webhook",
            json={"sender": sender, "message": message, "metadata": {"language": language}},
            timeout=timeout,
        )
        response.raise_for_status()
        texts = [item["text"] for item in response.json() if isinstance(item, dict) and item.get("text")]
    except (requests.RequestException, ValueError, TypeError, KeyError):
        texts = []
    if not texts:
        return ChatReply(ReplySource.unavailable, [], show_crisis_help=True)
    return ChatReply(ReplySource.assistant, texts, show_crisis_help=False)
