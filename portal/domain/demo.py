"""Demo data (placeholder until the demo-data builder lands): one account per role."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account, AccountStatus, Client, Role, Team
from . import accounts


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str


DEMO_ACCOUNTS = [
    DemoAccount("client", "client@demo.mhisf.invalid", "demo-client-river-lantern"),
    DemoAccount("carer", "carer@demo.mhisf.invalid", "demo-carer-harbour-violet"),
    DemoAccount("staff", "staff@demo.mhisf.invalid", "demo-staff-meadow-copper"),
    DemoAccount("commissioner", "commissioner@demo.mhisf.invalid", "demo-commissioner-cedar-quartz"),
    DemoAccount("admin", "admin@demo.mhisf.invalid", "demo-admin-orchid-granite"),
]


def has_data(session: Session) -> bool:
    return session.scalar(select(Account.id).limit(1)) is not None


def build(session: Session, *, seed: int, now: dt.datetime) -> dict:
    team = Team(name="North recovery team")
    session.add(team)
    client = Client(given_name="Amina", family_name="Hussain", team=team, email=DEMO_ACCOUNTS[0].email)
    session.add(client)
    for demo in DEMO_ACCOUNTS:
        session.add(
            Account(
                email=demo.email,
                display_name=demo.role.title() + " Demo",
                password_hash=accounts.hash_password(demo.password),
                role=Role(demo.role),
                status=AccountStatus.active,
                session_token=accounts.new_session_token(),
                client=client if demo.role == "client" else None,
                team=team if demo.role == "staff" else None,
            )
        )
    session.flush()
    return {"accounts": len(DEMO_ACCOUNTS)}


def build_scale(engine, *, clients: int, seed: int) -> dict:
    raise NotImplementedError("bulk demo data comes with the demo-data builder")
