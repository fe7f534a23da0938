"""Languages, the locale in the URL, text direction and Babel formatting.

The language is the first path segment (`/ar/...`) so a translated page can be shared;
Accept-Language only chooses where a visitor lands on their first visit to `/`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import yaml
from babel import Locale, UnknownLocaleError
from babel.numbers import parse_pattern
from flask import Flask, abort, current_app, g, request, url_for
from flask_babel import Babel, format_date, format_decimal, format_time, get_locale, get_timezone, gettext
from markupsafe import Markup, escape

from .config import DEFAULT_SERVICE_NAME, REPO_ROOT


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str  # the switcher names each language in itself
    english_name: str
    direction: str = "ltr"
    babel_locale: str | None = None  # CLDR locale for dates and numbers when not the code

    @property
    def formatting_locale(self) -> str:
        return self.babel_locale or self.code


LANGUAGES_FILE = REPO_ROOT / "translations" / "languages.yml"


def _read_languages() -> dict[str, Language]:
    """translations/languages.yml: the one list of the portal's languages, shared with the
    checks and the assistant's build (README: "Adding a language")."""
    entries = yaml.safe_load(LANGUAGES_FILE.read_text(encoding="utf-8"))
    return {entry["code"]: Language(**entry) for entry in entries}


LANGUAGES: dict[str, Language] = _read_languages()
DEFAULT_LANGUAGE = "en"

babel = Babel()


def current_language() -> Language:
    return LANGUAGES.get(g.get("lang", DEFAULT_LANGUAGE), LANGUAGES[DEFAULT_LANGUAGE])


def language_name(code: str) -> str:
    """A language's name in the reader's language (Babel's CLDR data), or the code itself."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


def _as_date(value):
    """Dates kept in JSON (plan version snapshots) arrive as ISO strings."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _date_in_locale(value, width: str) -> str:
    return _formatted_date(value, width, *_locale_and_zone())


def _locale_and_zone() -> tuple[str, str]:
    """The current locale and time zone as text, kept on Flask-Babel's per-request context
    with the locale they were read for (force_locale switches it): a record page shows a
    dozen dates, and reading both through Flask-Babel cost most of each date's time."""
    ctx = g.get("_flask_babel") if g else None
    cached = getattr(ctx, "portal_locale_and_zone", None)
    if cached is not None and cached[0] is not None and cached[0] is getattr(ctx, "babel_locale", None):
        return cached[1]
    found = (str(get_locale()), str(get_timezone()))  # sets ctx.babel_locale
    ctx = g.get("_flask_babel") if g else None
    if ctx is not None:
        ctx.portal_locale_and_zone = (getattr(ctx, "babel_locale", None), found)
    return found


@lru_cache(maxsize=4096)
def _formatted_date(value, width: str, _locale: str, _timezone: str) -> str:
    """Babel's formatting (time zone, pattern) costs more than the rest of a date's
    rendering, and record pages show the same dates on every visit: cached, keyed by what
    the text depends on (the locale and time zone are the current request's)."""
    return format_date(_as_date(value), width)


@lru_cache(maxsize=4096)
def _formatted_moment(value: dt.datetime, _locale: str, _timezone: str) -> str:
    """A moment (a message's) as its date and time of day, cached as dates are: a
    conversation shows every message's time on every visit."""
    return f"{format_date(value, 'long')}, {format_time(value, 'short')}"


# Parsed once (Babel parses a pattern given as text on every call): pounds and pence, the
# digits grouped by the reader's locale.
POUNDS = parse_pattern("#,##0.00")


def ltr(text) -> Markup:
    return Markup('<span class="app-ltr" dir="ltr">%s</span>') % escape(text)


def switch_language_url(code: str) -> str:
    """The same page in another language (the home page where there is no such page)."""
    endpoint = request.endpoint
    if endpoint and request.url_rule and "lang" in request.url_rule.arguments and "GET" in request.url_rule.methods:
        args = {**request.args.to_dict(), **(request.view_args or {}), "lang": code}
        return url_for(endpoint, **args)
    return url_for("pages.home", lang=code)


def best_language_for_request() -> str:
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT_LANGUAGE)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(REPO_ROOT / "translations"))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    babel.init_app(app, locale_selector=lambda: current_language().formatting_locale)

    @app.url_value_preprocessor
    def _pull_lang(_endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")
            g.lang_in_url = True

    @app.url_defaults
    def _add_lang(endpoint, values):
        if "lang" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang"):
            return
        values["lang"] = current_language().code

    @app.before_request
    def _unknown_language_is_not_found():
        if g.get("lang_in_url") and g.lang not in LANGUAGES:
            g.lang = DEFAULT_LANGUAGE  # the 404 page itself renders in the default language
            abort(404)

    # Dates and numbers follow the reader's locale; in right-to-left pages they are isolated
    # left to right so digits and phone numbers read correctly.
    app.jinja_env.filters["long_date"] = lambda value: ltr(_date_in_locale(value, "long")) if value else ""
    app.jinja_env.filters["short_date"] = lambda value: ltr(_date_in_locale(value, "medium")) if value else ""
    app.jinja_env.filters["number"] = lambda value: ltr(format_decimal(value))
    # A moment (a message's), in the council's time zone.
    app.jinja_env.filters["date_and_time"] = lambda value: ltr(
        _formatted_moment(value, *_locale_and_zone())) if value else ""
    # Money is kept in whole pence; shown in pounds with the £ sign in every language (some
    # locales would write "GBP"), the digits grouped as the reader's locale groups them.
    app.jinja_env.filters["pounds"] = lambda pence: ltr("£" + format_decimal(pence / 100, format=POUNDS))
    app.jinja_env.filters["ltr"] = ltr
    app.jinja_env.filters["language_name"] = language_name

    @app.context_processor
    def _language_context():
        lang = current_language()
        return {"language": lang, "languages": LANGUAGES.values(), "switch_language_url": switch_language_url,
                "service_name": service_name}


def service_name() -> str:
    """The service's name in the reader's language: a council that sets SERVICE_NAME gets
    its own words as written (there is no catalog entry for them)."""
    configured = current_app.config["SERVICE_NAME"]
    return gettext("Mental health independence and support") if configured == DEFAULT_SERVICE_NAME else configured
