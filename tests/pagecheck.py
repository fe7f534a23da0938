"""The page checker: every HTML page rendered in view tests passes these structural checks.

One h1; the <title> starts with the h1 (after an optional "Error:" prefix); ids are
unique; every form has an action, and every POST form a CSRF token; <html> has lang and dir.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageFacts:
    lang: str | None = None
    dir: str | None = None
    title: str = ""
    h1s: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    forms: list[dict] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._in_title = False
        self._h1_depth = 0
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.facts.ids.append(attrs["id"])
        if tag == "html":
            self.facts.lang, self.facts.dir = attrs.get("lang"), attrs.get("dir")
        elif tag == "title":
            self._in_title = True
        elif tag == "h1":
            self._h1_depth += 1
            self.facts.h1s.append("")
        elif tag == "form":
            self._form = {"action": attrs.get("action"), "method": (attrs.get("method") or "get").lower(), "csrf": False}
            self.facts.forms.append(self._form)
        elif tag == "input" and self._form is not None and attrs.get("name") == "csrf_token" and attrs.get("value"):
            self._form["csrf"] = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "h1":
            self._h1_depth -= 1
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._in_title:
            self.facts.title += data
        if self._h1_depth > 0:
            self.facts.h1s[-1] += data


def _squash(text: str) -> str:
    return " ".join(text.split())


def read_page(html: str) -> PageFacts:
    reader = _Reader()
    reader.feed(html)
    return reader.facts


def page_problems(html: str, *, error_prefixes: tuple[str, ...] = ("Error:",)) -> list[str]:
    facts = read_page(html)
    problems = []
    if not facts.lang:
        problems.append("<html> has no lang")
    if facts.dir not in ("ltr", "rtl"):
        problems.append("<html> has no dir")
    if len(facts.h1s) != 1:
        problems.append(f"expected one h1, found {len(facts.h1s)}")
    else:
        h1, title = _squash(facts.h1s[0]), _squash(facts.title)
        for prefix in error_prefixes:
            if title.startswith(prefix + " "):
                title = title[len(prefix) + 1 :]
                break
        if not h1 or not title.startswith(h1):
            problems.append(f"title {title!r} does not start with h1 {h1!r}")
    duplicates = sorted({i for i in facts.ids if facts.ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    for form in facts.forms:
        if not form["action"]:
            problems.append("a form has no action")
        if form["method"] == "post" and not form["csrf"]:
            problems.append(f"POST form to {form['action']} has no CSRF token")
    return problems
