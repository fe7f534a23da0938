"""Custom actions for the MHISF assistant."""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, List, Optional, Text

import requests
from cryptography.fernet import Fernet, InvalidToken
from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

# Events that may sit between two user messages without a real answer in between.
_NEUTRAL_EVENTS = {"slot", "user_featurization", "action_execution_rejected", "entities"}


def misses_before_this_message(events: List[Dict[Text, Any]]) -> int:
    """How many fallbacks in a row came just before the latest user message.

    A fallback reverts its user message (event "rewind"), so the raw event list shows
    ... user, action_default_fallback, bot, rewind, action_listen, user(latest).
    Walking back from the latest user message, each such reverted turn counts as a
    miss; anything else (a real answer) ends the run.
    """
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if not users:
        return 0
    i = users[-1] - 1
    misses = 0
    while i >= 0:
        event = events[i]
        kind = event.get("event")
        if kind == "rewind":
            misses += 1
            while i >= 0 and events[i].get("event") != "user":
                i -= 1
            i -= 1  # before the reverted user message
            continue
        if kind in _NEUTRAL_EVENTS or (kind == "action" and event.get("name") == "action_listen"):
            i -= 1
            continue
        break
    return misses


class ActionDefaultFallback(Action):
    """Replies when the assistant is not confident (the `nlu_fallback` rule and
    RulePolicy's core fallback both run it; it replaces Rasa's built-in one).

    First miss: ask to rephrase and offer a few topics (utter_rephrase, with buttons).
    A second miss in a row (and any after it): say how to reach a person, with the
    crisis numbers in case it is urgent (utter_handoff).

    Like the built-in fallback, it removes the misunderstood message from the
    conversation so that it does not steer later predictions. Both replies are chosen
    in the person's language by the `language` slot (conditional response variations).
    """

    def name(self) -> Text:
        return "action_default_fallback"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        if misses_before_this_message(tracker.events) >= 1:
            dispatcher.utter_message(response="utter_handoff")
        else:
            dispatcher.utter_message(response="utter_rephrase")
        return [UserUtteranceReverted()]


# Personal questions -> the portal's topic (GET /<lang>/chat/personal/<topic>).
PERSONAL_TOPICS = {
    "ask_my_next_review": "next-review",
    "ask_my_goals": "goals",
    "ask_my_provider": "provider",
    "ask_my_request": "request",
}
PORTAL_TIMEOUT_SECONDS = 2.0  # inside the portal's own 3 s wait for Rasa
LANGUAGES = {"en", "ar", "zh", "ur", "sk", "pl", "ro", "so"}

logger = logging.getLogger(__name__)


def unseal_grant(sealed: Any, key: Optional[str]) -> Optional[str]:
    """The grant token the portal sent encrypted in the message metadata; None when there
    is none (signed out) or it cannot be read (wrong key, tampered)."""
    if not isinstance(sealed, str) or not sealed or not key:
        return None
    try:
        return Fernet(key.encode()).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


class ActionPersonalAnswer(Action):
    """Answers "when is my next review?", "what are my goals?", "who provides my
    support?" and "has my request been decided?" for the person signed in to the portal.

    The portal words the answer (in the page's language, through its own access rules and
    audit trail); this action only relays it. It authenticates with the chat's grant
    token and sender id, never with anything of the person's session. Signed out: say
    where to sign in. Portal unreachable or refusing: say so, with where to look.
    """

    def name(self) -> Text:
        return "action_personal_answer"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        topic = PERSONAL_TOPICS.get((latest.get("intent") or {}).get("name"))
        token = unseal_grant((latest.get("metadata") or {}).get("grant"), os.environ.get("ASSISTANT_GRANT_KEY"))
        if topic is None or token is None:
            dispatcher.utter_message(response="utter_sign_in_for_personal")
            return []
        language = tracker.get_slot("language")
        language = language if language in LANGUAGES else "en"
        portal = os.environ.get("PORTAL_URL", "http://127.0.0.1:5000").rstrip("/")
        try:
            response = requests.get(
                f"{portal}/{language}/chat/personal/{topic}",
                headers={"Authorization": f"Bearer {token}", "X-Chat-Id": tracker.sender_id},
                timeout=PORTAL_TIMEOUT_SECONDS,
            )
            if response.status_code == 401:
                dispatcher.utter_message(response="utter_sign_in_for_personal")
                return []
            response.raise_for_status()
            text = response.json()["text"]
        except (requests.RequestException, ValueError, KeyError, TypeError) as problem:
            logger.warning("personal answer unavailable: %s", type(problem).__name__)
            dispatcher.utter_message(response="utter_personal_unavailable")
            return []
        dispatcher.utter_message(text=text)
        return []
