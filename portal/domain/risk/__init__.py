"""One risk detector for everything people write: the chat, feedback, plan comments and
messages. Clinical safety comes first, so recall comes first: when unsure, show help.

`assess(text, language)` → `Risk(level, kinds)`:
- level `high`: someone may be about to hurt themselves (`self`), someone else (`others`),
  or is being hurt by someone (`from_others`): the reply is help, at once;
- level `concern`: distress, or an idiom that sounds like risk ("these forms are killing
  me"): the question is answered, with one discreet line pointing to help;
- level `none`.

Two layers, either of which can raise the level: phrases per language (patterns.py) and a
classifier trained on the project's own examples (classifier.py). Idioms ("I'd kill for a
cup of tea") never lower what a pattern found; when the classifier alone hears high risk
in a message with an idiom, it is asked again with the idiom taken out, and only the rest
of the message decides (so "my back is killing me and I want to end it" stays high).
`make eval-safety` measures each layer and both together on held-out examples no layer has
seen.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from . import classifier, patterns

# Probability, summed over the high-risk labels, above which the classifier alone calls a
# message high risk; low on purpose (recall first). Chosen by cross-validation on the
# training examples (make eval-safety prints the figures), never on the held-out ones.
HIGH_THRESHOLD = 0.35
CONCERN_THRESHOLD = 0.4


class Level(enum.IntEnum):
    none = 0
    concern = 1
    high = 2


class Kind(enum.StrEnum):
    self = "self"
    others = "others"
    from_others = "from_others"


@dataclass(frozen=True)
class Risk:
    level: Level
    kinds: frozenset[Kind] = frozenset()

    @property
    def is_high(self) -> bool:
        return self.level == Level.high

    @property
    def shows_help(self) -> bool:
        return self.level > Level.none

    def __or__(self, other: Risk) -> Risk:
        return Risk(max(self.level, other.level), self.kinds | other.kinds)


NO_RISK = Risk(Level.none)


def by_patterns(text: str) -> Risk:
    risk = NO_RISK
    for hit in patterns.matches(text):
        if hit.kind in ("concern", "idiom"):
            risk = risk | Risk(Level.concern)
        else:
            risk = risk | Risk(Level.high, frozenset({Kind(hit.kind)}))
    return risk


def by_classifier(text: str) -> Risk:
    risk = NO_RISK
    for part in classifier.readings(text):
        risk = risk | _classify_with_idioms(part)
    return risk


def _classify_with_idioms(text: str) -> Risk:
    found = _classify(text)
    if found.is_high and any(hit.kind == "idiom" for hit in patterns.matches(text)):
        rest = _classify(patterns.without_idioms(text))
        return rest if rest.is_high else Risk(Level.concern)
    return found


def high_probability(probabilities: dict[str, float]) -> float:
    """The classifier's probability that a text shows high risk, of any kind."""
    return sum(probabilities[label] for label in classifier.HIGH_LABELS)


def _classify(text: str) -> Risk:
    probabilities = classifier.shared().probabilities(text)
    high = high_probability(probabilities)
    if high >= HIGH_THRESHOLD:
        strongest = max(classifier.HIGH_LABELS, key=probabilities.__getitem__)
        # Every kind that is nearly as likely is named too: the reply covers both.
        kinds = {Kind(label) for label in classifier.HIGH_LABELS if probabilities[label] >= probabilities[strongest] / 2}
        return Risk(Level.high, frozenset(kinds))
    if high + probabilities["concern"] >= CONCERN_THRESHOLD:
        return Risk(Level.concern)
    return NO_RISK


def assess(text: str, language: str | None = None) -> Risk:
    """How much risk `text` shows. `language` is the page's; every language is checked,
    because people in distress may write in any of them."""
    if not text or not text.strip():
        return NO_RISK
    found = by_patterns(text)
    if found.is_high and not classifier.trained():
        # Help at once: a crisis its words show never waits for the classifier's training
        # (tens of seconds after a start). Everything else waits: recall comes first.
        return found
    return found | by_classifier(text)
