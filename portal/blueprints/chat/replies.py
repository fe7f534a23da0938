"""The assistant's words as safe HTML: escaped, with its links made links.

The assistant's replies are plain text. Here "Read more: /pl/reviews" becomes a link named
by the page's title, and phone numbers (the national crisis lines, and the local ones from
configuration) become links a person can tap on a phone, left to right in right-to-left
pages. Nothing else in the text can become markup.
"""
from __future__ import annotations

import re

from flask import current_app
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from ...content import SLUG, load_page
from ...i18n import LANGUAGES

NATIONAL_NUMBERS = ("18001 111", "116 123", "85258", "999", "111")
_PAGE_PATH = re.compile(r"(?<![\w/])/(?P<lang>[a-z]{2,3})/(?P<slug>[a-z0-9-]+)(?![\w/-])")


def _numbers() -> list[str]:
    config = current_app.config
    local = [config["CRISIS_LOCAL_LINE_NUMBER"], config["SAFEGUARDING_PHONE"]]
    # Longest first, so "18001 111" is one link, not "111" inside it.
    return sorted({n for n in (*NATIONAL_NUMBERS, *local) if n}, key=len, reverse=True)


def _number_link(number: str) -> str:
    scheme = "sms:85258?body=SHOUT" if number == "85258" else "tel:" + re.sub(r"[^0-9+]", "", number)
    return f'<a class="govuk-link app-ltr" dir="ltr" href="{escape(scheme)}">{escape(number)}</a>'


def _is_portal_page(path: str) -> bool:
    """Whether the portal answers GET `path` with one of its pages (the provider directory,
    sign-in...): those are links too, named by their address."""
    try:
        endpoint, _ = current_app.url_map.bind("portal").match(path, method="GET")
    except HTTPException:
        return False
    return endpoint != "pages.content_page"  # any slug matches it; load_page found none


def _page_link(match: re.Match) -> str:
    lang, slug = match["lang"], match["slug"]
    if lang not in LANGUAGES:
        return escape(match[0])
    page = load_page(lang, slug) if SLUG.match(slug) else None
    if page is not None:
        return f'<a class="govuk-link" href="/{lang}/{slug}">{escape(page.title)}</a>'
    if _is_portal_page(match[0]):
        return f'<a class="govuk-link" href="{escape(match[0])}">{escape(match[0])}</a>'
    return escape(match[0])


def reply_html(text: str) -> Markup:
    escaped = str(escape(text))
    numbers = "|".join(re.escape(str(escape(n))) for n in _numbers())
    pattern = re.compile(rf"(?<![\w]){_PAGE_PATH.pattern}|(?<![\d\w])(?P<number>{numbers})(?![\d])")
    return Markup(pattern.sub(lambda m: _number_link(m["number"]) if m["number"] else _page_link(m), escaped))
