"""The demo sign-ins (one per role, with published passwords) and the staff the city employs."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import two_factor
from ..models import Account, CarerScope


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    # Published, like the password: staff, commissioners and admins need the second step.
    totp_secret: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("client", "client@demo.mhisf.invalid", "demo-client-river-lantern"),
    DemoAccount("carer", "carer@demo.mhisf.invalid", "demo-carer-harbour-violet"),
    DemoAccount("staff", "staff@demo.mhisf.invalid", "demo-staff-meadow-copper", "MHISFDEMOSTAFFMEADOWCOPPERA23456"),
    DemoAccount("commissioner", "commissioner@demo.mhisf.invalid", "demo-commissioner-cedar-quartz",
                "MHISFDEMOCOMMISSIONERCEDARQUARTZ"),
    DemoAccount("admin", "admin@demo.mhisf.invalid", "demo-admin-orchid-granite", "MHISFDEMOADMINORCHIDGRANITE23456"),
]
DEMO_EMAIL_DOMAIN = "demo.mhisf.invalid"
DEMO_CARER_SCOPES = [CarerScope.plan, CarerScope.goals, CarerScope.reviews, CarerScope.feedback, CarerScope.messages]

STAFF = {  # fictional social care staff; the first North name is the demo staff account
    "North team": ["Jo Whitfield", "Kamran Aziz", "Bethany Cole"],
    "East and Central team": ["Nadia Rahman", "Tom Hadfield", "Grace Osei"],
    "South team": ["Ewan Fletcher", "Kasia Nowicka", "Rebecca Lowe"],
    "West team": ["Mei Lin Chau", "Owen Pritchard", "Sadia Begum"],
}
OTHER_ACCOUNTS = {"commissioner": ["Priya Raman", "Helen Dyson"], "admin": ["Chris Morley"]}


def demo_email(role: str) -> str:
    """The published sign-in of a role."""
    return next(d.email for d in DEMO_ACCOUNTS if d.role == role)


def enrol_two_factor(session: Session, *, secret_key: str, now: dt.datetime) -> None:
    """Two-step sign-in on for the demo sign-ins that have a published secret (the secret is
    encrypted with this instance's SECRET_KEY, so it is done where the key is known). Those
    that have it on already are left as they are."""
    for demo in DEMO_ACCOUNTS:
        account = session.scalar(select(Account).where(Account.email == demo.email))
        if demo.totp_secret and account is not None and two_factor.secret_of(account, secret_key) is None:
            account.totp_secret = two_factor.encrypt_secret(demo.totp_secret, secret_key)
            account.totp_confirmed_at = now
    session.flush()
