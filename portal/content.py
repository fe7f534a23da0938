"""Plain-language pages from `content/<lang>/<slug>.md`.

A page is YAML front matter (title, summary, sources, last_reviewed, translation_status)
and Markdown. Each `## Heading {#answer-id}` section is a named answer block, so the
assistant can give the same words as the page.
"""
from __future__ import annotations

import re
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

    def __init__(self, md, link_root: str):
        super().__init__(md)
        self.link_root = link_root

    def run(self, root: ElementTree.Element) -> None:
        self._scroll_tables(root)
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
    def __init__(self, link_root: str = "/en/"):
        super().__init__()
        self.link_root = link_root

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_GovukPage(md, self.link_root), "govuk_page", 0)


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


def render_markdown(markdown_text: str, placeholders: dict[str, str], link_root: str) -> str:
    return markdown.markdown(fill_placeholders(markdown_text, placeholders),
                             extensions=["attr_list", "tables", GovukMarkdown(link_root)])


@dataclass(frozen=True)
class AnswerBlock:
    id: str
    title: str
    markdown: str


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

    def html(self, placeholders: dict[str, str], link_root: str) -> str:
        """The page as HTML; `link_root` is the reader's language root (`/pl/`)."""
        return render_markdown(self.body_markdown, placeholders, link_root)

    def block(self, block_id: str) -> AnswerBlock | None:
        return next((b for b in self.blocks() if b.id == block_id), None)

    def blocks(self) -> list[AnswerBlock]:
        matches = list(_BLOCK.finditer(self.body_markdown))
        blocks = []
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(self.body_markdown)
            body = self.body_markdown[match.end() : end].strip()
            blocks.append(AnswerBlock(match["id"], match["title"], body))
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
