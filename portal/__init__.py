"""The portal: an app factory, one blueprint per capability."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, redirect, url_for
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import access, assets, crisis_help, errors, forms, i18n, labels, logs, navigation, rendering, security
from .config import load_config
from .db import RowIdConverter, db
from .domain.risk import classifier as risk_classifier
from .limits import limiter

csrf = CSRFProtect()


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    app.config.update(load_config(app.instance_path))
    app.config.update(overrides or {})
    if app.config["TRUSTED_PROXY_HOPS"]:
        # The person's address and scheme as the trusted proxies saw them, so rate limits count
        # people rather than the proxy, and HSTS is sent when TLS ends there. With no trusted
        # proxy, X-Forwarded-* headers are anybody's words and are ignored.
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    logs.init_app(app)

    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("portal"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.i18n")

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    WTFormsHelpers(app)
    app.jinja_env.globals["error_summary_items"] = forms.error_summary_items
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.globals["memo"] = rendering.memo
    app.jinja_env.globals["signed_in_menu"] = navigation.signed_in_menu
    security.init_app(app)
    i18n.init_app(app)
    rendering.init_app(app)  # after i18n: replaces Flask-Babel's template gettext with a faster one
    access.init_app(app)
    assets.init_app(app)
    crisis_help.init_app(app)
    errors.init_app(app)

    from .blueprints import auth, chat, choice, feedback, insights, messages, pages, plans, providers, referrals, staff

    app.url_map.converters["int"] = RowIdConverter  # before any route: ids beyond INTEGER are a 404
    for module in (pages, auth, plans, staff, providers, choice, feedback, insights, chat, referrals, messages):
        app.register_blueprint(module.bp, url_prefix="/<lang>")

    @app.get("/")
    @access.audience(access.PUBLIC)
    def root():
        return redirect(url_for("pages.home", lang=i18n.best_language_for_request()))

    @app.get("/healthz")
    @access.audience(access.PUBLIC)
    def healthz():
        # "ok" only when the database answers too (one trivial query), so a proxy or an
        # orchestrator stops sending people to a portal that cannot serve them.
        try:
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
        except SQLAlchemyError as error:
            db.session.rollback()
            app.logger.warning("healthz: database unavailable: %s", type(error).__name__)
            return {"status": "database unavailable"}, 503
        # The risk classifier trains in the background after a start: until it is ready,
        # crisis words still get help at once but other writing waits for it.
        return {"status": "ok", "risk_classifier": "ready" if risk_classifier.trained() else "training"}

    from . import cli

    cli.init_app(app)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return app
