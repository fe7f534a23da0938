"""The scale-out tests start the whole topology once (tests/scaleout/topology.py) on the
throw-away PostgreSQL of scripts/with-throwaway-postgres: `make test-scale-out`. They run
only when asked for by their marker (-m scaleout), so `make test` and the PostgreSQL run
leave them out."""
from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from portal.devmail import MaildirHandler
from tests.processes import free_port
from tests.scaleout.topology import Topology


def pytest_configure(config):
    config.addinivalue_line("markers", "scaleout: starts the scale-out topology (make test-scale-out)")


def pytest_collection_modifyitems(config, items):
    if "scaleout" in (config.option.markexpr or ""):
        return
    kept = [item for item in items if "scaleout" not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if "scaleout" in item.keywords])
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def risk_classifier_warm_up():
    """Overrides the suite's: the portal hosts train their own, and this process checks no
    writing (training here too would take a core from them while they start)."""


class SlowMailServer(MaildirHandler):
    """Takes a moment per mail, as a real mail server does, so both senders are at work at
    once (on loopback one sender would otherwise send everything within a second)."""

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd names it so
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="session")
def mail_server():
    """A real SMTP server (aiosmtpd) in this process; `.messages` holds what arrived."""
    handler = SlowMailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture(scope="session")
def topology(mail_server):
    pg_url = os.environ.get("TEST_DATABASE_URL", "")
    if not pg_url:
        pytest.fail("The scale-out tests need PostgreSQL: run `make test-scale-out`.", pytrace=False)
    # SCALEOUT_LOGS=folder keeps every process's log there (by default they go with the run).
    folder = Path(os.environ["SCALEOUT_LOGS"]) if os.environ.get("SCALEOUT_LOGS") else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with Topology(pg_url, mail_server.port, settings={"RATELIMIT_CHAT_SESSION": "4 per minute"},
                  folder=folder) as running:
        print(f"\nscale-out topology ready in {time.perf_counter() - started:.0f} s "
              f"({', '.join(f'{k} {v:.0f} s' for k, v in running.timings.items())})")
        yield running
