"""Every language has every page the English has, with the same answer blocks (the assistant
uses them), the same links, placeholders and phone numbers, and a translation status."""
import re

import pytest

from portal.content import load_page, page_slugs
from portal.i18n import DEFAULT_LANGUAGE, LANGUAGES

OTHER = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]
ENGLISH = page_slugs(DEFAULT_LANGUAGE)
LINK = re.compile(r"\]\(([^)\s]+)\)")
PLACEHOLDER = re.compile(r"\{\{\s*[a-z_]+\s*\}\}")
PHONE = re.compile(r"\b\d{3}(?: \d{3,4}){1,2}\b|\b999\b|\b85258\b")


def _shape(page):
    text = page.body_markdown
    return (
        [b.id for b in page.blocks()],
        sorted(LINK.findall(text)),
        sorted(PLACEHOLDER.findall(text)),
        sorted(PHONE.findall(text)),
    )


@pytest.mark.parametrize("code", OTHER)
@pytest.mark.parametrize("slug", ENGLISH)
def test_translated_page_matches_the_english_one(code, slug):
    english = load_page(DEFAULT_LANGUAGE, slug)
    translated = load_page(code, slug)
    assert translated is not None, f"content/{code}/{slug}.md is missing"
    assert translated.lang == code
    assert translated.translation_status in ("draft", "reviewed")
    assert translated.title and translated.title != english.title
    ids, links, placeholders, phones = _shape(translated)
    e_ids, e_links, e_placeholders, e_phones = _shape(english)
    assert ids == e_ids
    assert links == e_links
    assert placeholders == e_placeholders
    assert set(e_phones) <= set(phones)
