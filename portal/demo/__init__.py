"""A deterministic synthetic city for demos, tests and benchmarks.

Demo data is not a domain rule: this package sits beside `portal.domain`, may import the
domain and the models, and nothing in the domain imports it.

Everything here is invented: people, addresses, providers and feedback. Providers carry
"(fictional)" in their names, use reserved example.org addresses and the Ofcom range kept for
drama (0114 496 0xxx); client phones use the drama mobile range (07700 900xxx).

`build` makes about 300 clients of a city the size of Sheffield, with two years of history
dated from `now.date()`, so the data stays current: the same seed on the same date gives the
same data (password hashes and session tokens excepted: they stay random secrets).

Conventions (the plan rules must agree with them):
- A support block runs 12 months: block_end = block_start + 12 months - 1 day; the next
  block starts the day after. The annual review is due on block_end, and an open plan's
  next_review_due = block_end (an overdue review is one whose block_end has passed without
  a completed review, so the plan still shows the old block).
- Level 1 time runs from level_1_started_on (the first Level 1 start) across blocks: the aim
  is discharge within 12 months, 24 at most. Level 2 plans keep level_1_started_on empty.
- A plan's own level, status, arrangement, provider and block are those of its latest version.

`build_scale` bulk-inserts many more clients with SQLAlchemy Core, for benchmarks.

Modules: `accounts` (the demo sign-ins, staff names), `places` (areas, teams, streets,
providers), `people` (heritages, names, languages), `words` (goals and notes in people's
words), `feedback` (reasons, comments, answers from a score), `history` (a client's blocks,
levels and reviews), `plan_story` (one client's plan rows from their history), `messages`
(conversations with the teams), `city` (the builder), `scale` (bulk rows for benchmarks),
`draws` (seeded helpers).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account
from .accounts import DEMO_ACCOUNTS, DEMO_CARER_SCOPES, DEMO_EMAIL_DOMAIN, DemoAccount, enrol_two_factor
from .city import build
from .feedback import NAMES_IN_TEXT
from .people import LANGUAGES
from .places import AREA_TEAM, AREAS, TEAMS
from .scale import build_scale

__all__ = [
    "AREAS", "AREA_TEAM", "DEMO_ACCOUNTS", "DEMO_CARER_SCOPES", "DEMO_EMAIL_DOMAIN", "DemoAccount",
    "LANGUAGES", "NAMES_IN_TEXT", "TEAMS", "build", "build_scale", "enrol_two_factor", "has_data",
]


def has_data(session: Session) -> bool:
    """Whether the database has any account (so `demo-data --if-empty` leaves it alone)."""
    return session.scalar(select(Account.id).limit(1)) is not None
