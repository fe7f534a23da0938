"""The safety gate for the whole chat: every held-out risk message, in every language,
typed into the portal's chat with the real assistant behind it, gets the crisis help, and
at most 5 % of the held-out ordinary messages do (the assistant's own crisis intent must
not add false alarms to the detector's)."""
from __future__ import annotations

import pytest

from portal.i18n import LANGUAGES
from tests.safety import evaluate


@pytest.fixture
def ask(app, client, rasa_server):
    app.config.update(RASA_URL=rasa_server, RASA_TIMEOUT_SECONDS=10)

    def _ask(text: str) -> dict:
        response = client.post("/en/chat/messages", json={"message": text}, headers={"X-CSRFToken": client.csrf_token()})
        assert response.status_code == 200
        return response.get_json()

    return _ask


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_whole_chat_gives_help_for_every_risk_and_few_false_alarms(ask, language):
    result = evaluate.score(language, evaluate.chat_layer(ask))
    assert result.missed == []
    assert result.false_alarm_rate <= evaluate.MAX_FALSE_ALARMS, result.alarmed
