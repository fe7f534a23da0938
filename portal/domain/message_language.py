"""Which portal language a chat message is written in, so the assistant answers in it
whatever the page's language (a Polish question on an English page gets a Polish answer).

The script decides first: Chinese characters are Chinese; Arabic script is Urdu when it
has a letter Arabic does not use (ٹ ڈ ڑ ں ے ہ ھ گ چ پ ژ), else Arabic — sure, and free.
Latin script (English, Slovak, Polish, Romanian, Somali) is told apart by lingua
(`lingua-language-detector`, its models ship in the wheel; low-accuracy mode: trigram
models only, ~25 MB and loaded in well under a second, where the high-accuracy models took
~170 MB a process and seconds to load). The page's language stands whenever that is unsure:
fewer than `MIN_WORDS` words ("ok", "hi" say nothing), a confidence below `MIN_CONFIDENCE`,
or Latin letters on an Urdu page (Roman Urdu, which lingua does not know and reads as
English or Somali).
"""
from __future__ import annotations

import re
import threading
from functools import cache

import yaml

from ..config import REPO_ROOT

MIN_WORDS = 3
MIN_CONFIDENCE = 0.9
LATIN_LANGUAGES = ("en", "sk", "pl", "ro", "so")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
# ٹ ڈ ڑ ں ے ہ ھ گ چ پ ژ ۓ, and Urdu's own forms of yeh and kaf (ی ک; Arabic writes ي ك).
_URDU_ONLY = re.compile(r"[\u0679\u0688\u0691\u06ba\u06d2\u06c1\u06be\u06af\u0686\u067e\u0698\u06d3\u06cc\u06a9]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"\w+")

_detector = None
_lock = threading.Lock()


def _lingua():
    global _detector
    with _lock:
        if _detector is None:
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            codes = [getattr(IsoCode639_1, code.upper()) for code in LATIN_LANGUAGES]
            _detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()
        return _detector


def _latin_language(text: str) -> tuple[str, float]:
    values = _lingua().compute_language_confidence_values(text)
    if not values:
        return "", 0.0
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)


@cache
def portal_languages() -> tuple[str, ...]:
    """The codes of translations/languages.yml, the one list the portal reads too."""
    entries = yaml.safe_load((REPO_ROOT / "translations" / "languages.yml").read_text(encoding="utf-8"))
    return tuple(entry["code"] for entry in entries)


def identify(text: str, page_language: str, languages: tuple[str, ...] | None = None) -> str:
    """The portal language `text` is written in; `page_language` when unsure."""
    languages = portal_languages() if languages is None else languages
    han, arabic, latin = (len(pattern.findall(text)) for pattern in (_HAN, _ARABIC_SCRIPT, _LATIN))
    if han > max(arabic, latin):
        found = "zh"
    elif arabic > max(han, latin):
        found = "ur" if _URDU_ONLY.search(text) else "ar"
    elif latin and page_language != "ur" and len(_WORD.findall(text)) >= MIN_WORDS:
        found, confidence = _latin_language(text)
        if confidence < MIN_CONFIDENCE:
            found = page_language
    else:
        found = page_language
    return found if found in languages else page_language
