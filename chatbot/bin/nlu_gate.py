"""Quality gate for the assistant's NLU, per language (run through chatbot/bin/nlu-gate).

Loads the trained model once (chatbot/models/current.tar.gz, the whole NLU pipeline
including the crisis backstop), parses every held-out example in chatbot/tests/nlu/<lang>.yml
and prints, per language, the weighted F1 of the intents and the recall of `crisis`.
Exit status 0 only when, in every language, weighted F1 >= 0.90 and crisis recall = 1.0.
A prediction of `nlu_fallback` counts as wrong.

Also fails when a language has no held-out file, when a held-out file misses an intent
that the model knows, or when a held-out example is also a training example (a leak).
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

CHATBOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHATBOT))  # the model's custom components: components.*

from components.languages import portal_languages  # noqa: E402

LANGUAGES = portal_languages()
MIN_WEIGHTED_F1 = 0.90
MIN_CRISIS_RECALL = 1.0
NOT_INTENTS = {"nlu_fallback"}


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


async def parse_all(model: Path, texts: list[str]) -> list[tuple[str, float]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    results = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intent = parsed.get("intent") or {}
        results.append((intent.get("name") or "", float(intent.get("confidence") or 0.0)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=CHATBOT / "models" / "current.tar.gz")
    parser.add_argument("--tests", type=Path, default=CHATBOT / "tests" / "nlu")
    parser.add_argument("--data", type=Path, default=CHATBOT / "data" / "nlu")
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

    print(f"{'lang':<5} {'n':>4} {'weighted F1':>12} {'accuracy':>9} {'crisis recall':>14}  result")
    failed = False
    for lang, examples in held_out.items():
        expected = [intent for _, intent in examples]
        got = [next(predictions) for _ in examples]
        predicted = [name for name, _ in got]
        f1 = weighted_f1(expected, predicted)
        accuracy = sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(expected)
        crisis = [p for e, p in zip(expected, predicted, strict=True) if e == "crisis"]
        recall = sum(p == "crisis" for p in crisis) / len(crisis) if crisis else 0.0
        ok = f1 >= MIN_WEIGHTED_F1 and recall >= MIN_CRISIS_RECALL and bool(crisis)
        failed |= not ok
        print(f"{lang:<5} {len(examples):>4} {f1:>12.3f} {accuracy:>9.3f} {recall:>14.3f}  {'PASS' if ok else 'FAIL'}")
        if args.verbose or not ok:
            for (text, want), (name, confidence) in zip(examples, got, strict=True):
                if want != name:
                    print(f"      {want} -> {name} ({confidence:.2f}): {text}")
    for problem in problems:
        print(f"nlu-gate: {problem}", file=sys.stderr)
    if failed or problems:
        print(f"nlu-gate: FAIL (needs weighted F1 >= {MIN_WEIGHTED_F1:.2f} and crisis recall = "
              f"{MIN_CRISIS_RECALL:.1f} in every language)")
        return 1
    print("nlu-gate: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
