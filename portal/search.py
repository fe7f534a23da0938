"""Search over the content pages, in the reader's language.

A small index built once per process from `content/<lang>/` (about 200 pages): each page's
title, summary and answer blocks, normalised as the risk detector's text is not (only case,
accents and Arabic-script letter forms: a search should forgive spelling, not meaning). A
word matches where it appears inside the text, so Arabic prefixes and Polish endings still
match; Chinese, written without spaces, is matched in pairs of characters.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .content import CONTENT_DIR, load_page
from .i18n import LANGUAGES

MAX_QUERY = 200  # characters: a search is a few words
MAX_TERMS = 10
MAX_RESULTS = 20
_CJK = re.compile(r"[\u3400-\u9fff]")
_ARABIC_FORMS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا"})


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_ARABIC_FORMS))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^\w\s]", " ", kept)


def terms(query: str) -> list[str]:
    found: list[str] = []
    for word in normalise(query[:MAX_QUERY]).split():
        if _CJK.search(word) and len(word) > 2:
            found.extend(word[i:i + 2] for i in range(len(word) - 1))
        elif len(word) > 1 or _CJK.search(word):
            found.append(word)
    return list(dict.fromkeys(found))[:MAX_TERMS]


@dataclass(frozen=True)
class Entry:
    slug: str
    easy_read: bool
    title: str
    summary: str
    block_id: str  # the answer block that matched best, or "" for the page as a whole
    text: str  # normalised words of that part


@dataclass(frozen=True)
class Result:
    slug: str
    easy_read: bool
    title: str
    summary: str
    block_id: str
    block_title: str


@cache
def index(lang: str) -> tuple[tuple[Entry, ...], dict[tuple[str, bool, str], str]]:
    """The language's entries, and each block's title by (slug, easy read, block id)."""
    entries, block_titles = [], {}
    folder = CONTENT_DIR / lang
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        easy_read = path.name.endswith(".easy-read.md")
        page = load_page(lang, path.name.removesuffix(".md").removesuffix(".easy-read"), easy_read)
        if page is None:
            continue
        whole = normalise(f"{page.title} {page.summary}")
        entries.append(Entry(page.slug, easy_read, page.title, page.summary, "", whole))
        for block in page.blocks():
            block_titles[(page.slug, easy_read, block.id)] = block.title
            entries.append(Entry(page.slug, easy_read, page.title, page.summary, block.id,
                                 normalise(f"{block.title} {block.markdown}")))
    return tuple(entries), block_titles


def build_indexes() -> None:
    for lang in LANGUAGES:
        index(lang)


def search(lang: str, query: str) -> list[Result]:
    """Pages in `lang` matching the words of `query`, best first: a page's title and summary
    count most, then a block with the words; one result per page, pointing at that block."""
    wanted = terms(query)
    if not wanted:
        return []
    # Every word must be there; of Chinese pairs of characters, most (a question's own
    # wording joins pairs the page never has, as 者能 in 照顾者能看到什么).
    pairs = [term for term in wanted if _CJK.search(term)]
    words = [term for term in wanted if term not in pairs]
    enough_pairs = math.ceil(len(pairs) * 0.6)
    entries, block_titles = index(lang)
    best: dict[tuple[str, bool], tuple[int, Entry]] = {}
    for entry in entries:
        if not all(word in entry.text for word in words):
            continue
        found_pairs = sum(pair in entry.text for pair in pairs)
        if found_pairs < enough_pairs:
            continue
        score = found_pairs + (3 if not entry.block_id else 1) + (0 if entry.easy_read else 1)
        key = (entry.slug, entry.easy_read)
        if key not in best or score > best[key][0]:
            best[key] = (score, entry)
    ranked = sorted(best.values(), key=lambda found: (-found[0], found[1].title))[:MAX_RESULTS]
    return [Result(e.slug, e.easy_read, e.title, e.summary, e.block_id,
                   block_titles.get((e.slug, e.easy_read, e.block_id), "")) for _, e in ranked]
