"""Template rendering made cheaper without changing a byte of the pages.

1. GOV.UK Frontend macros rendered once per distinct parameters, then reused.

The govuk-frontend-jinja macros are pure: their HTML depends on nothing but their params.
They are also slow (a two-choice radio group took 0.8 ms, the feedback form's twenty radio
groups most of its 25 ms), so each process keeps the HTML of the ones it has rendered, keyed
on the params. Pages stay the same byte for byte.

Kept: the page frame (skip link, header, footer) and buttons via `memo(macro, params)` in
templates, and form widgets (portal.forms) unless they show an error, hold typed text or
name a person. Bounded: the store is emptied when it is full.

2. Templates compiled when a server process starts (portal.wsgi), not by the first request
to each page in each process (0.6 s for all of them); the compiled code is kept in
instance/jinja-bytecode, so later starts load it (0.03 s).

3. Template gettext: Flask-Babel's looks its catalogue up through four context lookups on
each call, behind two layers of Jinja wrappers (~15 µs; a page has ~80 messages). Here the
catalogue is looked up once per request and locale (force_locale switches it), with the
same newstyle semantics as Jinja's i18n extension (autoescape, always %-formatted).
`lazy_gettext` is Flask-Babel's (the same LazyString) translated through that catalogue:
labels, menus and form words are lazy strings, each rendered several times a page.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from flask import Flask, g
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from jinja2 import FileSystemBytecodeCache, pass_context
from markupsafe import Markup

MAX_ENTRIES = 1024  # a few forms and frames × 8 languages
_store: dict = {}


class Unfrozen(Exception):
    """The params hold something whose rendering the key could not pin down."""


def frozen(value):
    """A hashable copy of macro params that tells apart everything the macros render
    differently: dict order (attributes are written in order), markup or text (markup is
    not escaped; lazy strings count as markup, as Jinja treats them), types."""
    if isinstance(value, dict):
        return ("d", tuple((key, frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return ("l", tuple(frozen(item) for item in value))
    if hasattr(value, "__html__"):
        return ("m", str(value.__html__()))
    if value is None or type(value) in (str, bool, int, float):
        return (type(value).__name__, value)
    raise Unfrozen(type(value))


def remembered(name: str, params, render: Callable[[], str]) -> Markup:
    """The HTML `render()` gives for these params, rendered at most once per process."""
    try:
        key = (name, frozen(params))
    except Unfrozen:
        return Markup(render())
    html = _store.get(key)
    if html is None:
        html = Markup(render())
        if len(_store) >= MAX_ENTRIES:
            _store.clear()
        _store[key] = html
    return html


def memo(macro, params: dict) -> Markup:
    """Template global: `{{ memo(govukFooter, {...}) }}` is `{{ govukFooter({...}) }}`,
    rendered once per distinct params. Only for pure macros and params naming nobody."""
    return remembered(f"macro:{macro.name}", params, lambda: macro(params))


def _translations():
    """Flask-Babel's catalogue for the current locale, kept on its per-request context
    with the locale object it was looked up for."""
    ctx = g.get("_flask_babel") if g else None
    if ctx is not None:
        cached = getattr(ctx, "portal_translations", None)
        if cached is not None and cached[0] is not None and cached[0] is getattr(ctx, "babel_locale", None):
            return cached[1]
    translations = get_translations()  # sets ctx.babel_locale
    ctx = g.get("_flask_babel") if g else None
    if ctx is not None:
        ctx.portal_translations = (getattr(ctx, "babel_locale", None), translations)
    return translations


def _lazy_text(string: str, **variables) -> str:
    rv = _translations().ugettext(string)
    return rv % variables if variables else rv  # as Flask-Babel's gettext


def lazy_gettext(string: str, **variables) -> LazyString:
    """Flask-Babel's lazy_gettext, translated when used in the language of that moment
    (outside a request: untranslated, as Flask-Babel's), 5 times cheaper."""
    return LazyString(_lazy_text, string, **variables)


@pass_context
def gettext(__context, __string: str, **variables):
    rv = _translations().ugettext(__string)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)
    # Always a format string, as Jinja's newstyle gettext ("%%" is "%"); one with no "%" at
    # all formats to itself, so most of a page's ~100 messages skip the formatting.
    return rv % variables if variables or "%" in rv else rv


@pass_context
def ngettext(__context, __singular: str, __plural: str, __num: int, **variables):
    variables.setdefault("num", __num)
    rv = _translations().ungettext(__singular, __plural, __num)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def init_app(app: Flask) -> None:
    if not app.jinja_env.newstyle_gettext:  # the semantics above are newstyle's
        raise RuntimeError("expected Flask-Babel's newstyle gettext")
    app.jinja_env.globals.update(gettext=gettext, ngettext=ngettext, _=gettext)


def compile_templates(app: Flask) -> int:
    """Compile every template now (a server process starting), keeping the compiled code
    for the next start where the instance folder is writable; returns how many."""
    cache = Path(app.instance_path) / "jinja-bytecode"
    try:
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.access(cache, os.W_OK):
            app.jinja_env.bytecode_cache = FileSystemBytecodeCache(os.fspath(cache))
    except OSError:
        pass  # a read-only instance folder: compile in each process, as before
    names = [name for name in app.jinja_env.list_templates() if name.endswith(".html")]
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)
