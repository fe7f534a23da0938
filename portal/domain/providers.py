"""The directory of framework providers: search, and changes with an audit trail."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account, Provider
from . import audit

# Areas of the city used for matching providers and clients (configuration, not law).
CITY_AREAS = ["North", "North East", "East", "Central", "South", "South West", "West"]
LEVELS = (1, 2)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EDITABLE = (
    "name", "description", "levels", "languages", "communities", "areas",
    "accepting_new_clients", "typical_wait_weeks", "phone", "email", "website",
)


@dataclass(frozen=True)
class ProviderFilter:
    level: int | None = None
    language: str | None = None
    area: str | None = None


def search(session: Session, wanted: ProviderFilter) -> list[Provider]:
    """Providers matching every given filter. The directory is small (tens of rows), and
    JSON-array membership differs between SQLite and PostgreSQL, so filter in Python."""
    providers = session.scalars(select(Provider).order_by(Provider.name)).all()
    return [
        p for p in providers
        if (wanted.level is None or wanted.level in p.levels)
        and (wanted.language is None or wanted.language in p.languages)
        and (wanted.area is None or wanted.area in p.areas)
    ]


def languages_offered(session: Session) -> list[str]:
    codes = set()
    for languages in session.scalars(select(Provider.languages)):
        codes.update(languages)
    return sorted(codes)


def by_slug(session: Session, slug: str) -> Provider | None:
    if not SLUG.match(slug or ""):
        return None
    return session.scalar(select(Provider).where(Provider.slug == slug))


def slug_for(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:80] or "provider"


def save_provider(
    session: Session, provider: Provider | None, *, changes: dict, by: Account, now: dt.datetime,
    route: str | None = None, request_id: str | None = None,
) -> Provider:
    """Create or update an entry; the audit event names every field that changed."""
    creating = provider is None
    if creating:
        provider = Provider(slug=_unique_slug(session, slug_for(changes["name"])))
        session.add(provider)
    changed = [field for field in EDITABLE if field in changes and getattr(provider, field, None) != changes[field]]
    for field in changed:
        setattr(provider, field, changes[field])
    provider.updated_at = now
    session.flush()
    audit.record(
        session, actor=by, action="provider_created" if creating else "provider_updated", now=now,
        object_type="provider", object_id=f"{provider.id}:{','.join(changed)}"[:64], route=route,
        request_id=request_id,
    )
    return provider


def _unique_slug(session: Session, base: str) -> str:
    slug, n = base, 2
    while session.scalar(select(Provider.id).where(Provider.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug
