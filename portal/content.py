"""Plain-language pages from `content/<lang>/<slug>.md`.

A page is YAML front matter (title, summary, sources, last_reviewed, translation_status)
and Markdown. Each `## Heading {#answer-id}` section is a named answer block, so the
assistant can give the same words as the page.

An Easy Read section names its picture on the line under its heading, with the words that
describe it in the page's own language: `![Two people talk at a table.](picture:meeting)`.
The pictures are the project's own drawings in `portal/assets/images/easy-read/<name>.svg`
(no words inside them, so one set serves every language). The page shows the picture beside
the section's words (above them on a phone); the answer blocks leave the line out.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import markdown
import yaml
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .config import REPO_ROOT

CONTENT_DIR = REPO_ROOT / "content"
SLUG = re.compile(r"^(?=.{1,80}$)[a-z0-9]+(?:-[a-z0-9]+)*$")  # bounded: a long one is no file name
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_BLOCK = re.compile(r"^## (?P<title>.+?)\s*\{#(?P<id>[a-z0-9-]+)\}\s*$", re.M)
PICTURES_DIR = Path(__file__).resolve().parent / "assets" / "images" / "easy-read"
PICTURE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\(picture:(?P<name>[a-z0-9-]+)\)[ \t]*$", re.M)
_PICTURE_SRC = re.compile(r"^picture:(?P<name>[a-z0-9-]+)$")


def picture_path(name: str) -> str:
    """Where a picture is among the built assets (`portal/static/dist/`)."""
    return f"assets/images/easy-read/{name}.svg"


def _static_picture_url(name: str) -> str:
    return f"/static/dist/{picture_path(name)}"

_CLASSES = {
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "blockquote": "govuk-inset-text",
}


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:")


class _GovukPage(Treeprocessor):
    """GOV.UK classes on every element; links to other pages resolved against the reader's
    language root (a page's links are written as slugs, `reviews`, so they keep the reader's
    language and work from any depth, Easy Read included); phone and text links read left
    to right in a right-to-left page."""

    def __init__(self, md, link_root: str, picture_url: Callable[[str], str]):
        super().__init__(md)
        self.link_root = link_root
        self.picture_url = picture_url

    def run(self, root: ElementTree.Element) -> None:
        self._scroll_tables(root)
        self._pictures(root)
        for element in root.iter():
            css = _CLASSES.get(element.tag)
            if css and "class" not in element.attrib:
                element.set("class", css)
            if element.tag != "a":
                continue
            href = element.get("href", "")
            if href.startswith(("tel:", "sms:")):
                element.set("dir", "ltr")
                element.set("class", "govuk-link app-ltr")
            elif href and not _SCHEME.match(href) and not href.startswith(("/", "#")):
                element.set("href", self.link_root + href)


    def _pictures(self, root: ElementTree.Element) -> None:
        """A paragraph that is only a picture (`![words](picture:name)`) and what follows it, up
        to the next heading, become one row: the picture (not a link), then the words. A picture
        whose drawing does not exist is left out rather than shown broken."""
        children = list(root)
        index = 0
        while index < len(children):
            element = children[index]
            image = element[0] if element.tag == "p" and len(element) == 1 else None
            match = _PICTURE_SRC.match(image.get("src", "")) if image is not None and image.tag == "img" else None
            if match is None or (element.text or "").strip() or (image.tail or "").strip():
                index += 1
                continue
            following = []
            index += 1
            while index < len(children) and children[index].tag not in ("h1", "h2", "h3"):
                following.append(children[index])
                index += 1
            position = list(root).index(element)
            root.remove(element)
            if not (PICTURES_DIR / f"{match['name']}.svg").is_file():
                continue
            row = ElementTree.Element("div", {"class": "app-easy-read"})
            frame = ElementTree.SubElement(row, "div", {"class": "app-easy-read__picture"})
            ElementTree.SubElement(frame, "img", {
                "class": "app-easy-read__image", "src": self.picture_url(match["name"]),
                "alt": image.get("alt", ""), "width": "120", "height": "120"})
            words = ElementTree.SubElement(row, "div", {"class": "app-easy-read__text"})
            for part in following:
                root.remove(part)
                words.append(part)
            root.insert(position, row)

    @staticmethod
    def _scroll_tables(root: ElementTree.Element) -> None:
        """A table scrolls sideways inside itself on a narrow phone, never the page: it sits in a
        focusable region named by the heading above it (keyboard users can scroll it too)."""
        heading_id = None
        for index, element in enumerate(list(root)):
            if element.tag in ("h2", "h3") and element.get("id"):
                heading_id = element.get("id")
            elif element.tag == "table":
                for cell in element.iter("th"):
                    if not (cell.text or "").strip() and not len(cell):
                        cell.tag = "td"  # an empty corner cell heads nothing
                region = ElementTree.Element("div", {"class": "app-table-scroll", "role": "region", "tabindex": "0"})
                if heading_id:
                    region.set("aria-labelledby", heading_id)
                root.remove(element)
                region.append(element)
                root.insert(index, region)


class GovukMarkdown(Extension):
    def __init__(self, link_root: str = "/en/", picture_url: Callable[[str], str] = _static_picture_url):
        super().__init__()
        self.link_root = link_root
        self.picture_url = picture_url

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_GovukPage(md, self.link_root, self.picture_url), "govuk_page", 0)


def fill_placeholders(markdown_text: str, placeholders: dict[str, str]) -> str:
    """Configuration into the words: `{{key}}` becomes its value; a line whose value is not
    configured (empty) is left out, so no page shows a blank where a number should be."""
    lines = []
    for line in markdown_text.split("\n"):
        for key, value in placeholders.items():
            if line is not None and "{{" + key + "}}" in line:
                line = line.replace("{{" + key + "}}", value) if value else None
        if line is not None:
            lines.append(line)
    return "\n".join(lines)


def render_markdown(markdown_text: str, placeholders: dict[str, str], link_root: str,
                    picture_url: Callable[[str], str] = _static_picture_url) -> str:
    return markdown.markdown(fill_placeholders(markdown_text, placeholders),
                             extensions=["attr_list", "tables", GovukMarkdown(link_root, picture_url)])


@dataclass(frozen=True)
class Picture:
    name: str  # portal/assets/images/easy-read/<name>.svg
    alt: str  # what it shows, in the page's language


@dataclass(frozen=True)
class AnswerBlock:
    id: str
    title: str
    markdown: str  # without its picture line
    picture: Picture | None = None


@dataclass(frozen=True)
class ContentPage:
    slug: str
    lang: str
    title: str
    summary: str
    body_markdown: str
    sources: list = field(default_factory=list)
    last_reviewed: str = ""
    translation_status: str = "reviewed"
    easy_read: bool = False

    def html(self, placeholders: dict[str, str], link_root: str,
             picture_url: Callable[[str], str] = _static_picture_url) -> str:
        """The page as HTML; `link_root` is the reader's language root (`/pl/`), `picture_url`
        gives a picture's address from its name."""
        return render_markdown(self.body_markdown, placeholders, link_root, picture_url)

    def block(self, block_id: str) -> AnswerBlock | None:
        return next((b for b in self.blocks() if b.id == block_id), None)

    def blocks(self) -> list[AnswerBlock]:
        matches = list(_BLOCK.finditer(self.body_markdown))
        blocks = []
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(self.body_markdown)
            body = self.body_markdown[match.end() : end].strip()
            picture = PICTURE.search(body)
            if picture:
                body = PICTURE.sub("", body).strip()
            blocks.append(AnswerBlock(match["id"], match["title"], body,
                                      Picture(picture["name"], picture["alt"].strip()) if picture else None))
        return blocks


