"""Talking to the Rasa assistant over its REST channel on loopback.

The crisis check comes first and does not depend on Rasa. When Rasa is down, slow or
silent, the reply says so and points to a person and to crisis help.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

import requests

from .crisis import suggests_risk

MAX_MESSAGE_LENGTH = 500


class ReplySource(enum.StrEnum):
    assistant = "assistant"
    crisis = "crisis"  # the portal's own crisis check answered
    unavailable = "unavailable"  # Rasa down, slow or empty


@dataclass(frozen=True)
class SuggestedQuestion:
    """A button under a reply ("Support plans"); choosing it sends `question` as a message."""

    title: str
    question: str


@dataclass
class ChatReply:
    source: ReplySource
    texts: list[str]
    show_crisis_help: bool
    suggestions: list[SuggestedQuestion] = field(default_factory=list)


def _suggestions(items: list) -> list[SuggestedQuestion]:
    return [
        SuggestedQuestion(button["title"], button["payload"])
        for item in items if isinstance(item, dict)
        for button in item.get("buttons") or []
        if isinstance(button, dict) and isinstance(button.get("title"), str) and isinstance(button.get("payload"), str)
        and not button["payload"].startswith("/")  # only ordinary questions, never an intent
    ]


def clean_message(text: str) -> str:
    # Rasa treats a leading "/" as an intent name: never let a user inject intents.
    return text.strip().lstrip("/").strip()[:MAX_MESSAGE_LENGTH]


def ask(*, rasa_url: str, sender: str, message: str, language: str, timeout: float,
        sealed_grant: str | None = None) -> ChatReply:
    """`sealed_grant`, for a signed-in client or carer, lets the action server ask the
    portal about their own support (see assistant_grants); it is encrypted, so Rasa's
    tracker store, which keeps the metadata, never holds a usable token."""
    message = clean_message(message)
    if suggests_risk(message):
        # Answer at once from the portal: no waiting on the assistant.
        return ChatReply(ReplySource.crisis, [], show_crisis_help=True)
    metadata = {"language": language}
    if sealed_grant:
        metadata["grant"] = sealed_grant
    try:
        response = requests.post(
            f"{rasa_url.rstrip('/')}/webhooks/rest/webhook",
            json={"sender": sender, "message": message, "metadata": metadata},
            timeout=timeout,
        )
        response.raise_for_status()
        items = response.json()
        texts = [item["text"] for item in items if isinstance(item, dict) and item.get("text")]
    except (requests.RequestException, ValueError, TypeError, KeyError):
        texts = []
    if not texts:
        return ChatReply(ReplySource.unavailable, [], show_crisis_help=True)
    return ChatReply(ReplySource.assistant, texts, show_crisis_help=False, suggestions=_suggestions(items))
