"""Public pages: home, help in a crisis, and the plain-language content pages."""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request

from ...access import PUBLIC, audience
from ...assets import asset_url
from ...content import load_page, picture_path
from ...crisis_help import placeholders
from ...i18n import DEFAULT_LANGUAGE
from ...navigation import PUBLIC_GROUPS, shown
from ...search import MAX_QUERY, search

bp = Blueprint("pages", __name__)


def _html(page) -> str:
    return page.html(placeholders(), link_root=f"/{g.lang}/",
                     picture_url=lambda name: asset_url(picture_path(name)))


def _groups():
    return [(group, [shown(link, g.lang) for link in group.links]) for group in PUBLIC_GROUPS]


@bp.get("/")
@audience(PUBLIC)
def home():
    return render_template("pages/home.html", groups=_groups())


@bp.get("/site-map")
@audience(PUBLIC)
def site_map():
    return render_template("pages/site_map.html", groups=_groups())


@bp.get("/search")
@audience(PUBLIC)
def search_page():
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    return render_template("pages/search.html", query=query, results=search(g.lang, query) if query else None)


@bp.get("/status")
@audience(PUBLIC)
def status():
    """A minimal page: the baseline the benchmarks compare heavier pages with."""
    return render_template("pages/status.html")


def page_or_fallback(slug: str, easy_read: bool = False):
    """The page in the reader's language, else English (the template says so)."""
    page = load_page(g.lang, slug, easy_read) or load_page(DEFAULT_LANGUAGE, slug, easy_read)
    if page is None:
        abort(404)
    return page, page.lang != g.lang


def has_easy_read(slug: str) -> bool:
    """Whether the page has an Easy Read version, in the reader's language or else English
    (the Easy Read page says when it is shown in English)."""
    return any(load_page(lang, slug, easy_read=True) is not None for lang in (g.lang, DEFAULT_LANGUAGE))


@bp.get("/help-in-a-crisis")
@audience(PUBLIC)
def crisis():
    # The numbers are the page's own blocks, filled from configuration (portal.crisis_help).
    page, fallback = page_or_fallback("help-in-a-crisis")
    return render_template("pages/crisis.html", page=page, fallback=fallback, body=_html(page),
                           has_easy_read=has_easy_read("help-in-a-crisis"))


@bp.get("/<slug>")
@audience(PUBLIC)
def content_page(slug: str):
    page, fallback = page_or_fallback(slug)
    return render_template(
        "pages/content.html", page=page, fallback=fallback, has_easy_read=has_easy_read(slug),
        body=_html(page),
    )


@bp.get("/<slug>/easy-read")
@audience(PUBLIC)
def easy_read_page(slug: str):
    page, fallback = page_or_fallback(slug, easy_read=True)
    full_page, _ = page_or_fallback(slug)  # the way back: a back link named by the full page's title
    return render_template(
        "pages/content.html", page=page, fallback=fallback, has_easy_read=False,
        body=_html(page), full_page=full_page,
    )
