"""Easy Read in every language: a picture for every section, described in the page's own
language, served as the project's own SVG; the Easy Read pages for carers, complaints and how
we use your information in every language; and each Easy Read page linked from its full
page and back.

Pages are rendered by the app as a reader sees them; the pictures are fetched as a browser
would fetch them (from the built assets, `make assets`)."""
from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from portal.content import CONTENT_DIR, PICTURES_DIR, ContentPage, load_page, parse, render_markdown
from portal.i18n import DEFAULT_LANGUAGE, LANGUAGES

NEW_EASY_READ = ["carers", "feedback-and-complaints", "how-we-use-your-information"]
_SCRIPT = {"ar": r"[\u0600-\u06ff]", "ur": r"[\u0600-\u06ff]", "zh": r"[\u4e00-\u9fff]"}


def _easy_read_files() -> list[tuple[str, str]]:
    return sorted((path.parent.name, path.name.removesuffix(".easy-read.md"))
                  for path in CONTENT_DIR.glob("*/*.easy-read.md"))


EASY_READ_FILES = _easy_read_files()
EASY_READ_SLUGS = sorted({slug for code, slug in EASY_READ_FILES if code == DEFAULT_LANGUAGE})


def _english_alts() -> set[str]:
    return {block.picture.alt for slug in EASY_READ_SLUGS
            for block in load_page(DEFAULT_LANGUAGE, slug, easy_read=True).blocks() if block.picture}


class _Pictures(HTMLParser):
    """The <img>s inside <main>, whether each sits inside a link, and the <h2>s."""

    def __init__(self):
        super().__init__()
        self.in_main = self.in_link = 0
        self.images: list[dict] = []
        self.headings = 0

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        elif self.in_main and tag == "a":
            self.in_link += 1
        elif self.in_main and tag == "img":
            self.images.append({**dict(attrs), "in_link": bool(self.in_link)})
        elif self.in_main and tag == "h2":
            self.headings += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        elif self.in_main and tag == "a":
            self.in_link -= 1


def _pictures(html: str) -> _Pictures:
    parser = _Pictures()
    parser.feed(html)
    return parser


# ---------------------------------------------------------------------------------------
# The Markdown: one picture per section, described in the page's language

@pytest.mark.parametrize("code, slug", EASY_READ_FILES, ids=[f"{c}/{s}" for c, s in EASY_READ_FILES])
def test_every_section_names_a_picture_described_in_the_pages_language(code, slug):
    page = load_page(code, slug, easy_read=True)
    assert page is not None and page.lang == code
    english = _english_alts()
    problems = []
    for block in page.blocks():
        picture = block.picture
        if picture is None:
            problems.append(f"{block.id}: no picture")
            continue
        if not (PICTURES_DIR / f"{picture.name}.svg").is_file():
            problems.append(f"{block.id}: no drawing {picture.name}.svg")
        if not picture.alt.strip():
            problems.append(f"{block.id}: no words for the picture")
        elif code != DEFAULT_LANGUAGE and picture.alt in english:
            problems.append(f"{block.id}: the picture is described in English ({picture.alt!r})")
        elif code in _SCRIPT and not re.search(_SCRIPT[code], picture.alt):
            problems.append(f"{block.id}: the picture is not described in {code} ({picture.alt!r})")
        if len(picture.alt.split()) > 12:
            problems.append(f"{block.id}: the words for the picture are long ({picture.alt!r})")
        # The answer block (the assistant, search) is the section's words without the picture line.
        if "picture:" in block.markdown:
            problems.append(f"{block.id}: the picture line is left in the answer block")
    assert problems == []


def test_every_drawing_is_plain_svg_without_words():
    """The project's own drawings: SVG with a view box, no text (one set serves every
    language), nothing fetched from elsewhere, no script."""
    drawings = sorted(PICTURES_DIR.glob("*.svg"))
    assert drawings
    for drawing in drawings:
        svg = drawing.read_text(encoding="utf-8")
        assert svg.startswith("<svg ") and 'viewBox="0 0 120 120"' in svg, drawing.name
        assert not re.search(r"<(text|script|image|foreignObject|use)\b|href=|url\(", svg), drawing.name


