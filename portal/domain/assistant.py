"""Talking to the Rasa assistant over its REST channel on loopback.

The risk detector comes first and does not depend on Rasa: a message that shows high risk
is answered by the portal at once, without asking the assistant. A message of concern is
answered by the assistant, and the portal adds a discreet line. When Rasa is down, slow or
silent, the reply says so and points to a person and to crisis help. When the assistant's
own model hears a crisis the detector did not (its `crisis` intent, sent as a marker), the
portal gives its crisis help all the same: recall first.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

import requests

from . import risk as risk_detector

MAX_MESSAGE_LENGTH = 500


class ReplySource(enum.StrEnum):
    assistant = "assistant"
    risk = "risk"  # the portal's risk detector answered, without the assistant
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
    risk: risk_detector.Risk
    suggestions: list[SuggestedQuestion] = field(default_factory=list)


def _suggestions(items: list) -> list[SuggestedQuestion]:
    return [
        SuggestedQuestion(button["title"], button["payload"])
        for item in items if isinstance(item, dict)
        for button in item.get("buttons") or []
        if isinstance(button, dict) and isinstance(button.get("title"), str) and isinstance(button.get("payload"), str)
        and not button["payload"].startswith("/")  # only ordinary questions, never an intent
    ]


def _assistant_heard_a_crisis(items: list) -> bool:
    return any(isinstance(item, dict) and isinstance(item.get("custom"), dict) and item["custom"].get("risk") == "high"
               for item in items)


def clean_message(text: str) -> str:
    # Rasa treats a leading "/" as an intent name: never let a user inject intents.
    return text.strip().lstrip("/").strip()[:MAX_MESSAGE_LENGTH]


def ask(*, rasa_url: str, sender: str, message: str, language: str, timeout: float,
        sealed_grant: str | None = None) -> ChatReply:
    """`sealed_grant`, for a signed-in client or carer, lets the action server ask the
    portal about their own support (see assistant_grants); it is encrypted, so Rasa's
    tracker store, which keeps the metadata, never holds a usable token."""
    message = clean_message(message)
    risk = risk_detector.assess(message, language)
    if risk.is_high:
        # Answer at once from the portal: no waiting on the assistant.
        return ChatReply(ReplySource.risk, [], risk)
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
        if not isinstance(items, list):
            raise ValueError("not a list of messages")
        texts = [item["text"] for item in items if isinstance(item, dict) and isinstance(item.get("text"), str)]
    except (requests.RequestException, ValueError, TypeError, KeyError):
        items, texts = [], []
    if _assistant_heard_a_crisis(items):
        return ChatReply(ReplySource.risk, [], risk | risk_detector.Risk(risk_detector.Level.high,
                                                                         frozenset({risk_detector.Kind.self})))
    if not texts:
        return ChatReply(ReplySource.unavailable, [], risk)
    return ChatReply(ReplySource.assistant, texts, risk, suggestions=_suggestions(items))
