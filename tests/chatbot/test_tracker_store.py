"""The assistant's tracker store: in memory for development (endpoints.yml), Rasa's SQL
tracker store in production (endpoints.production.yml, PostgreSQL from TRACKER_DB_*), and
chatbot/bin/purge-conversations, which deletes conversations whose latest event is older
than the limit (Rasa's SQL tracker store has no expiry of its own).

Rasa runs in its own venv, so everything Rasa-side happens in a subprocess with
chatbot/.venv/bin/python; the conversations are written by Rasa's own SQLTrackerStore, into
a SQLite file (the same table as on PostgreSQL).
"""
from __future__ import annotations

import json
import os
import subprocess
import textwrap
import uuid
from pathlib import Path

import requests

from tests.assistant_servers import require_rasa_build, serving

CHATBOT = Path(__file__).resolve().parents[2] / "chatbot"
PYTHON = CHATBOT / ".venv" / "bin" / "python"
PURGE = CHATBOT / "bin" / "purge-conversations"
SERVE = CHATBOT / "bin" / "serve"
QUIET = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore",
         "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "LOG_LEVEL_LIBRARIES": "ERROR"}
TRACKER_VARS = ("TRACKER_DB_HOST", "TRACKER_DB_PORT", "TRACKER_DB_NAME", "TRACKER_DB_USER", "TRACKER_DB_PASSWORD",
                "TRACKER_DB_DIALECT", "TRACKER_RETENTION_HOURS", "POSTGRESQL_SCHEMA")


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in TRACKER_VARS}
    return {**env, **QUIET, **extra}


def rasa_python(script: str, **env: str) -> str:
    """Run `script` with the Rasa venv's python (cwd chatbot/); return its stdout."""
    require_rasa_build(model=False)
    result = subprocess.run([str(PYTHON), "-c", textwrap.dedent(script)], cwd=CHATBOT, env=_env(**env),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def purge(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PURGE), *args], env=_env(**env), capture_output=True, text=True, timeout=120)


SAVE = """
    import asyncio, sys, time
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=sys.argv[1])
    now = time.time()
    for sender, started in (("old-conversation", now - 48 * 3600), ("recent-conversation", now - 600)):
        tracker = DialogueStateTracker.from_events(sender, [
            ActionExecuted("action_session_start", timestamp=started),
            SessionStarted(timestamp=started),
            ActionExecuted("action_listen", timestamp=started),
            UserUttered("what is level 1?", {"name": "faq"}, timestamp=started + 1),
            BotUttered("Level 1 is targeted help.", timestamp=started + 2),
            ActionExecuted("action_listen", timestamp=started + 2),
        ])
        asyncio.run(store.save(tracker))
"""

LIST = """
    import asyncio, json, sys
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    store = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=sys.argv[1])
    keys = sorted(asyncio.run(store.keys()))
    events = {key: len(asyncio.run(store.retrieve_full_tracker(key)).events) for key in keys}
    print(json.dumps(events))
"""


def _with_arg(script: str, arg: str) -> str:
    return f"import sys; sys.argv[1:] = [{arg!r}]\n" + textwrap.dedent(script)


def test_purge_removes_only_conversations_whose_last_event_is_older_than_the_limit(tmp_path):
    database = tmp_path / "tracker.db"
    rasa_python(_with_arg(SAVE, str(database)))
    before = json.loads(rasa_python(_with_arg(LIST, str(database))))
    assert sorted(before) == ["old-conversation", "recent-conversation"]
    sqlite = {"TRACKER_DB_DIALECT": "sqlite", "TRACKER_DB_NAME": str(database)}

    dry = purge("--dry-run", **sqlite)
    assert dry.returncode == 0, dry.stderr
    assert "would remove 1 conversation" in dry.stdout
    assert json.loads(rasa_python(_with_arg(LIST, str(database)))) == before

    first = purge(**sqlite)  # default limit: 24 h
    assert first.returncode == 0, first.stderr
    assert "removed 1 conversation(s)" in first.stdout and "1 left" in first.stdout
    after = json.loads(rasa_python(_with_arg(LIST, str(database))))
    assert after == {"recent-conversation": before["recent-conversation"]}  # kept whole

    again = purge(**sqlite)  # idempotent
    assert again.returncode == 0 and "removed 0 conversation(s)" in again.stdout
    for output in (dry, first, again):  # counts only: no conversation ids or message text
        text = output.stdout + output.stderr
        assert "old-conversation" not in text and "recent-conversation" not in text
        assert "level 1" not in text.lower() and str(database) not in text

    # The same store given as a whole URL in TRACKER_DB_HOST (as Rasa allows), and a limit
    # from TRACKER_RETENTION_HOURS: the recent one (10 minutes old) goes at 0.1 h.
    by_url = purge(TRACKER_DB_HOST=f"sqlite:///{database}", TRACKER_RETENTION_HOURS="0.1")
    assert by_url.returncode == 0, by_url.stderr
    assert "removed 1 conversation(s)" in by_url.stdout and "0 left" in by_url.stdout


