"""Quality gate for the assistant's NLU, per language (run through chatbot/bin/nlu-gate).

Loads the trained model once (chatbot/models/current.tar.gz, the whole NLU pipeline with
its fallback threshold), parses every held-out example in chatbot/tests/nlu/<lang>.yml and
prints, per language, the weighted F1 of the intents, the accuracy, the lowest recall of
any intent (and which), and the recall of `crisis`; then a confusion table: which intent
was mistaken for which, how often, in which languages. A prediction of `nlu_fallback`
(the assistant asks to rephrase) counts as wrong.

Exit status 0 only when, in every language, weighted F1 >= 0.95, every intent's recall
>= 0.9 and crisis recall = 1.0. Also fails when a language has no held-out file, when a
held-out file misses an intent that the model knows, or when a held-out example is also a
training example (a leak): training never sees the held-out split.

--predictions FILE writes every held-out example with the model's answer (the intent
after the fallback threshold, and the best intent and its confidence before it) as JSON,
for the portal's measurement of the intent model with the retrieval fallback
(python -m portal.domain.answer_search --evaluate FILE).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import Counter, defaultdict
from pathlib import Path

CHATBOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHATBOT))  # the model's custom components: components.*

from components.languages import portal_languages  # noqa: E402

LANGUAGES = portal_languages()
MIN_WEIGHTED_F1 = 0.95
MIN_INTENT_RECALL = 0.9
MIN_CRISIS_RECALL = 1.0
FALLBACK = "nlu_fallback"


def read_examples(path: Path) -> list[tuple[str, str]]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = []
    for item in data.get("nlu", []):
        for line in str(item.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append((line[2:].strip(), item["intent"]))
    return examples


def weighted_f1(expected: list[str], predicted: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(expected, predicted, average="weighted", zero_division=0))


def recalls(expected: list[str], predicted: list[str]) -> dict[str, float]:
    totals, right = Counter(expected), Counter(e for e, p in zip(expected, predicted, strict=True) if e == p)
    return {intent: right[intent] / total for intent, total in totals.items()}


async def parse_all(model: Path, texts: list[str]) -> list[dict]:
    """Per text: the intent the assistant acts on (nlu_fallback below the threshold), and
    the best real intent with its confidence (what the fallback threshold looked at)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    results = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intent = parsed.get("intent") or {}
        best = next((i for i in parsed.get("intent_ranking") or [] if i.get("name") != FALLBACK), intent)
        results.append({"intent": intent.get("name") or "", "best": best.get("name") or "",
                        "confidence": float(best.get("confidence") or 0.0)})
    return results


def confusion_table(mistakes: dict[tuple[str, str], list[str]]) -> list[str]:
    if not mistakes:
        return ["confusion: no intent mistaken for another"]
    rows = sorted(mistakes.items(), key=lambda item: (-len(item[1]), item[0]))
    width = max(len(expected) for expected, _ in mistakes)
    lines = ["confusion (expected -> answered as: count, languages):"]
    for (expected, got), langs in rows:
        counts = ", ".join(f"{lang}×{n}" if n > 1 else lang for lang, n in sorted(Counter(langs).items()))
        lines.append(f"  {expected:<{width}} -> {got:<24} {len(langs):>3}  {counts}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=CHATBOT / "models" / "current.tar.gz")
    parser.add_argument("--tests", type=Path, default=CHATBOT / "tests" / "nlu")
    parser.add_argument("--data", type=Path, default=CHATBOT / "data" / "nlu")
    parser.add_argument("--predictions", type=Path, help="write every held-out prediction here (JSON)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong prediction")
    args = parser.parse_args()

    logging.disable(logging.WARNING)
    import structlog  # Rasa logs every parse at debug level through structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    problems: list[str] = []
    if not args.model.is_file():
        print(f"nlu-gate: no model at {args.model}; run make chatbot-model", file=sys.stderr)
        return 2

    training = {text.casefold() for path in sorted(args.data.glob("*.yml")) for text, _ in read_examples(path)}
    trained_intents = {intent for path in sorted(args.data.glob("*.yml")) for _, intent in read_examples(path)}
    held_out: dict[str, list[tuple[str, str]]] = {}
    for lang in LANGUAGES:
        path = args.tests / f"{lang}.yml"
        if not path.is_file():
            problems.append(f"{lang}: no held-out file {path}")
            continue
        examples = read_examples(path)
        held_out[lang] = examples
        missing = sorted(trained_intents - {intent for _, intent in examples})
        if missing:
            problems.append(f"{lang}: no held-out examples for {', '.join(missing)}")
        leaks = [text for text, _ in examples if text.casefold() in training]
        if leaks:
            problems.append(f"{lang}: held-out examples also in training data: {leaks}")

    texts = [text for examples in held_out.values() for text, _ in examples]
    predictions = iter(asyncio.run(parse_all(args.model, texts)))

    print(f"{'lang':<5} {'n':>4} {'weighted F1':>12} {'accuracy':>9} {'misses':>7} {'lowest intent recall':>34}"
          f" {'crisis':>7}  result")
    failed = False
    mistakes: dict[tuple[str, str], list[str]] = defaultdict(list)
    written = []
    for lang, examples in held_out.items():
        expected = [intent for _, intent in examples]
        got = [next(predictions) for _ in examples]
        predicted = [g["intent"] for g in got]
        f1 = weighted_f1(expected, predicted)
        accuracy = sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(expected)
        by_intent = recalls(expected, predicted)
        worst = min(by_intent, key=lambda intent: (by_intent[intent], intent))
        crisis = by_intent.get("crisis", 0.0)
        ok = (f1 >= MIN_WEIGHTED_F1 and by_intent[worst] >= MIN_INTENT_RECALL and crisis >= MIN_CRISIS_RECALL)
        failed |= not ok
        misses = sum(e != p for e, p in zip(expected, predicted, strict=True))
        print(f"{lang:<5} {len(examples):>4} {f1:>12.3f} {accuracy:>9.3f} {misses:>7} "
              f"{by_intent[worst]:>7.2f} {worst:>26} {crisis:>7.2f}  {'PASS' if ok else 'FAIL'}")
        for (text, want), g in zip(examples, got, strict=True):
            written.append({"lang": lang, "text": text, "expected": want, **g})
            if want != g["intent"]:
                mistakes[(want, g["intent"])].append(lang)
                if args.verbose:
                    print(f"      {want} -> {g['intent']} ({g['best']} {g['confidence']:.2f}): {text}")
    for line in confusion_table(mistakes):
        print(line)
    if args.predictions:
        args.predictions.write_text(json.dumps(written, ensure_ascii=False, indent=1), encoding="utf-8")
    for problem in problems:
        print(f"nlu-gate: {problem}", file=sys.stderr)
    if failed or problems:
        print(f"nlu-gate: FAIL (needs, in every language, weighted F1 >= {MIN_WEIGHTED_F1:.2f}, every intent's "
              f"recall >= {MIN_INTENT_RECALL:.1f} and crisis recall = {MIN_CRISIS_RECALL:.1f})")
        return 1
    print("nlu-gate: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