def parse(path: Path, lang: str) -> ContentPage:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{path}: no front matter")
    meta = yaml.safe_load(match[1]) or {}
    slug = path.stem.removesuffix(".easy-read")
    return ContentPage(
        slug=slug,
        lang=lang,
        title=str(meta["title"]),
        summary=str(meta.get("summary", "")),
        body_markdown=match[2],
        sources=list(meta.get("sources", [])),
        last_reviewed=str(meta.get("last_reviewed", "")),
        translation_status=str(meta.get("translation_status", "reviewed")),
        easy_read=path.name.endswith(".easy-read.md"),
    )


@lru_cache(maxsize=512)  # bounded: every unknown slug a visitor types is cached too
def load_page(lang: str, slug: str, easy_read: bool = False) -> ContentPage | None:
    """The page in `lang`, or None. Slugs and languages are checked, never joined raw."""
    if not SLUG.match(slug) or not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?", lang):
        return None
    path = CONTENT_DIR / lang / (f"{slug}.easy-read.md" if easy_read else f"{slug}.md")
    if not path.is_file():
        return None
    return parse(path, lang)


def page_slugs(lang: str = "en") -> list[str]:
    folder = CONTENT_DIR / lang
    return sorted(p.stem for p in folder.glob("*.md") if not p.name.endswith(".easy-read.md"))