def test_purge_without_a_database_configured_exits_2_and_creates_nothing(tmp_path):
    unconfigured = purge()
    assert unconfigured.returncode == 2
    assert "TRACKER_DB_HOST" in unconfigured.stderr
    missing = tmp_path / "absent.db"
    nothing = purge(TRACKER_DB_DIALECT="sqlite", TRACKER_DB_NAME=str(missing))
    assert nothing.returncode == 0 and "removed 0" in nothing.stdout
    assert not missing.exists()


def test_endpoints_files_in_memory_for_development_sql_from_the_environment_in_production():
    secrets = {"TRACKER_DB_HOST": "db.internal", "TRACKER_DB_PORT": "5433", "TRACKER_DB_NAME": "rasa_tracker",
               "TRACKER_DB_USER": "rasa", "TRACKER_DB_PASSWORD": "p@ss:word/$x"}
    output = rasa_python("""
        import json
        from rasa.utils.endpoints import read_endpoint_config
        production = read_endpoint_config("endpoints.production.yml", "tracker_store")
        print(json.dumps({
            "development": read_endpoint_config("endpoints.yml", "tracker_store") is None,
            "type": production.type, "url": production.url, **production.kwargs,
            "action": read_endpoint_config("endpoints.production.yml", "action_endpoint").url,
        }))
    """, ACTIONS_PORT="5999", **secrets)
    config = json.loads(output)
    assert config["development"] is True  # no tracker store: Rasa's in-memory default
    assert config["type"] == "SQL" and config["dialect"] == "postgresql"
    assert config["url"] == "db.internal" and str(config["port"]) == "5433" and config["db"] == "rasa_tracker"
    assert config["username"] == "rasa" and config["password"] == "p@ss:word/$x"
    assert config["action"] == "http://127.0.0.1:5999/webhook"
    assert "record_exp" not in config  # Redis-only in Rasa: expiry is purge-conversations' job


def test_serve_refuses_a_missing_endpoints_file():
    require_rasa_build()
    result = subprocess.run([str(SERVE)], env=_env(RASA_ENDPOINTS="no-such-endpoints.yml"),
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "no endpoints file" in result.stderr


def test_serve_keeps_conversations_in_the_sql_store_named_by_rasa_endpoints(tmp_path):
    """chatbot/bin/serve with RASA_ENDPOINTS: the real Rasa writes the conversation into a
    SQL tracker store (SQLite here, PostgreSQL in production), which the purge then empties."""
    require_rasa_build()
    database = tmp_path / "tracker.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(textwrap.dedent(f"""\
        action_endpoint:
          url: http://127.0.0.1:${{ACTIONS_PORT}}/webhook
        tracker_store:
          type: SQL
          dialect: sqlite
          db: {database}
    """))
    with serving(tmp_path / "serve.log", **_env(RASA_ENDPOINTS=str(endpoints))) as base:
        sender = uuid.uuid4().hex
        reply = requests.post(f"{base}/webhooks/rest/webhook", timeout=30,
                              json={"sender": sender, "message": "what is level 1?", "metadata": {"language": "en"}})
        assert reply.ok and reply.json()
    stored = json.loads(rasa_python(_with_arg(LIST, str(database))))
    assert list(stored) == [sender] and stored[sender] >= 4  # session start, user, bot, listen
    sqlite = {"TRACKER_DB_DIALECT": "sqlite", "TRACKER_DB_NAME": str(database)}
    assert "removed 0 conversation(s)" in purge(**sqlite).stdout  # a minute old: kept
    assert "removed 1 conversation(s)" in purge("--older-than-hours", "0", **sqlite).stdout
