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


class _GovukClasses(Treeprocessor):
    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            css = _CLASSES.get(element.tag)
            if css and "class" not in element.attrib:
                element.set("class", css)


class GovukMarkdown(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_GovukClasses(md), "govuk_classes", 0)


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

    def html(self, placeholders: dict[str, str]) -> str:
        text = self.body_markdown
        for key, value in placeholders.items():
            text = text.replace("{{" + key + "}}", value)
        return markdown.markdown(text, extensions=["attr_list", "tables", GovukMarkdown()])

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
