"""Custom actions for the MHISF assistant."""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, List, Optional, Text

import requests
from cryptography.fernet import Fernet, InvalidToken
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from components.languages import portal_languages

# Personal questions -> the portal's topic (GET /<lang>/chat/personal/<topic>).
PERSONAL_TOPICS = {
    "ask_my_next_review": "next-review",
    "ask_my_goals": "goals",
    "ask_my_provider": "provider",
    "ask_my_request": "request",
}
PORTAL_TIMEOUT_SECONDS = 2.0  # inside the portal's own 3 s wait for Rasa
LANGUAGES = set(portal_languages())

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
