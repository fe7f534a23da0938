"""Spotting a message that suggests risk to self or others.

The portal runs this before it calls the assistant, so crisis help shows even when the
assistant is down, slow or wrong. The patterns are data in content/crisis/patterns.yml,
shared with the assistant's own backstop.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache

import yaml

from ..config import REPO_ROOT

PATTERNS_FILE = REPO_ROOT / "content" / "crisis" / "patterns.yml"


@cache
def _patterns() -> tuple[re.Pattern, ...]:
    data = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8")) or {}
    return tuple(re.compile(p, re.IGNORECASE) for patterns in data.values() for p in patterns)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    # Zero-width and bidi control characters must not hide a phrase from the patterns.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return re.sub(r"\s+", " ", text).strip()


def suggests_risk(text: str) -> bool:
    cleaned = normalise(text)
    return any(pattern.search(cleaned) for pattern in _patterns())
