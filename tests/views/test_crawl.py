"""Following links as a reader does: from a role's first page, every link the portal offers
that person opens (no 403 for a link they were shown, no 404, no error), and the pages stay
within the reader's language."""
from __future__ import annotations

import re
from collections import deque

import pytest

from portal.content import CONTENT_DIR, page_slugs
from portal.i18n import LANGUAGES
from portal.navigation import content_slugs

_HREF = re.compile(r'<a [^>]*href="([^"#]*)[^"]*"')
_SKIP = re.compile(r"/(sign-out|download|export)|\.(csv|xlsx)$")


def crawl(client, start: str, *, prefix: str, limit: int = 400, leaves: tuple[str, ...] = ()) -> dict[str, tuple[int, str]]:
    """Every page reachable from `start` through links under `prefix`: {path: (status, linked from)}.
    Pages under `leaves` are opened but their links not followed (a directory's many entries)."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque([(start, "start")])
    while queue and len(seen) < limit:
        path, source = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = (response.status_code, source)
        if response.status_code != 200 or not response.content_type.startswith("text/html") or path.startswith(leaves):
            continue
        for href in _HREF.findall(response.get_data(as_text=True)):
            href = href.replace("&amp;", "&")
            if href.startswith(prefix) and not _SKIP.search(href) and href not in seen:
                queue.append((href, path))
    return seen


@pytest.mark.parametrize("role", ["client", "carer", "staff", "commissioner", "admin"])
def test_every_link_a_signed_in_person_is_shown_opens(client, sign_in, role):
    sign_in(role)
    pages = crawl(client, "/en/account", prefix="/en/", limit=150)
    broken = {path: found for path, found in pages.items() if found[0] not in (200, 302)}
    assert broken == {}


PORTAL_PAGES = ["", "help-in-a-crisis", "providers", "feedback", "feedback/share", "site-map", "chat", "sign-in"]


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_public_page_is_reached_from_the_home_page(client, code):
    """WCAG 2.4.5: every content page (Easy Read too) and the public portal pages, in every
    language, by following links from /<lang>/; and no link on the way is broken."""
    pages = crawl(client, f"/{code}/", prefix=f"/{code}/", leaves=(f"/{code}/providers/",))
    broken = {path: found for path, found in pages.items() if found[0] != 200}
    assert broken == {}
    easy = [p.name.removesuffix(".easy-read.md") for p in (CONTENT_DIR / "en").glob("*.easy-read.md")]
    wanted = ({f"/{code}/{slug}" for slug in [*page_slugs("en"), *PORTAL_PAGES]}
              | {f"/{code}/{slug}/easy-read" for slug in easy})
    assert sorted(wanted - set(pages)) == []


def test_the_navigation_groups_every_content_page():
    """A new content page must be placed in a group (portal.navigation), or nobody finds it."""
    assert set(page_slugs("en")) - {"help-in-a-crisis"} <= content_slugs()
