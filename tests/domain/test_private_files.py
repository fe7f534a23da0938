"""Keys and the SQLite database are the portal user's alone: files 0600 in a 0700 folder."""
import os
import stat

from sqlalchemy import text

from portal.config import load_config
from portal.db import make_engine


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_instance_folder_and_its_keys_are_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ASSISTANT_GRANT_KEY", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    old = os.umask(0o022)
    try:
        instance = tmp_path / "instance"
        config = load_config(str(instance))
        assert _mode(instance) == 0o700
        assert _mode(instance / "secret_key") == 0o600
        assert _mode(instance / "assistant_grant_key") == 0o600
        # A second start reads the same keys, and tightens a key an older release left 0644.
        (instance / "secret_key").chmod(0o644)
        again = load_config(str(instance))
        assert (again["SECRET_KEY"], again["ASSISTANT_GRANT_KEY"]) == (config["SECRET_KEY"], config["ASSISTANT_GRANT_KEY"])
        assert _mode(instance / "secret_key") == 0o600
    finally:
        os.umask(old)


def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        database = tmp_path / "portal.sqlite3"
        engine = make_engine(f"sqlite:///{database}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
            assert _mode(database) == 0o600
            assert _mode(f"{database}-wal") == 0o600
        engine.dispose()
    finally:
        os.umask(old)
