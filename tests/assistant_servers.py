"""The real Rasa and action servers for tests (fixtures registered in tests/conftest.py,
so the assistant tests and the browser tests share one server per session).

`rasa_server` starts them with chatbot/bin/serve on free loopback ports, once per test
session. The action server is pointed at `assistant_wiring`'s portal port and grant key,
where tests/chatbot/test_personal_answers.py serves a live portal. They need the Rasa venv
and a trained model (`make chatbot-model`); without them the tests fail rather than skip,
so a missing model is never mistaken for a pass. The chatbot code is reached over HTTP
only: nothing here imports chatbot/.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet

from tests.processes import free_port, stop_process_group

REPO = Path(__file__).resolve().parents[1]
CHATBOT = REPO / "chatbot"
VENV_RASA = CHATBOT / ".venv" / "bin" / "rasa"
MODEL = CHATBOT / "models" / "current.tar.gz"
SERVE = CHATBOT / "bin" / "serve"
READY_TIMEOUT = 120  # seconds; Rasa is usually ready in 12-20 s


def require_rasa_build(model: bool = True) -> None:
    needed = (VENV_RASA, MODEL) if model else (VENV_RASA,)
    missing = [str(p.relative_to(REPO)) for p in needed if not p.exists()]
    if missing:
        pytest.fail(
            f"The assistant is not built (missing: {', '.join(missing)}). "
            "Run `make chatbot-model` first (it also builds the Rasa venv).",
            pytrace=False,
        )


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def rasa_venv_rasa() -> Path:
    """Path of the `rasa` executable in the assistant's venv."""
    require_rasa_build(model=False)
    return VENV_RASA


@pytest.fixture(scope="session")
def rasa_model() -> Path:
    """Path of the trained model (fails when the assistant is not built)."""
    require_rasa_build()
    return MODEL


@pytest.fixture(scope="session")
def assistant_wiring() -> dict:
    """The port a live portal for the action server will use, and the grant key both share."""
    return {"portal_port": free_port(), "grant_key": Fernet.generate_key().decode()}


@contextlib.contextmanager
def serving(log_path: Path, **env: str) -> Iterator[str]:
    """chatbot/bin/serve on free loopback ports with `env` added; yields Rasa's base URL
    once Rasa and the action server both answer, and stops both afterwards."""
    rasa_port, actions_port = free_port(), free_port()
    while actions_port == rasa_port:
        actions_port = free_port()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", **env,
           "RASA_PORT": str(rasa_port), "ACTIONS_PORT": str(actions_port)}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(SERVE)], cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, killed as a whole
        )
    base_url = f"http://127.0.0.1:{rasa_port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"chatbot/bin/serve exited with {proc.returncode} before it was ready:\n" + _tail(log_path),
                    pytrace=False,
                )
            if _answers(f"{base_url}/") and _answers(f"http://127.0.0.1:{actions_port}/health"):
                break
            if time.monotonic() > deadline:
                pytest.fail(f"Rasa was not ready after {READY_TIMEOUT} s:\n" + _tail(log_path), pytrace=False)
            time.sleep(0.5)
        yield base_url
    finally:
        stop_process_group(proc)


@pytest.fixture(scope="session")
def rasa_server(tmp_path_factory, assistant_wiring):
    """Base URL (http://127.0.0.1:PORT) of a running Rasa server with its action server."""
    require_rasa_build()
    with serving(tmp_path_factory.mktemp("rasa") / "serve.log",
                 PORTAL_URL=f"http://127.0.0.1:{assistant_wiring['portal_port']}",
                 ASSISTANT_GRANT_KEY=assistant_wiring["grant_key"]) as base_url:
        yield base_url


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
