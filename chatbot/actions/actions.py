"""Custom actions for the MHISF assistant.

Only plumbing for now: the personal-answer actions come in a later issue.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher


class ActionDefaultFallback(Action):
    """Asks the person to rephrase when the assistant is not confident.

    Replaces Rasa's built-in `action_default_fallback` (used by the
    `nlu_fallback` rule and by RulePolicy's core fallback). Like the built-in
    one, it removes the misunderstood message from the conversation so that it
    does not steer later predictions.
    """

    def name(self) -> Text:
        return "action_default_fallback"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_rephrase")
        return [UserUtteranceReverted()]
