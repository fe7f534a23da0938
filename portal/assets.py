"""URLs for the compiled assets, with a content hash so they can be cached for a year."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, url_for

DIST = Path(__file__).resolve().parent / "static" / "dist"


@cache
def _fingerprint(name: str) -> str:
    path = DIST / name
    if not path.exists():
        return "missing"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_url(name: str) -> str:
    return url_for("static", filename=f"dist/{name}", v=_fingerprint(name))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["asset_url"] = asset_url
