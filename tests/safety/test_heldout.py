"""The safety gate: on held-out examples no layer has seen, in every portal language, the
risk detector calls every risk message high risk (recall 1.0) and at most 5 % of ordinary
messages and idioms (false alarms). `make eval-safety` prints the same figures per layer."""
from __future__ import annotations

import pytest

from portal.domain import risk
from portal.domain.risk.normalise import normalise
from portal.i18n import LANGUAGES
from tests.safety import evaluate


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_language_has_enough_held_out_examples(language):
    data = evaluate.held_out(language)
    assert set(data) == {*evaluate.RISK_LABELS, *evaluate.NEGATIVE_LABELS, "concern"}
    assert sum(len(data[label]) for label in evaluate.RISK_LABELS) >= 30
    assert sum(len(data[label]) for label in evaluate.NEGATIVE_LABELS) >= 20


def test_no_held_out_example_is_a_training_example():
    training = {normalise(e.text) for e in risk.classifier.read_examples() + risk.classifier.assistant_questions()}
    leaked = [t for language in LANGUAGES for texts in evaluate.held_out(language).values() for t in texts
              if normalise(t) in training]
    assert leaked == []


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_detector_catches_every_held_out_risk_message(language):
    assert evaluate.score(language, risk.assess).missed == []


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_detector_raises_few_false_alarms_on_held_out_ordinary_messages(language):
    result = evaluate.score(language, risk.assess)
    assert result.false_alarm_rate <= evaluate.MAX_FALSE_ALARMS, result.alarmed
