"""The NLU quality gate on the held-out examples in chatbot/tests/nlu/ (chatbot/bin/nlu-gate,
run in the Rasa venv). Issue 18's target: in every language weighted F1 >= 0.95 and every
intent's recall >= 0.9; crisis recall = 1.0 always.

The held-out questions are independent of training since December 2026: 398 of them were
near-copies of training examples (test_nlu_heldout_independent.py) and were rewritten. On
that honest split the target is not met, so it is a strict expected failure (it fails the
suite the day it is met, so the mark comes off), and a floor per language at the figures
last measured holds against going back. Crisis recall is a hard test."""
from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from portal.domain import answer_search
from portal.i18n import LANGUAGES

CHATBOT = Path(__file__).resolve().parents[2] / "chatbot"
# lang, n, weighted F1, accuracy, misses, lowest intent recall, that intent, crisis recall, result
ROW = re.compile(r"^([a-z]{2})\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)\s+(\S+)\s+([\d.]+)\s+(PASS|FAIL)$", re.M)


BLIND = CHATBOT / "tests" / "nlu-blind"


@functools.cache
def _gate(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run([str(CHATBOT / "bin" / "nlu-gate"), *args], env=env, capture_output=True, text=True, timeout=600)


def _rows(rasa_model, *args: str) -> dict[str, tuple]:
    result = _gate(*args)
    rows = {m[0]: m[1:] for m in ROW.findall(result.stdout)}
    assert set(rows) == set(LANGUAGES), result.stdout[-4000:] + result.stderr[-2000:]
    return rows


# Per language: (weighted F1, lowest intent recall), measured with the training data of
# 8 December 2026 (rounds 14 and 15) and tf-idf weighted words, word pairs and character n-grams
# (config.yml), rounded down. Training is
# deterministic (liblinear, a fixed seed), so the same data gives the same figures; a change of
# data that lowers one must say why in its commit (each round's moves are in the git log and
# README, "Assistant"). Round 5 stays because training on half of its harder questions lifts
# the other half by 3-9 points.
FLOORS = {
    "en": (0.98, 0.90), "ar": (0.97, 0.80), "zh": (0.98, 0.88), "ur": (0.97, 0.80),
    "sk": (0.97, 0.80), "pl": (0.98, 0.88), "ro": (0.97, 0.90), "so": (0.97, 0.80),
}


def test_crisis_recall_is_whole_and_nothing_falls_below_the_floor_in_any_language(rasa_model):
    for language, row in _rows(rasa_model).items():
        f1_floor, recall_floor = FLOORS[language]
        assert float(row[6]) == 1.0, (language, row)
        assert float(row[1]) >= f1_floor, (language, row)
        assert float(row[4]) >= recall_floor, (language, row)


@pytest.mark.xfail(strict=True, reason="issue 18: on held-out questions independent of training, weighted F1 "
                   "0.97-0.98 and lowest topic recall 0.80-0.90 per language, English and Romanian "
                   "passing (target 0.95 and 0.9)")
def test_the_whole_gate_passes(rasa_model):
    result = _gate()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "nlu-gate: PASS" in result.stdout


# The blind questions (chatbot/tests/nlu-blind/): 3 per topic and language, written on 8 December
# 2026 by writers who had seen neither the training data nor the held-out split (used once
# since to choose data: round 15's Arabic lines were left out); the questions within 0.85 of a training example were
# dropped (test_nlu_heldout_independent), leaving 61-73 per language. They measure what
# issue 18 asks for new questions: the share answered right as the assistant answers, the
# intent model when it is sure and the answer search when it is not. Floors: round 15's
# figures, rounded down.
BLIND_FLOORS = {"en": 0.95, "ar": 0.90, "zh": 0.94, "ur": 0.96, "sk": 0.96, "pl": 0.98, "ro": 0.98, "so": 0.98}


@functools.cache
def _blind_answered_right() -> dict[str, float]:
    predictions = Path(tempfile.mkdtemp()) / "blind.json"
    result = _gate("--tests", str(BLIND), "--predictions", str(predictions))
    assert predictions.is_file(), result.stdout[-2000:] + result.stderr[-2000:]
    # The portal searches when the assistant's FallbackClassifier is unsure: its threshold.
    pipeline = yaml.safe_load((CHATBOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    unsure_below = next(step["threshold"] for step in pipeline if step["name"] == "FallbackClassifier")
    return answer_search.answered_right(json.loads(predictions.read_text(encoding="utf-8")), unsure_below)


def test_blind_questions_crisis_recall_is_whole_and_answers_do_not_fall_below_the_floor(rasa_model):
    for language, row in _rows(rasa_model, "--tests", str(BLIND)).items():
        assert float(row[6]) == 1.0, (language, row)
    shares = _blind_answered_right()
    assert set(shares) == set(LANGUAGES)
    assert {lang: share for lang, share in shares.items() if share < BLIND_FLOORS[lang]} == {}


@pytest.mark.xfail(strict=True, reason="issue 18: blind questions answered right 0.90-0.98 per language (Arabic "
                   "0.90, Chinese 0.945; target 0.95 in every language)")
def test_95_percent_of_blind_questions_are_answered_right_in_every_language(rasa_model):
    assert {lang: share for lang, share in _blind_answered_right().items() if share < 0.95} == {}
