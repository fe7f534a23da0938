"""The glossary (translations/glossary/<lang>.yml): each key term of the service said one way
in a language, by the pages, the catalogs and the assistant's answers. A known term said
another way fails here, unless that place is listed as pending for its owner to change."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from portal.config import REPO_ROOT
from portal.i18n import DEFAULT_LANGUAGE, LANGUAGES

GLOSSARY = REPO_ROOT / "translations" / "glossary"
OTHER = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]
PHRASES = "chatbot/answers/phrases.yml"


def _terms(code: str) -> list[dict]:
    return yaml.safe_load((GLOSSARY / f"{code}.yml").read_text(encoding="utf-8"))["terms"]


def _places(code: str) -> dict[str, str]:
    """Where the language's words live: {place: its text}; catalogs by their translations only."""
    places = {str(path.relative_to(REPO_ROOT)): path.read_text(encoding="utf-8")
              for path in sorted((REPO_ROOT / "content" / code).glob("*.md"))}
    catalog = Path("translations") / code / "LC_MESSAGES" / "messages.po"
    places[str(catalog)] = "\n".join(line for line in (REPO_ROOT / catalog).read_text(encoding="utf-8").splitlines()
                                     if line.startswith(("msgstr", '"')))
    places[PHRASES] = str(yaml.safe_load((REPO_ROOT / PHRASES).read_text(encoding="utf-8")).get(code, ""))
    return places


def test_every_language_has_the_same_terms():
    english = [term["en"] for term in _terms(OTHER[0])]
    for code in OTHER:
        assert [term["en"] for term in _terms(code)] == english, code


@pytest.mark.parametrize("code", OTHER)
def test_the_pages_use_the_glossarys_words(code):
    pages = " ".join(text for place, text in _places(code).items() if place.startswith("content/")).casefold()
    assert [term["en"] for term in _terms(code) if term["use"].casefold() not in pages] == []


@pytest.mark.parametrize("code", OTHER)
def test_no_term_is_said_another_way(code):
    places = _places(code)
    problems = []
    for term in _terms(code):
        found = set()
        for place, text in places.items():
            for allowed in term.get("allow", []):
                text = text.replace(allowed, "")
            if any(variant.casefold() in text.casefold() for variant in term.get("avoid", [])):
                found.add(place)
        pending = set(term.get("pending", []))
        problems += [f"{term['en']}: {place} says {term['avoid']} (use {term['use']!r})" for place in sorted(found - pending)]
        problems += [f"{term['en']}: {place} no longer needs to be pending" for place in sorted(pending - found)]
    assert problems == []
