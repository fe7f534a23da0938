"""The NLU quality gate on the held-out examples in chatbot/tests/nlu/ (chatbot/bin/nlu-gate,
run in the Rasa venv): in every language weighted F1 >= 0.95, crisis recall = 1.0 and every
intent's recall >= 0.9."""
from __future__ import annotations

import functools
import os
import re
import subprocess
from pathlib import Path

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


def test_weighted_f1_and_crisis_recall_in_every_language(rasa_model):
    for language, row in _rows(rasa_model).items():
        assert float(row[1]) >= 0.95, (language, row)
        assert float(row[6]) == 1.0, (language, row)


# With ~10 held-out questions per intent, one miss is 0.9: a second miss in any topic fails.
def test_the_whole_gate_passes(rasa_model):
    result = _gate()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "nlu-gate: PASS" in result.stdout
