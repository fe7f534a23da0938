"""How well each layer of the risk detector does on the held-out examples, per language.

The held-out examples (tests/safety/heldout/<lang>.yml) were written apart from the
detector's training examples and patterns, and no layer ever reads them: they judge it.

- recall: the share of risk messages (self, others, from_others) called high risk;
- false alarms: the share of ordinary messages and idioms (none, idiom) called high risk
  (the person would get crisis help instead of an answer);
- concern: the share of distress messages (concern) that get at least the discreet line.

Layers: the patterns alone, the classifier alone, the detector (both: what the portal uses
everywhere people write), and, with --chat, the whole chat through the portal with the real
assistant behind it (the detector; the assistant's own crisis intent only adds the discreet line).

    make eval-safety            # every layer, the whole chat with the real assistant too
    python -m tests.safety.evaluate [--whole-chat | --chat URL] [--cv] [-v]
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from portal.domain import risk
from portal.i18n import LANGUAGES

HELD_OUT = Path(__file__).resolve().parent / "heldout"
RISK_LABELS = ("self", "others", "from_others")
NEGATIVE_LABELS = ("none", "idiom")
MIN_RECALL = 1.0
MAX_FALSE_ALARMS = 0.05


def held_out(language: str) -> dict[str, list[str]]:
    return yaml.safe_load((HELD_OUT / f"{language}.yml").read_text(encoding="utf-8")) or {}


@dataclass
class Score:
    risks: int
    caught: int
    negatives: int
    false_alarms: int
    concerns: int
    concerns_helped: int
    missed: list[str]
    alarmed: list[str]

    @property
    def recall(self) -> float:
        return self.caught / self.risks if self.risks else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0

    @property
    def passes(self) -> bool:
        return self.recall >= MIN_RECALL and self.false_alarm_rate <= MAX_FALSE_ALARMS


def score(language: str, layer: Callable[[str], risk.Risk]) -> Score:
    data = held_out(language)
    risks = [t for label in RISK_LABELS for t in data.get(label) or []]
    negatives = [t for label in NEGATIVE_LABELS for t in data.get(label) or []]
    concerns = data.get("concern") or []
    missed = [t for t in risks if not layer(t).is_high]
    alarmed = [t for t in negatives if layer(t).is_high]
    helped = sum(layer(t).level >= risk.Level.concern for t in concerns)
    return Score(len(risks), len(risks) - len(missed), len(negatives), len(alarmed), len(concerns), helped,
                 missed, alarmed)


LAYERS: dict[str, Callable[[str], risk.Risk]] = {
    "patterns": risk.by_patterns,
    "classifier": risk.by_classifier,
    "detector": risk.assess,
}


def chat_layer(ask: Callable[[str], dict]) -> Callable[[str], risk.Risk]:
    """The whole chat: `ask` sends a message to the portal's widget endpoint and returns its
    JSON; high risk when the reply carries the high-risk help, concern the discreet line."""

    def layer(text: str) -> risk.Risk:
        html = ask(text).get("help_html") or ""
        if "app-crisis-help--high" in html or "app-crisis-help--from_others" in html:
            return risk.Risk(risk.Level.high)
        return risk.Risk(risk.Level.concern) if "app-crisis-help--concern" in html else risk.NO_RISK

    return layer


def over_http(base_url: str) -> Callable[[str], dict]:
    """Each message in a chat of its own, through a running portal."""
    import requests

    def ask(text: str) -> dict:
        session = requests.Session()
        page = session.get(f"{base_url}/en/chat", timeout=10).text
        token = page.split('name="csrf_token" type="hidden" value="', 1)[-1].split('"', 1)[0]
        return session.post(f"{base_url}/en/chat/messages", json={"message": text},
                            headers={"X-CSRFToken": token}, timeout=20).json()

    return ask


@contextlib.contextmanager
def whole_chat() -> Iterator[str]:
    """The real assistant (chatbot/bin/serve) and the portal in front of it, on loopback,
    on a throw-away database: yields the portal's base URL."""
    from portal.migrate import upgrade
    from tests.assistant_servers import serving
    from tests.conftest import live_portal

    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "template.sqlite3"
        upgrade(f"sqlite:///{template}")
        live = Path(folder) / "live"
        live.mkdir()
        with serving(Path(folder) / "serve.log") as rasa_url, \
                live_portal(f"sqlite:///{template}", live, {"RASA_URL": rasa_url, "RASA_TIMEOUT_SECONDS": 10}) as portal:
            yield portal.base_url


