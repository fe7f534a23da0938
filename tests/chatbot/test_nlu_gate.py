"""The NLU quality gate on the held-out examples in chatbot/tests/nlu/ (chatbot/bin/nlu-gate,
run in the Rasa venv). Issue 18's target: in every language weighted F1 >= 0.95 and every
intent's recall >= 0.9; crisis recall = 1.0 always.

The held-out questions are independent of training since December 2026: 398 of them were
near-copies of training examples (test_nlu_heldout_independent.py) and were rewritten. On
that honest split the target is not met, so it is a strict expected failure (it fails the
suite the day it is met, so the mark comes off), and a floor at the figures measured then
holds against going further back. Crisis recall is a hard test."""
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


# Measured on the independent split (6 December 2026, training unchanged): weighted F1
# 0.922 (ur) to 0.948 (en, ar) and lowest intent recall 0.70 to 0.80. Training is
# deterministic (liblinear, a fixed seed), so the same data gives the same figures.
F1_FLOOR = 0.92
TOPIC_RECALL_FLOOR = 0.7


def test_crisis_recall_is_whole_and_nothing_falls_below_the_floor_in_any_language(rasa_model):
    for language, row in _rows(rasa_model).items():
        assert float(row[6]) == 1.0, (language, row)
        assert float(row[1]) >= F1_FLOOR, (language, row)
        assert float(row[4]) >= TOPIC_RECALL_FLOOR, (language, row)


@pytest.mark.xfail(strict=True, reason="issue 18: on held-out questions independent of training, weighted F1 "
                   "0.92-0.95 and lowest topic recall 0.70-0.80 per language (target 0.95 and 0.9)")
def test_the_whole_gate_passes(rasa_model):
    result = _gate()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "nlu-gate: PASS" in result.stdout
