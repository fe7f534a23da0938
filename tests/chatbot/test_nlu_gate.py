"""The NLU quality gate: per-language weighted F1 >= 0.90 and crisis recall = 1.0 on the
held-out examples in chatbot/tests/nlu/ (chatbot/bin/nlu-gate, run in the Rasa venv)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from portal.i18n import LANGUAGES

CHATBOT = Path(__file__).resolve().parents[2] / "chatbot"


def test_nlu_gate_passes_in_every_language(rasa_model):
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run(
        [str(CHATBOT / "bin" / "nlu-gate")], env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "nlu-gate: PASS" in result.stdout
    for language in LANGUAGES:
        assert f"\n{language} " in result.stdout, language