def test_the_renderer_puts_the_picture_beside_the_sections_words_and_never_in_a_link(tmp_path):
    markdown_text = ("Intro.\n\n## Heading {#x-easy}\n![A calendar.](picture:calendar)\n\n"
                     "One.\n\n- two\n\n## Next {#y-easy}\n![Nothing drawn.](picture:no-such-drawing)\n\nThree.\n")
    html = render_markdown(markdown_text, {}, "/pl/", picture_url=lambda name: f"/pictures/{name}.svg")
    row = re.search(r'<div class="app-easy-read">(.*?)</div></div>', html, re.S)
    assert row, html
    assert '<img alt="A calendar." class="app-easy-read__image" height="120" src="/pictures/calendar.svg" width="120" />' in row[1]
    assert '<div class="app-easy-read__text"><p class="govuk-body">One.</p>' in row[1] and "two" in row[1]
    assert "<a " not in row[1]
    # A picture with no drawing is left out, not shown broken; the words stay.
    assert "no-such-drawing" not in html and "Nothing drawn" not in html and "Three." in html
    path = tmp_path / "x.easy-read.md"
    path.write_text(f"---\ntitle: X (Easy Read)\n---\n{markdown_text}", encoding="utf-8")
    page = parse(path, "pl")
    assert [(b.id, b.picture and b.picture.name, b.markdown.splitlines()[0]) for b in page.blocks()] == [
        ("x-easy", "calendar", "One."), ("y-easy", "no-such-drawing", "Three.")]
    assert ContentPage("x", "en", "", "", "## A {#a}\nNo picture.").blocks()[0].picture is None


# ---------------------------------------------------------------------------------------
# The pages as served: every picture shown, described, and there

@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_easy_read_page_shows_a_picture_for_every_section(client, code):
    problems, fetched = [], {}
    for slug in EASY_READ_SLUGS:
        path = f"/{code}/{slug}/easy-read"
        response = client.get(path)
        assert response.status_code == 200, path
        page = load_page(code, slug, easy_read=True) or load_page(DEFAULT_LANGUAGE, slug, easy_read=True)
        found = _pictures(response.get_data(as_text=True))
        pictures = [img for img in found.images if "app-easy-read__image" in img.get("class", "")]
        if len(pictures) != len(page.blocks()) or len(pictures) != found.headings:
            problems.append(f"{path}: {len(pictures)} pictures for {len(page.blocks())} sections")
        for img in pictures:
            if not img.get("alt", "").strip():
                problems.append(f"{path}: {img['src']} has no alt text")
            if img["in_link"]:
                problems.append(f"{path}: {img['src']} is inside a link")
            src = img["src"].replace("&amp;", "&")
            if src not in fetched:
                picture = client.get(src)
                fetched[src] = (picture.status_code, picture.mimetype)
            if fetched[src] != (200, "image/svg+xml"):
                problems.append(f"{path}: {src} answers {fetched[src]}")
        if page.lang != DEFAULT_LANGUAGE and set(img.get("alt") for img in pictures) & _english_alts():
            problems.append(f"{path}: English words for a picture on a {page.lang} page")
    assert problems == []


# ---------------------------------------------------------------------------------------
# The new Easy Read pages, in every language, and the ways to them and back

@pytest.mark.parametrize("code", list(LANGUAGES))
def test_carers_complaints_and_privacy_have_easy_read_in_every_language(code):
    for slug in NEW_EASY_READ:
        page = load_page(code, slug, easy_read=True)
        full = load_page(code, slug)
        assert page is not None, f"content/{code}/{slug}.easy-read.md is missing"
        # The same sources as the full page: Easy Read says the same facts in simpler words.
        assert page.sources == full.sources, slug
        assert page.translation_status in {"draft", "reviewed"} and re.fullmatch(r"\d{4}-\d{2}-\d{2}", page.last_reviewed)
        assert page.title.startswith(full.title.split(" (")[0].split("（")[0]), (page.title, full.title)
        assert [b.id for b in page.blocks()] == [b.id for b in load_page(DEFAULT_LANGUAGE, slug, easy_read=True).blocks()]


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_full_page_links_to_its_easy_read_and_the_easy_read_links_back(client, code):
    missing = []
    for slug in EASY_READ_SLUGS:
        full = client.get(f"/{code}/{slug}").get_data(as_text=True)
        if f'href="/{code}/{slug}/easy-read"' not in full:
            missing.append(f"/{code}/{slug} does not link to its Easy Read page")
        easy = client.get(f"/{code}/{slug}/easy-read").get_data(as_text=True)
        back = re.search(r'<a href="([^"]+)" class="govuk-back-link"[^>]*>([^<]+)</a>', easy)
        title = (load_page(code, slug) or load_page(DEFAULT_LANGUAGE, slug)).title
        if not back or back[1] != f"/{code}/{slug}" or unescape(back[2]).strip() != title:
            missing.append(f"/{code}/{slug}/easy-read does not lead back to /{code}/{slug}")
    assert missing == []


def test_search_finds_the_new_easy_read_pages(client):
    from portal.search import search

    assert ("carers", True) in {(r.slug, r.easy_read) for r in search("pl", "opiekun")}
    assert ("feedback-and-complaints", True) in {(r.slug, r.easy_read) for r in search("en", "ombudsman")}
    assert ("how-we-use-your-information", True) in {(r.slug, r.easy_read) for r in search("zh", "隐私")} | \
        {(r.slug, r.easy_read) for r in search("zh", "保存")}
