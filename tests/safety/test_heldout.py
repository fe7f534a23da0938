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


# A held-out risk message that only the classifier catches, just above its threshold, is lost by
# the next change of examples anywhere (the classifier learns the assistant's questions too):
# it happened twice in December 2026. Each such catch keeps this much room.
MARGIN = 0.05


def _classifier_high_score(text: str) -> float:
    """The classifier's highest high-risk probability over what the detector reads of it."""
    shared = risk.classifier.shared()
    return max(risk.high_probability(shared.probabilities(part)) for part in risk.classifier.readings(text))


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_what_only_the_classifier_catches_it_catches_with_room_to_spare(language):
    data = evaluate.held_out(language)
    thin = [(round(score, 3), text) for label in evaluate.RISK_LABELS for text in data[label]
            if not risk.by_patterns(text).is_high
            and (score := _classifier_high_score(text)) < risk.HIGH_THRESHOLD + MARGIN]
    assert thin == []