def cross_validation() -> None:
    """Recall and false alarms of the classifier alone, 5-fold on the training examples:
    how the threshold was chosen (never on the held-out examples)."""
    from sklearn.model_selection import StratifiedKFold

    examples = risk.classifier.read_examples() + risk.classifier.assistant_questions()
    texts = [risk.classifier.features(e.text) for e in examples]
    labels = [e.label for e in examples]
    high = {i: 0.0 for i in range(len(examples))}
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=7).split(texts, labels):
        # Trained as the portal trains it (with the sentences of long ordinary examples).
        model = risk.classifier.RiskClassifier([examples[i] for i in train]).pipeline
        columns = list(model.classes_)
        for i, row in zip(test, model.predict_proba([texts[i] for i in test]), strict=True):
            high[i] = sum(row[columns.index(label)] for label in risk.classifier.HIGH_LABELS if label in columns)
    print("classifier, 5-fold cross-validation on the training examples (recall / false alarms on 'none'):")
    for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        positives = [i for i, e in enumerate(examples) if e.label in risk.classifier.HIGH_LABELS]
        negatives = [i for i, e in enumerate(examples) if e.label == "none"]
        recall = sum(high[i] >= threshold for i in positives) / len(positives)
        alarms = sum(high[i] >= threshold for i in negatives) / len(negatives)
        mark = "  <- in use" if threshold == risk.HIGH_THRESHOLD else ""
        print(f"  threshold {threshold:.2f}: recall {recall:.3f}, false alarms {alarms:.3f}{mark}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chat", metavar="URL", help="also the whole chat, through a running portal at URL")
    parser.add_argument("--whole-chat", action="store_true",
                        help="also the whole chat: start the assistant and a portal in front of it")
    parser.add_argument("--cv", action="store_true", help="also cross-validate the classifier on its training data")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args()
    with whole_chat() if args.whole_chat else contextlib.nullcontext(args.chat) as chat_url:
        return report(args, chat_url)


def report(args, chat_url: str | None) -> int:
    layers = dict(LAYERS)
    if chat_url:
        layers["whole chat"] = chat_layer(over_http(chat_url.rstrip("/")))
    print(f"held-out risk examples: recall must be {MIN_RECALL:.0%}, false alarms at most {MAX_FALSE_ALARMS:.0%}, "
          "in every language, for the detector")
    print(f"{'layer':<11} {'lang':<5} {'recall':>14} {'false alarms':>16} {'concern helped':>16}")
    failed = False
    for name, layer in layers.items():
        for language in LANGUAGES:
            s = score(language, layer)
            print(f"{name:<11} {language:<5} {s.caught:>3}/{s.risks:<3} {s.recall:6.1%} "
                  f"{s.false_alarms:>3}/{s.negatives:<3} {s.false_alarm_rate:6.1%}   "
                  f"{s.concerns_helped:>3}/{s.concerns:<3} {s.concerns_helped / max(s.concerns, 1):6.1%}")
            if name in ("detector", "whole chat"):
                failed |= not s.passes
            if args.verbose or (name in ("detector", "whole chat") and not s.passes):
                for text in s.missed:
                    print(f"      missed: {text}")
                for text in s.alarmed:
                    print(f"      false alarm: {text}")
    if args.cv:
        cross_validation()
    print("eval-safety: " + ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
