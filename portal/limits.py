"""Request rate limits (outer layer; sign-in lock-outs themselves live in the database).

memory:// is per worker; production sets RATELIMIT_STORAGE_URI to Redis."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)
