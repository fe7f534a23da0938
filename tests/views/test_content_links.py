"""Every link on every content page, in every language, Easy Read included, leads somewhere.

Pages are rendered by the app as a reader sees them (links resolved against the reader's
language root, phone numbers as links), and every link in the page's own words is
followed: other pages must answer 200 and name the anchor they are linked to."""
from __future__ import annotations

import re

import pytest

from portal.content import CONTENT_DIR, page_slugs
from portal.i18n import LANGUAGES

_BODY_LINK = re.compile(r'<a class="govuk-link(?: app-ltr)?"(?: dir="ltr")? href="([^"]+)"')


def _pages(code: str) -> list[str]:
    easy = sorted(p.name.removesuffix(".easy-read.md") for p in (CONTENT_DIR / "en").glob("*.easy-read.md"))
    return [f"/{code}/{slug}" for slug in page_slugs("en")] + [f"/{code}/{slug}/easy-read" for slug in easy]


def _main(html: str) -> str:
    return html[html.index('<main'):html.index('</main>')]


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_link_on_every_content_page_leads_somewhere(client, code):
    broken, seen = [], {}
    for path in _pages(code):
        response = client.get(path)
        assert response.status_code == 200, path
        for href in _BODY_LINK.findall(_main(response.get_data(as_text=True))):
            if href.startswith(("tel:", "sms:")):
                if not re.fullmatch(r"(tel:\+?\d{3,15}|sms:\d{5}\?body=\w+)", href):
                    broken.append(f"{path} → {href}: not a number a phone can dial")
                continue
            if re.match(r"^[a-z]+:", href):
                continue  # another website
            target, _, anchor = href.partition("#")
            if not target.startswith(f"/{code}/"):
                broken.append(f"{path} → {href}: leaves the reader's language")
                continue
            if target not in seen:
                linked = client.get(target)
                seen[target] = linked.get_data(as_text=True) if linked.status_code == 200 else None
            if seen[target] is None:
                broken.append(f"{path} → {href}: not found")
            elif anchor and f'id="{anchor}"' not in seen[target]:
                broken.append(f"{path} → {href}: no #{anchor} there")
    assert broken == []
