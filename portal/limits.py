"""Request rate limits (outer layer; sign-in lock-outs themselves live in the database).

Counted per client address: the peer's own, or the one trusted proxies report
(TRUSTED_PROXY_HOPS, portal/__init__.py). memory:// counts per worker, so production must
set RATELIMIT_STORAGE_URI to shared storage (redis://…; portal/config.py refuses memory://
when PORTAL_ENV=production)."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)
