"""The first layer: phrases, per language, that show risk however they are typed.

`patterns/<lang>.yml` maps a kind (self, others, from_others, concern, idiom) to Python
regular expressions, written for the normalised text (see normalise.py: no capitals, no
diacritics, one form of each Arabic-script letter). Each pattern is also tried, squeezed,
on the squeezed text, so "killl myself" and "diiie" match "kill myself" and "die". Every
language's patterns apply to every message: people in distress write in any language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .normalise import normalise, squeeze

PATTERNS_DIR = Path(__file__).resolve().parent / "patterns"
# `idiom`: words that sound like risk and are not ("I'd kill for a coffee", "bored to death").
# They never lower what another pattern found; they tell the classifier which words to set
# aside (see portal.domain.risk.assess).
KINDS = ("self", "others", "from_others", "concern", "idiom")
_LITERAL_REPEATS = re.compile(r"([^\W\d_])\1+")


@dataclass(frozen=True)
class Pattern:
    language: str
    kind: str
    source: str
    plain: re.Pattern
    squeezed: re.Pattern


class PatternsError(ValueError):
    pass


def _without_hyphens(source: str) -> str:
    """The normaliser removes hyphens from the text, so a literal hyphen in a pattern (outside
    a character class; "m-am", "self-?harm") is removed too: both match "mam", "selfharm"."""
    out, depth, i = [], 0, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            out.append(source[i:i + 2])
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif ch == "-" and not depth:
            i += 2 if source[i + 1:i + 2] == "?" else 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _squeezed(source: str) -> str:
    """The pattern for squeezed text: each run of one repeated literal letter made one
    ("kill" → "kil"); an escaped letter (\\b, \\s) is not a literal and never merges."""
    return "".join(_LITERAL_REPEATS.sub(r"\1", part) if not part.startswith("\\") else part
                   for part in re.split(r"(\\.)", source))


def _compile(language: str, kind: str, source: str) -> Pattern:
    plain = _without_hyphens(source)
    try:
        return Pattern(language, kind, source, re.compile(plain), re.compile(_squeezed(plain)))
    except re.error as error:
        raise PatternsError(f"{language}/{kind}: {source!r}: {error}") from error


def read_file(path: Path) -> list[Pattern]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(data) - set(KINDS)
    if unknown:
        raise PatternsError(f"{path.name}: unknown kinds {sorted(unknown)}")
    return [_compile(path.stem, kind, source) for kind in KINDS for source in data.get(kind) or []]


@cache
def all_patterns() -> tuple[Pattern, ...]:
    return tuple(p for path in sorted(PATTERNS_DIR.glob("*.yml")) for p in read_file(path))


def matches(text: str) -> list[Pattern]:
    """Every pattern the message matches (normalised and squeezed forms)."""
    plain = normalise(text)
    squeezed = squeeze(plain)
    return [p for p in all_patterns() if p.plain.search(plain) or p.squeezed.search(squeezed)]


def without_idioms(text: str) -> str:
    """The normalised text with every idiom taken out."""
    plain = normalise(text)
    for pattern in all_patterns():
        if pattern.kind == "idiom":
            plain = pattern.plain.sub(" ", plain)
    return plain
