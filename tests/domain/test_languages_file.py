"""One list of languages (translations/languages.yml), and everything a language needs.

A language added to the list without its catalog, its pages, the assistant's words and
examples, or the risk detector's patterns and examples fails here, by name, instead of
quietly getting English (or, worse, no crisis detection) somewhere."""
from __future__ import annotations

import pytest
import yaml

from portal.config import REPO_ROOT
from portal.content import page_slugs
from portal.i18n import DEFAULT_LANGUAGE, LANGUAGES

CHATBOT = REPO_ROOT / "chatbot"


def test_the_list_is_read_by_the_portal_in_its_order():
    listed = yaml.safe_load((REPO_ROOT / "translations" / "languages.yml").read_text(encoding="utf-8"))
    assert [entry["code"] for entry in listed] == list(LANGUAGES)
    assert list(LANGUAGES)[0] == DEFAULT_LANGUAGE
    assert {language.direction for language in LANGUAGES.values()} <= {"ltr", "rtl"}


def test_nothing_else_keeps_its_own_list_of_the_languages():
    """The chatbot's build, gate, language component and actions read the file too."""
    for path in [CHATBOT / "bin" / "build-responses", CHATBOT / "bin" / "nlu_gate.py",
                 CHATBOT / "components" / "language_from_metadata.py", CHATBOT / "actions" / "actions.py"]:
        text = path.read_text(encoding="utf-8")
        assert "portal_languages()" in text and '"en", "ar"' not in text, path.name


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_language_has_everything_it_needs(code):
    missing = [str(p.relative_to(REPO_ROOT)) for p in [
        CHATBOT / "data" / "nlu" / f"{code}.yml",
        CHATBOT / "tests" / "nlu" / f"{code}.yml",
        CHATBOT / "tests" / "nlu-blind" / f"{code}.yml",
        REPO_ROOT / "portal" / "domain" / "risk" / "patterns" / f"{code}.yml",
        REPO_ROOT / "portal" / "domain" / "risk" / "training" / f"{code}.yml",
        REPO_ROOT / "tests" / "safety" / "heldout" / f"{code}.yml",
    ] if not p.is_file()]
    if code != DEFAULT_LANGUAGE:
        catalog = REPO_ROOT / "translations" / code / "LC_MESSAGES" / "messages.po"
        missing += [] if catalog.is_file() else [str(catalog.relative_to(REPO_ROOT))]
        missing += [f"content/{code}/{slug}.md" for slug in page_slugs(DEFAULT_LANGUAGE) if slug not in page_slugs(code)]
    phrases = yaml.safe_load((CHATBOT / "answers" / "phrases.yml").read_text(encoding="utf-8"))
    missing += [] if code in phrases else [f"chatbot/answers/phrases.yml: {code}"]
    answers = (CHATBOT / "domain" / "answers.yml").read_text(encoding="utf-8")
    if code != DEFAULT_LANGUAGE and f"value: {code}\n" not in answers:
        missing.append(f"chatbot/domain/answers.yml: no replies in {code} (run chatbot/bin/build-responses)")
    assert missing == []
