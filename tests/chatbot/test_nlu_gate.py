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


# Per language: (weighted F1, lowest intent recall), as measured with the training data of
# 7 December 2026 (round 9: lines asking both what level 1 is and how long it lasts filed under
# level 1, whose answer says both, and "I'd rather have the money" lines under the choice, as
# en.yml files them; ~90-100 more ways of asking per language, 60 % for the topics still confused,
# written without sight of the held-out split; 7 within 0.85 of a held-out question dropped),
# rounded down. Training is deterministic (liblinear, a fixed seed), so the same data gives the
# same figures; a change of data that lowers one must say why here.
# Word pairs as features (config.yml, chosen by cross-validation on training) on the same data:
# en 0.968->0.974, ar 0.962->0.967, ur 0.958->0.964, ro 0.943->0.952, sk 0.956->0.958,
# pl 0.954->0.953, so 0.959->0.957, zh 0.982 the same; 102 misses -> 92.
# Round 9 against round 8 (words alone): ar 0.954->0.962, ur 0.953->0.958, pl 0.950->0.954, ro 0.939->0.943,
# zh 0.978->0.982, so 0.957->0.959; en 0.970->0.968 (lowest recall 0.90->0.80: one more
# eligibility question unsure), sk 0.958->0.956; 104 held-out misses -> 102 (121 after round 6,
# 148 after round 5). Round 5 was kept because training on half of its harder questions lifts the
# other half by 3-9 points (README, "Assistant").
FLOORS = {
    "en": (0.97, 0.85), "ar": (0.96, 0.80), "zh": (0.98, 0.88), "ur": (0.96, 0.80),
    "sk": (0.95, 0.80), "pl": (0.95, 0.70), "ro": (0.95, 0.80), "so": (0.95, 0.80),
}


def test_crisis_recall_is_whole_and_nothing_falls_below_the_floor_in_any_language(rasa_model):
    for language, row in _rows(rasa_model).items():
        f1_floor, recall_floor = FLOORS[language]
        assert float(row[6]) == 1.0, (language, row)
        assert float(row[1]) >= f1_floor, (language, row)
        assert float(row[4]) >= recall_floor, (language, row)


@pytest.mark.xfail(strict=True, reason="issue 18: on held-out questions independent of training, weighted F1 "
                   "0.95-0.98 and lowest topic recall 0.70-0.89 per language (target 0.95 and 0.9)")
def test_the_whole_gate_passes(rasa_model):
    result = _gate()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "nlu-gate: PASS" in result.stdout
