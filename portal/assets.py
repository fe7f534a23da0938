"""URLs for the compiled assets, with a content hash so they can be cached for a year, and
gzip for every text response: people on cheap phones and metered data pay for each byte."""
from __future__ import annotations

import gzip
import hashlib
from functools import cache, lru_cache
from pathlib import Path

from flask import Flask, Response, request, url_for

COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "image/svg+xml", "text/csv", "text/plain"}
MIN_SIZE = 1024

DIST = Path(__file__).resolve().parent / "static" / "dist"


@cache
def _fingerprint(name: str) -> str:
    path = DIST / name
    if not path.exists():
        return "missing"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_url(name: str) -> str:
    return url_for("static", filename=f"dist/{name}", v=_fingerprint(name))


@lru_cache(maxsize=64)
def _gzipped_static(path: str, size: int, mtime: float) -> bytes:  # size and mtime key the cache
    return gzip.compress(Path(path).read_bytes(), compresslevel=9)


def _compress(response: Response) -> Response:
    if (response.status_code != 200 or "gzip" not in request.headers.get("Accept-Encoding", "")
            or response.mimetype not in COMPRESSIBLE or response.headers.get("Content-Encoding")):
        return response
    if request.endpoint == "static":
        filename = request.view_args.get("filename", "") if request.view_args else ""
        file = (DIST.parent / filename).resolve()
        if not file.is_file() or DIST.parent not in file.parents:
            return response
        stat = file.stat()
        body = _gzipped_static(str(file), stat.st_size, stat.st_mtime)
        response.direct_passthrough = False
    else:
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        body = gzip.compress(data, compresslevel=6)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(body))
    response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["asset_url"] = asset_url

    @app.after_request
    def _compression(response: Response) -> Response:
        return _compress(response)
