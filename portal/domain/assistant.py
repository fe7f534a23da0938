"""Talking to the Rasa assistant over its REST channel on loopback.

The risk detector comes first and does not depend on Rasa: a message that shows high risk
is answered by the portal at once, without asking the assistant. A message of concern is
answered by the assistant, and the portal adds a discreet line. When Rasa is down, slow or
silent, the reply says so and points to a person and to crisis help.

The detector alone decides high risk. The assistant's own `crisis` intent (sent as a marker,
with its rephrase reply) only lifts a message to concern: measured on the held-out set
(`make eval-safety`), it added no risk message the detector missed in any language, while it
took 7-22 % of ordinary messages (idioms, past attempts, medicine questions) for a crisis.
Such a message is answered (the content's answer blocks, else the rephrase) with the
discreet line to help (chatbot/HAZARD_LOG.md, H2).

Only a few requests of a process wait on the assistant at once (`Waiting`): when it is
slow, the rest are answered at once as when it is down, so chat cannot hold every thread
and pages such as the crisis page stay fast.
"""
from __future__ import annotations

import contextlib
import enum
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import urllib3

from . import answer_search, message_language
from . import risk as risk_detector

MAX_MESSAGE_LENGTH = 500
# How long a message may wait for a place: long enough to ride out a burst while the
# assistant is quick, short enough to be "at once" while it is slow.
WAIT_FOR_A_PLACE_SECONDS = 0.1


class ReplySource(enum.StrEnum):
    assistant = "assistant"
    risk = "risk"  # the portal's risk detector answered, without the assistant
    unavailable = "unavailable"  # Rasa down, slow or empty
    search = "search"  # the intent model was unsure; the best answer block of content/ answered


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
    # The language the texts are in: the message's, when it is a portal language (else the page's).
    language: str = ""
    # Neither the intent model nor the search found an answer (the assistant asked to
    # rephrase or pointed to a person): a question the team may want to teach it.
    unanswered: bool = False


class Waiting:
    """The places for requests of this process waiting on the assistant."""

    def __init__(self, places: int):
        self._places = threading.BoundedSemaphore(max(1, places))

    @contextlib.contextmanager
    def place(self) -> Iterator[bool]:
        """Yields whether a place was free (within WAIT_FOR_A_PLACE_SECONDS)."""
        placed = self._places.acquire(timeout=WAIT_FOR_A_PLACE_SECONDS)
        try:
            yield placed
        finally:
            if placed:
                self._places.release()


def _suggestions(items: list) -> list[SuggestedQuestion]:
    return [
        SuggestedQuestion(button["title"], button["payload"])
        for item in items if isinstance(item, dict)
        for button in item.get("buttons") or []
        if isinstance(button, dict) and isinstance(button.get("title"), str) and isinstance(button.get("payload"), str)
        and not button["payload"].startswith("/")  # only ordinary questions, never an intent
    ]


def _assistant_heard_a_crisis(items: list) -> bool:
    return any(isinstance(item, dict) and isinstance(item.get("custom"), dict) and item["custom"].get("heard") == "crisis"
               for item in items)


def _assistant_missed(items: list) -> bool:
    return any(isinstance(item, dict) and isinstance(item.get("custom"), dict) and item["custom"].get("miss")
               for item in items)


def clean_message(text: str) -> str:
    # Rasa treats a leading "/" as an intent name: never let a user inject intents.
    return text.strip().lstrip("/").strip()[:MAX_MESSAGE_LENGTH]


def ask(*, rasa_url: str, sender: str, message: str, language: str, timeout: float, waiting: Waiting,
        sealed_grant: Callable[[], str | None] = lambda: None) -> ChatReply:
    """`sealed_grant` makes, for a signed-in client or carer, what lets the action server
    ask the portal about their own support (see assistant_grants), only when the assistant
    is asked; it is encrypted, so Rasa's tracker store, which keeps the metadata, never
    holds a usable token."""
    message = clean_message(message)
    risk = risk_detector.assess(message, language)
    if risk.is_high:
        # Answer at once from the portal: no waiting on the assistant.
        return ChatReply(ReplySource.risk, [], risk)
    # The assistant answers in the language of the message, whatever the page's.
    language = message_language.identify(message, language)
    with waiting.place() as placed:
        if not placed:  # as many waiting as may: answered at once, as when it is down
            return ChatReply(ReplySource.unavailable, [], risk)
        return _ask_assistant(rasa_url=rasa_url, sender=sender, message=message, language=language,
                              timeout=timeout, grant=sealed_grant(), risk=risk)


# urllib3 itself, not requests: requests builds a session for every call, a millisecond of
# CPU on each chat message. No retries (a message must not reach Rasa twice) and a fresh
# connection each time (a pooled one Rasa closed while idle would fail the message).
_RASA = urllib3.PoolManager(retries=False)
_RASA_HEADERS = {"Content-Type": "application/json", "Connection": "close"}


def _ask_assistant(*, rasa_url: str, sender: str, message: str, language: str, timeout: float, grant: str | None,
                   risk: risk_detector.Risk) -> ChatReply:
    metadata = {"language": language}
    if grant:
        metadata["grant"] = grant
    try:
        response = _RASA.request(
            "POST", f"{rasa_url.rstrip('/')}/webhooks/rest/webhook",
            body=json.dumps({"sender": sender, "message": message, "metadata": metadata}).encode(),
            headers=_RASA_HEADERS, timeout=urllib3.Timeout(connect=timeout, read=timeout),
        )
        if response.status != 200:
            raise ValueError(f"status {response.status}")
        items = json.loads(response.data)
        if not isinstance(items, list):
            raise ValueError("not a list of messages")
        texts = [item["text"] for item in items if isinstance(item, dict) and isinstance(item.get("text"), str)]
    except (urllib3.exceptions.HTTPError, ValueError, TypeError, KeyError):
        items, texts = [], []
    if _assistant_heard_a_crisis(items):
        risk = risk | risk_detector.Risk(risk_detector.Level.concern)
    if not texts:
        return ChatReply(ReplySource.unavailable, [], risk)
    if _assistant_missed(items):
        match = answer_search.search(message, language)
        if match is not None:
            return ChatReply(ReplySource.search, [answer_search.answer_text(match, language)], risk,
                             language=language)
        return ChatReply(ReplySource.assistant, texts, risk, suggestions=_suggestions(items), language=language,
                         unanswered=True)
    return ChatReply(ReplySource.assistant, texts, risk, suggestions=_suggestions(items), language=language)
