"""Public pages: home, help in a crisis, and the plain-language content pages."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template

from ...access import PUBLIC, audience
from ...content import load_page
from ...i18n import DEFAULT_LANGUAGE

bp = Blueprint("pages", __name__)


def crisis_placeholders() -> dict[str, str]:
    config = current_app.config
    return {
        "local_crisis_line_name": config["CRISIS_LOCAL_LINE_NAME"],
        "local_crisis_line_number": config["CRISIS_LOCAL_LINE_NUMBER"],
    }


@bp.get("/")
@audience(PUBLIC)
def home():
    return render_template("pages/home.html")


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


@bp.get("/help-in-a-crisis")
@audience(PUBLIC)
def crisis():
    # The numbers come first, from configuration; the page's words follow.
    page, fallback = page_or_fallback("help-in-a-crisis")
    return render_template("pages/crisis.html", page=page, fallback=fallback, body=page.html(crisis_placeholders()))


@bp.get("/<slug>")
@audience(PUBLIC)
def content_page(slug: str):
    page, fallback = page_or_fallback(slug)
    easy_read = load_page(page.lang, slug, easy_read=True) is not None
    return render_template(
        "pages/content.html", page=page, fallback=fallback, has_easy_read=easy_read,
        body=page.html(crisis_placeholders()),
    )


@bp.get("/<slug>/easy-read")
@audience(PUBLIC)
def easy_read_page(slug: str):
    page, fallback = page_or_fallback(slug, easy_read=True)
    return render_template(
        "pages/content.html", page=page, fallback=fallback, has_easy_read=False,
        body=page.html(crisis_placeholders()),
    )
