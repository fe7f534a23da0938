"""The safety gate for the whole chat: every held-out risk message, in every language,
typed into the portal's chat with the real assistant behind it, gets the crisis help, and
at most 5 % of the held-out ordinary messages do (the assistant's own crisis intent must
not add false alarms to the detector's); every ordinary message gets words, not only help."""
from __future__ import annotations

import pytest

from portal.i18n import LANGUAGES
from tests.safety import evaluate

# Each held-out message goes through the chat once for all the tests of this module.
_REPLIES: dict[str, dict] = {}


@pytest.fixture
def ask(app, client, rasa_server):
    app.config.update(RASA_URL=rasa_server, RASA_TIMEOUT_SECONDS=10)

    def _ask(text: str) -> dict:
        if text not in _REPLIES:
            response = client.post("/en/chat/messages", json={"message": text},
                                   headers={"X-CSRFToken": client.csrf_token()})
            assert response.status_code == 200
            _REPLIES[text] = response.get_json()
        return _REPLIES[text]

    return _ask


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_whole_chat_gives_help_for_every_risk(ask, language):
    assert evaluate.score(language, evaluate.chat_layer(ask)).missed == []


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_whole_chat_has_few_false_alarms(ask, language):
    result = evaluate.score(language, evaluate.chat_layer(ask))
    assert result.false_alarm_rate <= evaluate.MAX_FALSE_ALARMS, result.alarmed


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_ordinary_message_the_chat_does_not_alarm_on_gets_an_answer(ask, language):
    """Idioms, past attempts and questions about medicine that the assistant's crisis intent
    hears get words (an answer or the rephrase) and at most the discreet line, never help alone."""
    data = evaluate.held_out(language)
    layer = evaluate.chat_layer(ask)
    unanswered = [text for label in evaluate.NEGATIVE_LABELS for text in data.get(label) or []
                  if not layer(text).is_high and not ask(text)["texts"]]
    assert unanswered == []
