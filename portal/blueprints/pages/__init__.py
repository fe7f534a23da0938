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


@bp.get("/help-in-a-crisis")
@audience(PUBLIC)
def crisis():
    return render_template("pages/crisis.html")


@bp.get("/<slug>")
@audience(PUBLIC)
def content_page(slug: str):
    page = load_page(g.lang, slug)
    fallback = False
    if page is None:
        page = load_page(DEFAULT_LANGUAGE, slug)
        fallback = page is not None and g.lang != DEFAULT_LANGUAGE
    if page is None:
        abort(404)
    easy_read = load_page(page.lang, slug, easy_read=True) is not None
    return render_template(
        "pages/content.html", page=page, fallback=fallback, has_easy_read=easy_read,
        body=page.html(crisis_placeholders()),
    )


@bp.get("/<slug>/easy-read")
@audience(PUBLIC)
def easy_read_page(slug: str):
    page = load_page(g.lang, slug, easy_read=True) or load_page(DEFAULT_LANGUAGE, slug, easy_read=True)
    if page is None:
        abort(404)
    return render_template(
        "pages/content.html", page=page, fallback=page.lang != g.lang, has_easy_read=False,
        body=page.html(crisis_placeholders()),
    )
