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
import os
import re
import subprocess
from pathlib import Path

import pytest

from portal.i18n import LANGUAGES

CHATBOT = Path(__file__).resolve().parents[2] / "chatbot"
# lang, n, weighted F1, accuracy, misses, lowest intent recall, that intent, crisis recall, result
ROW = re.compile(r"^([a-z]{2})\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)\s+(\S+)\s+([\d.]+)\s+(PASS|FAIL)$", re.M)


@functools.cache
def _gate() -> subprocess.CompletedProcess:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run([str(CHATBOT / "bin" / "nlu-gate")], env=env, capture_output=True, text=True, timeout=600)


def _rows(rasa_model) -> dict[str, tuple]:
    result = _gate()
    rows = {m[0]: m[1:] for m in ROW.findall(result.stdout)}
    assert set(rows) == set(LANGUAGES), result.stdout[-4000:] + result.stderr[-2000:]
    return rows


# Per language: (weighted F1, lowest intent recall), measured with the training data of
# 7 December 2026 (round 12) and tf-idf weighted words, word pairs and character n-grams
# (config.yml), rounded down. Training is
# deterministic (liblinear, a fixed seed), so the same data gives the same figures; a change of
# data that lowers one must say why in its commit (each round's moves are in the git log and
# README, "Assistant"). Round 5 stays because training on half of its harder questions lifts
# the other half by 3-9 points.
FLOORS = {
    "en": (0.97, 0.90), "ar": (0.96, 0.80), "zh": (0.98, 0.88), "ur": (0.96, 0.80),
    "sk": (0.97, 0.80), "pl": (0.97, 0.80), "ro": (0.97, 0.80), "so": (0.95, 0.80),
}


def test_crisis_recall_is_whole_and_nothing_falls_below_the_floor_in_any_language(rasa_model):
    for language, row in _rows(rasa_model).items():
        f1_floor, recall_floor = FLOORS[language]
        assert float(row[6]) == 1.0, (language, row)
        assert float(row[1]) >= f1_floor, (language, row)
        assert float(row[4]) >= recall_floor, (language, row)


@pytest.mark.xfail(strict=True, reason="issue 18: on held-out questions independent of training, weighted F1 "
                   "0.95-0.98 and lowest topic recall 0.80-0.90 per language (target 0.95 and 0.9)")
def test_the_whole_gate_passes(rasa_model):
    result = _gate()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "nlu-gate: PASS" in result.stdout
