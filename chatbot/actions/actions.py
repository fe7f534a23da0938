"""Custom actions for the MHISF assistant."""

from __future__ import annotations

from typing import Any, Dict, List, Text

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
