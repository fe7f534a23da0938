"""Security headers with a per-request CSP nonce (no 'unsafe-inline'), request ids, and a
guard that refuses input no page can use before any view sees it."""
from __future__ import annotations

import secrets
import uuid

from flask import Flask, abort, g, request


def _strings_in(value) -> list[str]:
    """Every string in a parsed JSON value, keys included (iteratively: no recursion)."""
    found, pending = [], [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def refuse_unusable_input() -> None:
    """A calm 400 (the error page in the reader's language) for input no form or page can
    take: a NUL character anywhere in the path, the query, a form or JSON (PostgreSQL cannot
    store one in text, and would otherwise fail as if the database were down), and JSON
    nested too deeply to read."""
    texts = [request.path]
    texts += [text for key, value in request.args.items(multi=True) for text in (key, value)]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        texts += [text for key, value in request.form.items(multi=True) for text in (key, value)]
        if request.is_json:
            try:
                texts += _strings_in(request.get_json(silent=True))
            except RecursionError:
                abort(400)
    if any("\x00" in text for text in texts):
        abort(400)


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _request_id():
        incoming = request.headers.get("X-Request-Id", "")
        # Accept a proxy's id only if it looks like one; never echo arbitrary input into logs.
        g.request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex

    app.before_request(refuse_unusable_input)

    @app.after_request
    def _headers(response):
        nonce = csp_nonce()
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            f"style-src 'self' 'nonce-{nonce}'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = (
                f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains"
            )
        # Personal pages must not sit in shared caches or the back-forward cache.
        if request.endpoint == "static":
            # A fingerprinted URL changes whenever the file does, so it can be kept for a year;
            # files the stylesheet names (images) are kept for a day.
            versioned = bool(request.args.get("v"))
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if versioned else "public, max-age=86400"
        elif g.get("account") is not None or g.get("personal"):
            response.headers["Cache-Control"] = "no-store"
        return response
