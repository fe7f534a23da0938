"""The Rasa assistant tests (marker `chatbot`). The servers they talk to are started by
the fixtures in tests/assistant_servers.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.assistant_servers import require_rasa_build  # noqa: F401  (used by the tests here)


def pytest_collection_modifyitems(config, items):
    """Every test under tests/chatbot carries the `chatbot` marker."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.chatbot)
