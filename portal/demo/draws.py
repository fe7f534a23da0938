"""Seeded draws and timestamps shared by the builders."""
from __future__ import annotations

import datetime as dt
import random
import uuid


def at(day: dt.date, minutes: int = 9 * 60) -> dt.datetime:
    """A UTC time on `day`, `minutes` after midnight."""
    return dt.datetime.combine(day, dt.time(0), dt.UTC) + dt.timedelta(minutes=minutes)


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]
