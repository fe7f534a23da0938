"""Error pages in the reader's language; never a stack trace."""
from __future__ import annotations

from flask import Flask, g, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from .db import db

_PAGES = {
    400: (_l("Sorry, there is a problem with that request"), _l("Go back and try again.")),
    403: (_l("You cannot see this page"), _l("Your account does not give you access to this page.")),
    404: (_l("Page not found"), _l("If you typed the web address, check it is correct.")),
    405: (_l("Page not found"), _l("If you typed the web address, check it is correct.")),
    413: (_l("What you sent is too large"), _l("Go back, make your answer shorter and try again.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes, then try again.")),
    500: (_l("Sorry, there is a problem with the service"), _l("Try again later.")),
    503: (
        _l("Sorry, the service is unavailable"),
        _l("You will be able to use the service later. Nothing you sent has been half saved."),
    ),
}


def _render(status: int, title=None, body=None):
    default_title, default_body = _PAGES.get(status, _PAGES[500])
    g.personal = True  # error pages never go into shared caches
    return (
        render_template("error.html", title=title or default_title, body=body or default_body, status=status),
        status,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return _render(
            400,
            _l("Your form has expired"),
            _l("For your security, forms stop working after a while. Go back, reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return _render(error.code or 500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database_unavailable(error):
        app.logger.error("database unavailable: %s: %s", type(error).__name__, str(error).splitlines()[0][:200])
        db.session.rollback()
        return _render(503)

    @app.errorhandler(Exception)
    def _unexpected(error):
        app.logger.exception("unhandled error")
        return _render(500)
