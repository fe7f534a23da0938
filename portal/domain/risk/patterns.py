"""The first layer: phrases, per language, that show risk however they are typed.

`patterns/<lang>.yml` maps a kind (self, others, from_others, concern, idiom) to Python
regular expressions, written for the normalised text (see normalise.py: no capitals, no
diacritics, one form of each Arabic-script letter). Each pattern is also tried, squeezed,
on the squeezed text, so "killl myself" and "diiie" match "kill myself" and "die", and on
the decoded text when it differs ("k1ll mys3lf", "d i e"). Every language's patterns apply
to every message: people in distress write in any language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from re import _constants as sre
from re import _parser as sre_parser

import yaml

from .normalise import decode, normalise, squeeze

PATTERNS_DIR = Path(__file__).resolve().parent / "patterns"
# `idiom`: words that sound like risk and are not ("I'd kill for a coffee", "bored to death").
# They never lower what another pattern found; they tell the classifier which words to set
# aside (see portal.domain.risk.assess).
KINDS = ("self", "others", "from_others", "concern", "idiom")
_LITERAL_REPEATS = re.compile(r"([^\W\d_])\1+")
# The English words people mix into a plea for help in any language ("pomoc prosim help me
# now", "ajutor urgent please"): one list, which the plea patterns of the other languages
# name as <english-plea-words>.
ENGLISH_PLEA_WORDS = ("please|pls|plz|help|me|now|right|urgent|urgently|emergency|asap|quick|quickly|sos|"
                      "someone|somebody|its|it|s|is|an|a|i|need")
# Scripts a pattern may need a letter of (normalised text: Latin letters have no accents).
SCRIPTS = {
    "latin": ((0x41, 0x5A), (0x61, 0x7A)),
    "arabic": ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "han": ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)),
}


@dataclass(frozen=True)
class Pattern:
    language: str
    kind: str
    source: str
    plain: re.Pattern
    squeezed: re.Pattern
    # Scripts every match needs a letter of: a message with none of them cannot match, so
    # the pattern is not tried (an Arabic phrase on an English message). Sound by
    # construction from the parsed pattern (needed_scripts), and checked on every example.
    needs: frozenset[str] = frozenset()


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
    plain = _without_hyphens(source.replace("<english-plea-words>", ENGLISH_PLEA_WORDS))
    try:
        compiled, squeezed = re.compile(plain), re.compile(_squeezed(plain))
    except re.error as error:
        raise PatternsError(f"{language}/{kind}: {source!r}: {error}") from error
    return Pattern(language, kind, source, compiled, squeezed,
                   needs=needed_scripts(compiled.pattern) & needed_scripts(squeezed.pattern))


def _script_of(low: int, high: int) -> str | None:
    """The script all of the code points low..high belong to, if one does."""
    return next((name for name, ranges in SCRIPTS.items() if any(a <= low and high <= b for a, b in ranges)), None)


def needed_scripts(source: str) -> frozenset[str]:
    """The scripts of which every match of the regular expression contains a letter. Read
    from Python's own parse of it: a literal needs its script, a set of characters needs one
    if all its members are of that script, a sequence needs what any part needs, a choice
    what every branch needs, a repeat what its item needs unless it may be absent; anything
    else (lookarounds, classes like \\w, any character, anything matched ignoring case) needs
    nothing."""
    parsed = sre_parser.parse(source)
    return frozenset() if parsed.state.flags & re.IGNORECASE else frozenset(_needs(parsed))


def _needs(items) -> set[str]:
    found: set[str] = set()
    for op, value in items:
        found |= _needs_one(op, value)
    return found


def _needs_one(op, value) -> set[str]:
    if op is sre.LITERAL:
        script = _script_of(value, value)
        return {script} if script else set()
    if op is sre.IN:
        scripts = set()
        for member, argument in value:
            script = (_script_of(argument, argument) if member is sre.LITERAL else
                      _script_of(*argument) if member is sre.RANGE else None)
            if script is None:
                return set()
            scripts.add(script)
        return scripts if len(scripts) == 1 else set()
    if op is sre.BRANCH:
        return set.intersection(*(_needs(branch) for branch in value[1]))
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, items = value
        return set() if add_flags & re.IGNORECASE else _needs(items)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        return _needs(value[2]) if value[0] >= 1 else set()
    if op is sre.ATOMIC_GROUP:
        return _needs(value)
    return set()


_SCRIPT_LETTERS = {name: re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]")
                   for name, ranges in SCRIPTS.items()}


def scripts_in(text: str) -> frozenset[str]:
    return frozenset(name for name, letter in _SCRIPT_LETTERS.items() if letter.search(text))


def read_file(path: Path) -> list[Pattern]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(data) - set(KINDS)
    if unknown:
        raise PatternsError(f"{path.name}: unknown kinds {sorted(unknown)}")
    return [_compile(path.stem, kind, source) for kind in KINDS for source in data.get(kind) or []]


@cache
def all_patterns() -> tuple[Pattern, ...]:
    return tuple(p for path in sorted(PATTERNS_DIR.glob("*.yml")) for p in read_file(path))


def forms(text: str) -> list[tuple[str, str]]:
    """The message as the patterns read it: (normalised, squeezed), and the same of the
    decoded text when look-alike digits or letters typed apart changed anything."""
    plain = normalise(text)
    decoded = decode(plain)
    return [(plain, squeeze(plain))] + ([(decoded, squeeze(decoded))] if decoded != plain else [])


def _matches_a_form(pattern: Pattern, read: list[tuple[str, str]]) -> bool:
    return any(pattern.plain.search(plain) or pattern.squeezed.search(squeezed) for plain, squeezed in read)


def matches(text: str) -> list[Pattern]:
    """Every pattern the message matches, in any of its forms."""
    read = forms(text)
    present = scripts_in(read[0][0])
    return [p for p in all_patterns() if p.needs <= present and _matches_a_form(p, read)]


def without_idioms(text: str) -> str:
    """The normalised text with every idiom taken out."""
    plain = normalise(text)
    for pattern in all_patterns():
        if pattern.kind == "idiom":
            plain = pattern.plain.sub(" ", plain)
    return plain
