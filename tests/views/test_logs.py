"""What the logs keep: one JSON line per request with the endpoint, never a path (invitation
and password-reset links carry their token in the path)."""
from __future__ import annotations

import os
import shlex
import subprocess
import time
from pathlib import Path

import requests

from tests.processes import free_port, stop_process_group

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Zx9TokenThatMustNotBeLogged"


def _run_all_gunicorn(port: int) -> list[str]:
    """The gunicorn command line exactly as `make run` (scripts/run-all) starts it."""
    line = next(line for line in (ROOT / "scripts/run-all").read_text().splitlines()
                if line.startswith("start .venv/bin/gunicorn"))
    return [arg.replace("$PORT", str(port)) for arg in shlex.split(line)[1:]]


def test_the_portal_as_make_run_starts_it_logs_no_path_or_token(database_url, tmp_path):
    port = free_port()
    log = tmp_path / "out.log"
    env = {**os.environ, "DATABASE_URL": database_url, "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "INFO"}
    with log.open("wb") as out:
        process = subprocess.Popen(_run_all_gunicorn(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code in (200, 503):
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline and process.poll() is None, log.read_text()
            time.sleep(0.2)
        assert requests.get(f"http://127.0.0.1:{port}/en/invitation/{TOKEN}?reset={TOKEN}", timeout=10).status_code == 410
    finally:
        stop_process_group(process, timeout=10)
    written = log.read_text()
    assert '"endpoint": "auth.accept_invitation"' in written, "the portal's own line for the request"
    assert TOKEN not in written and "/invitation/" not in written
