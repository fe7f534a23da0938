"""The portal's languages, read from the one list the portal reads too
(translations/languages.yml), so a new language reaches the assistant's build, its
language component and its actions without another copy of the list."""

from __future__ import annotations

from pathlib import Path
from typing import List

import yaml

LANGUAGES_FILE = Path(__file__).resolve().parents[2] / "translations" / "languages.yml"


def portal_languages() -> List[str]:
    """Language codes, English (the default) first."""
    return [entry["code"] for entry in yaml.safe_load(LANGUAGES_FILE.read_text(encoding="utf-8"))]
